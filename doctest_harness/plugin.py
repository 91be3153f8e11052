"""pytest plugin: every fenced block under docs/<lang>/ is a test item.

Item ids name the page, the line and the tab label
(``docs/zh/troubleshooting.md:42[pip]``), so ``-k troubleshooting`` and
``-k zh`` select as expected. The terminal summary counts what ran per kind
and which blocks the pages declare not runnable on Linux CI.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from doctest_harness.blocks import BlockError, BlockFailure, DocBlock, Kind, page_blocks
from doctest_harness.processes import HarnessError
from doctest_harness.runners import RUNNERS
from doctest_harness.session import DocTestSession

SESSION_KEY = pytest.StashKey[DocTestSession]()


def docs_root(config: pytest.Config) -> Path:
    return config.rootpath / "docs"


def session_of(config: pytest.Config) -> DocTestSession:
    if SESSION_KEY not in config.stash:
        config.stash[SESSION_KEY] = DocTestSession(config.rootpath)
    return config.stash[SESSION_KEY]


def pytest_collect_file(file_path: Path, parent: pytest.Collector):
    docs = docs_root(parent.config)
    if file_path.suffix == ".md" and file_path.is_relative_to(docs) and len(file_path.relative_to(docs).parts) >= 2:
        return DocPage.from_parent(parent, path=file_path)
    return None


class DocPage(pytest.File):
    def collect(self):
        try:
            blocks = page_blocks(self.path, self.config.rootpath)
        except BlockError as exc:
            raise self.CollectError(str(exc)) from None
        for block in blocks:
            # The id is the page path and line (docs/zh/page.md:42[pip]), not pytest's file::name.
            yield DocBlockItem.from_parent(
                self, name=block.test_name.split("/")[-1], nodeid=block.test_name, block=block
            )


class DocBlockItem(pytest.Item):
    def __init__(self, *, block: DocBlock, **kwargs) -> None:
        super().__init__(**kwargs)
        self.block = block
        self.add_marker(getattr(pytest.mark, block.kind.value.replace("-", "_")))
        if block.kind is Kind.NOT_RUN:
            # Declared on the page, visible to readers; reported at the block's own location.
            self.add_marker(pytest.mark.skip(reason=f"not run in CI: {block.not_run_reason}"))

    def runtest(self) -> None:
        session = session_of(self.config)
        RUNNERS[self.block.kind](self.block, session)
        session.counts[self.block.kind.value] += 1

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, (BlockFailure, HarnessError)):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style)

    def reportinfo(self):
        # pytest rewrites a title that ends its node id; the kind suffix keeps the path as written.
        return self.path, self.block.fence.line - 1, f"{self.block.test_name} ({self.block.kind.value})"


def pytest_configure(config: pytest.Config) -> None:
    for kind in Kind:
        config.addinivalue_line("markers", f"{kind.value.replace('-', '_')}: doc-test block of kind {kind.value}")


def pytest_collection_finish(session: pytest.Session) -> None:
    """Record the selected blocks that pages declare not runnable, for the summary."""
    items = session.items
    not_run = [item.block for item in items if isinstance(item, DocBlockItem) and item.block.kind is Kind.NOT_RUN]
    if not_run:
        session_of(session.config).not_run.extend(f"{block.location}: {block.not_run_reason}" for block in not_run)


def pytest_terminal_summary(terminalreporter, exitstatus, config: pytest.Config) -> None:
    if SESSION_KEY not in config.stash:
        return
    session = config.stash[SESSION_KEY]
    if not session.counts and not session.not_run:
        return
    ran = ", ".join(f"{kind}: {count}" for kind, count in sorted(session.counts.items()))
    terminalreporter.section("doc-tests")
    terminalreporter.write_line(f"blocks passed per kind: {ran or 'none'} (total {sum(session.counts.values())})")
    terminalreporter.write_line(f"blocks declared not runnable on Linux CI: {len(session.not_run)}")
    for entry in session.not_run:
        terminalreporter.write_line(f"  {entry}")


def pytest_unconfigure(config: pytest.Config) -> None:
    if SESSION_KEY in config.stash:
        config.stash[SESSION_KEY].close()
