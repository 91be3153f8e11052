"""Read, Write, Glob, Grep and Bash: the built-in tools, each confined to a Workspace."""

from __future__ import annotations

import contextlib
import fnmatch
import os
import re
import stat
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import re2

from .. import messages
from ..errors import ToolFailure
from ..tool_schema import CODE_EXECUTION, DIRECT, RegisteredTool, ToolContext, ToolSchema
from .bash import run_bash
from .limits import SearchBudget, ToolLimits
from .workers import ToolWorkers
from .workspace import Symlink, Workspace, open_entry, read_regular, replace_file, walk_files

T = TypeVar("T")

CODE_CALLABLE = (DIRECT, CODE_EXECUTION)
DEFAULT_BASH_TIMEOUT = 120.0
MAX_GREP_MATCHES = 1000
LINES_PER_TIME_CHECK = 4096


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
        pattern=_string("Regular expression in RE2 syntax (as Go's regexp: no lookaround, no backreferences)"),
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
    """The handlers. File and search work runs on worker threads (at most ``limits.workers``, see
    ToolWorkers), so a slow disk, a big file or a long search never blocks the event loop that serves /health.
    Read first tries to get a small file from the kernel in a way that cannot wait (``nowait``), on
    the loop; whatever that cannot answer goes to the pool."""

    def __init__(self, workspace: Workspace, limits: ToolLimits | None = None) -> None:
        self.workspace = workspace
        self.limits = limits or ToolLimits()
        self._workers = ToolWorkers(self.limits.workers)
        self._regex_options = re2.Options()
        self._regex_options.log_errors = False  # a bad pattern is the caller's error, not a log line

    async def _in_worker(self, work: Callable[[dict[str, Any]], T], input: dict[str, Any]) -> T:
        return await self._workers.run(work, input)

    async def read(self, input: dict[str, Any], ctx: ToolContext) -> str:
        _check_read_range(input)
        if self.workspace.nowait.enabled:
            data = self.workspace.nowait.read(input["path"], self.limits.max_read_bytes)
            if data is not None:
                return _selected_lines(data, input)
        return await self._in_worker(self._read, input)

    async def write(self, input: dict[str, Any], ctx: ToolContext) -> dict[str, Any]:
        return await self._in_worker(self._write, input)

    async def glob(self, input: dict[str, Any], ctx: ToolContext) -> list[str]:
        return await self._in_worker(self._glob, input)

    async def grep(self, input: dict[str, Any], ctx: ToolContext) -> list[dict[str, Any]]:
        return await self._in_worker(self._grep, input)

    def _read(self, input: dict[str, Any]) -> str:
        path = input["path"]
        with _file_errors(path):
            fd, _ = self.workspace.walk(path, partial(open_entry, path=path))
        try:
            with _file_errors(path):
                data = read_regular(fd, path, self.limits.max_read_bytes)
        finally:
            os.close(fd)
        return _selected_lines(data, input)

    def _write(self, input: dict[str, Any]) -> dict[str, Any]:
        path = input["path"]
        try:
            data = input["content"].encode("utf-8")
        except UnicodeEncodeError as exc:  # a lone surrogate ("\ud800") is valid JSON but not text
            error = messages.CONTENT_NOT_UTF8.format(error=exc)
            raise ToolFailure(messages.INVALID_INPUT.format(tool="Write", error=error)) from None
        with _file_errors(path):
            _, relative = self.workspace.walk(path, partial(replace_file, path=path, data=data), make_parents=True)
        return {"path": relative, "bytes_written": len(data)}

    def _glob(self, input: dict[str, Any]) -> list[str]:
        pattern = input["pattern"]
        segments = _glob_segments(pattern)
        budget = SearchBudget("Glob", ".", self.limits)
        found = walk_files(
            self.workspace.root_fd, ".", budget, lambda directory: _may_hold_matches(directory.split("/"), segments)
        )
        return sorted(path for _, _, path in found if _glob_matches(path.split("/"), segments))

    def _grep(self, input: dict[str, Any]) -> list[dict[str, Any]]:
        pattern, path, file_glob = input["pattern"], input.get("path", "."), input.get("glob")
        regex = LinePattern(pattern, self._regex_options)
        budget = SearchBudget("Grep", path, self.limits)
        matches: list[dict[str, Any]] = []
        with _file_errors(path):
            fd, relative = self.workspace.walk(path, partial(open_entry, path=path))
        try:
            if not stat.S_ISDIR(os.fstat(fd).st_mode):  # one named file: its problems are errors
                with _file_errors(path):
                    data = read_regular(fd, path, self.limits.max_read_bytes)
                regex.search(data, relative, matches, budget)
                return matches
            for dir_fd, name, file_path in walk_files(fd, relative, budget, lambda directory: True):
                if file_glob and not (fnmatch.fnmatch(file_path, file_glob) or fnmatch.fnmatch(name, file_glob)):
                    continue
                data = self._searchable(dir_fd, name, file_path)
                if data is not None and regex.search(data, file_path, matches, budget):
                    break
        finally:
            os.close(fd)
        return matches

    def _searchable(self, dir_fd: int, name: str, path: str) -> bytes | None:
        """A walked file's content; None for what a search skips (links, special or too big files)."""
        try:
            fd = open_entry(dir_fd, name, path)
        except (Symlink, ToolFailure, OSError):  # swapped for a symlink or special file meanwhile
            return None
        try:
            return read_regular(fd, path, self.limits.max_read_bytes)
        except (ToolFailure, OSError):
            return None
        finally:
            os.close(fd)

    async def bash(self, input: dict[str, Any], ctx: ToolContext) -> dict[str, Any]:
        timeout = input.get("timeout", DEFAULT_BASH_TIMEOUT)
        return await run_bash(input["command"], str(self.workspace.root), timeout, self.limits.max_output)


