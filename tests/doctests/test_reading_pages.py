"""How the harness reads a page: kinds, directives (validated at collection), the
notes after a block, what binds a directive to what readers see, and pages or
blocks it cannot use (each a problem naming page:line, the rest still read)."""

import pytest

from doctest_harness import messages
from doctest_harness.blocks import BlockError, page_blocks
from doctest_harness.directives import Latency
from doctest_harness.model import Kind
from doctest_harness.runners import REGISTRY
from tests.doctests.pages import only_block, parse, problem_messages, write_page

PTC_HELPER = """
```python
async def count(name):
    return len(await Read(path=name))

print(await count("a.txt"))
```
"""


@pytest.mark.parametrize(
    ("lang", "code", "kind"),
    [
        ("python", 'print("hi")', Kind.PYTHON),
        ("python", 'r = await Read(path="a.txt")', Kind.PTC),
        ("python", 'import asyncio\n\nasync def main():\n    await Glob(pattern="*")\n\nasyncio.run(main())', Kind.PTC),
        (
            "python",
            "import asyncio\n\nasync def main():\n    await asyncio.sleep(0)\n\nasyncio.run(main())",
            Kind.PYTHON,
        ),
        ("python", 'def Read(path):\n    return path\n\nprint(Read(path="a"))', Kind.PYTHON),
        ("python", "runtime.execute('print(await Glob(pattern=\"*\"))')", Kind.PYTHON),
        ("bash", "curl http://localhost:8080/health", Kind.BASH),
        ("go", "package main", Kind.GO),
        ("", "execution timeout", Kind.QUOTED),
        ("text", "execution timeout", Kind.QUOTED),
        ("text", "docs/\n├── zh/\n└── en/", Kind.DIAGRAM),
        ("text", "client --> bridge\n  |-- tools", Kind.DIAGRAM),
        ("", "+------+     +--------+\n| host | ==> | bridge |\n+------+     +--------+", Kind.DIAGRAM),
        ("mermaid", "flowchart LR\n  A --> B", Kind.DIAGRAM),
        ("json", "{}", Kind.DATA),
        ("yaml", "a: 1", Kind.DATA),
    ],
)
def test_kind_follows_language_and_content(tmp_path, lang, code, kind):
    assert only_block(tmp_path, f"```{lang}\n{code}\n```\n").kind is kind


def test_ptc_is_recognised_by_tool_calls_inside_async_helpers(tmp_path):
    assert only_block(tmp_path, PTC_HELPER).kind is Kind.PTC


def test_unknown_language_is_a_problem_naming_page_and_line(tmp_path):
    known = ", ".join(REGISTRY.languages())
    assert problem_messages(tmp_path, "# Page\n\n```ruby\nputs 1\n```\n") == [
        messages.NO_RUNNER.format(where="docs/en/page.md:3", lang="`ruby`", known=known)
    ]


def test_a_refused_page_is_one_problem_at_its_line(tmp_path):
    parsed = parse(tmp_path, '# Page\n\n```json\n{}\n```\n\n::alert{type="info"}\nnever closed\n')
    assert parsed.blocks == ()
    assert parsed.refused.test_name == "docs/en/page.md:7"
    assert parsed.refused.message.startswith("docs/en/page.md:7: ")
    assert parsed.refused.message.endswith("(the page cannot be read, so none of its blocks ran)")


def test_a_bad_block_is_a_problem_and_the_others_are_still_read(tmp_path):
    parsed = parse(tmp_path, "<!-- doctest: skip=yes -->\n```bash\necho a\n```\n\n```json\n{}\n```\n")
    assert [problem.test_name for problem in parsed.problems] == ["docs/en/page.md:2"]
    assert [block.kind for block in parsed.blocks] == [Kind.DATA]


# --- directives -----------------------------------------------------------------------------------


def test_directive_keys_are_read_with_their_types(tmp_path):
    block = only_block(
        tmp_path,
        '<!-- doctest: latency=Read:1.5 stdout="a b" -->\n```python\nawait Read(path="a.txt")\nprint("a b")\n```\n',
    )
    assert block.directive == {"latency": Latency("Read", 1.5), "stdout": "a b"}


def test_a_directive_may_span_lines_and_comments(tmp_path):
    block = only_block(
        tmp_path,
        '<!-- doctest: background="sleep 60"\n     port=6060 -->\n<!-- doctest: stdout=ok -->\n'
        "```bash\ncurl localhost:6060 && echo ok\n```\n",
    )
    assert block.directive == {"background": "sleep 60", "port": 6060, "stdout": "ok"}


