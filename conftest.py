# The doc-test plugin collects docs/; pytester runs it on small docs trees in its own tests.
pytest_plugins = ["doctest_harness.plugin", "pytester"]
