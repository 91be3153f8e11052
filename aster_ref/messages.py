"""Every user-facing message, defined once.

The docs quote five of these word for word (see ``QUOTED``); the doc-test harness
reproduces each situation and checks the text. The SDK prelude runs in another
interpreter, so ``aster_ref.sdk`` renders these constants into it instead of
repeating the strings.
"""

# --- Quoted by the docs -------------------------------------------------------
AIOHTTP_REQUIRED = "Error: aiohttp is required. Install it with: pip install aiohttp"
# detail is str() of aiohttp's ClientConnectorError:
# "Cannot connect to host localhost:8080 ssl:default [Connect call failed ('127.0.0.1', 8080)]"
CONNECTION_ERROR = "Connection error: {detail}"
EXECUTION_TIMEOUT = "execution timeout"
TOOL_FAILED = "Tool {tool} failed: {error}"
FILE_NOT_FOUND = "file not found: {path}"
TOOL_NOT_ALLOWED = "Tool {tool} is not allowed in code_execution context"

QUOTED: dict[str, str] = {
    "AIOHTTP_REQUIRED": AIOHTTP_REQUIRED,
    "CONNECTION_ERROR": CONNECTION_ERROR,
    "EXECUTION_TIMEOUT": EXECUTION_TIMEOUT,
    "TOOL_FAILED": TOOL_FAILED,
    "TOOL_NOT_ALLOWED": TOOL_NOT_ALLOWED,
}

# --- Runtime ------------------------------------------------------------------
PYTHON_TOO_OLD = (
    "Error: Python {minimum}+ is required to run PTC code, but {executable} is Python {version}. "
    "Point the runtime at a newer interpreter (aster-ref run --python PATH)."
)
PYTHON_NOT_FOUND = "Error: Python interpreter not found: {python}"
WORK_DIR_NOT_FOUND = "Error: work directory not found: {work_dir}"
OUTPUT_TRUNCATED = "\n... [output truncated: more than {limit} bytes]"
EXIT_STATUS = "exit status {code}"
BAD_TOOL_NAME = "tool name {tool!r} is not a Python identifier, so code cannot call it"

# --- Workspace and built-in tools ---------------------------------------------
PATH_ESCAPES_ROOT = "path escapes workspace root: {path} (root: {root}); use a path inside the root"
IS_A_DIRECTORY = "is a directory, not a file: {path}"
CANNOT_ACCESS = "cannot access {path}: {reason}"
NOT_A_DIRECTORY = "not a directory: {path}"
INVALID_REGEX = "invalid regular expression {pattern!r}: {error}"
INVALID_GLOB = "invalid glob pattern {pattern!r}: {error}"
COMMAND_TIMEOUT = "command timed out after {seconds:g} s: {command}"
INVALID_INPUT = "invalid input for {tool}: {error}"
READ_RANGE_INVALID = "offset must be 1 or more and limit 0 or more (got offset={offset}, limit={limit})"

# --- Registry and bridge ------------------------------------------------------
UNKNOWN_TOOL = "unknown tool: {tool}"
NO_HANDLER = "tool {tool} in {source} has no built-in handler (built-ins: {builtins})"

# --- HTTP bridge server ---------------------------------------------------------
LISTENING = "HTTP Bridge Server listening on {address}"
CALLING_TOOL = "Calling tool {tool} with input {input}"
LISTEN_FAILED = "Error: cannot listen on {address}: {reason}"
BAD_JSON = "request body is not valid JSON: {error}"
BODY_NOT_OBJECT = "request body must be a JSON object"
MISSING_TOOL = 'request body needs a "tool" field naming the tool to call (a non-empty string)'
INPUT_NOT_OBJECT = '"input" must be a JSON object, for example {"path": "test.txt"}'
MISSING_SCHEMA_NAME = "query parameter 'name' is required, for example /tools/schema?name=Read"
BODY_TOO_LARGE = "request body is larger than the {limit} byte limit"
METHOD_NOT_ALLOWED = "method {method} not allowed on {path}; use {allowed}"
NOT_FOUND = "no endpoint {path}; endpoints: /health, /tools/list, /tools/schema, /tools/call, /tools/batch"
HOST_NOT_ALLOWED = "Host header {host!r} is not allowed; use localhost or start the bridge with --host {host_name}"
UNAUTHORIZED = "missing or wrong bearer token; send the header 'Authorization: Bearer <token>'"
RESULT_NOT_JSON = "tool {tool} returned a result that cannot be sent as JSON: {error}"

# --- SDK ------------------------------------------------------------------------
BRIDGE_HTTP_ERROR = "Bridge error: HTTP {status}: {error}"
BRIDGE_TIMEOUT = "Bridge error: no answer within {seconds:g} s from {url}"

