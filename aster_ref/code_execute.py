"""CodeExecute: the host-side entry point that runs PTC code against a registry's tools."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from .bridge import ToolBridge
from .defaults import DEFAULT_BRIDGE_URL
from .runtime import ExecutionResult, PythonRuntime, RuntimeConfig
from .schema import CODE_EXECUTION, Registry
from .server import HTTPBridgeServer

if TYPE_CHECKING:
    from typing_extensions import Self


class CodeExecute:
    """Starts the HTTP bridge on first use, then runs code with every code-callable tool injected.

    ``bridge_url`` says where the bridge listens (port 0: any free port; the URL is updated).
    """

    def __init__(
        self,
        registry: Registry,
        runtime: PythonRuntime | None = None,
        *,
        bridge_url: str = DEFAULT_BRIDGE_URL,
        token: str | None = None,
    ) -> None:
        self.registry = registry
        self.runtime = runtime or PythonRuntime(RuntimeConfig())
        self.bridge_url = bridge_url
        self.token = token
        self.server: HTTPBridgeServer | None = None
        # Concurrent first executions must share one bridge, not each start (and leak) their own.
        self._starting = asyncio.Lock()

    def set_bridge_url(self, url: str) -> None:
        self.bridge_url = url

    async def ensure_bridge(self) -> HTTPBridgeServer:
        async with self._starting:
            if self.server is None:
                parts = urlsplit(self.bridge_url)
                server = HTTPBridgeServer(
                    ToolBridge(self.registry),
                    parts.hostname or "127.0.0.1",
                    parts.port or 80,
                    token=self.token,
                )
                await server.start_async()
                self.server = server
                host = f"[{parts.hostname}]" if parts.hostname and ":" in parts.hostname else parts.hostname
                self.bridge_url = f"{parts.scheme}://{host}:{server.port}"
            return self.server

    async def execute(self, code: str, input: Any = None) -> ExecutionResult:
        server = await self.ensure_bridge()
        self.runtime.set_tools(server.bridge.list(CODE_EXECUTION))
        self.runtime.set_bridge_url(self.bridge_url, self.token)
        return await self.runtime.execute(code, input)

    async def close(self) -> None:
        """Stop the bridge and the runtime's warm parents (the runtime can run again later)."""
        if self.server is not None:
            server, self.server = self.server, None
            await server.shutdown()
        await self.runtime.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()
