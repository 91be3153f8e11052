"""The suite's plugins, and which of its tests share an xdist worker (``make test`` runs two)."""

import pytest

# The doc-test plugin collects docs/; parallel keeps the tests that bind the pages' ports on one worker;
# pytester runs the plugin on small docs trees in its own tests.
pytest_plugins = ["doctest_harness.plugin", "doctest_harness.parallel", "pytester"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # The tests of the built site (tests/site) run on one worker, which builds it once.
    for item in items:
        if "site" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.xdist_group("site"))
