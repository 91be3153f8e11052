from pathlib import Path

import pytest
from site_build import REPO, build


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The real site, built once with --strict."""
    site_dir = tmp_path_factory.mktemp("site")
    done = build(REPO, site_dir)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "WARNING" not in done.stderr, done.stderr
    return site_dir
