"""The files the pages name, laid out as the bridge's workspace root."""

from __future__ import annotations

from pathlib import Path

WORKSPACE_FILES = {
    "test.txt": "hello from test.txt\n",
    "a.txt": "alpha\n",
    "b.txt": "bravo\n",
    "c.txt": "charlie\n",
    "README.md": "# Workspace\n\nFiles the documentation's snippets read.\n",
    "data/config.json": '{"name": "demo", "debug": false}\n',
}


def make_workspace(root: Path) -> Path:
    for name, text in WORKSPACE_FILES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root
