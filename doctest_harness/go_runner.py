"""Run a page's Go block: complete it into a program, build it against the Go mirror, run it.

A block with ``package main`` runs as is. A fragment names a template, ``snippets/go/NAME.go``,
whose ``// <snippet>`` line it replaces (indented like it). With ``patch=FILE`` (a file of the
mirror, e.g. ``pkg/tools/bridge/runtime.go``) the block goes into a copy of that file instead:
its first code line is a line of upstream's FILE (an anchor in ``go/api/patch-points.toml``),
which it replaces, so the rest is inserted right after; the template then runs as is.

``//line`` directives make compile errors (and runtime positions) name the page's lines, and an
error that involves Aster's API says what upstream has (``go/api/upstream-api.txt``) and what the
mirror provides (``go/api/mirror.txt``). Every program builds offline in a temp module pointing
at the mirror with a ``replace`` directive, sharing one build cache (``.cache/go-build``). It
runs with its own TMPDIR inside that temp dir, which is deleted afterwards, and every process
it started, in whatever session, is killed when it ends.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import tomllib

from doctest_harness.processes import port_is_free, run_group

MODULE = "github.com/astercloud/aster"
MARKER = "// <snippet>"
MODULE_DIR = "go"
API_DIR = Path(MODULE_DIR) / "api"
TEMPLATES_DIR = Path("snippets") / "go"
# Shared by every template; copied next to main.go as package snippet/doctest.
SUPPORT_PACKAGE = "doctest"
# A template's header line naming a port its block must find free, e.g. "// doctest: needs free port 8080".
FREE_PORT_LINE = re.compile(r"^// doctest: needs free port (\d+)$", re.MULTILINE)
# Where a block is said to be when the caller gives no page location.
UNKNOWN_LOCATION = "block:0"
# The upstream packages a page's Go code imports, by the name it calls them.
UPSTREAM_PACKAGES = {
    "bridge": f"{MODULE}/pkg/tools/bridge",
    "tools": f"{MODULE}/pkg/tools",
    "builtin": f"{MODULE}/pkg/tools/builtin",
    "provider": f"{MODULE}/pkg/provider",
}

GO_MOD = """module snippet

go 1.24

require {module} v0.0.0

replace {module} => {path}
"""

# Every message a page author can meet, defined once.
FRAGMENT_WITHOUT_TEMPLATE = (
    "a Go fragment (no `package main`) needs a template: add the directive go=NAME for snippets/go/NAME.go"
)
UNKNOWN_TEMPLATE = "no Go template {path} (directive go={name}); templates: {known}"
MARKER_COUNT = "template {path} must hold the line `{marker}` exactly once (found {count})"
PATCH_WITHOUT_TEMPLATE = "patch={patch} needs go=NAME: a template that calls the patched code"
PATCH_TEMPLATE_HAS_MARKER = "template {path} is used with patch=, so it must not hold `{marker}`"
PATCH_UNKNOWN_FILE = (
    "patch={patch}: pages patch only upstream files whose anchor lines go/api/patch-points.toml records "
    "(known: {known})"
)
PATCH_NO_ANCHOR = (
    "patch={patch}: the block must begin with a line of upstream's {patch} to insert after; "
    "it begins with\n  {first}\nanchor lines of that file:\n{known}"
)
PATCH_MIRROR_LACKS_ANCHOR = "patch={patch}: the mirror's go/{patch} has no line `{line}` in\n  {function}"
PORT_BUSY = (
    "template {name} starts its own bridge on localhost:{port}, which is busy: "
    "run this block while nothing listens there (stop the session bridge first)"
)
BUILD_FAILED = "{location}: this Go block does not compile, as a reader would paste it into a program:"
IN_TEMPLATE = "  (in the template snippets/go/{name}.go, which completes the block: `{text}`)"
NOT_UPSTREAM = "  → {name} is not part of upstream Aster's API (go/api/upstream.txt): a reader's program fails too."
NOT_MIRRORED = (
    "  → {name} is upstream API the docs' Go mirror does not provide yet: add it to go/ and go/api/mirror.txt."
)
UPSTREAM_HAS = "  → upstream Aster declares: {line}"
PATCH_IMPORT_MISSING = (
    "  → upstream's {patch} imports {name}, the mirror's copy does not: add the import to go/{patch}."
)
PATCH_IMPORT_UPSTREAM_LACKS = (
    "  → upstream's {patch} does not import {name}; a patch may use only its imports: {imports}."
)
WRAPPED_CODE_NOT_STRING = (
    "  → upstream's wrappedCode is a string; the docs' Go mirror's is the program, wrapped only when printed "
    "(the reference wraps code where it runs it): use it through %s or wrappedCode.String()."
)


class GoBlockError(ValueError):
    """The block and its directive do not make a Go program (bad directive, template or patch)."""


@dataclass(frozen=True)
class Program:
    """A completed block: main.go's text, and the patched copy of one mirror file if any."""

    main: str
    patch: tuple[str, str] | None = None  # (path relative to go/, new text)


