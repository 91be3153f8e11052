"""Build the site with Zensical, through the `mkdocs_mdc` Markdown extension, and report any MDC left over.

    python3 tools/zensical_check.py [ZENSICAL_VERSION]

Zensical runs Markdown extensions but not MkDocs plugins, so the build uses a copy of mkdocs.yml without the
`mdc` and `i18n` plugins and with `mkdocs_mdc` first among the markdown_extensions; each language is built on
its own (mkdocs-static-i18n does not run). Zensical lives in its own venv under .cache/, not in .venv: it is
not in requirements.lock. Exit status 1 if a page failed or kept `::` outside code. Not run by `make test`.
"""

from __future__ import annotations

import re
import subprocess
import sys
import venv
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
WORK = REPO / ".cache" / "zensical-check"
LEFTOVER = re.compile(r"(?<![\w/:])::+[A-Za-z]|^\s*::+\s*$", re.MULTILINE)


def zensical(version: str | None) -> Path:
    python = WORK / "venv" / "bin" / "python"
    if not python.exists():
        venv.create(WORK / "venv", with_pip=True)
    package = f"zensical=={version}" if version else "zensical"
    subprocess.run([python, "-m", "pip", "install", "-q", package, "-e", str(REPO)], check=True)
    return WORK / "venv" / "bin" / "zensical"


def config(language: str) -> str:
    """mkdocs.yml edited as text: its `!!python/...` tags must reach Zensical as written."""
    text = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    i18n = re.search(r"^  - i18n:\n(?:    .*\n|\s*\n)*", text, re.MULTILINE)
    edits = [
        (r"^  - mdc\n", ""),
        (re.escape(i18n[0]) if i18n else r"(?!)", ""),
        (r"^markdown_extensions:\n", "markdown_extensions:\n  - mkdocs_mdc\n"),
        (r"^docs_dir: .*$", f"docs_dir: docs/{language}\nsite_dir: {(WORK / 'site' / language).relative_to(REPO)}"),
    ]
    for pattern, replacement in edits:
        text, count = re.subn(pattern, replacement, text, count=1, flags=re.MULTILINE)
        if count != 1:
            raise SystemExit(f"mkdocs.yml changed: no match for {pattern!r}; update tools/zensical_check.py")
    return text


def leftovers(site: Path) -> list[str]:
    found = []
    for page in sorted(site.rglob("*.html")):
        html = re.sub(r"<(pre|code)\b.*?</\1>", "", page.read_text(encoding="utf-8"), flags=re.DOTALL)
        text = re.sub(r"<[^>]+>", "", html)
        found += [f"{page.relative_to(site)}: {match.group().strip()}" for match in LEFTOVER.finditer(text)]
    return found


def main() -> int:
    binary = zensical(sys.argv[1] if len(sys.argv) > 1 else None)
    status = 0
    for language in sorted(path.name for path in (REPO / "docs").iterdir() if path.is_dir()):
        # Zensical wants docs_dir inside the folder of the config file: the repository.
        config_file = REPO / f".zensical-check-{language}.yml"
        config_file.write_text(config(language), encoding="utf-8")
        try:
            command = [binary, "build", "-f", str(config_file)]
            built = subprocess.run(command, cwd=REPO, text=True, capture_output=True, check=False)
        finally:
            config_file.unlink()
        found = leftovers(WORK / "site" / language)
        print(f"{language}: zensical build exit {built.returncode}, {len(found)} MDC leftovers")
        for line in [*built.stderr.splitlines(), *found]:
            print(f"  {line}")
        status |= built.returncode != 0 or bool(found)
    return status


if __name__ == "__main__":
    sys.exit(main())
