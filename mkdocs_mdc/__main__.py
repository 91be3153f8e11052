"""`python -m mkdocs_mdc convert FILE...`: print the Material Markdown of MDC pages.
`python -m mkdocs_mdc import CONTENT_DIR OUT_DIR`: a Docus content/ tree -> docs/ and the nav of mkdocs.yml."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

import yaml

from mkdocs_mdc import MdcError, convert, errors
from mkdocs_mdc.docus import ImportError_, plan_import
from mkdocs_mdc.errors import UnreadableFile, read_text
from mkdocs_mdc.icons import IconResolver


class _Counter(logging.Handler):
    """Counts the converter's warnings, for `--strict`."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mkdocs_mdc", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    convert_command = commands.add_parser("convert", help="print the converted Markdown of each FILE in turn")
    convert_command.add_argument("files", nargs="+", type=Path, metavar="FILE")
    convert_command.add_argument(
        "--allow-unknown",
        action="store_true",
        help="keep unknown components' content instead of failing",
    )
    convert_command.add_argument("--strict", action="store_true", help="exit 1 when there was any warning")
    import_command = commands.add_parser(
        "import", help="copy a Docus content/ tree into OUT_DIR without numeric prefixes; print the nav"
    )
    import_command.add_argument("content", type=Path, metavar="DOCUS_CONTENT_DIR")
    import_command.add_argument("out", type=Path, metavar="OUT_DIR")
    import_command.add_argument("--nav-file", type=Path, help="also write the nav (YAML) to this file")
    args = parser.parse_args(argv)
    logging.basicConfig(format="%(levelname)s: %(message)s", level=logging.WARNING)
    counter = _Counter()
    errors.log.addHandler(counter)
    try:
        if args.command == "import":
            status = _import(args.content, args.out, args.nav_file)
        else:
            status = _convert(args.files, strict_unknown=not args.allow_unknown)
    finally:
        errors.log.removeHandler(counter)
    if args.command == "convert" and args.strict and counter.count:
        print(errors.STRICT_WARNINGS.format(count=counter.count), file=sys.stderr)
        status = 1
    return status


def _convert(files: list[Path], *, strict_unknown: bool) -> int:
    icons = IconResolver()
    status = 0
    for path in files:
        try:
            text = read_text(path)
            sys.stdout.write(convert(text, str(path), strict_unknown=strict_unknown, icons=icons))
        except (MdcError, UnreadableFile) as error:
            print(error, file=sys.stderr)
            status = 1
    return status


def _import(content: Path, out: Path, nav_file: Path | None) -> int:
    """Check the tree and plan every file before writing any, copy it, then check that every page converts:
    each problem is reported by FILE:LINE."""
    try:
        imported = plan_import(content, out)
        imported.refuse_existing()
        nav = yaml.safe_dump({"nav": imported.nav}, allow_unicode=True, sort_keys=False)
        if nav_file is not None:
            nav_file.write_text(nav, encoding="utf-8")
        imported.write()
    except (ImportError_, UnreadableFile) as error:
        print(error, file=sys.stderr)
        return 1
    except OSError as error:
        print(errors.FILE_PROBLEM.format(path=error.filename, reason=error.strerror), file=sys.stderr)
        return 1
    sys.stdout.write(nav)
    status = 0
    icons = IconResolver()
    for page in imported.pages:
        try:
            convert(read_text(page), str(page), icons=icons)
        except MdcError as error:
            print(error, file=sys.stderr)
            status = 1
    print(errors.IMPORT_SUMMARY.format(pages=len(imported.pages), files=imported.files, out=out), file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main())