# --- CLI ------------------------------------------------------------------------
BAD_JSON_ARGUMENT = "Error: {what} is not valid JSON: {error}"
JSON_ARGUMENT_NOT_OBJECT = "Error: {what} must be a JSON object"
SCHEMA_WITHOUT_NAME = 'every schema needs a "name": the built-in tool it describes'
SERVER_ALREADY_STARTED = "the bridge is already listening on {address}; call shutdown() before starting it again"
SCHEMAS_FILE_INVALID = "Error: cannot use schemas file {path}: {error}"
ROOT_INVALID = "Error: cannot use --root {root}: {reason}"
ALLOW_UNKNOWN = "Error: --allow {tool}: {error}"
WRAPPED_WITH_TOOLS_OR_INPUT = (
    "Error: --wrapped runs the file as is; give --tools and --input to `aster-ref wrap` instead"
)
NOT_A_POSITIVE_INTEGER = "must be a positive whole number of bytes, not {value!r}"

# --- Limits and hostile input ---------------------------------------------------
NUL_IN_PATH = "path contains a NUL character: {path!r}"
NOT_A_REGULAR_FILE = "{path} is {kind}, not a regular file; the file tools only read and write regular files"
FILE_KINDS = {
    "fifo": "a FIFO (named pipe)",
    "char": "a character device",
    "block": "a block device",
    "socket": "a socket",
    "other": "a special file",
}
HARD_LINKED = (
    "{path} has {links} hard links; the file tools refuse hard-linked files, since another link may lie "
    "outside the workspace (copy the file to give it a single link)"
)
FILE_TOO_LARGE = (
    "{path} is {size} bytes, over the {limit} byte limit for reading a file; "
    "raise it with the environment variable {env} when starting the bridge"
)
CONTENT_NOT_UTF8 = "'content' cannot be written as UTF-8: {error}"
GLOB_NOT_RELATIVE = "patterns are relative to the workspace root: no leading '/' and no '..'"
SEARCH_STOPPED = "{tool} stopped under {path}: {reason}; search a narrower path or pattern"
SEARCH_TOO_MANY_ENTRIES = "more than {limit} directory entries"
SEARCH_TOO_SLOW = "more than the {seconds:g} s time limit"
SEARCH_TOO_DEEP = "directories nested more than {depth} deep"
BAD_HEADER = "header {header} is not UTF-8 text; send it in plain ASCII"
BODY_UNREADABLE = "request body cannot be read: {error}"
BODY_TIMEOUT = "request body not received within {seconds:g} s; send the whole body at once (check Content-Length)"
EXPECT_UNSUPPORTED = "Expect: {expect} is not supported; send no Expect header, or Expect: 100-continue"
JSON_TOO_DEEP = "request body is nested deeper than {limit} levels"
TOO_MANY_CONNECTIONS = "the bridge has {limit} connections open, all busy; retry shortly"
INTERNAL_ERROR = "internal error in the bridge: {error} (details in the bridge's log)"
LOG_SUPPRESSED = " [{count} similar messages suppressed in the last {seconds:g} s]"

# --- Warm runtime, hard timeout, aster-ref run through aster-ref serve (perf) ----
PYTHON_CANNOT_RUN = "Error: cannot run the Python interpreter {python}: {reason}"
RUNTIME_UNAVAILABLE = "Error: the runtime could not start the code: its warm parent process exited twice in a row"
RUN_SUPERVISOR_LOST = "Error: the process supervising the run was killed, so its exit status is unknown"
RUN_SOCKET_CLOSED = "Error: aster-ref serve closed the run socket without an answer"
RUN_SOCKET_DIR_UNSAFE = "{path} must be a directory of this user that no one else may open (mode 0700)"
RUN_SOCKET_UNAVAILABLE = "no run socket at {path} ({reason}); aster-ref run will start its own interpreter"
RUN_REQUEST_INVALID = "Error: not a run request: {error}"
BATCH_CALLS_INVALID = 'request body needs "calls": a list of 1 to {limit} calls, each {{"tool": ..., "input": {{...}}}}'
BATCH_ENDED_EARLY = "the bridge ended its answer to a batch of calls before this call's result"

# --- Hostile input, CLI and run socket (phase 2 fixes) ---------------------------
PATH_NOT_ENCODABLE = "path cannot be a file name: {path!r} ({error})"
RUN_REQUEST_NOT_OBJECT = "the request must be a JSON object"
RUN_PROTOCOL_MISMATCH = "protocol version {version!r}; this serve speaks {expected}"
RUN_LIMITS_NOT_POSITIVE = "timeout and max_output must be positive"
RUN_TOOLS_NOT_NAMES = '"tools" must be a list of tool names'
RUN_FAILED = "Error: aster-ref serve could not run the code: {error}"
ENV_INVALID = "Error: environment variable {env} {error}"
BRIDGE_URL_INVALID = (
    "Error: --bridge-url {url!r} is not a bridge address; give http://HOST:PORT, e.g. http://localhost:8080"
)
SCHEMAS_NOT_A_LIST = "expected a JSON list of tool schemas"
UNKNOWN_CALLERS = "unknown allowed_callers {callers} for {tool}; use {known}"
INPUT_REQUIRED = "{name!r} is required"
INPUT_WRONG_TYPE = "{name!r} must be of type {types}, got {got}"