@dataclass(frozen=True)
class Origin:
    """Where the block's first code line is on its page."""

    page: str
    line: int

    @classmethod
    def of(cls, location: str | None) -> Origin:
        """``docs/zh/page.md:77`` names the opening fence; the code starts on the next line."""
        page, _, fence_line = (location or UNKNOWN_LOCATION).rpartition(":")
        return cls(page, int(fence_line) + 1)

    def directive(self, repo: Path) -> str:
        """Absolute, so runtime positions name the page file itself (-trimpath keeps paths outside the module)."""
        return f"//line {repo / self.page}:{self.line}"


def template_path(repo: Path, name: str) -> Path:
    return repo / TEMPLATES_DIR / f"{name}.go"


def free_ports_needed(directive: dict[str, str], repo: Path, code: str | None = None) -> list[int]:
    """Ports the block's template serves on (the page's port), which must be free while it runs;
    with ``code``, only those the block still names (a block moved to another port needs that one)."""
    name = directive.get("go")
    if not name or not template_path(repo, name).is_file():
        return []
    ports = [int(port) for port in FREE_PORT_LINE.findall(template_path(repo, name).read_text(encoding="utf-8"))]
    return [port for port in ports if code is None or re.search(rf"\b{port}\b", code)]


# --- composing a program --------------------------------------------------------------


def compose(code: str, directive: dict[str, str], repo: Path, location: str | None = None) -> Program:
    """Turn a block and its directive into the program to build; ``location`` is PAGE:FENCE_LINE."""
    origin = Origin.of(location)
    name = directive.get("go")
    patch = directive.get("patch")
    if name is None:
        if patch is not None:
            raise GoBlockError(PATCH_WITHOUT_TEMPLATE.format(patch=patch))
        if not re.search(r"^package main\b", code, re.MULTILINE):
            raise GoBlockError(FRAGMENT_WITHOUT_TEMPLATE)
        return Program(main=f"{origin.directive(repo)}\n{code}")
    template = read_template(repo, name)
    if patch is not None:
        if MARKER in (line.strip() for line in template.splitlines()):
            raise GoBlockError(PATCH_TEMPLATE_HAS_MARKER.format(path=template_path(repo, name), marker=MARKER))
        return Program(main=template, patch=(patch, patch_file(repo, patch, code, origin)))
    return Program(main=fill_template(template, code, name, origin, repo))


def read_template(repo: Path, name: str) -> str:
    path = template_path(repo, name)
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in path.parent.glob("*.go"))) or "none"
        raise GoBlockError(UNKNOWN_TEMPLATE.format(path=path, name=name, known=known))
    return path.read_text(encoding="utf-8")


def splice(lines: list[str], at: int, code: str, origin: Origin, resume: Origin, repo: Path) -> str:
    """``lines`` with line ``at`` replaced by ``code`` indented like it; ``//line`` directives say
    the code comes from the page and, after it, where the file goes on (``resume``)."""
    indent = lines[at][: len(lines[at]) - len(lines[at].lstrip())]
    block = [indent + line if line.strip() else "" for line in code.rstrip("\n").splitlines()]
    return "\n".join([*lines[:at], origin.directive(repo), *block, resume.directive(repo), *lines[at + 1 :]]) + "\n"


