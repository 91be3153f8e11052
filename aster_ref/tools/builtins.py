"""Read, Write, Glob, Grep and Bash: the built-in tools, each confined to a Workspace."""

from __future__ import annotations

import asyncio
import fnmatch
import re
from pathlib import Path
from typing import Any

from .. import messages
from ..errors import ToolFailure
from ..process import kill_group, wait_exited
from ..tool_schema import CODE_EXECUTION, DIRECT, RegisteredTool, ToolContext, ToolSchema
from .workspace import Workspace

CODE_CALLABLE = (DIRECT, CODE_EXECUTION)
DEFAULT_BASH_TIMEOUT = 120.0
MAX_GREP_MATCHES = 1000


def _string(description: str) -> dict[str, str]:
    return {"type": "string", "description": description}


def _object(required: list[str], **properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": required}


READ = ToolSchema(
    "Read",
    "Read a text file inside the workspace. offset/limit select lines (1-based offset).",
    _object(
        ["path"],
        path=_string("File path, relative to the workspace root"),
        offset={"type": "integer", "description": "First line to return (1-based)"},
        limit={"type": "integer", "description": "Number of lines to return"},
    ),
    CODE_CALLABLE,
)
WRITE = ToolSchema(
    "Write",
    "Write a text file inside the workspace, creating parent directories.",
    _object(
        ["path", "content"],
        path=_string("File path, relative to the workspace root"),
        content=_string("Text"),
    ),
    CODE_CALLABLE,
)
GLOB = ToolSchema(
    "Glob",
    "List workspace files matching a glob pattern such as **/*.md.",
    _object(["pattern"], pattern=_string("Glob pattern, relative to the workspace root")),
    CODE_CALLABLE,
)
GREP = ToolSchema(
    "Grep",
    "Search file contents with a regular expression; returns path, line and text of each match.",
    _object(
        ["pattern"],
        pattern=_string("Python regular expression"),
        path=_string("File or directory to search (default: the workspace root)"),
        glob=_string("Only search files whose relative path matches this glob"),
    ),
    CODE_CALLABLE,
)
BASH = ToolSchema(
    "Bash",
    "Run a shell command in the workspace root. Direct callers only unless allowed.",
    _object(
        ["command"],
        command=_string("Command for bash -c"),
        timeout={
            "type": "number",
            "description": f"Seconds (default {DEFAULT_BASH_TIMEOUT:g})",
        },
    ),
    (DIRECT,),
)


class BuiltinTools:
    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace

    async def read(self, input: dict[str, Any], ctx: ToolContext) -> str:
        path = self.workspace.resolve(input["path"])
        if path.is_dir():
            raise ToolFailure(messages.IS_A_DIRECTORY.format(path=input["path"]))
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            raise ToolFailure(messages.FILE_NOT_FOUND.format(path=input["path"])) from None
        except OSError as exc:
            raise ToolFailure(messages.CANNOT_ACCESS.format(path=input["path"], reason=exc.strerror)) from None
        if "offset" not in input and "limit" not in input:
            return text
        offset, limit = input.get("offset", 1), input.get("limit")
        if offset < 1 or (limit is not None and limit < 0):
            error = messages.READ_RANGE_INVALID.format(offset=offset, limit=limit)
            raise ToolFailure(messages.INVALID_INPUT.format(tool="Read", error=error))
        lines = text.splitlines(keepends=True)
        end = offset - 1 + limit if limit is not None else None
        return "".join(lines[offset - 1 : end])

    async def write(self, input: dict[str, Any], ctx: ToolContext) -> dict[str, Any]:
        path = self.workspace.resolve(input["path"])
        if path.is_dir():
            raise ToolFailure(messages.IS_A_DIRECTORY.format(path=input["path"]))
        data = input["content"].encode("utf-8")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        except OSError as exc:  # e.g. a parent is a file, or no permission
            raise ToolFailure(messages.CANNOT_ACCESS.format(path=input["path"], reason=exc.strerror)) from None
        return {"path": self.workspace.relative(path), "bytes_written": len(data)}

    async def glob(self, input: dict[str, Any], ctx: ToolContext) -> list[str]:
        pattern = input["pattern"]
        try:
            found = list(self.workspace.root.glob(pattern))
        except (ValueError, NotImplementedError) as exc:  # e.g. absolute patterns
            raise ToolFailure(messages.INVALID_GLOB.format(pattern=pattern, error=exc)) from None
        inside = (p for p in found if self.workspace.contains(p))
        return sorted(self.workspace.relative(p.resolve()) for p in inside if p.is_file())

    async def grep(self, input: dict[str, Any], ctx: ToolContext) -> list[dict[str, Any]]:
        try:
            regex = re.compile(input["pattern"])
        except re.error as exc:
            raise ToolFailure(messages.INVALID_REGEX.format(pattern=input["pattern"], error=exc)) from None
        base = self.workspace.resolve(input.get("path", "."))
        if not base.exists():
            raise ToolFailure(messages.FILE_NOT_FOUND.format(path=input.get("path", ".")))
        file_glob = input.get("glob")
        matches: list[dict[str, Any]] = []
        for file in self._files_under(base):
            relative = self.workspace.relative(file)
            if file_glob and not (fnmatch.fnmatch(relative, file_glob) or fnmatch.fnmatch(file.name, file_glob)):
                continue
            try:
                lines = file.read_text(encoding="utf-8").splitlines()
            except (UnicodeDecodeError, OSError):
                continue  # binary or unreadable files are not searched
            for number, line in enumerate(lines, start=1):
                if regex.search(line):
                    matches.append({"path": relative, "line": number, "text": line})
                    if len(matches) >= MAX_GREP_MATCHES:
                        return matches
        return matches

    def _files_under(self, base: Path) -> list[Path]:
        if base.is_file():
            return [base]
        files = (p for p in sorted(base.rglob("*")) if p.is_file() and self.workspace.contains(p))
        return [p.resolve() for p in files]

    async def bash(self, input: dict[str, Any], ctx: ToolContext) -> dict[str, Any]:
        timeout = input.get("timeout", DEFAULT_BASH_TIMEOUT)
        process = await asyncio.create_subprocess_exec(
            "bash",
            "-c",
            input["command"],
            cwd=self.workspace.root,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            start_new_session=True,  # its own process group, so nothing it starts outlives it
        )
        assert process.stdout is not None and process.stderr is not None
        output = asyncio.gather(process.stdout.read(), process.stderr.read())
        try:
            # Wait for bash itself, not for its pipes: a background job (`server &`) would hold them open.
            await asyncio.wait_for(wait_exited(process), timeout)
        except asyncio.TimeoutError:
            raise ToolFailure(messages.COMMAND_TIMEOUT.format(seconds=timeout, command=input["command"])) from None
        finally:
            kill_group(process.pid)
            await process.wait()
            stdout, stderr = await output
        return {
            "stdout": stdout.decode("utf-8", errors="replace"),
            "stderr": stderr.decode("utf-8", errors="replace"),
            "exit_code": process.returncode,
        }


def builtin_tools(root: str | Path = ".") -> list[RegisteredTool]:
    tools = BuiltinTools(Workspace(root))
    return [
        RegisteredTool(READ, tools.read),
        RegisteredTool(WRITE, tools.write),
        RegisteredTool(GLOB, tools.glob),
        RegisteredTool(GREP, tools.grep),
        RegisteredTool(BASH, tools.bash),
    ]


BUILTIN_NAMES = tuple(schema.name for schema in (READ, WRITE, GLOB, GREP, BASH))
DEFAULT_CODE_TOOLS = tuple(s.name for s in (READ, WRITE, GLOB, GREP, BASH) if s.allows(CODE_EXECUTION))
