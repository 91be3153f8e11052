"""Data: JSON, YAML and TOML blocks must parse."""

from __future__ import annotations

import json

import tomllib
import yaml

from doctest_harness import messages
from doctest_harness.model import BlockFailure, DocBlock, Kind
from doctest_harness.registry import Runner
from doctest_harness.session import DocTestSession

PARSERS = {"json": json.loads, "yaml": yaml.safe_load, "yml": yaml.safe_load, "toml": tomllib.loads}


def run(block: DocBlock, session: DocTestSession) -> None:
    try:
        PARSERS[block.fence.lang.lower()](block.code)
    except (ValueError, yaml.YAMLError) as exc:
        raise BlockFailure(
            messages.DATA_INVALID.format(where=block.location, lang=block.fence.lang, error=exc)
        ) from None


RUNNER = Runner(kind=Kind.DATA, languages=frozenset(PARSERS), run=run)
