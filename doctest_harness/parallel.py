"""pytest plugin: the suite on pytest-xdist workers (``make test``: ``-n 2 --dist loadgroup``).

Tests of one group run on one worker, one after another:

- the tests that bind the ports the pages use: the doc items (the bridge is
  localhost:8080), the tests that use the ``doc_session`` fixture, and the tests
  marked ``doc_ports`` (pprof's 6060, say);
- the tests that carry the same ``xdist_group`` mark.

xdist's loadgroup scheduler learns a test's group from a suffix xdist appends to its
node id, which pytest 9.2 no longer lets it change (pytest-xdist issue 1386): the
groups go from the workers to the scheduler through a file instead. The doc items
keep their ids (``docs/zh/page.md:42[pip]``) either way.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from xdist.scheduler import LoadGroupScheduling

from doctest_harness.plugin import DocItem

PORTS_GROUP = "doc-ports"
PORTS_MARKER = "doc_ports"
SESSION_FIXTURE = "doc_session"
# The workers' input that says where they write the groups they collected.
GROUPS_INPUT = "doc_tests_groups_file"
GROUPS_KEY = pytest.StashKey[Path]()


def group_of(item: pytest.Item) -> str | None:
    if (
        isinstance(item, DocItem)
        or SESSION_FIXTURE in getattr(item, "fixturenames", ())
        or item.get_closest_marker(PORTS_MARKER)
    ):
        return PORTS_GROUP
    # As xdist reads them: a test with several groups joins them into one.
    names = {
        str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
        for mark in item.iter_markers("xdist_group")
    }
    return "_".join(sorted(names)) or None


def groups_file(config: pytest.Config) -> Path:
    if GROUPS_KEY not in config.stash:
        config.stash[GROUPS_KEY] = Path(tempfile.mkdtemp(prefix="xdist-groups-")) / "groups.json"
    return config.stash[GROUPS_KEY]


class GroupScheduling(LoadGroupScheduling):
    """loadgroup's scheduling, with each test's group read from what the workers collected."""

    def __init__(self, config: pytest.Config, log, groups: Path) -> None:
        super().__init__(config, log)
        self._groups_file = groups
        self._groups: dict[str, str] | None = None

    def _split_scope(self, nodeid: str) -> str:
        if self._groups is None:  # first called once every worker has collected, so has written the file
            self._groups = json.loads(self._groups_file.read_text(encoding="utf-8"))
        return self._groups.get(nodeid) or super()._split_scope(nodeid)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", f"{PORTS_MARKER}: the test binds a port the pages use (8080, 6060): it runs on the doc items' worker"
    )


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node) -> None:
    node.workerinput[GROUPS_INPUT] = str(groups_file(node.config))


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log):
    if config.getvalue("dist") != "loadgroup":
        return None
    return GroupScheduling(config, log, groups_file(config))


# Before xdist's own, which tells the controller what the worker collected.
@pytest.hookimpl(tryfirst=True)
def pytest_collection_finish(session: pytest.Session) -> None:
    target = getattr(session.config, "workerinput", {}).get(GROUPS_INPUT)
    if target is None:
        return
    groups = {item.nodeid: group for item in session.items if (group := group_of(item))}
    # Every worker writes the same; the rename makes each write whole.
    written = Path(target).with_name(f"{session.config.workerinput['workerid']}.json")
    written.write_text(json.dumps(groups), encoding="utf-8")
    os.replace(written, target)


def pytest_unconfigure(config: pytest.Config) -> None:
    if GROUPS_KEY in config.stash:
        shutil.rmtree(config.stash[GROUPS_KEY].parent, ignore_errors=True)
