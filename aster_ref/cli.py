"""The aster-ref command line: serve, run, wrap, call.

``aster-ref run`` against a running ``aster-ref serve`` hands the code to serve over the run socket
(``aster_ref.runsocket``) and must start fast, so this module imports only the standard library at the
top; each command imports the parts of aster_ref it needs (aiohttp among them) when it runs.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import tempfile
from pathlib import Path

from . import messages
from .defaults import (
    DEFAULT_BRIDGE_URL,
    DEFAULT_HOST,
    DEFAULT_MAX_OUTPUT,
    DEFAULT_PORT,
    DEFAULT_TIMEOUT,
    LOG_LEVELS,
    TOKEN_ENV,
    URL_ENV,
)
from .runsocket import RunClient

# `typing` costs `aster-ref run` milliseconds at every start: only type checkers import it.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Coroutine, Sequence
    from typing import Any

    from .runtime import ExecutionResult
    from .schema import Registry, ToolSchema
    from .server import HTTPBridgeServer

EXIT_USAGE = 2
TOOL_LIST_TIMEOUT = 5.0
# `aster-ref run` ends the code, its children and its temp file on each of these, then exits 128 + the number.
CLEANUP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


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
    from .errors import UnknownToolError
    from .schema import Registry
    from .tools.limits import LimitsInvalid

    try:
        registry = Registry.builtin(root)
    except OSError as exc:
        raise UsageError(messages.ROOT_INVALID.format(root=root, reason=exc.strerror or exc)) from None
    except LimitsInvalid as exc:
        raise UsageError(str(exc)) from None
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
    from .schema import ToolSchema

    try:
        entries = json.loads(Path(path).read_text(encoding="utf-8"))
        if not isinstance(entries, list):
            raise TypeError(messages.SCHEMAS_NOT_A_LIST)
        return [ToolSchema.from_dict(entry) for entry in entries]
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise UsageError(messages.SCHEMAS_FILE_INVALID.format(path=path, error=exc)) from None


# --- serve ----------------------------------------------------------------------
def event_loop_runner() -> Callable[[Coroutine[Any, Any, None]], None]:
    """uvloop.run if uvloop is installed (the ``fast`` extra), else asyncio.run."""
    try:
        import uvloop
    except ImportError:
        import asyncio

        return asyncio.run
    return uvloop.run


def cmd_serve(args: argparse.Namespace) -> int:
    from .bridge import ToolBridge
    from .runservice import RunService
    from .schema import CODE_EXECUTION
    from .server import HTTPBridgeServer, format_address, log_to_stderr

    registry = build_registry(args.root, _allowed(args.allow), args.schemas)
    log_to_stderr(args.log_level)
    server = HTTPBridgeServer(ToolBridge(registry), args.host, args.port, token=args.token)

    def run_service(bound: HTTPBridgeServer) -> RunService:
        return RunService(bound.port, lambda: bound.bridge.list(CODE_EXECUTION))

    try:
        event_loop_runner()(server.serve_forever(alongside=run_service, stop_on_stdin_eof=args.exit_on_stdin_eof))
    except OSError as exc:
        address = format_address(args.host, args.port)
        print(
            messages.LISTEN_FAILED.format(address=address, reason=exc.strerror or exc),
            file=sys.stderr,
        )
        return 1
    return 0


# --- run / wrap -------------------------------------------------------------------
class Interrupted(Exception):
    """A cleanup signal arrived while `aster-ref run` waited for the code."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _raise_interrupted(signum: int, frame: object) -> None:
    raise Interrupted(signum)


def _exit_code(result: dict[str, Any]) -> int:
    if result["success"]:
        return 0
    code = result["exit_code"]
    return code if code and code > 0 else 1


def print_result(result: dict[str, Any], as_json: bool) -> None:
    """Print an ExecutionResult (as ``to_dict()`` gives it) the way `aster-ref run` does."""
    if as_json:
        print(json.dumps(result, ensure_ascii=False))
        return
    sys.stdout.write(result["stdout"])
    sys.stdout.flush()
    sys.stderr.write(result["stderr"])
    error = result["error"]
    stderr_lines = [line.strip() for line in result["stderr"].splitlines() if line.strip()]
    if error and (not stderr_lines or stderr_lines[-1] != error):
        print(error, file=sys.stderr)


def _run_through_serve(client: RunClient, args: argparse.Namespace, source: str) -> dict[str, Any]:
    """Run on the serve process behind ``client``: the code, tools and input, with this process's
    environment, directories and interpreter, as a local run would have them."""
    request: dict[str, Any] = {
        "bridge_url": args.bridge_url,
        "token": args.token,
        "timeout": args.timeout,
        "max_output": args.max_output,
        "python": args.python or sys.executable,
        "work_dir": os.path.abspath(args.work_dir) if args.work_dir else None,
        "temp_dir": tempfile.gettempdir(),
        "cwd": os.getcwd(),
        "env": dict(os.environ),
    }
    if args.wrapped:
        request["program"] = source
    else:
        request.update(code=source, tools=_tools_given(args), input=_input_given(args))
    try:
        answer = client.run(request)
    except Interrupted as interrupted:
        client.cancel()
        raise interrupted from None
    if "error" in answer:
        raise UsageError(answer["error"])
    return answer["result"]