def builtin_tools(root: str | Path = ".", limits: ToolLimits | None = None) -> list[RegisteredTool]:
    """The five built-in tools acting in ``root``; ``limits`` default to ToolLimits.from_env()."""
    tools = BuiltinTools(Workspace(root), limits or ToolLimits.from_env())
    return [
        RegisteredTool(READ, tools.read),
        RegisteredTool(WRITE, tools.write),
        RegisteredTool(GLOB, tools.glob),
        RegisteredTool(GREP, tools.grep),
        RegisteredTool(BASH, tools.bash),
    ]


class LinePattern:
    """A Grep pattern: RE2 (linear time, so no pattern can hold a worker), matched line by line.

    A file is first searched whole, in multi-line mode, on its lines joined by newlines: no
    match there means no line matches, so a file without matches costs one RE2 call. Patterns
    whose meaning differs between a line and a text (\\A, \\z, inline flags) skip that step.
    """

    _LINE_SENSITIVE = re.compile(r"\\[Az]|\(\?[imsU-]")

    def __init__(self, pattern: str, options: re2.Options) -> None:
        try:
            encoded = pattern.encode("utf-8")
            self.line = re2.compile(encoded, options)
            self.text = None if self._LINE_SENSITIVE.search(pattern) else re2.compile(b"(?m)" + encoded, options)
        except (re2.error, UnicodeEncodeError) as exc:
            error = exc.args[0].decode("utf-8", errors="replace") if isinstance(exc, re2.error) else str(exc)
            raise ToolFailure(messages.INVALID_REGEX.format(pattern=pattern, error=error)) from None

    def search(self, data: bytes, path: str, matches: list[dict[str, Any]], budget: SearchBudget) -> bool:
        """Append the matching lines of a UTF-8 file to ``matches``; True once they reach the cap.

        Files that are not UTF-8 (binary) are skipped. Lines are split as Read splits them, so a
        match's line number is Read's offset.
        """
        try:
            lines = data.decode("utf-8").splitlines()
        except UnicodeDecodeError:
            return False
        budget.check_time()
        if self.text is not None and not self.text.search("\n".join(lines).encode("utf-8")):
            return False
        for number, line in enumerate(lines, start=1):
            if number % LINES_PER_TIME_CHECK == 0:
                budget.check_time()
            if self.line.search(line.encode("utf-8")):
                matches.append({"path": path, "line": number, "text": line})
                if len(matches) >= MAX_GREP_MATCHES:
                    return True
        return False


def _check_read_range(input: dict[str, Any]) -> None:
    offset, limit = input.get("offset", 1), input.get("limit")
    if offset < 1 or (limit is not None and limit < 0):
        error = messages.READ_RANGE_INVALID.format(offset=offset, limit=limit)
        raise ToolFailure(messages.INVALID_INPUT.format(tool="Read", error=error))


def _selected_lines(data: bytes, input: dict[str, Any]) -> str:
    """What Read answers: the file's text, or the lines that ``offset`` and ``limit`` select."""
    text = data.decode("utf-8", errors="replace")
    if "offset" not in input and "limit" not in input:
        return text
    offset, limit = input.get("offset", 1), input.get("limit")
    lines = text.splitlines(keepends=True)
    end = offset - 1 + limit if limit is not None else None
    return "".join(lines[offset - 1 : end])


def _glob_segments(pattern: str) -> list[str]:
    """The pattern's path segments, runs of ``**`` folded into one; refuses what would leave the root."""
    segments = [segment for segment in pattern.split("/") if segment not in ("", ".")]
    if pattern.startswith("/") or ".." in segments or not segments:
        raise ToolFailure(messages.INVALID_GLOB.format(pattern=pattern, error=messages.GLOB_NOT_RELATIVE))
    return [s for i, s in enumerate(segments) if not (s == "**" and i and segments[i - 1] == "**")]


def _may_hold_matches(parts: list[str], segments: list[str]) -> bool:
    """Whether the directory ``parts`` can hold a match: the walk prunes every other one."""
    for part, segment in zip(parts, segments, strict=False):
        if segment == "**":
            return True
        if not fnmatch.fnmatchcase(part, segment):
            return False
    return len(parts) < len(segments)


def _glob_matches(parts: list[str], segments: list[str]) -> bool:
    """Whether a file's path parts match: ``*``, ``?`` and ``[...]`` within a part, ``**`` any parts."""

    def with_globstars(states: set[int]) -> set[int]:
        # A ``**`` may match no part at all: reaching it reaches the segment after it too.
        return states | {i + 1 for i in states if i < len(segments) and segments[i] == "**"}

    states = with_globstars({0})
    for part in parts:
        states = with_globstars(
            {
                i if segments[i] == "**" else i + 1
                for i in states
                if i < len(segments) and (segments[i] == "**" or fnmatch.fnmatchcase(part, segments[i]))
            }
        )
    return len(segments) in states


BUILTIN_NAMES = tuple(schema.name for schema in (READ, WRITE, GLOB, GREP, BASH))
DEFAULT_CODE_TOOLS = tuple(s.name for s in (READ, WRITE, GLOB, GREP, BASH) if s.allows(CODE_EXECUTION))


@contextlib.contextmanager
def _file_errors(path: str) -> Iterator[None]:
    """Turn the OS's errors about ``path`` into the tool errors a caller reads."""
    try:
        yield
    except FileNotFoundError:
        raise ToolFailure(messages.FILE_NOT_FOUND.format(path=path)) from None
    except IsADirectoryError:
        raise ToolFailure(messages.IS_A_DIRECTORY.format(path=path)) from None
    except OSError as exc:
        raise ToolFailure(messages.CANNOT_ACCESS.format(path=path, reason=exc.strerror)) from None
