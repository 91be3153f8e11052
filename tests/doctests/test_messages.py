"""The harness's messages: the wording readers and writers see, pinned once here, and
in a docs writer's terms (no internal module names)."""

import re

from doctest_harness import messages

# Names of the harness's insides that a docs writer never needs to know.
INTERNAL = re.compile(r"doctest_harness|aster_ref\.\w|mkdocs_mdc|DocBlock|Outcome|BlockFailure|Traceback|\.py\b")


def constants() -> dict[str, object]:
    return {name: value for name, value in vars(messages).items() if name.isupper()}


def texts(value) -> list[str]:
    return list(value.values()) if isinstance(value, dict) else [value]


def test_messages_speak_of_pages_not_of_the_harness():
    leaks = {name: text for name, value in constants().items() for text in texts(value) if INTERNAL.search(text)}
    assert leaks == {}


def test_the_visible_note_labels_are_pinned():
    assert messages.NOT_RUN_LABEL == {"en": "Not run in CI:", "zh": "CI 不运行："}
    assert messages.EXIT_LABEL == {"en": "Exit code {code}:", "zh": "退出码 {code}："}


def test_the_asyncio_run_message_names_the_bug_and_the_fix():
    assert messages.ASYNCIO_RUN_IN_PTC.format(where="docs/en/p.md:3", line=9) == (
        "docs/en/p.md:3: line 9: PTC code already runs inside the runtime's event loop, so `asyncio.run(...)` fails "
        'with "RuntimeError: asyncio.run() cannot be called from a running event loop". Write `await main()` instead.'
    )


def test_the_run_binding_message_shows_both_commands():
    assert messages.RUN_NOT_SHOWN.format(visible="pip install x", run="pip --version") == (
        "run= replaces the command readers see with one they do not see. A replacement must run each visible "
        "command (it may add flags, and setup commands before it, joined by &&), or appear on the page.\n"
        "  visible: pip install x\n  run=:    pip --version"
    )
