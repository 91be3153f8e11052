"""Keep mkdocs-gen-files pages in mkdocs-static-i18n 1.3 builds (static-i18n issue #263).

static-i18n's ``on_files`` runs at priority -100 whatever the plugin order, and rebuilds the file
list from the files under ``docs_dir`` only: gen-files backs its pages with files in a temp dir, so
i18n drops them ("Unhandled file case", a warning that fails ``--strict``). This hook takes the
generated files out just before i18n's ``on_files`` and, just after it, puts back the current
language's ones, made into i18n files by i18n's own ``create_i18n_file`` (so they get the language's
URL, locale and alternates, like the pages in docs/). It runs in every language build, so it works
under ``mkdocs build --strict`` and ``mkdocs serve`` alike.

Generated pages live under a language folder (``zh/errors.md``, ``en/errors.md``), like docs/.
"""

from __future__ import annotations

import logging

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import CombinedEvent, event_priority
from mkdocs.structure.files import File, Files
from mkdocs_static_i18n import folder

log = logging.getLogger("mkdocs.hooks.i18n_gen_files")

GENERATED_BY = "mkdocs-gen-files"
# gen-files runs at the default priority 0, static-i18n at -100.
BEFORE_I18N = -90
AFTER_I18N = -110
OUTSIDE_LANGUAGE_FOLDER = (
    "generated page {path} is outside every language folder ({languages}); "
    "write it as <language>/{path} so each language build can use it"
)

_generated: list[File] = []


def _is_generated(file: File) -> bool:
    return getattr(file, "generated_by", None) == GENERATED_BY


@event_priority(BEFORE_I18N)
def _take_out(files: Files, config: MkDocsConfig) -> Files:
    _generated[:] = [file for file in files if _is_generated(file)]
    for file in _generated:
        files.remove(file)
    return files


def _language_of(file: File, languages: list[str]) -> str | None:
    top = file.src_uri.split("/", 1)[0]
    return top if top in languages else None


def _localized(file: File, language: str, config: MkDocsConfig) -> File:
    """``file`` as i18n's ``language`` build sees it: i18n's URL and metadata, gen-files' content."""
    i18n = config.plugins["i18n"]
    localized = folder.create_i18n_file(file, language, i18n.default_language, i18n.all_languages, config)
    localized.abs_src_path = file.abs_src_path  # i18n points it into docs_dir, where there is no such file
    localized.generated_by = GENERATED_BY
    return localized


@event_priority(AFTER_I18N)
def _put_back(files: Files, config: MkDocsConfig) -> Files:
    i18n = config.plugins["i18n"]
    current = i18n.current_language
    by_language: dict[str, dict[str, File]] = {}
    for file in _generated:
        language = _language_of(file, i18n.all_languages)
        if language is None:
            log.warning(OUTSIDE_LANGUAGE_FOLDER.format(path=file.src_uri, languages=", ".join(i18n.all_languages)))
            continue
        by_language.setdefault(language, {})[file.src_uri.split("/", 1)[1]] = file
    for name, file in by_language.get(current, {}).items():
        page = _localized(file, current, config)
        page.alternates = {
            language: _localized(pages[name], language, config)
            for language in i18n.build_languages
            if name in (pages := by_language.get(language, {}))
        }
        page.alternates[current] = page
        files.append(page)
    # The pages i18n lists per language (e.g. for the sitemap) include the generated ones.
    i18n.i18n_files_per_language[current] = files.documentation_pages()
    _generated.clear()
    return files


on_files = CombinedEvent(_take_out, _put_back)
