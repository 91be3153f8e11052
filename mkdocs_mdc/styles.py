"""CSS for the constructs Material has no style for: badges, numbered steps and API fields.

Kept as a Python string so it ships with the package without package-data configuration.
"""

from pathlib import Path

STYLESHEET_PATH = "assets/stylesheets/mkdocs-mdc.css"

# Colors are Material's admonition colors, so a `success` badge matches a `success` admonition.
STYLESHEET = """\
.md-typeset .mdc-badge {
  display: inline-block;
  padding: 0 0.4em;
  border: 0.05rem solid color-mix(in srgb, var(--mdc-badge-color) 40%, transparent);
  border-radius: 0.2rem;
  background-color: color-mix(in srgb, var(--mdc-badge-color) 12%, transparent);
  color: var(--mdc-badge-color);
  font-size: 0.75em;
  font-weight: 700;
  line-height: 1.6;
  vertical-align: middle;
}
.md-typeset .mdc-badge--note { --mdc-badge-color: #448aff; }
.md-typeset .mdc-badge--abstract { --mdc-badge-color: #00b0ff; }
.md-typeset .mdc-badge--info { --mdc-badge-color: #00b8d4; }
.md-typeset .mdc-badge--tip { --mdc-badge-color: #00bfa5; }
.md-typeset .mdc-badge--success { --mdc-badge-color: #00c853; }
.md-typeset .mdc-badge--question { --mdc-badge-color: #64dd17; }
.md-typeset .mdc-badge--warning { --mdc-badge-color: #ff9100; }
.md-typeset .mdc-badge--danger { --mdc-badge-color: #ff1744; }
.md-typeset .mdc-badge--bug { --mdc-badge-color: #f50057; }
.md-typeset .mdc-badge--example { --mdc-badge-color: #7c4dff; }
.md-typeset .mdc-badge--quote { --mdc-badge-color: #9e9e9e; }

.md-typeset .mdc-field {
  padding: 0.4em 0;
  border-bottom: 0.05rem solid var(--md-default-fg-color--lightest);
}
.md-typeset .mdc-field > :first-child { margin-top: 0; }
.md-typeset .mdc-field > :last-child { margin-bottom: 0; }

.md-typeset .mdc-steps {
  counter-reset: mdc-step;
  margin-left: 0.8rem;
  padding-left: 1.6rem;
  border-left: 0.05rem solid var(--md-default-fg-color--lightest);
}
.md-typeset .mdc-steps--h2 > h2,
.md-typeset .mdc-steps--h3 > h3,
.md-typeset .mdc-steps--h4 > h4 {
  position: relative;
  counter-increment: mdc-step;
}
.md-typeset .mdc-steps--h2 > h2::before,
.md-typeset .mdc-steps--h3 > h3::before,
.md-typeset .mdc-steps--h4 > h4::before {
  content: counter(mdc-step);
  position: absolute;
  left: -2.45rem;
  width: 1.6rem;
  height: 1.6rem;
  border-radius: 50%;
  background-color: var(--md-default-fg-color--lightest);
  color: var(--md-default-fg-color);
  font-size: 0.75rem;
  line-height: 1.6rem;
  text-align: center;
}
"""


def write_stylesheet(cache_dir: Path) -> Path:
    """Write the stylesheet into the plugin's cache (not the docs dir) and return its path."""
    path = cache_dir / "mkdocs-mdc.css"
    if not path.is_file() or path.read_text(encoding="utf-8") != STYLESHEET:
        cache_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(STYLESHEET, encoding="utf-8")
    return path
