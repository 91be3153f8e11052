"""The mutation table: on small page copies, every lie the issue lists fails, for the
reason a reader would give, and every legitimate edit passes.

Only the mutated page's own items run (its blocks, its prose claims), against the
run's shared bridge; each page is a few lines, so the whole table takes seconds.
"""

import pytest

from doctest_harness import messages
from doctest_harness.evaluate import run_block
from doctest_harness.model import BlockFailure
from tests.doctests.conftest import REPO
from tests.doctests.pages import parse

CATCH = """
<!-- doctest: stdout="... ToolError: Tool Read failed: file not found: nonexistent.txt" -->
```python
try:
    result = await Read(path="nonexistent.txt")
except ToolError as e:
    print(f"DETAIL: {type(e).__name__}: {e}")
```
"""


def catch(detail: str) -> str:
    """The catch-the-exception example, printing ``detail`` (the text a translation changes)."""
    return CATCH.replace("DETAIL", detail)


LATENCY = """
<!-- doctest: latency=Read:0.05 -->
```python
import json

# serial: 0.15 s
for name in ["a.txt", "b.txt", "c.txt"]:
    await Read(path=name)

# concurrent: ~0.05 s
{concurrent}

print(json.dumps({{"serial": 0.15, "concurrent": 0.05}}))
```

Each `Read` takes about {delay} here.
"""
GATHER = 'import asyncio\nawait asyncio.gather(*(Read(path=name) for name in ["a.txt", "b.txt", "c.txt"]))'
SERIAL = 'for name in ["a.txt", "b.txt", "c.txt"]:\n    await Read(path=name)'

TIMEOUT = """
```python
from aster_ref import RuntimeConfig

config = RuntimeConfig(
    timeout={value},  # {comment}
)
print(config.timeout)
```
"""

LIES = {
    "hidden run= replaces the visible command": (
        '<!-- doctest: run="pip --version" -->\n```bash\npip install no-such-package-xyz\n```\n',
        messages.RUN_NOT_SHOWN.split("\n")[0],
    ),
    "hidden run= hides a failure": (
        (
            '<!-- doctest: run="pip install --dry-run no-such-package-xyz || true" -->\n'
            "```bash\npip install no-such-package-xyz\n```\n"
        ),
        messages.RUN_HIDES_FAILURES.format(operator="||"),
    ),
    "hidden run= that is a prefix of the visible command": (
        '<!-- doctest: run="pip install" -->\n```bash\npip install no-such-package-xyz\n```\n',
        messages.RUN_NOT_SHOWN.split("\n")[0],
    ),
    "hidden run= shown only inside a word of the prose": (
        '<!-- doctest: run="true" -->\n```bash\nfalse\n```\n\nNot untrue.\n',
        messages.RUN_NOT_SHOWN.split("\n")[0],
    ),
    "hidden run= joined with ;": (
        (
            '<!-- doctest: run="pip install --dry-run no-such-package-xyz; true" -->\n'
            "```bash\npip install no-such-package-xyz\n```\n"
        ),
        messages.RUN_HIDES_FAILURES.format(operator=";"),
    ),
    "hidden run= turning bash -e off": (
        (
            '<!-- doctest: run="set +e && pip install --dry-run no-such-package-xyz" -->\n'
            "```bash\npip install no-such-package-xyz\n```\n"
        ),
        messages.RUN_HIDES_FAILURES.format(operator="set +e"),
    ),
    "output-of=above of a block not run in CI": (
        (
            "```bash\nbrew install python@3.11\n```\n\n**Not run in CI:** no Homebrew.\n\n"
            "<!-- doctest: output-of=above -->\n```text\n==> Pouring python@3.11\n```\n"
        ),
        messages.OUTPUT_OF_ABOVE_NOT_RUN.format(line=1),
    ),
    "hidden exit=N": ("<!-- doctest: exit=1 -->\n```bash\nfalse\n```\n", messages.EXIT_IS_STATED_ON_THE_PAGE),
    "failure the page does not state": ("```bash\nfalse\n```\n", messages.WRONG_EXIT.format(actual=1, expected=0)),
    "exit code the page states wrongly": (
        "```bash\nfalse\n```\n\n**Exit code 2:** it fails.\n",
        messages.WRONG_EXIT.format(actual=1, expected=2),
    ),
    "latency block printing its own timings": (
        LATENCY.format(concurrent=SERIAL, delay="0.05 s"),
        "the comments describe 2 part(s) (line 5: 0.15 s, line 9: 0.05 s), but the calls to Read ran as 1 part(s)",
    ),
    "latency prose stating another delay (about 1 s)": (
        LATENCY.format(concurrent=GATHER, delay="1 s"),
        messages.LATENCY_PROSE_DELAY.format(
            where="docs/en/page.md:2", line=16, tool="Read", stated="`1 s`", actual=0.05
        ),
    ),
    "output-of a command unrelated to the block": (
        '<!-- doctest: output-of="echo path escapes workspace root" -->\n```text\npath escapes workspace root\n```\n',
        messages.OUTPUT_OF_NOT_SHOWN.format(command="echo path escapes workspace root"),
    ),
    "output-of=above quoting what the block never prints": (
        "```bash\necho hello\n```\n\n<!-- doctest: output-of=above -->\n```text\ngoodbye\n```\n",
        "docs/en/page.md:6: the reference never prints these lines",
    ),
    "quoted message reworded": (
        "```text\nexecution timed out\n```\n",
        messages.QUOTE_UNKNOWN.format(where="docs/en/page.md:1", quote="execution timed out"),
    ),
    "tool name misspelt in PTC code": (
        '```python\nprint(await Reed(path="a.txt"))\n```\n',
        "F821 Undefined name `Reed`",
    ),
    "quote dropping the end of the real message": (
        "```text\nTool Read failed: file not found\n```\n",
        "docs/en/page.md:1: the reference never prints these lines",
    ),
    "stdout= line dropping the end": (
        '<!-- doctest: stdout="hello" -->\n```bash\necho hello world\n```\n',
        messages.STREAM_LACKS_LINE.format(stream="stdout", wanted="hello"),
    ),
    "curl as /usr/bin/curl": (
        "```bash\n/usr/bin/curl http://localhost:8080/healthz\n```\n",
        messages.CURL_HTTP_ERROR.format(args="http://localhost:8080/healthz"),
    ),
    "curl inside $(...)": (
        '```bash\necho "status: $(curl http://localhost:8080/healthz)"\n```\n',
        messages.CURL_HTTP_ERROR.format(args="http://localhost:8080/healthz"),
    ),
    "curl in a pipeline": (
        "```bash\ncurl http://localhost:8080/healthz | cat\n```\n",
        messages.CURL_HTTP_ERROR.format(args="http://localhost:8080/healthz"),
    ),
    "jq selecting a missing field": (
        "```bash\ncurl -s http://localhost:8080/health | jq .stat\n```\n",
        messages.JQ_NULL.format(args=".stat"),
    ),
    "timeout comment disagrees with the code (Python)": (
        TIMEOUT.format(value=90, comment="from 30s up to 60s"),
        messages.CLAIM_COMMENT.format(where="docs/en/page.md:1", line=5, stated="`60s`", actual="90 s"),
    ),
    "timeout comment disagrees with the code (Go)": (
        "```go\nconfig := &bridge.RuntimeConfig{\n    Timeout: 90 * time.Second,  // from 30s up to 60s\n}\n```\n",
        "docs/en/page.md:1: line 3: the comment says `60s`, but the code sets 90 s",
    ),
    "limit comment disagrees with the code (Go)": (
        "```go\nvar sem = make(chan struct{}, 20)  // at most 10 at once\n```\n",
        messages.CLAIM_COMMENT.format(where="docs/en/page.md:1", line=2, stated="`at most 10`", actual="20"),
    ),
    "port comment disagrees with the code": (
        '```python\nurl = "http://localhost:9001"  # the bridge on port 9000\nprint(url)\n```\n',
        messages.CLAIM_COMMENT.format(where="docs/en/page.md:1", line=2, stated="`port 9000`", actual="9001"),
    ),
    "version prose disagrees with the runtime": (
        "**Requirement:** Python 3.9+\n",
        "docs/en/page.md:1: the page says `Python 3.9+`, but the oldest Python PTC code runs on",
    ),
}

