import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from site_build import REPO, build

from tests.ports import free_port

# The hooks' modules (catalogue, headings, sitemap...), as MkDocs imports them.
sys.path.insert(0, str(REPO / "hooks"))

# The site is built once, for a local address under a subpath, as an intranet host would serve it:
# every absolute link (sitemap, canonical, hreflang, 404 pages) must carry the subpath.
SUBPATH = "docs/aster/"


@dataclass(frozen=True)
class BuiltSite:
    dir: Path  # the built site
    serve_root: Path  # served at http://127.0.0.1:<port>/; the site is at <serve_root>/<SUBPATH>
    url: str  # SITE_URL it was built for
    port: int

    def page(self, path: str) -> str:
        return (self.dir / path).read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> BuiltSite:
    """The real site, built once with --strict for http://127.0.0.1:<free port>/docs/aster/."""
    root = tmp_path_factory.mktemp("served")
    port = free_port()
    built = BuiltSite(root / SUBPATH, root, f"http://127.0.0.1:{port}/{SUBPATH}", port)
    done = build(REPO, built.dir, built.url)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "WARNING" not in done.stderr, done.stderr
    return built
