"""Run a page's Go block: complete it, build it against the repo's Go mirror, run it.

A block with ``package main`` runs as is. A fragment names a template,
``snippets/go/NAME.go``, whose ``// <snippet>`` line it replaces (indentation kept).
With ``patch=REL/PATH.go`` the block instead replaces the function of the same
signature in that file of a copy of the Go mirror, and the template runs as is
against the copy. Every program is built in a temp module that points at the mirror
with a ``replace`` directive, offline, sharing one build cache across blocks.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from doctest_harness.processes import port_is_free

MODULE = "github.com/astercloud/aster"
MARKER = "// <snippet>"
MODULE_DIR = "go"
TEMPLATES_DIR = Path("snippets") / "go"
# Shared by every template; copied next to main.go as package snippet/doctest.
SUPPORT_PACKAGE = "doctest"
# A template's header line naming a port its block must find free, e.g. "// doctest: needs free port 8080".
FREE_PORT_LINE = re.compile(r"^// doctest: needs free port (\d+)$", re.MULTILINE)

GO_MOD = """module snippet

go 1.19

require {module} v0.0.0

replace {module} => {path}
"""

# Every message a page author can meet, defined once.
FRAGMENT_WITHOUT_TEMPLATE = (
    "a Go fragment (no `package main`) needs a template: add the directive go=NAME for snippets/go/NAME.go"
)
UNKNOWN_TEMPLATE = "no Go template {path} (directive go={name}); templates: {known}"
MARKER_COUNT = "template {path} must hold the line `{marker}` exactly once (found {count})"
PATCH_WITHOUT_TEMPLATE = "patch={patch} needs go=NAME: a template that calls the patched function"
PATCH_TEMPLATE_HAS_MARKER = "template {path} is used with patch=, so it must not hold `{marker}`"
PATCH_NO_FUNC = "a patch block must contain a `func` line, the signature of the function it replaces"
PATCH_NO_FILE = "patch={patch}: no such file in the Go mirror ({path})"
PATCH_NO_MATCH = "patch={patch}: no function with the signature\n  {signature}\nfunctions in the file:\n{known}"
PATCH_NO_END = "patch={patch}: the function at line {line} has no closing `}}` at column 0"
PORT_BUSY = (
    "template {name} starts its own bridge on localhost:{port}, which is busy: "
    "run this block while nothing listens there (stop the session bridge first)"
)
BUILD_FAILED = "go build failed for this block; the program that was built:"
TIMED_OUT = "the Go program did not finish within {timeout:g} s and was killed"


class GoBlockError(ValueError):
    """The block and its directive do not make a Go program (bad directive, template or patch)."""


@dataclass(frozen=True)
class Program:
    """A completed block: main.go's text, and the patched copy of one mirror file if any."""

    main: str
    patch: tuple[str, str] | None = None  # (path relative to go/, new text)


def template_path(repo: Path, name: str) -> Path:
    return repo / TEMPLATES_DIR / f"{name}.go"


def free_ports_needed(directive: dict[str, str], repo: Path) -> list[int]:
    """Ports the block's template starts its own server on, which must be free while it runs."""
    name = directive.get("go")
    if not name or not template_path(repo, name).is_file():
        return []
    return [int(port) for port in FREE_PORT_LINE.findall(template_path(repo, name).read_text(encoding="utf-8"))]


def compose(code: str, directive: dict[str, str], repo: Path) -> Program:
    """Turn a block and its directive into the program to build."""
    name = directive.get("go")
    patch = directive.get("patch")
    if name is None:
        if patch is not None:
            raise GoBlockError(PATCH_WITHOUT_TEMPLATE.format(patch=patch))
        if not re.search(r"^package main\b", code, re.MULTILINE):
            raise GoBlockError(FRAGMENT_WITHOUT_TEMPLATE)
        return Program(main=code)
    template = read_template(repo, name)
    if patch is not None:
        if MARKER in (line.strip() for line in template.splitlines()):
            raise GoBlockError(PATCH_TEMPLATE_HAS_MARKER.format(path=template_path(repo, name), marker=MARKER))
        return Program(main=template, patch=(patch, patch_function(repo, patch, code)))
    return Program(main=fill_template(template, code, template_path(repo, name)))


def read_template(repo: Path, name: str) -> str:
    path = template_path(repo, name)
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in path.parent.glob("*.go"))) or "none"
        raise GoBlockError(UNKNOWN_TEMPLATE.format(path=path, name=name, known=known))
    return path.read_text(encoding="utf-8")


