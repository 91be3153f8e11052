"""Directives: ``<!-- doctest: key=value ... -->`` above a block, read against the
option schema of the block's runner, so an unknown or ill-typed key fails when
the page is collected, naming page:line.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from doctest_harness import messages


class DirectiveError(ValueError):
    """A directive the harness cannot use; ``str()`` says why in a docs writer's terms."""


@dataclass(frozen=True)
class Option:
    """One directive key a runner takes: what its value means, and how to read it."""

    help: str
    read: Callable[[str], Any]


def text(value: str) -> str:
    if not value.strip():
        raise DirectiveError(messages.VALUE_EMPTY)
    return value


def whole_number(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise DirectiveError(messages.VALUE_NOT_WHOLE_NUMBER) from None


def port(value: str) -> int:
    number = whole_number(value)
    if not 1 <= number <= 65535:
        raise DirectiveError(messages.VALUE_NOT_PORT)
    return number


@dataclass(frozen=True)
class Latency:
    tool: str
    seconds: float


def latency(value: str) -> Latency:
    tool, sep, seconds = value.partition(":")
    try:
        delay = float(seconds)
    except ValueError:
        delay = -1.0
    if not sep or not tool.isidentifier() or delay <= 0:
        raise DirectiveError(messages.VALUE_NOT_LATENCY)
    return Latency(tool, delay)


def command(value: str) -> str:
    try:
        shlex.split(value)
    except ValueError as exc:
        raise DirectiveError(messages.VALUE_NOT_COMMAND.format(reason=exc)) from None
    return text(value)


# Keys several kinds share: what the run must print, beyond exiting as the page says.
STDOUT = Option("a line the block must print on stdout (`...` stands for text left out)", text)
STDERR = Option("a line the block must print on stderr (`...` stands for text left out)", text)

# Keys no kind takes any more, with what to write instead.
RETIRED = {"exit": messages.EXIT_IS_STATED_ON_THE_PAGE}


def split_words(source: str) -> list[str]:
    try:
        return shlex.split(source)
    except ValueError as exc:
        raise DirectiveError(messages.DIRECTIVE_UNREADABLE.format(text=source, reason=exc)) from None


def parse(source: str, options: Mapping[str, Option], kind: str) -> dict[str, Any]:
    """``run="apt-get install --simulate x" port=6060`` -> {"run": "...", "port": 6060}, checked against ``options``."""
    directive: dict[str, Any] = {}
    for word in split_words(source):
        key, sep, value = word.partition("=")
        if not sep:
            raise DirectiveError(messages.DIRECTIVE_NOT_KEY_VALUE.format(word=word))
        if key in RETIRED:
            raise DirectiveError(RETIRED[key])
        if key not in options:
            known = ", ".join(f"{name} ({option.help})" for name, option in options.items()) or "no keys"
            raise DirectiveError(messages.DIRECTIVE_UNKNOWN_KEY.format(key=key, kind=kind, known=known))
        if key in directive:
            raise DirectiveError(messages.DIRECTIVE_KEY_TWICE.format(key=key))
        try:
            directive[key] = options[key].read(value)
        except DirectiveError as exc:
            raise DirectiveError(messages.DIRECTIVE_BAD_VALUE.format(key=key, value=value, problem=exc)) from None
    return directive
