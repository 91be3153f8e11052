"""Claims in prose that no block can run: checked against their source of truth."""

import re
from importlib.metadata import metadata

import pytest
from packaging.specifiers import SpecifierSet
from site_build import REPO

from aster_ref.sdk import MIN_PYTHON

REQUIREMENT = re.compile(r"Python (3\.\d+)\+")


def aiohttp_floor() -> tuple[int, ...]:
    spec = SpecifierSet(metadata("aiohttp")["Requires-Python"])
    lower = next(s.version for s in spec if s.operator == ">=")
    return tuple(int(part) for part in lower.split("."))


def test_runtime_floor_is_aiohttps_floor():
    assert MIN_PYTHON == aiohttp_floor()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_troubleshooting_states_the_python_the_runtime_needs(lang):
    text = (REPO / "docs" / lang / "troubleshooting.md").read_text(encoding="utf-8")
    claims = set(REQUIREMENT.findall(text))
    assert claims == {".".join(map(str, MIN_PYTHON))}