def fill_template(template: str, code: str, name: str, origin: Origin, repo: Path) -> str:
    """Replace the template's marker line with the block."""
    path = (TEMPLATES_DIR / f"{name}.go").as_posix()
    lines = template.splitlines()
    marks = [i for i, line in enumerate(lines) if line.strip() == MARKER]
    if len(marks) != 1:
        raise GoBlockError(MARKER_COUNT.format(path=path, marker=MARKER, count=len(marks)))
    head = Origin(path, 1).directive(repo)
    return f"{head}\n" + splice(lines, marks[0], code, origin, Origin(path, marks[0] + 2), repo)


def _normalized(line: str) -> str:
    return " ".join(line.split())


def patch_points(repo: Path) -> dict[str, dict]:
    with (repo / API_DIR / "patch-points.toml").open("rb") as file:
        return tomllib.load(file)


def patch_file(repo: Path, patch: str, code: str, origin: Origin) -> str:
    """The mirror file ``patch`` with the block's anchor line (its first code line) replaced by the block."""
    points = patch_points(repo)
    if patch not in points:
        raise GoBlockError(PATCH_UNKNOWN_FILE.format(patch=patch, known=", ".join(points)))
    anchors = points[patch]["anchors"]
    code_lines = [line for line in code.splitlines() if line.strip() and not line.strip().startswith("//")]
    first = _normalized(code_lines[0]) if code_lines else ""
    anchor = next((a for a in anchors if _normalized(a["line"]) == first), None)
    if anchor is None:
        known = "\n".join(f"  {a['line']}    (in {a['function']})" for a in anchors)
        raise GoBlockError(PATCH_NO_ANCHOR.format(patch=patch, first=first or "(nothing)", known=known))
    lines = (repo / MODULE_DIR / patch).read_text(encoding="utf-8").splitlines()
    function = next((i for i, line in enumerate(lines) if _normalized(line).rstrip(" {") == anchor["function"]), None)
    at = None
    if function is not None:
        end = next((i for i in range(function + 1, len(lines)) if lines[i] == "}"), len(lines))
        at = next((i for i in range(function, end) if _normalized(lines[i]) == first), None)
    if at is None:
        raise GoBlockError(PATCH_MIRROR_LACKS_ANCHOR.format(patch=patch, line=first, function=anchor["function"]))
    return splice(lines, at, code, origin, Origin(f"{MODULE_DIR}/{patch}", at + 2), repo)


# --- what the compiler says, in a docs writer's terms --------------------------------------


@dataclass(frozen=True)
class Declaration:
    """One line of an API file: ``pkg PATH, method (*T) Name(...)`` is (bridge, T, Name)."""

    package: str
    owner: str | None
    name: str
    line: str


_API_LINE = re.compile(
    r"^pkg (?P<path>[^,]+), (?:method \(\*?(?P<receiver>\w+)\) (?P<method>\w+)"
    r"|type (?P<owner>\w+) (?:struct|interface), (?:embedded )?(?P<member>\w+)"
    r"|(?:func|type|const|var) (?P<name>\w+))"
)
_SHORT_NAMES = {path: short for short, path in UPSTREAM_PACKAGES.items()}


def read_api(path: Path) -> list[Declaration]:
    declarations = []
    for line in path.read_text(encoding="utf-8").splitlines():
        match = _API_LINE.match(line)
        if match and match["path"] in _SHORT_NAMES:
            owner = match["receiver"] or match["owner"]
            name = match["method"] or match["member"] or match["name"]
            declarations.append(Declaration(_SHORT_NAMES[match["path"]], owner, name, line))
    return declarations


