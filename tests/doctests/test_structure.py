"""The harness's structure: no import cycles (in the harness or in aster_ref, counting
imports inside functions and under TYPE_CHECKING), one runner module per kind, and
one way to kill a process group in the repo."""

import ast
from pathlib import Path

import pytest

from doctest_harness.model import Kind
from doctest_harness.runners import REGISTRY
from tests.doctests.conftest import REPO

PACKAGES = ("aster_ref", "doctest_harness")


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path, modules: set[str]) -> set[str]:
    """The repo modules ``path`` imports, anywhere in it."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            for alias in node.names:
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base)
    return found & modules


def import_graph() -> dict[str, set[str]]:
    files = [path for package in PACKAGES for path in (REPO / package).rglob("*.py")]
    modules = {module_name(path) for path in files}
    return {module_name(path): imports(path, modules) - {module_name(path)} for path in files}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    found, state = [], {}

    def visit(node, trail):
        state[node] = "open"
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                found.append([*trail[trail.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt, [*trail, nxt])
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    return found


def test_no_import_cycles():
    assert cycles(import_graph()) == []


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c", "a"]]


@pytest.mark.parametrize("kind", list(Kind))
def test_each_kind_has_a_runner_module_of_its_own(kind):
    module = REGISTRY[kind].run.__module__
    assert module.startswith("doctest_harness.runners.")
    assert [k for k in Kind if REGISTRY[k].run.__module__ == module] == [kind]


def test_one_process_group_helper():
    """Only aster_ref.process calls os.killpg; the rest of the code uses its kill_group."""
    callers = []
    for path in (path for package in PACKAGES for path in (REPO / package).rglob("*.py")):
        if path.name == "warm_parent.py":  # runs inside the code's interpreter, which may not have aster_ref
            continue
        if "os.killpg(" in path.read_text(encoding="utf-8"):
            callers.append(path.relative_to(REPO).as_posix())
    assert callers == ["aster_ref/process.py"]
