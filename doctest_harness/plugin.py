"""pytest plugin: every page under docs/<lang>/ is a file of items.

Each fenced block is an item named by page, line and tab label
(``docs/zh/troubleshooting.md:42[pip]``), so ``-k troubleshooting`` and ``-k zh``
select as expected. A page also carries an item per prose line that states a
version (``docs/en/troubleshooting.md:528``) and one for its parity with its
translations (``docs/en/troubleshooting.md::parity``). Whatever is wrong with a
page when it is read is a failing item of its own, so the rest still runs. The
terminal summary counts what passed per kind and lists the blocks the pages say
are not run in CI.

The summary is tallied from the items' reports, so that under pytest-xdist the
controller, which receives every worker's reports, prints it whole. Which tests
share a worker is doctest_harness.parallel's business.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from doctest_harness import messages
from doctest_harness.blocks import ParsedPage, Problem, parse_page
from doctest_harness.claims import StatedInProse
from doctest_harness.evaluate import run_block
from doctest_harness.model import BlockFailure, DocBlock, Kind
from doctest_harness.parity import differences, twins
from doctest_harness.processes import HarnessError
from doctest_harness.session import DocTestSession

SESSION_KEY = pytest.StashKey[DocTestSession]()
CLAIM = "claim"
PARITY = "parity"
# What an item's reports carry for the summary: its kind, and where and why the page says it is not run in CI.
KIND_PROPERTY = "doc-test kind"
NOT_RUN_PROPERTY = "doc-test not run"


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
        repo = self.config.rootpath
        parsed = parse_page(self.path, repo)
        if parsed.refused is not None:
            yield self._item(ProblemItem, parsed.refused.test_name, problem=parsed.refused)
            return
        for problem in parsed.problems:
            yield self._item(ProblemItem, problem.test_name, problem=problem)
        for block in parsed.blocks:
            yield self._item(DocBlockItem, block.test_name, block=block)
        for claim in parsed.claims:
            yield self._item(ClaimItem, claim.test_name, claim=claim)
        yield self._item(ParityItem, f"{parsed.page.as_posix()}::{PARITY}", parsed=parsed)

    def _item(self, cls, nodeid: str, **kwargs):
        # The id is the page path and line (docs/zh/page.md:42[pip]), not pytest's file::name.
        item = cls.from_parent(self, name=nodeid.split("/")[-1], nodeid=nodeid, **kwargs)
        item.user_properties.append((KIND_PROPERTY, item.kind))
        return item


class DocItem(pytest.Item):
    kind: str

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, (BlockFailure, HarnessError)):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style)

    def reportinfo(self):
        # pytest rewrites a title that ends its node id; the kind suffix keeps the path as written.
        return self.path, self.line - 1, f"{self.nodeid} ({self.kind})"


class DocBlockItem(DocItem):
    def __init__(self, *, block: DocBlock, **kwargs) -> None:
        super().__init__(**kwargs)
        self.block = block
        self.kind = block.kind.value
        self.line = block.fence.line
        self.add_marker(getattr(pytest.mark, block.kind.marker))
        if block.not_run_reason is not None:
            # Said on the page, where readers see it; reported at the block's own location.
            self.add_marker(pytest.mark.skip(reason=messages.SKIPPED_NOT_RUN.format(reason=block.not_run_reason)))
            self.user_properties.append(
                (NOT_RUN_PROPERTY, (block.page.as_posix(), block.fence.line, block.not_run_reason))
            )

    def runtest(self) -> None:
        run_block(self.block, session_of(self.config))


class ProblemItem(DocItem):
    kind = "page"

    def __init__(self, *, problem: Problem, **kwargs) -> None:
        super().__init__(**kwargs)
        self.problem = problem
        self.line = problem.line

    def runtest(self) -> None:
        raise BlockFailure(self.problem.message)


class ClaimItem(DocItem):
    kind = CLAIM

    def __init__(self, *, claim: StatedInProse, **kwargs) -> None:
        super().__init__(**kwargs)
        self.claim = claim
        self.line = claim.line
        self.add_marker(getattr(pytest.mark, CLAIM))

    def runtest(self) -> None:
        problems = self.claim.problems(self.config.rootpath)
        if problems:
            raise BlockFailure("\n".join(problems))


class ParityItem(DocItem):
    kind = PARITY

    def __init__(self, *, parsed: ParsedPage, **kwargs) -> None:
        super().__init__(**kwargs)
        self.parsed = parsed
        self.line = 1
        self.add_marker(getattr(pytest.mark, PARITY))

    def runtest(self) -> None:
        repo = self.config.rootpath
        page = self.parsed.page
        problems = []
        for lang, twin in twins(page, repo).items():
            if not (repo / twin).is_file():
                problems.append(messages.PARITY_NO_TWIN.format(where=page.as_posix(), lang=lang, path=twin.as_posix()))
                continue
            theirs = parse_page(repo / twin, repo)
            problems += differences(list(self.parsed.blocks), list(theirs.blocks), page.as_posix(), lang)
        if problems:
            raise BlockFailure("\n".join(problems))


@pytest.fixture
def doc_session(request: pytest.FixtureRequest) -> DocTestSession:
    """The run's shared doc-test session (bridge on localhost:8080, sandboxes); under xdist a test
    that uses it runs on the doc items' worker (doctest_harness.parallel)."""
    return session_of(request.config)


class Summary:
    """What passed per kind, and the blocks the pages say are not run in CI, from the items' reports."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.not_run: list[tuple[str, int, str]] = []  # page, line, reason

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        properties = dict(report.user_properties)
        if KIND_PROPERTY in properties and report.when == "call" and report.passed:
            self.counts[properties[KIND_PROPERTY]] += 1
        elif NOT_RUN_PROPERTY in properties and report.skipped:
            self.not_run.append(tuple(properties[NOT_RUN_PROPERTY]))

    def pytest_terminal_summary(self, terminalreporter, config: pytest.Config) -> None:
        if hasattr(config, "workerinput") or not (self.counts or self.not_run):
            return  # an xdist worker's tallies reach the controller, which prints them
        counts = ", ".join(f"{kind}: {count}" for kind, count in sorted(self.counts.items()))
        terminalreporter.section("doc-tests")
        terminalreporter.write_line(
            messages.SUMMARY_PASSED.format(counts=counts or "none", total=sum(self.counts.values()))
        )
        terminalreporter.write_line(messages.SUMMARY_NOT_RUN.format(count=len(self.not_run)))
        for page, line, reason in sorted(self.not_run):
            terminalreporter.write_line(messages.SUMMARY_NOT_RUN_BLOCK.format(page=page, line=line, reason=reason))


def pytest_configure(config: pytest.Config) -> None:
    for kind in Kind:
        config.addinivalue_line("markers", f"{kind.marker}: doc-test block of kind {kind.value}")
    config.addinivalue_line("markers", f"{CLAIM}: a page's prose line that states a version, checked at its source")
    config.addinivalue_line("markers", f"{PARITY}: a page carries the same blocks as its translations")
    config.pluginmanager.register(Summary(), "doc-test summary")


def pytest_unconfigure(config: pytest.Config) -> None:
    if SESSION_KEY in config.stash:
        config.stash[SESSION_KEY].close()
