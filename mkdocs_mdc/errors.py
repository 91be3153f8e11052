"""The converter's error type and every message a user can see, defined once."""

from __future__ import annotations

import logging
from pathlib import Path

# Under MkDocs' logger, so `mkdocs build --strict` counts the converter's warnings.
log = logging.getLogger("mkdocs.plugins.mdc")


class MdcError(Exception):
    """Malformed MDC source; ``str()`` is ``FILE:LINE: message`` so editors can jump to it."""

    def __init__(self, path: str, line: int, message: str) -> None:
        super().__init__(path, line, message)
        self.path = path
        self.line = line
        self.message = message

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class UnreadableFile(Exception):
    """A file that cannot be read as UTF-8 text; ``str()`` is ``PATH: reason``."""


def read_text(path: Path) -> str:
    """The UTF-8 text of `path`; raises UnreadableFile."""
    try:
        return path.read_text(encoding="utf-8")
    except OSError as error:
        raise UnreadableFile(FILE_PROBLEM.format(path=path, reason=error.strerror)) from None
    except UnicodeDecodeError as error:
        reason = NOT_UTF8.format(byte=error.object[error.start], offset=error.start)
        raise UnreadableFile(FILE_PROBLEM.format(path=path, reason=reason)) from None


def warn(path: str, line: int, message: str) -> None:
    """A problem the page survives: it converts, and `mkdocs build --strict` or `convert --strict` fails."""
    log.warning("%s:%d: %s", path, line, message)


# Structure
UNCLOSED_BLOCK = "unclosed block '{opener}': add a line '{closer}' where it ends"
STRAY_CLOSER = "stray closer '{closer}': no block is open"
MISMATCHED_CLOSER = (
    "closer '{closer}' does not match the innermost open block '{opener}' from line {line}, "
    "which closes with '{expected}'"
)
MALFORMED_BLOCK_LINE = "malformed block line '{text}': expected '::name', '::name{{props}}' or a closer '::'"
UNCLOSED_FENCE = "unclosed code fence '{fence}'"
UNCLOSED_COMMENT = "unclosed HTML comment: add '-->'"
UNCLOSED_YAML_PROPS = "unclosed YAML props block of '{name}': add a line '---'"

# A formatter's damage (prettier 2 reads an opener followed by the `---` of its YAML props as a setext heading,
# and puts blank lines around `---` lines it takes for thematic breaks)
MANGLED_HEADING = (
    "'{text}' is the block opener '{opener}' turned into a heading: a formatter (prettier 2, for one) read "
    "'{opener}' followed by the '---' of its YAML props as a setext heading. Write the props inline, which "
    "formatters leave alone, and put the block back together:\n{fix}"
)
MANGLED_YAML_PROPS = (
    "the YAML props of '{opener}' are cut off from it by blank lines: a formatter (prettier 2, for one) took "
    "their '---' lines for thematic breaks. Write the props inline, which formatters leave alone:\n{fix}"
)

# Components, props and slots
UNKNOWN_COMPONENT = "unknown component '{name}' (known: {known})"
UNKNOWN_INLINE_COMPONENT = "unknown inline component ':{name}' (known: {known})"
UNPARSABLE_PROPS = "unparsable props '{text}': {reason}"
UNPARSABLE_YAML_PROPS = "unparsable YAML props of '{name}': {reason}"
BOUND_PROP_NOT_DATA = "value of ':{key}' is not JSON: {value!r}"
YAML_PROPS_NOT_MAPPING = "YAML props of '{name}' must be a mapping of prop names to values"
CONTENT_NOT_ALLOWED = "'{parent}' may only contain {allowed}; found {found}"
SLOT_NOT_INLINE = "slot '#{slot}' of '{name}' must be plain text, found {found}"
TAB_WITHOUT_TITLE = "code fence in a code-group needs a ' [label]' or a language to title its tab"

# Warnings: the page still converts without the prop, slot or icon; `mkdocs build --strict` fails
MISSING_PROP = "component '{name}' needs a '{prop}' prop; left out"
UNKNOWN_PROP = "component '{name}' has no prop '{prop}' (props: {known}); ignored"
BAD_PROP_VALUE = "prop '{prop}' of '{name}' must be one of {choices}, not {value!r}; ignored"
UNKNOWN_SLOT = "component '{name}' has no slot '#{slot}' (slots: {known}); its content stays in the default slot"
ICON_NOT_FOUND = "icon '{icon}' not found; using '{fallback}'"
UNKNOWN_COMPONENT_KEPT = "unknown component '{name}' kept as plain content (strict_unknown is off)"

# Files the command line reads or writes
FILE_PROBLEM = "{path}: {reason}"
NOT_UTF8 = "not UTF-8 text (byte 0x{byte:02x} at offset {offset}); save it as UTF-8"

# `python -m mkdocs_mdc import`
IMPORT_WOULD_OVERWRITE = "refusing to write over these files (remove them or import into an empty folder):\n{files}"
IMPORT_NOT_A_FOLDER = "{path}: not a folder; give the Docus content/ folder"
IMPORT_SAME_NAME = "{first} and {second} would both be written as '{name}': rename one"
IMPORT_BAD_YAML = "{path}:{line}: unreadable YAML: {reason}"
IMPORT_YAML_NOT_MAPPING = "{path}:{line}: YAML must be a mapping of keys to values"
IMPORT_SUMMARY = "imported {pages} pages and {files} other files into {out}"

# `python -m mkdocs_mdc convert --strict`
STRICT_WARNINGS = "{count} warning(s) in strict mode"

# Site configuration
FALLBACK_ICON_NOT_FOUND = "fallback_icon '{icon}' is not a known icon"
MISSING_EXTENSIONS = "the mdc plugin needs these markdown_extensions in mkdocs.yml: {missing}. Add:\n{snippet}"
