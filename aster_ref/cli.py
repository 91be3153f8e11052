"""The aster-ref command line: serve, run, wrap, call."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from . import messages
from .bridge import ToolBridge
from .defaults import (
    DEFAULT_BRIDGE_URL,
    DEFAULT_HOST,
    DEFAULT_MAX_OUTPUT,
    DEFAULT_PORT,
    DEFAULT_TIMEOUT,
    TOKEN_ENV,
    URL_ENV,
)
from .errors import UnknownToolError
from .runtime import ExecutionResult, PythonRuntime, RuntimeConfig
from .schema import DIRECT, Registry, ToolContext, ToolSchema
from .sdk import wrap_code
from .sdk_client import AsterBridge, BridgeError
from .server import HTTPBridgeServer, format_address
from .tools import DEFAULT_CODE_TOOLS

EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
TOOL_LIST_TIMEOUT = 5.0


class UsageError(Exception):
    """Bad arguments or input files: printed on stderr, exit 2."""


def _json_object(text: str, what: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise UsageError(messages.BAD_JSON_ARGUMENT.format(what=what, error=exc)) from None
    if not isinstance(value, dict):
        raise UsageError(messages.JSON_ARGUMENT_NOT_OBJECT.format(what=what))
    return value


def _read_source(name: str) -> str:
    return sys.stdin.read() if name == "-" else Path(name).read_text(encoding="utf-8")


def _tool_list(value: str) -> list[str]:
    return [name.strip() for name in value.split(",") if name.strip()]


def _positive_int(text: str) -> int:
    """argparse type for byte counts: a bad value exits 2 with argparse's usage line and this message."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value <= 0:
        raise argparse.ArgumentTypeError(messages.NOT_A_POSITIVE_INTEGER.format(value=text))
    return value


def _allowed(values: list[str] | None) -> list[str]:
    return [name for value in values or [] for name in _tool_list(value)]


def build_registry(root: str, allow: Sequence[str] = (), schemas_file: str | None = None) -> Registry:
    """Built-in tools in ``root``, with metadata from ``schemas_file`` and ``allow`` opened to code."""
    try:
        registry = Registry.builtin(root)
    except OSError as exc:
        raise UsageError(messages.ROOT_INVALID.format(root=root, reason=exc.strerror or exc)) from None
    if schemas_file:
        for schema in _load_schemas(schemas_file):
            if schema.name not in registry:
                builtins = ", ".join(registry.names())
                raise UsageError(messages.NO_HANDLER.format(tool=schema.name, source=schemas_file, builtins=builtins))
            registry.update_schema(schema)
    for name in allow:
        try:
            registry.allow(name)
        except UnknownToolError as exc:
            raise UsageError(messages.ALLOW_UNKNOWN.format(tool=name, error=exc)) from None
    return registry


def _load_schemas(path: str) -> list[ToolSchema]:
    try:
        entries = json.loads(Path(path).read_text(encoding="utf-8"))
        if not isinstance(entries, list):
            raise TypeError("expected a JSON list of tool schemas")
        return [ToolSchema.from_dict(entry) for entry in entries]
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise UsageError(messages.SCHEMAS_FILE_INVALID.format(path=path, error=exc)) from None


# --- serve ----------------------------------------------------------------------
def cmd_serve(args: argparse.Namespace) -> int:
    registry = build_registry(args.root, _allowed(args.allow), args.schemas)
    logging.basicConfig(
        level=logging.INFO,
        format="%(asctime)s %(message)s",
        datefmt="%Y/%m/%d %H:%M:%S",
        stream=sys.stderr,
    )
    server = HTTPBridgeServer(ToolBridge(registry), args.host, args.port, token=args.token)
    try:
        asyncio.run(server.serve_forever())
    except OSError as exc:
        address = format_address(args.host, args.port)
        print(
            messages.LISTEN_FAILED.format(address=address, reason=exc.strerror or exc),
            file=sys.stderr,
        )
        return 1
    return 0


# --- run / wrap -------------------------------------------------------------------
async def _bridge_tools(url: str, token: str | None) -> list[str]:
    """The tools the bridge lets code call; the built-in defaults if it cannot say (the first call will)."""
    try:
        async with AsterBridge(url, token, timeout=TOOL_LIST_TIMEOUT, retries=0) as bridge:
            return await bridge.list_tools()
    except BridgeError:
        return list(DEFAULT_CODE_TOOLS)


def _exit_code(result: ExecutionResult) -> int:
    if result.success:
        return 0
    return result.exit_code if result.exit_code and result.exit_code > 0 else 1


def print_result(result: ExecutionResult, as_json: bool) -> None:
    if as_json:
        print(json.dumps(result.to_dict(), ensure_ascii=False))
        return
    sys.stdout.write(result.stdout)
    sys.stdout.flush()
    sys.stderr.write(result.stderr)
    stderr_lines = [line.strip() for line in result.stderr.splitlines() if line.strip()]
    if result.error and (not stderr_lines or stderr_lines[-1] != result.error):
        print(result.error, file=sys.stderr)