LEGITIMATE = {
    "comment reworded": TIMEOUT.format(value=60, comment="raise it from 30s up to 60s"),
    "value changed consistently with its comment": TIMEOUT.format(value=90, comment="from 30s up to 90s"),
    "port changed consistently with its comment": (
        '```python\nurl = "http://localhost:9001"  # the bridge on port 9001\nprint(url)\n```\n'
    ),
    "semaphore size changed consistently (Go comment)": (
        '```go\npackage main\n\nimport "fmt"\n\nvar sem = make(chan struct{}, 20)  // at most 20 at once\n\n'
        "func main() { fmt.Println(cap(sem)) }\n```\n"
    ),
    "printed text translated": catch("错误详情"),
    "run= adding only flags": '<!-- doctest: run="ls -a /" -->\n```bash\nls /\n```\n',
    "run= shown on the page": (
        '<!-- doctest: run="python3 -V" -->\n```bash\npython3 --version\n```\n\nCI runs `python3 -V`.\n'
    ),
    "failure stated on the page": "```bash\nfalse\n```\n\n**Exit code 1:** `false` fails.\n",
    "quote with ... where the page shows it": "```text\nTool Read failed: file not found ...\n```\n",
    "output-of=above of the block it follows": (
        "```bash\necho hello world\n```\n\n<!-- doctest: output-of=above -->\n```text\nhello ...\n```\n"
    ),
    "curl by path and in $(...) that succeeds": (
        '```bash\n/usr/bin/curl http://localhost:8080/health\necho "$(curl http://localhost:8080/health)"\n```\n'
    ),
    "jq selecting a field the answer has": "```bash\ncurl -s http://localhost:8080/health | jq -r .status\n```\n",
    "version prose right": "**Requirement:** Python 3.10+\n",
}


def verdict(session, tmp_path, text: str) -> list[str]:
    """Every failure of the page's items: problems found reading it, its prose claims, its blocks."""
    parsed = parse(tmp_path, text)
    failures = [problem.message for problem in parsed.problems]
    failures += [problem for claim in parsed.claims for problem in claim.problems(REPO)]
    for block in parsed.blocks:
        try:
            run_block(block, session)
        except BlockFailure as failure:
            failures.append(str(failure))
    return failures


@pytest.mark.parametrize(("page", "reason"), LIES.values(), ids=LIES.keys())
def test_a_lie_fails(doc_session, tmp_path, page, reason):
    failures = verdict(doc_session, tmp_path, page)
    assert failures, "the lie passed"
    assert reason in failures[0]


@pytest.mark.parametrize("page", LEGITIMATE.values(), ids=LEGITIMATE.keys())
def test_a_legitimate_edit_passes(doc_session, tmp_path, page):
    assert verdict(doc_session, tmp_path, page) == []


def test_a_translation_of_printed_text_keeps_parity(tmp_path):
    from doctest_harness.parity import differences

    zh = list(parse(tmp_path, catch("错误详情"), "zh").blocks)
    en = list(parse(tmp_path, catch("error details"), "en").blocks)
    assert differences(zh, en, "docs/zh/page.md", "en") == []