def fill_template(template: str, code: str, path: Path) -> str:
    """Replace the template's marker line with the block, indented like the marker."""
    lines = template.splitlines()
    marks = [i for i, line in enumerate(lines) if line.strip() == MARKER]
    if len(marks) != 1:
        raise GoBlockError(MARKER_COUNT.format(path=path, marker=MARKER, count=len(marks)))
    at = marks[0]
    indent = lines[at][: len(lines[at]) - len(lines[at].lstrip())]
    block = [indent + line if line.strip() else "" for line in code.rstrip("\n").splitlines()]
    return "\n".join(lines[:at] + block + lines[at + 1 :]) + "\n"


def _signature(line: str) -> str:
    return " ".join(line.rstrip().rstrip("{").split())


def patch_function(repo: Path, patch: str, code: str) -> str:
    """The mirror file ``patch`` with the function whose signature starts the block replaced by the block."""
    path = repo / MODULE_DIR / patch
    if not path.is_file():
        raise GoBlockError(PATCH_NO_FILE.format(patch=patch, path=path))
    func_line = next((line for line in code.splitlines() if line.startswith("func ")), None)
    if func_line is None:
        raise GoBlockError(PATCH_NO_FUNC)
    wanted = _signature(func_line)
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith("func ") and _signature(line) == wanted), None)
    if start is None:
        known = "\n".join(f"  {line}" for line in lines if line.startswith("func "))
        raise GoBlockError(PATCH_NO_MATCH.format(patch=patch, signature=wanted, known=known))
    end = next((i for i in range(start + 1, len(lines)) if lines[i] == "}"), None)
    if end is None:
        raise GoBlockError(PATCH_NO_END.format(patch=patch, line=start + 1))
    return "\n".join(lines[:start] + code.rstrip("\n").splitlines() + lines[end + 1 :]) + "\n"


def go_env(env: dict[str, str], repo: Path) -> dict[str, str]:
    """Offline module mode with one build cache for every block, and aster-ref from the repo's venv."""
    go = dict(env, GOFLAGS="-mod=mod", GOPROXY="off", GOSUMDB="off", GOWORK="off")
    venv = repo / ".venv"
    go.setdefault(
        "GOCACHE", str(venv / "go-build" if venv.is_dir() else Path(tempfile.gettempdir()) / "aster-go-build")
    )
    aster_ref = venv / "bin" / "aster-ref"
    if "ASTER_REF" not in go and aster_ref.exists():
        go["ASTER_REF"] = str(aster_ref)
    return go


def numbered(text: str) -> str:
    return "\n".join(f"{n:4} | {line}" for n, line in enumerate(text.splitlines(), 1))


def run_go_block(
    code: str, *, directive: dict[str, str], repo: Path, env: dict[str, str], timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Build and run one Go block; the result keeps its stdout and stderr apart.

    A build failure returns go build's exit code, with the numbered program in stderr;
    a build or run past ``timeout`` is killed and returns -SIGKILL with TIMED_OUT in stderr.
    Raises GoBlockError when the block and directive cannot make a program.
    """
    program = compose(code, directive, repo)
    for port in free_ports_needed(directive, repo):
        if not port_is_free(port):
            raise GoBlockError(PORT_BUSY.format(name=directive["go"], port=port))
    environment = go_env(env, repo)
    with tempfile.TemporaryDirectory(prefix="aster-go-block-") as tmp:
        work = Path(tmp) / "snippet"
        mirror = repo / MODULE_DIR
        if program.patch is not None:
            mirror = Path(tmp) / "aster"
            shutil.copytree(repo / MODULE_DIR, mirror)
            (mirror / program.patch[0]).write_text(program.patch[1], encoding="utf-8")
        shutil.copytree(repo / TEMPLATES_DIR / SUPPORT_PACKAGE, work / SUPPORT_PACKAGE)
        (work / "go.mod").write_text(GO_MOD.format(module=MODULE, path=mirror), encoding="utf-8")
        (work / "main.go").write_text(program.main, encoding="utf-8")
        build = _run(["go", "build", "-o", "block", "."], work, environment, timeout)
        if build.returncode != 0:
            listing = f"{BUILD_FAILED}\n--- main.go ---\n{numbered(program.main)}"
            if program.patch is not None:
                listing += f"\n--- {MODULE_DIR}/{program.patch[0]} (patched) ---\n{numbered(program.patch[1])}"
            return subprocess.CompletedProcess(build.args, build.returncode, build.stdout, f"{build.stderr}\n{listing}")
        return _run([str(work / "block")], work, environment, timeout)


def _run(args: list[str], cwd: Path, env: dict[str, str], timeout: float) -> subprocess.CompletedProcess[str]:
    """Run a command in its own process group; whatever it leaves running (a bridge
    the program did not shut down) is killed with it."""
    process = subprocess.Popen(
        args,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(process.pid)
        stdout, stderr = process.communicate()
        stderr += "\n" + TIMED_OUT.format(timeout=timeout)
    finally:
        _kill_group(process.pid)
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


def _kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except ProcessLookupError:
        pass