async def _run(args: argparse.Namespace) -> ExecutionResult:
    config = RuntimeConfig(
        timeout=args.timeout,
        python=args.python or sys.executable,
        max_output=args.max_output,
        work_dir=args.work_dir,
    )
    runtime = PythonRuntime(config)
    runtime.set_bridge_url(args.bridge_url, args.token)
    source = _read_source(args.file)
    if args.wrapped:
        return await runtime.execute_wrapped(source)
    tools = _tool_list(args.tools) if args.tools else await _bridge_tools(args.bridge_url, args.token)
    runtime.set_tools(tools)
    return await runtime.execute(source, _json_object(args.input, "--input") if args.input else None)


def cmd_run(args: argparse.Namespace) -> int:
    if args.wrapped and (args.tools or args.input):
        raise UsageError(messages.WRAPPED_WITH_TOOLS_OR_INPUT)
    result = asyncio.run(_run(args))
    print_result(result, args.json)
    return _exit_code(result)


def cmd_wrap(args: argparse.Namespace) -> int:
    tools = _tool_list(args.tools) if args.tools else list(DEFAULT_CODE_TOOLS)
    code_input = _json_object(args.input, "--input") if args.input else None
    sys.stdout.write(wrap_code(_read_source(args.file), tools, code_input))
    return 0


# --- call -------------------------------------------------------------------------
def cmd_call(args: argparse.Namespace) -> int:
    registry = build_registry(args.root, _allowed(args.allow))
    raw = sys.stdin.read() if args.input == "-" else args.input
    tool_input = _json_object(raw, "tool input")
    if args.tool not in registry:
        print(
            json.dumps(
                {
                    "success": False,
                    "error": messages.UNKNOWN_TOOL.format(tool=args.tool),
                }
            )
        )
        return EXIT_USAGE
    result = asyncio.run(ToolBridge(registry).call_result(args.tool, tool_input, ToolContext(caller=DIRECT)))
    print(json.dumps(result.to_dict(), ensure_ascii=False))
    return 0 if result.success else 1


# --- parser -----------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="aster-ref", description="Reference PTC bridge, runtime and tools.")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="start the HTTP bridge")
    serve.add_argument("--host", default=DEFAULT_HOST)
    serve.add_argument("--port", type=int, default=DEFAULT_PORT, help="0 picks a free port")
    serve.add_argument("--root", default=".", help="workspace the built-in tools act in (default: .)")
    serve.add_argument(
        "--allow",
        action="append",
        metavar="TOOL",
        help="let code call TOOL (repeatable)",
    )
    serve.add_argument("--token", help="require 'Authorization: Bearer TOKEN' (except on /health)")
    serve.add_argument(
        "--schemas",
        metavar="FILE",
        help="JSON list of schemas overriding built-in metadata",
    )
    serve.set_defaults(handler=cmd_serve)

    run = commands.add_parser("run", help="run PTC code through PythonRuntime")
    run.add_argument("file", metavar="FILE", help="code file, or - for stdin")
    run.add_argument(
        "--bridge-url",
        default=os.environ.get(URL_ENV) or DEFAULT_BRIDGE_URL,
        help=f"default: ${URL_ENV} or {DEFAULT_BRIDGE_URL}",
    )
    run.add_argument(
        "--token",
        default=os.environ.get(TOKEN_ENV),
        help=f"bridge token (default: ${TOKEN_ENV})",
    )
    run.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, metavar="SECONDS")
    run.add_argument("--python", metavar="PATH", help="interpreter for the code (default: this one)")
    run.add_argument(
        "--max-output",
        type=_positive_int,
        default=DEFAULT_MAX_OUTPUT,
        metavar="BYTES",
        help=f"keep this much of stdout and of stderr, then a truncation marker (default: {DEFAULT_MAX_OUTPUT})",
    )
    run.add_argument(
        "--work-dir",
        metavar="DIR",
        help="where the aster_*.py temp file is written and the code runs (default: system temp dir, current dir)",
    )
    run.add_argument("--tools", metavar="A,B", help="tools to define (default: ask the bridge)")
    run.add_argument("--input", metavar="JSON", help="object available to the code as input_data")
    run.add_argument("--json", action="store_true", help="print the ExecutionResult as JSON")
    run.add_argument(
        "--wrapped",
        action="store_true",
        help="FILE is already wrapped (aster-ref wrap)",
    )
    run.set_defaults(handler=cmd_run)

    wrap = commands.add_parser("wrap", help="print the program the runtime would run")
    wrap.add_argument("file", metavar="FILE", help="code file, or - for stdin")
    wrap.add_argument("--tools", metavar="A,B", help=f"default: {','.join(DEFAULT_CODE_TOOLS)}")
    wrap.add_argument("--input", metavar="JSON", help="object available to the code as input_data")
    wrap.set_defaults(handler=cmd_wrap)

    call = commands.add_parser("call", help="run one tool in-process as a direct caller")
    call.add_argument("tool", metavar="TOOL")
    call.add_argument(
        "input",
        metavar="JSON",
        nargs="?",
        default="{}",
        help="input object, or - for stdin",
    )
    call.add_argument("--root", default=".")
    call.add_argument("--allow", action="append", metavar="TOOL")
    call.set_defaults(handler=cmd_call)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except UsageError as exc:
        print(exc, file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:  # e.g. FILE does not exist
        print(f"Error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:  # Ctrl-C during `run`: the runtime has already killed the code
        return EXIT_INTERRUPTED
