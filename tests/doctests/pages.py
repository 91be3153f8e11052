"""Small pages written into a tmp repo, read the way the plugin reads docs/."""

from pathlib import Path
from textwrap import dedent

from doctest_harness.blocks import ParsedPage, parse_page
from doctest_harness.model import DocBlock


def write_page(repo: Path, text: str, lang: str = "en", name: str = "page.md") -> Path:
    path = repo / "docs" / lang / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def parse(repo: Path, text: str, lang: str = "en") -> ParsedPage:
    return parse_page(write_page(repo, text, lang), repo)


def only_block(repo: Path, text: str, lang: str = "en") -> DocBlock:
    parsed = parse(repo, text, lang)
    assert not parsed.problems, parsed.problems
    (block,) = parsed.blocks
    return block


def problem_messages(repo: Path, text: str, lang: str = "en") -> list[str]:
    parsed = parse(repo, text, lang)
    return [problem.message for problem in parsed.problems] + ([parsed.refused.message] if parsed.refused else [])
