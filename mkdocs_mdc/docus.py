"""Turn a Docus `content/` tree into an MkDocs `docs/` tree and the `nav` of mkdocs.yml.

Nuxt Content orders pages and folders by a numeric prefix (`1.getting-started/2.install.md`) that is not part
of the URL, names a folder in `.navigation.yml` (Docus 3) or `_dir.yml` (Docus 1-2), hides a page or folder
with `navigation: false`, and skips `_partials` and dot-files. Pages are copied unchanged: the `mdc` plugin
converts them at build time.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mkdocs_mdc import errors
from mkdocs_mdc.errors import read_text
from mkdocs_mdc.yaml_data import YamlDataError, load_mapping

_PREFIX = re.compile(r"^(?P<number>\d+)\.(?P<name>.+)$")
_HEADING = re.compile(r"^#[ \t]+(?P<title>.+?)[ \t#]*$")
_FENCE = re.compile(r"^[ \t]*(?P<marker>`{3,}|~{3,})(?P<info>.*)$")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(?P<yaml>.*?\n)?---[ \t]*(?:\n|\Z)", re.DOTALL)
_FOLDER_META = (".navigation.yml", ".navigation.yaml", "_dir.yml", "_dir.yaml")

Nav = list[dict[str, Any]]


class ImportError_(Exception):
    """A content tree that cannot be imported as it is; the message says which file and why."""


@dataclass
class Imported:
    nav: Nav
    copies: list[tuple[Path, Path]]  # (source, target), planned before anything is written

    @property
    def pages(self) -> list[Path]:
        return [target for _, target in self.copies if target.suffix == ".md"]

    @property
    def files(self) -> int:
        return len(self.copies) - len(self.pages)

    def refuse_existing(self) -> None:
        """Raise ImportError_ naming every target that exists: an import never writes over a file."""
        existing = [target for _, target in self.copies if target.exists()]
        if existing:
            raise ImportError_(errors.IMPORT_WOULD_OVERWRITE.format(files="\n".join(f"  {p}" for p in existing)))

    def write(self) -> None:
        for source, target in self.copies:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)


def plan_import(content: Path, out: Path) -> Imported:
    """Read and check `content` (names, YAML, encoding) and plan its copy into `out` without numeric prefixes;
    writes nothing. Raises ImportError_."""
    if not content.is_dir():
        raise ImportError_(errors.IMPORT_NOT_A_FOLDER.format(path=content))
    imported = Imported([], [])
    imported.nav = _folder(content, out, Path(), imported)
    return imported


def import_docus(content: Path, out: Path) -> Imported:
    """Plan the import, refuse to write over existing files, then copy; raises ImportError_."""
    imported = plan_import(content, out)
    imported.refuse_existing()
    imported.write()
    return imported


def _folder(source: Path, out: Path, folder: Path, imported: Imported) -> Nav:
    """Plan the copy of `source` to `out / folder`; its nav entries, with paths relative to `out`."""
    nav: Nav = []
    planned: dict[str, Path] = {}
    for entry in sorted(source.iterdir(), key=_order):
        if entry.name.startswith((".", "_")):
            continue  # .navigation.yml, _dir.yml, partials, editor files
        name = _unprefixed(entry.name)
        if name in planned:
            raise ImportError_(errors.IMPORT_SAME_NAME.format(first=planned[name], second=entry, name=name))
        planned[name] = entry
        path = folder / name
        if entry.is_dir():
            meta = _folder_meta(entry)
            children = _folder(entry, out, path, imported)
            if children and meta.get("navigation", True) is not False:
                nav.append({str(meta.get("title") or _humanize(name)): children})
            continue
        imported.copies.append((entry, out / path))
        if entry.suffix != ".md":
            continue
        text = read_text(entry)
        meta = _front_matter(text, entry)
        if meta.get("navigation", True) is not False:
            title = _nav_title(meta) or _first_heading(text) or _humanize(path.stem)
            nav.append({title: path.as_posix()})
    # Docus shows a folder's index.md first.
    nav.sort(key=lambda item: next(iter(item.values())) != (folder / "index.md").as_posix())
    return nav


def _order(entry: Path) -> tuple[int, float, str]:
    """Numbered entries first, by number; then the others by name (Nuxt Content's order)."""
    match = _PREFIX.match(entry.name)
    return (0, int(match["number"]), match["name"]) if match else (1, 0, entry.name)


def _unprefixed(name: str) -> str:
    match = _PREFIX.match(name)
    return match["name"] if match else name


def _humanize(name: str) -> str:
    """`getting-started` -> `Getting started`, as Nuxt Content titles a page with no title."""
    words = re.sub(r"[-_]+", " ", name).strip()
    return words[:1].upper() + words[1:]


def _folder_meta(folder: Path) -> dict[str, Any]:
    for name in _FOLDER_META:
        path = folder / name
        if path.is_file():
            return _yaml_mapping(read_text(path), path, first_line=1)
    return {}


def _front_matter(text: str, path: Path) -> dict[str, Any]:
    match = _FRONT_MATTER.match(text.replace("\r\n", "\n"))
    return _yaml_mapping(match["yaml"] or "", path, first_line=2) if match else {}


def _nav_title(meta: dict[str, Any]) -> str | None:
    navigation = meta.get("navigation")
    if isinstance(navigation, dict) and navigation.get("title"):
        return str(navigation["title"])
    return str(meta["title"]) if meta.get("title") else None


def _first_heading(text: str) -> str | None:
    """The first `# title` after the front matter (whose `# comments` are YAML) and outside code fences."""
    text = text.replace("\r\n", "\n")
    front_matter = _FRONT_MATTER.match(text)
    fence: str | None = None  # the marker of the open fence
    for line in text[front_matter.end() if front_matter else 0 :].split("\n"):
        if marker := _FENCE.match(line):
            if fence is None:
                fence = marker["marker"]
            elif marker["marker"].startswith(fence) and not marker["info"].strip():
                fence = None
        elif fence is None and (heading := _HEADING.match(line)):
            return heading["title"]
    return None


def _yaml_mapping(source: str, path: Path, *, first_line: int) -> dict[str, Any]:
    """`source`, which starts at line `first_line` of `path`, as a mapping; raises ImportError_."""
    try:
        value = load_mapping(source)
    except YamlDataError as error:
        line = first_line + error.line
        raise ImportError_(errors.IMPORT_BAD_YAML.format(path=path, line=line, reason=error.reason)) from None
    if value is None:
        raise ImportError_(errors.IMPORT_YAML_NOT_MAPPING.format(path=path, line=first_line))
    return value