_PACKAGE_NAME = re.compile(rf"\b({'|'.join(UPSTREAM_PACKAGES)})\.([A-Z]\w*)")
_UNKNOWN_FIELD = re.compile(
    r"unknown field (?P<name>\w+) in struct literal of type (?:(?P<package>\w+)\.)?(?P<owner>\w+)"
)
_MEMBER_OF_TYPE = re.compile(r"\(type \*?(?:(?P<package>\w+)\.)?(?P<owner>\w+) has no field or method (?P<name>\w+)")
_CALL = re.compile(r"in call to (?:\w+)\.(?P<name>[A-Z]\w*)")
_UNDEFINED = re.compile(r"^undefined: (?P<name>\w+)$")
# The mirror's type of runtime.go's wrappedCode, as the compiler names it.
_WRAPPED_PROGRAM = "type *wrappedProgram"


def _referenced(message: str) -> list[tuple[str | None, str | None, str]]:
    """(package, owner, name) of the API names a compiler message is about."""
    found: list[tuple[str | None, str | None, str]] = []
    for match in [*_MEMBER_OF_TYPE.finditer(message), *_UNKNOWN_FIELD.finditer(message)]:
        found.append((match["package"], match["owner"], match["name"]))
    for package, name in _PACKAGE_NAME.findall(message):
        if not any(name in (owner, member) for _, owner, member in found):
            found.append((package, None, name))
    for match in _CALL.finditer(message):
        if not any(match["name"] == member for _, _, member in found):
            found.append((None, None, match["name"]))
    return found


def _matches(declarations: list[Declaration], package: str | None, owner: str | None, name: str) -> list[Declaration]:
    return [
        d
        for d in declarations
        if d.name == name
        and (package is None or d.package == package)
        and (owner is None or d.owner == owner)
        and (owner is not None or package is None or d.owner is None)
    ]


def explain(message: str, repo: Path, patch: str | None) -> list[str]:
    """What upstream has and the mirror provides for the API names in one compiler message."""
    upstream = read_api(repo / API_DIR / "upstream-api.txt")
    mirror = read_api(repo / API_DIR / "mirror.txt")
    notes = []
    for package, owner, name in _referenced(message):
        if package == SUPPORT_PACKAGE:
            if owner != "Bridge":
                continue  # an observer standing in for a standard package (http, time)
            package, owner = "bridge", None  # doctest.Bridge stands in for package bridge
        elif package is not None and package not in UPSTREAM_PACKAGES:
            package = None  # a variable or a template type, not one of upstream's packages
        shown = ".".join(part for part in (package, owner, name) if part)
        upstream_lines = _matches(upstream, package, owner, name)
        if not upstream_lines:
            if package is not None or owner is not None:
                notes.append(NOT_UPSTREAM.format(name=shown))
            continue
        if not _matches(mirror, package, owner, name):
            notes.append(NOT_MIRRORED.format(name=shown))
        notes.extend(UPSTREAM_HAS.format(line=d.line) for d in upstream_lines)
    if patch is not None and _WRAPPED_PROGRAM in message:
        notes.append(WRAPPED_CODE_NOT_STRING)
    undefined = _UNDEFINED.match(message)
    if patch is not None and undefined:
        imports = patch_points(repo)[patch]["imports"]
        name = undefined["name"]
        if name in (path.rsplit("/", 1)[-1] for path in imports):
            notes.append(PATCH_IMPORT_MISSING.format(patch=patch, name=name))
        else:
            notes.append(PATCH_IMPORT_UPSTREAM_LACKS.format(patch=patch, name=name, imports=", ".join(imports)))
    return notes


_COMPILER_LINE = re.compile(r"^(?:\./)?(?P<file>[^:\s]+):(?P<line>\d+)(?::\d+)?: (?P<message>.*)$")


def build_failure(output: str, program: Program, directive: dict[str, str], repo: Path, location: str | None) -> str:
    """go build's errors, at page lines, each with what upstream's API has to say about it."""
    origin = Origin.of(location)
    report = [BUILD_FAILED.format(location=f"{origin.page}:{origin.line - 1}")]
    template = directive.get("go")
    template_path = f"{repo}/{TEMPLATES_DIR.as_posix()}/{template}.go"
    notes: list[str] = []  # about the last error, shown after go's continuation lines (have/want)
    for raw in output.splitlines():
        error = _COMPILER_LINE.match(raw)
        if error is None:
            if raw.startswith("\t"):
                report.append(raw)
            continue
        report.extend(notes)
        report.append(f"{error['file'].removeprefix(f'{repo}/')}:{error['line']}: {error['message']}")
        notes = []
        if template and error["file"] == template_path:
            text = _template_line(program.main.splitlines(), template_path, int(error["line"]))
            notes.append(IN_TEMPLATE.format(name=template, text=text))
        notes.extend(explain(error["message"], repo, directive.get("patch")))
    return "\n".join(report + notes)


