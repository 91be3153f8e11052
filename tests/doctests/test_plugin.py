"""The plugin end to end, on a tiny docs tree of its own (pytester): a page the parser
refuses, or a block with a bad directive, fails alone while the rest runs, and the
summary counts what passed per kind. Only blocks that need no bridge are used."""

import re

import pytest

from doctest_harness import messages

GOOD = "# Good\n\n```json\n{}\n```\n\n```mermaid\nflowchart LR\n  A --> B\n```\n"
REFUSED = '# Broken\n\n::alert{type="info"}\nnever closed\n'


@pytest.fixture
def docs(pytester):
    pytester.makeini("[pytest]\nasyncio_default_fixture_loop_scope = function\n")
    pytester.makeconftest('pytest_plugins = ["doctest_harness.plugin"]\n')

    def write(lang, name, text):
        path = pytester.path / "docs" / lang / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    return write


def run(pytester):
    return pytester.runpytest_inprocess("-p", "no:cacheprovider", "-rf", "docs")


def test_a_refused_page_is_one_failing_item_and_the_rest_runs(pytester, docs):
    for lang in ("zh", "en"):
        docs(lang, "good.md", GOOD)
        docs(lang, "broken.md", REFUSED)
    result = run(pytester)
    result.assert_outcomes(passed=6, failed=2)
    result.stdout.fnmatch_lines(
        [
            messages.SUMMARY_PASSED.format(counts="data: 2, diagram: 2, parity: 2", total=6),
            "FAILED docs/en/broken.md:3 - docs/en/broken.md:3: *",
            "FAILED docs/zh/broken.md:3 - docs/zh/broken.md:3: *",
        ]
    )


def test_a_bad_directive_fails_its_block_alone(pytester, docs):
    bad = GOOD.replace("```json", "<!-- doctest: colour=red -->\n```json")
    docs("en", "good.md", bad)
    docs("zh", "good.md", bad)
    result = run(pytester)
    result.assert_outcomes(passed=4, failed=2)
    result.stdout.fnmatch_lines(["FAILED docs/en/good.md:4 - docs/en/good.md:3: unknown directive key `colour`*"])


def test_a_page_without_its_translation_fails_its_parity_item(pytester, docs):
    docs("en", "good.md", GOOD)
    docs("zh", "other.md", GOOD)
    result = run(pytester)
    result.assert_outcomes(passed=4, failed=2)
    result.stdout.fnmatch_lines(
        [
            "*_ docs/en/good.md::parity (parity) _*",
            messages.PARITY_NO_TWIN.format(where="docs/en/good.md", lang="zh", path="docs/zh/good.md"),
        ]
    )


def test_not_run_blocks_are_skipped_with_the_pages_reason_and_listed(pytester, docs):
    for lang, note in (("en", "**Not run in CI:** macOS only."), ("zh", "**CI 不运行：**只有 macOS。")):
        docs(lang, "page.md", f"```bash\nbrew install x\n```\n\n{note}\n")
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "-rs", "docs")
    result.assert_outcomes(passed=2, skipped=2)
    result.stdout.fnmatch_lines(
        [
            messages.SUMMARY_NOT_RUN.format(count=2),
            "  docs/en/page.md:1: macOS only.",
            "SKIPPED * not run in CI: macOS only.",
        ]
    )


SPREAD = """
import pytest

def test_uses_the_session(doc_session):
    pass

@pytest.mark.doc_ports
def test_binds_a_page_port():
    pass

@pytest.mark.parametrize("n", range(2))
def test_shares_a_fixture(shared, n):
    pass

@pytest.mark.parametrize("n", range(8))
def test_free(n):
    pass
"""
STAND_IN = """
import pytest

@pytest.fixture
def doc_session():  # the real one starts a bridge on localhost:8080
    return None

@pytest.fixture(scope="session")
def shared():
    return None

def pytest_collection_modifyitems(items):
    for item in items:
        if "shared" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.xdist_group("shared"))
"""


def test_on_two_workers_the_ports_group_shares_one_and_the_summary_is_whole(pytester, docs):
    for lang, note in (("en", "**Not run in CI:** macOS only."), ("zh", "**CI 不运行：**只有 macOS。")):
        docs(lang, "good.md", f"{GOOD}\n```bash\nbrew install x\n```\n\n{note}\n")
    pytester.makeconftest('pytest_plugins = ["doctest_harness.plugin", "doctest_harness.parallel"]\n' + STAND_IN)
    pytester.makepyfile(test_spread=SPREAD)
    result = pytester.runpytest_inprocess(
        "-p", "no:cacheprovider", "-n", "2", "--dist", "loadgroup", "-v", "-rs", "docs", "test_spread.py"
    )
    result.assert_outcomes(passed=18, skipped=2)
    ran = {test: worker for worker, test in re.findall(r"\[(gw\d)\] .*?(?:PASSED|SKIPPED) (\S+)", result.stdout.str())}
    ports = {worker for test, worker in ran.items() if test.startswith("docs/") or "session" in test or "port" in test}
    assert len(ports) == 1, ran
    assert len({worker for test, worker in ran.items() if "shares" in test}) == 1, ran
    assert set(ran.values()) == {"gw0", "gw1"}, ran
    assert "docs/en/good.md:3" in ran  # the doc items keep their ids
    result.stdout.fnmatch_lines(
        [
            messages.SUMMARY_PASSED.format(counts="data: 2, diagram: 2, parity: 2", total=6),
            messages.SUMMARY_NOT_RUN.format(count=2),
            "  docs/en/good.md:12: macOS only.",
            "  docs/zh/good.md:12: 只有 macOS。",
        ]
    )
