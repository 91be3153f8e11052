"""Build the site (or a broken copy of it) with mkdocs, as `make site` does."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
MKDOCS = [sys.executable, "-m", "mkdocs"]
LANGUAGES = ["zh", "en"]
DEFAULT_LANGUAGE = "zh"
# Where each language's pages are in the built site.
LANGUAGE_ROOT = {"zh": "", "en": "en/"}
PAGES = ["index", "troubleshooting", "errors", "cli", "testing"]


def mkdocs_env(site_url: str | None = None) -> dict[str, str]:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    env.pop("SITE_URL", None)
    if site_url:
        env["SITE_URL"] = site_url
    return env


def build(project: Path, site_dir: Path, site_url: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*MKDOCS, "build", "--strict", "--site-dir", str(site_dir)],
        cwd=project,
        env=mkdocs_env(site_url),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def copy_project(dest: Path) -> Path:
    """What the site is built from (mkdocs.yml, docs/, hooks/, overrides/, snippets/), to break a copy."""
    shutil.copy(REPO / "mkdocs.yml", dest / "mkdocs.yml")
    for folder in ("docs", "hooks", "overrides", "snippets"):
        if (REPO / folder).exists():
            shutil.copytree(REPO / folder, dest / folder, ignore=shutil.ignore_patterns("__pycache__"))
    (dest / "aster_ref").symlink_to(REPO / "aster_ref")  # mkdocs.yml watches its messages and CLI
    return dest
