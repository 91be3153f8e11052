"""Options of the `mdc` plugin in mkdocs.yml."""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c

from mkdocs_mdc.icons import DEFAULT_CACHE_DIR, DEFAULT_FALLBACK_ICON


class MdcConfig(base.Config):
    # Unknown components fail the build; off: their content is kept unwrapped, with a warning.
    strict_unknown = c.Type(bool, default=True)
    # Shown (with a build warning) for an icon no installed set has.
    fallback_icon = c.Type(str, default=DEFAULT_FALLBACK_ICON)
    # Where Lucide's SVGs are exported for Material, relative to mkdocs.yml (like Material's own caches).
    cache_dir = c.Type(str, default=DEFAULT_CACHE_DIR)