def _template_line(lines: list[str], template_path: str, number: int) -> str:
    """The text of the template's line ``number`` in the assembled main.go, whose ``//line``
    directives switch between the template's numbering and the page's."""
    position: int | None = None
    for line in lines:
        if line.startswith("//line "):
            path, _, start = line.removeprefix("//line ").rpartition(":")
            position = int(start) - 1 if path == template_path else None
            continue
        if position is not None:
            position += 1
            if position == number:
                return line.strip()
    return "?"


# --- building and running -----------------------------------------------------------------


def go_env(env: dict[str, str], repo: Path) -> dict[str, str]:
    """Offline module mode, the local toolchain, one build cache in the repo, and aster-ref from its venv."""
    go = dict(env, GOFLAGS="-mod=mod", GOPROXY="off", GOSUMDB="off", GOWORK="off", GOTOOLCHAIN="local")
    go.setdefault("GOCACHE", str(repo / ".cache" / "go-build"))
    aster_ref = repo / ".venv" / "bin" / "aster-ref"
    if "ASTER_REF" not in go and aster_ref.exists():
        go["ASTER_REF"] = str(aster_ref)
    return go


def run_go_block(
    code: str,
    *,
    directive: dict[str, str],
    repo: Path,
    env: dict[str, str],
    timeout: float = 120,
    location: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """Build and run one Go block; the result keeps its stdout and stderr apart.

    ``location`` (``docs/zh/page.md:77``, the opening fence) is where compile errors and
    runtime positions point. A build failure returns go build's exit code with the errors,
    at page lines and explained, in stderr. A build or run past ``timeout`` is killed, with
    everything it started, and raises ``subprocess.TimeoutExpired``, as ``subprocess.run`` does.
    Raises GoBlockError when the block and directive cannot make a program.
    """
    program = compose(code, directive, repo, location)
    for port in free_ports_needed(directive, repo, code):
        if not port_is_free(port):
            raise GoBlockError(PORT_BUSY.format(name=directive["go"], port=port))
    with tempfile.TemporaryDirectory(prefix="aster-go-block-") as tmp:
        work = Path(tmp) / "snippet"
        program_tmp = Path(tmp) / "tmp"
        program_tmp.mkdir()
        mirror = repo / MODULE_DIR
        if program.patch is not None:
            mirror = Path(tmp) / "aster"
            shutil.copytree(repo / MODULE_DIR, mirror, ignore=shutil.ignore_patterns("*_test.go", "api"))
            (mirror / program.patch[0]).write_text(program.patch[1], encoding="utf-8")
        shutil.copytree(repo / TEMPLATES_DIR / SUPPORT_PACKAGE, work / SUPPORT_PACKAGE)
        (work / "go.mod").write_text(GO_MOD.format(module=MODULE, path=mirror), encoding="utf-8")
        (work / "main.go").write_text(program.main, encoding="utf-8")
        environment = dict(go_env(env, repo), TMPDIR=str(program_tmp))
        # No symbol table or DWARF: links faster; positions (//line) stay in the runtime's own tables.
        build = run_group(
            ["go", "build", "-trimpath", "-ldflags=-s -w", "-o", "block", "."],
            cwd=work,
            env=environment,
            timeout=timeout,
        )
        if build.returncode != 0:
            report = build_failure(build.stdout + build.stderr, program, directive, repo, location)
            return subprocess.CompletedProcess(build.args, build.returncode, build.stdout, report)
        return run_group([str(work / "block")], cwd=work, env=environment, timeout=timeout)
