"""What the doc-tests share for one pytest run: the sandboxes, the bridge on
localhost:8080, the reproduced messages, and the outputs of blocks other blocks
quote (the summary's tallies are plugin.Summary's).

Everything starts lazily on first use and stops at the end of the run, so
``pytest tests/`` pays nothing for it. The messages that need port 8080 free
are reproduced before the bridge first takes it.
"""

from __future__ import annotations

from pathlib import Path

from doctest_harness.bridge import Bridge
from doctest_harness.model import Outcome
from doctest_harness.sandboxes import Sandboxes
from doctest_harness.scenarios import Scenarios


class DocTestSession:
    def __init__(self, repo: Path) -> None:
        self.repo = repo
        self.sandboxes = Sandboxes(repo)
        self.bridge = Bridge(self.sandboxes)
        self.scenarios = Scenarios(self.sandboxes, self.bridge_url)
        self.outputs: dict[str, Outcome] = {}  # by block location: what a block printed, for quotes of it

    def bridge_url(self) -> str:
        if not self.bridge.running:
            self.scenarios.offline()
        return self.bridge.start()

    def close(self) -> None:
        self.bridge.stop()
        self.sandboxes.close()