@pytest.mark.parametrize(
    ("directive", "problem"),
    [
        (
            "skip=yes",
            messages.DIRECTIVE_UNKNOWN_KEY.format(
                key="skip",
                kind="python-ptc",
                known=", ".join(f"{name} ({option.help})" for name, option in REGISTRY[Kind.PTC].options.items()),
            ),
        ),
        (
            "latency=Read",
            messages.DIRECTIVE_BAD_VALUE.format(key="latency", value="Read", problem=messages.VALUE_NOT_LATENCY),
        ),
        (
            "latency=Read:0",
            messages.DIRECTIVE_BAD_VALUE.format(key="latency", value="Read:0", problem=messages.VALUE_NOT_LATENCY),
        ),
        ("stdout=", messages.DIRECTIVE_BAD_VALUE.format(key="stdout", value="", problem=messages.VALUE_EMPTY)),
        ("stdout=a stdout=b", messages.DIRECTIVE_KEY_TWICE.format(key="stdout")),
        ("quiet", messages.DIRECTIVE_NOT_KEY_VALUE.format(word="quiet")),
        ('stdout="a', messages.DIRECTIVE_UNREADABLE.format(text='stdout="a', reason="No closing quotation")),
        ("exit=1", messages.EXIT_IS_STATED_ON_THE_PAGE),
    ],
)
def test_a_directive_the_runner_cannot_use_fails_at_collection(tmp_path, directive, problem):
    text = f'# Page\n\n<!-- doctest: {directive} -->\n```python\nawait Read(path="a.txt")\n```\n'
    assert problem_messages(tmp_path, text) == [
        messages.IN_DIRECTIVE.format(where="docs/en/page.md:3", problem=problem)
    ]


def test_ill_typed_port_is_named(tmp_path):
    text = '<!-- doctest: background="sleep 9" port=http -->\n```bash\ncurl localhost:80\n```\n'
    problem = messages.DIRECTIVE_BAD_VALUE.format(key="port", value="http", problem=messages.VALUE_NOT_WHOLE_NUMBER)
    assert problem_messages(tmp_path, text) == [
        messages.IN_DIRECTIVE.format(where="docs/en/page.md:1", problem=problem)
    ]


def test_a_directive_not_directly_above_a_block_is_a_problem(tmp_path):
    text = "<!-- doctest: stdout=hi -->\n\n```bash\necho hi\n```\n"
    assert problem_messages(tmp_path, text) == [messages.DIRECTIVE_STRAY.format(where="docs/en/page.md:1")]


def test_a_comment_that_looks_like_a_directive_is_a_problem(tmp_path):
    text = "<!-- doctest stdout=hi -->\n```bash\necho hi\n```\n"
    assert problem_messages(tmp_path, text) == [messages.DIRECTIVE_MALFORMED.format(where="docs/en/page.md:1")]


def test_other_comments_are_left_alone(tmp_path):
    assert only_block(tmp_path, "<!-- an editor's note -->\n```bash\necho hi\n```\n").directive == {}


# --- notes readers see ------------------------------------------------------------------------------


def test_not_run_note_after_the_block_carries_the_reason(tmp_path):
    block = only_block(tmp_path, "```bash\nbrew install x\n```\n\n**Not run in CI:** needs macOS,\nwhich CI is not.\n")
    assert block.not_run_reason == "needs macOS, which CI is not."


def test_chinese_pages_use_the_chinese_note(tmp_path):
    block = only_block(tmp_path, "```bash\nbrew install x\n```\n**CI 不运行：**需要 macOS。\n", lang="zh")
    assert block.not_run_reason == "需要 macOS。"


def test_a_not_run_note_inside_a_code_group_belongs_to_its_tab(tmp_path):
    parsed = parse(
        tmp_path,
        "::code-group\n```bash [a]\necho a\n```\n\n**Not run in CI:** b only.\n\n```bash [b]\necho b\n```\n::\n",
    )
    assert [block.not_run_reason for block in parsed.blocks] == ["b only.", None]


def test_the_old_marker_inside_the_code_is_just_code(tmp_path):
    assert only_block(tmp_path, "```bash\n# not run in CI: macOS only\nbrew install x\n```\n").not_run_reason is None


def test_a_note_two_blank_lines_away_is_not_the_blocks(tmp_path):
    assert only_block(tmp_path, "```bash\nbrew install x\n```\n\n\n**Not run in CI:** why\n").not_run_reason is None


def test_exit_code_note_sets_the_expected_exit(tmp_path):
    assert only_block(tmp_path, "```bash\nfalse\n```\n\n**Exit code 1:** `false` fails.\n").expected_exit == 1
    assert only_block(tmp_path, "```bash\nfalse\n```\n\n**退出码 1：**会失败。\n", lang="zh").expected_exit == 1


