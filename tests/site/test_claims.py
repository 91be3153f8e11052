"""A claim the pages make that the doc-tests' claim items do not cover.

The claim items check each stated version against its own source ("Python 3.10+" against the
runtime's floor, "Requires-Python >=3.10" against aiohttp's metadata). The troubleshooting page
also says why the two agree: the runtime refuses what aiohttp 3.14 refuses. This checks that reason.
"""

from importlib.metadata import metadata

from packaging.specifiers import SpecifierSet

from aster_ref.sdk import MIN_PYTHON


def aiohttp_floor() -> tuple[int, ...]:
    spec = SpecifierSet(metadata("aiohttp")["Requires-Python"])
    lower = next(s.version for s in spec if s.operator == ">=")
    return tuple(int(part) for part in lower.split("."))


def test_runtime_floor_is_aiohttps_floor():
    assert MIN_PYTHON == aiohttp_floor()
