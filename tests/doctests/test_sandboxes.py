"""Where bash blocks run: a block that runs Python gets its page's throwaway venv first
on PATH (made on first need), and a block that does not, none."""

from doctest_harness.blocks import page_blocks
from doctest_harness.evaluate import run_block
from tests.doctests.pages import write_page

PAGE = """
```bash
echo hi
```

```bash
python3 -c 'import sys; print(sys.prefix)'
```
"""


def test_only_blocks_that_run_python_get_the_page_venv(tmp_path, doc_session):
    echo, python = page_blocks(write_page(tmp_path, PAGE, name="venv-page.md"), tmp_path)
    sandboxes = doc_session.sandboxes
    run_block(echo, doc_session)
    assert sandboxes.page_venv(echo.page, create=False) is None
    run_block(python, doc_session)
    venv = sandboxes.page_venv(python.page, create=False)
    assert doc_session.outputs[python.location].stdout.strip() == str(venv)