@pytest.mark.parametrize(
    ("note", "lang", "expected", "what"),
    [
        ("**Not run in CI**: why", "en", "Not run in CI:", messages.NOTE_SAYS_NOT_RUN),
        ("**CI 不运行:**原因", "zh", "CI 不运行：", messages.NOTE_SAYS_NOT_RUN),
        ("**Not run in CI:** why", "zh", "CI 不运行：", messages.NOTE_SAYS_NOT_RUN),
        ("**Exit code: 1** why", "en", "Exit code N:", messages.NOTE_SAYS_EXIT),
    ],
)
def test_a_miswritten_note_says_how_to_write_it(tmp_path, note, lang, expected, what):
    label = note.split("**")[1]
    assert problem_messages(tmp_path, f"```bash\nfalse\n```\n\n{note}\n", lang) == [
        messages.NOTE_MISWRITTEN.format(where=f"docs/{lang}/page.md:5", label=label, what=what, expected=expected)
    ]


def test_a_not_run_note_must_say_why(tmp_path):
    assert problem_messages(tmp_path, "```bash\nbrew x\n```\n**Not run in CI:**\n") == [
        messages.NOT_RUN_WITHOUT_REASON.format(where="docs/en/page.md:4", label="Not run in CI:")
    ]


def test_other_bold_paragraphs_after_a_block_are_prose(tmp_path):
    block = only_block(tmp_path, "```bash\necho hi\n```\n\n**Possible causes:** many.\n")
    assert (block.not_run_reason, block.expected_exit) == (None, 0)


# --- directives bound to what the reader sees -----------------------------------------------------------


def run_problem(tmp_path, visible: str, run: str, prose: str = "") -> list[str]:
    return problem_messages(tmp_path, f"<!-- doctest: run={run!r} -->\n```bash\n{visible}\n```\n\n{prose}\n")


def test_run_may_add_flags_and_setup_commands(tmp_path):
    assert run_problem(tmp_path, "poetry add aiohttp", "poetry init -n && poetry add --dry-run aiohttp") == []


def test_run_that_replaces_the_visible_command_fails(tmp_path):
    problem = messages.RUN_NOT_SHOWN.format(visible="pip install aiohttp", run="pip --version")
    assert run_problem(tmp_path, "pip install aiohttp", "pip --version") == [
        messages.IN_DIRECTIVE.format(where="docs/en/page.md:1", problem=problem)
    ]


def test_run_that_drops_an_argument_fails(tmp_path):
    assert run_problem(tmp_path, "pip install aiohttp yarl", "pip install --dry-run aiohttp") != []


def test_run_that_could_hide_a_failure_fails(tmp_path):
    problem = messages.RUN_HIDES_FAILURES.format(operator="||")
    assert run_problem(tmp_path, "pip install aiohttp", "pip install --dry-run aiohttp || true") == [
        messages.IN_DIRECTIVE.format(where="docs/en/page.md:1", problem=problem)
    ]


def test_run_shown_on_the_page_may_differ(tmp_path):
    prose = "CI runs `apt-get install --simulate python3.11` instead."
    assert run_problem(tmp_path, "sudo apt install python3.11", "apt-get install --simulate python3.11", prose) == []


def test_run_shown_only_in_a_comment_is_not_shown(tmp_path):
    prose = "<!-- apt-get install --simulate python3.11 -->"
    assert run_problem(tmp_path, "sudo apt install python3.11", "apt-get install --simulate python3.11", prose) != []


def test_output_of_a_command_the_page_does_not_show_fails(tmp_path):
    text = '<!-- doctest: output-of="echo hello" -->\n```text\nhello\n```\n'
    problem = messages.OUTPUT_OF_NOT_SHOWN.format(command="echo hello")
    assert problem_messages(tmp_path, text) == [
        messages.IN_DIRECTIVE.format(where="docs/en/page.md:1", problem=problem)
    ]


def test_output_of_above_names_the_block_above(tmp_path):
    parsed = parse(tmp_path, "```bash\necho hello\n```\n\n<!-- doctest: output-of=above -->\n```text\nhello\n```\n")
    assert parsed.problems == ()
    assert parsed.blocks[1].above is parsed.blocks[0]


def test_output_of_above_needs_a_bash_block_above(tmp_path):
    text = "```json\n{}\n```\n\n<!-- doctest: output-of=above -->\n```text\nhello\n```\n"
    problem = messages.OUTPUT_OF_ABOVE_NOT_BASH.format(line=1, kind="data")
    assert problem_messages(tmp_path, text) == [
        messages.IN_DIRECTIVE.format(where="docs/en/page.md:5", problem=problem)
    ]


def test_background_port_must_be_one_the_block_uses(tmp_path):
    text = '<!-- doctest: background="sleep 60" port=6060 -->\n```bash\ncurl localhost:7070\n```\n'
    problem = messages.PORT_NOT_USED.format(port=6060)
    assert problem_messages(tmp_path, text) == [
        messages.IN_DIRECTIVE.format(where="docs/en/page.md:1", problem=problem)
    ]


def test_page_blocks_raises_on_a_problem(tmp_path):
    with pytest.raises(BlockError, match=r"^docs/en/page\.md:1: "):
        page_blocks(write_page(tmp_path, "<!-- doctest: nope=1 -->\n```bash\necho\n```\n"), tmp_path)
