"""Doc-tests: every fenced block of every page under docs/ runs against aster_ref.

The pytest plugin (``doctest_harness.plugin``) collects blocks with the MDC parser
of ``mkdocs_mdc`` and runs each one by kind; the conventions pages follow are
documented on the site's "How the docs are tested" page.
"""
