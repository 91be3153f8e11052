"""Reading code the way a reader does: where a line's comment starts."""

from __future__ import annotations

import re

# A comment starts at line start or after whitespace, so URLs keep their `//` and `#fragment`s stay code.
COMMENT_START = {
    "python": re.compile(r"(?:^|(?<=\s))#"),
    "bash": re.compile(r"(?:^|(?<=\s))#"),
    "go": re.compile(r"(?:^|(?<=\s))//"),
}
LANG_ALIASES = {"py": "python", "python3": "python", "sh": "bash", "shell": "bash", "golang": "go"}


def comment_syntax(lang: str) -> re.Pattern[str] | None:
    lang = lang.lower()
    return COMMENT_START.get(LANG_ALIASES.get(lang, lang))


def split_comment(line: str, lang: str) -> tuple[str, str | None]:
    """``x = 1  # one`` -> ("x = 1", "one"); a line without a comment -> (line, None).

    A comment marker inside a string on the line is not told apart: code on our
    pages puts none there, and the worst case is a comment read where there is none.
    """
    syntax = comment_syntax(lang)
    match = syntax.search(line) if syntax else None
    if match is None:
        return line.rstrip(), None
    return line[: match.start()].rstrip(), line[match.end() :].strip()
