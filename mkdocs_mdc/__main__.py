"""`python -m mkdocs_mdc convert FILE...`: print the Material Markdown of MDC pages."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from mkdocs_mdc import MdcError, convert
from mkdocs_mdc.icons import IconResolver


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
    args = parser.parse_args(argv)
    logging.basicConfig(format="%(levelname)s: %(message)s", level=logging.WARNING)

    icons = IconResolver()
    status = 0
    for path in args.files:
        try:
            text = path.read_text(encoding="utf-8")
            sys.stdout.write(convert(text, str(path), strict_unknown=not args.allow_unknown, icons=icons))
        except MdcError as error:
            print(error, file=sys.stderr)
            status = 1
        except OSError as error:
            print(f"{path}: {error.strerror}", file=sys.stderr)
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
