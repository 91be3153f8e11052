"""Build the site (or a broken copy of it) with mkdocs, as `make build` does."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
MKDOCS = [sys.executable, "-m", "mkdocs"]


def mkdocs_env() -> dict[str, str]:
    return dict(os.environ, NO_MKDOCS_2_WARNING="1")


def build(project: Path, site_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*MKDOCS, "build", "--strict", "--site-dir", str(site_dir)],
        cwd=project,
        env=mkdocs_env(),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def copy_project(dest: Path) -> Path:
    """mkdocs.yml, docs/ and snippets/ of this repo, to break a copy."""
    shutil.copy(REPO / "mkdocs.yml", dest / "mkdocs.yml")
    shutil.copytree(REPO / "docs", dest / "docs")
    if (REPO / "snippets").exists():
        shutil.copytree(REPO / "snippets", dest / "snippets")
    return dest
