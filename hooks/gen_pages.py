"""mkdocs-gen-files script: the error catalogue and the CLI reference, in every language.

Written as <language>/errors.md and <language>/cli.md, like the pages in docs/; hooks/i18n_gen_files.py
hands each language build its own.
"""

import sys
from pathlib import Path

import mkdocs_gen_files
from mkdocs.exceptions import PluginError

# gen-files runs this file with runpy, which does not put its folder on sys.path as MkDocs does for hooks.
sys.path.insert(0, str(Path(__file__).resolve().parent))

from cli_reference import reference_page
from message_catalogue import CATALOGUE_PAGE, catalogue_page, problems

CLI_PAGE = "cli.md"

config = mkdocs_gen_files.config
docs = Path(config.docs_dir)
languages = config.plugins["i18n"].build_languages
# A catalogue that misses a message, a cause or a section fails the build saying which, before a page is written.
missing = problems(docs, languages)
if missing:
    raise PluginError("\n".join(missing))
for language in languages:
    with mkdocs_gen_files.open(f"{language}/{CATALOGUE_PAGE}", "w") as page:
        page.write(catalogue_page(docs, language))
    with mkdocs_gen_files.open(f"{language}/{CLI_PAGE}", "w") as page:
        page.write(reference_page(language))
