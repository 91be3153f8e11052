pytest_plugins = ["doctest_harness.plugin"]
