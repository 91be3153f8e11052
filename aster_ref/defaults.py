"""Defaults shared by the CLI, the runtime, the server and the SDK prelude.

Plain constants with no imports, so ``aster-ref run`` can build its parser without importing aiohttp, and the
SDK prelude can inline them (see ``aster_ref.sdk``).
"""

# The bridge
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8080
URL_ENV = "ASTER_BRIDGE_URL"
TOKEN_ENV = "ASTER_BRIDGE_TOKEN"
DEFAULT_BRIDGE_URL = "http://localhost:8080"
LOG_LEVELS = ("debug", "info", "warning", "error")  # aster-ref serve --log-level
# Calls in one request to /tools/batch; the SDK sends more calls of one tick as several batches.
MAX_BATCH_CALLS = 1000

# The runtime; they mirror the Go host.
DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_OUTPUT = 1024 * 1024  # per stream, in bytes
DEFAULT_MAX_CONCURRENCY = 10