def _tools_given(args: argparse.Namespace) -> list[str] | None:
    if not args.tools:
        return None
    from .sdk import check_tool_names

    try:
        return check_tool_names(_tool_list(args.tools))
    except ValueError as exc:
        raise UsageError(f"Error: {exc}") from None


def _input_given(args: argparse.Namespace) -> dict[str, Any] | None:
    return _json_object(args.input, "--input") if args.input else None


async def _bridge_tools(url: str, token: str | None) -> list[str]:
    """The tools the bridge lets code call; the built-in defaults if it cannot say (the first call will)."""
    from .sdk_client import AsterBridge, BridgeError
    from .tools import DEFAULT_CODE_TOOLS

    try:
        async with AsterBridge(url, token, timeout=TOOL_LIST_TIMEOUT, retries=0) as bridge:
            return await bridge.list_tools()
    except BridgeError:
        return list(DEFAULT_CODE_TOOLS)


async def _run_here(args: argparse.Namespace, source: str) -> ExecutionResult:
    """Run in a cold interpreter of our own (a one-off command gains nothing from a warm parent)."""
    import asyncio

    from .runtime import PythonRuntime, RuntimeConfig

    config = RuntimeConfig(
        timeout=args.timeout,
        python=args.python or sys.executable,
        max_output=args.max_output,
        work_dir=args.work_dir,
        warm=False,
    )
    runtime = PythonRuntime(config)
    runtime.set_bridge_url(args.bridge_url, args.token)
    if not args.wrapped:
        runtime.set_tools(_tools_given(args) or await _bridge_tools(args.bridge_url, args.token))
    loop = asyncio.get_running_loop()
    main = asyncio.current_task()
    assert main is not None
    received: list[int] = []

    def interrupt(signum: int) -> None:
        received.append(signum)
        main.cancel()

    for signum in CLEANUP_SIGNALS:
        loop.add_signal_handler(signum, interrupt, signum)
    try:
        if args.wrapped:
            return await runtime.execute_wrapped(source)
        return await runtime.execute(source, _input_given(args))
    except asyncio.CancelledError:
        if received:  # the runtime has killed the code and deleted its temp file
            raise Interrupted(received[0]) from None
        raise
    finally:
        for signum in CLEANUP_SIGNALS:
            loop.remove_signal_handler(signum)
        await runtime.close()


def _check_bridge_url(url: str) -> None:
    """Refuse a URL the SDK could not connect to before anything runs (aiohttp would fail with a traceback)."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
        valid = parts.scheme in ("http", "https") and bool(parts.hostname)
        parts.port  # noqa: B018 -- raises ValueError for a port that is not a number in range
    except ValueError:
        valid = False
    if not valid:
        raise UsageError(messages.BRIDGE_URL_INVALID.format(url=url))


def cmd_run(args: argparse.Namespace) -> int:
    if args.wrapped and (args.tools or args.input):
        raise UsageError(messages.WRAPPED_WITH_TOOLS_OR_INPUT)
    _check_bridge_url(args.bridge_url)
    source = _read_source(args.file)
    _input_given(args)  # a bad --input is a usage error before anything runs
    try:
        client = RunClient.connect(args.bridge_url)
        if client is not None:
            previous = {signum: signal.signal(signum, _raise_interrupted) for signum in CLEANUP_SIGNALS}
            try:
                with client:
                    result = _run_through_serve(client, args, source)
            finally:
                for signum, handler in previous.items():
                    signal.signal(signum, handler)
        else:
            import asyncio

            result = asyncio.run(_run_here(args, source)).to_dict()
    except Interrupted as interrupted:
        return 128 + interrupted.signum
    except ConnectionError as exc:  # serve went away during the run
        print(exc, file=sys.stderr)
        return 1
    print_result(result, args.json)
    return _exit_code(result)


def cmd_wrap(args: argparse.Namespace) -> int:
    from .sdk import wrap_code
    from .tools import DEFAULT_CODE_TOOLS

    tools = _tools_given(args) or list(DEFAULT_CODE_TOOLS)
    sys.stdout.write(wrap_code(_read_source(args.file), tools, _input_given(args)))
    return 0


# --- call -------------------------------------------------------------------------
def cmd_call(args: argparse.Namespace) -> int:
    import asyncio

    from .bridge import ToolBridge
    from .schema import DIRECT, ToolContext

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
    serve.add_argument(
        "--log-level",
        choices=LOG_LEVELS,
        default="info",
        help="info logs a line per tool call on stderr; warning logs only problems (and saves their cost)",
    )
    serve.add_argument(
        "--exit-on-stdin-eof",
        action="store_true",
        help="stop when standard input closes: a program that starts serve holds it, so serve ends with it",
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
    wrap.add_argument("--tools", metavar="A,B", help="default: the built-in tools code may call")
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
    except KeyboardInterrupt:  # Ctrl-C outside `run` (which handles it itself)
        return 128 + signal.SIGINT
