"""Where bash blocks run: a block that runs Python gets its page's throwaway venv first
on PATH (made on first need), and a block that does not, none; pip's cache is the
run's own, so `pip cache purge` on a page empties no reader's cache."""

import sys

import pytest

from doctest_harness import messages
from doctest_harness.blocks import page_blocks
from doctest_harness.evaluate import run_block
from doctest_harness.processes import HarnessError
from doctest_harness.sandboxes import POETRY_VENV, Sandboxes
from tests.doctests.pages import only_block, write_page

PAGE = """
```bash
echo hi
```

```bash
python3 -c 'import sys; print(sys.prefix)'
pip --version
```
"""


def test_only_blocks_that_run_python_get_the_page_venv(tmp_path, doc_session):
    echo, python = page_blocks(write_page(tmp_path, PAGE, name="venv-page.md"), tmp_path)
    sandboxes = doc_session.sandboxes
    run_block(echo, doc_session)
    assert sandboxes.page_venv(echo.page, create=False) is None
    run_block(python, doc_session)
    venv = sandboxes.page_venv(python.page, create=False)
    prefix, pip = doc_session.outputs[python.location].stdout.splitlines()
    assert prefix == str(venv)
    assert f" from {venv}/" in pip  # the venv has its own pip


def test_pips_cache_is_the_runs_own(tmp_path, doc_session):
    block = only_block(tmp_path, "```bash\npip cache dir\n```\n")
    run_block(block, doc_session)
    assert doc_session.outputs[block.location].stdout.strip() == str(doc_session.sandboxes.tmp / "pip-cache")


def test_poetry_that_cannot_be_installed_says_which_step_failed(tmp_path, monkeypatch):
    sandboxes = Sandboxes(tmp_path)  # the repo: where .cache/doctest-poetry would go
    monkeypatch.setattr(sys, "_base_executable", "false")
    try:
        with pytest.raises(HarnessError) as raised:
            sandboxes.poetry_bin()
    finally:
        sandboxes.close()
    venv = tmp_path / POETRY_VENV
    assert str(raised.value) == messages.POETRY_NOT_INSTALLED.format(command=f"false -m venv {venv}", output="")
