"""`python -m mkdocs_mdc convert FILE...` and `python -m mkdocs_mdc import CONTENT_DIR OUT_DIR`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from mkdocs_mdc import errors
from mkdocs_mdc.__main__ import main
from mkdocs_mdc.components import COMPONENTS
from mkdocs_mdc.docus import import_docus

SEED = Path(__file__).parent / "fixtures" / "troubleshooting.zh.md"  # a copy of the seed page
FIXTURE = Path(__file__).parent / "fixtures" / "all_components.md"
DOCUS = Path(__file__).parent / "fixtures" / "docus" / "content"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs_mdc", "convert", *args],
        capture_output=True,
        text=True,
        check=False,
    )


def test_converts_seed_and_fixture_leaving_no_mdc_syntax() -> None:
    result = run(str(SEED), str(FIXTURE))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert not [line for line in result.stdout.splitlines() if line.lstrip().startswith("::")]
    assert '=== "修改端口"' in result.stdout and '<div class="grid cards" markdown>' in result.stdout


def test_malformed_file_exits_non_zero_with_file_and_line(tmp_path: Path) -> None:
    page = tmp_path / "bad.md"
    page.write_text('# T\n\n::alert{type="error"}\ntext\n', encoding="utf-8")
    result = run(str(FIXTURE), str(page))
    assert result.returncode == 1
    assert result.stderr == f"{page}:3: {errors.UNCLOSED_BLOCK.format(opener='::alert', closer='::')}\n"
    assert result.stdout.startswith("---\ntitle: Every component")  # the good file was still converted


def test_missing_file_exits_non_zero(tmp_path: Path) -> None:
    result = run(str(tmp_path / "nope.md"))
    assert (result.returncode, result.stderr) == (
        1,
        f"{tmp_path / 'nope.md'}: No such file or directory\n",
    )


NOT_UTF8 = errors.NOT_UTF8.format(byte=0xFF, offset=4)


def test_a_file_that_is_not_utf8_is_named_with_the_reason(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "latin1.md"
    page.write_bytes(b"# T\n\xff\n")
    assert main(["convert", str(page)]) == 1
    assert capsys.readouterr().err == errors.FILE_PROBLEM.format(path=page, reason=NOT_UTF8) + "\n"


UNKNOWN_PROP_PAGE = '::alert{type="info" closable kind="x"}\nBody.\n::\n'


def test_unknown_prop_warns_and_still_converts(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(UNKNOWN_PROP_PAGE, encoding="utf-8")
    result = run(str(page))
    assert result.returncode == 0
    assert result.stdout == "!!! info\n    Body.\n"
    known = ", ".join(sorted(COMPONENTS["alert"].props))
    assert result.stderr == f"WARNING: {page}:1: {errors.UNKNOWN_PROP.format(name='alert', prop='kind', known=known)}\n"


def test_strict_fails_on_a_warning_after_printing_the_result(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(UNKNOWN_PROP_PAGE, encoding="utf-8")
    result = run("--strict", str(page))
    assert result.returncode == 1
    assert result.stdout == "!!! info\n    Body.\n"
    assert result.stderr.endswith(f"\n{errors.STRICT_WARNINGS.format(count=1)}\n")


def test_strict_passes_a_clean_page() -> None:
    assert run("--strict", str(FIXTURE)).returncode == 0


def run_import(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs_mdc", "import", *args], capture_output=True, text=True, check=False
    )


DOCUS_NAV = """\
nav:
- Home: index.md
- Getting Started:
  - Introduction: getting-started/introduction.md
  - Installation: getting-started/installation.md
  - Troubleshooting: getting-started/troubleshooting.md
- Essentials:
  - Essentials: essentials/index.md
  - Markdown: essentials/markdown-syntax.md
  - Components: essentials/components.md
"""


def test_import_docus_tree_prints_nav_and_copies_pages_without_prefixes(tmp_path: Path) -> None:
    """Numeric order (10 after 2), `.navigation.yml` and `_dir.yml` titles, `navigation.title`, first-heading
    titles, index first, `navigation: false` pages copied but not in the nav, partials skipped."""
    out, nav_file = tmp_path / "docs", tmp_path / "nav.yml"
    result = run_import(str(DOCUS), str(out), "--nav-file", str(nav_file))
    assert result.returncode == 0, result.stderr
    assert result.stdout == DOCUS_NAV == nav_file.read_text(encoding="utf-8")
    assert sorted(path.relative_to(out).as_posix() for path in out.rglob("*") if path.is_file()) == [
        "essentials/components.md",
        "essentials/data.json",
        "essentials/hidden.md",
        "essentials/index.md",
        "essentials/markdown-syntax.md",
        "getting-started/installation.md",
        "getting-started/introduction.md",
        "getting-started/troubleshooting.md",
        "index.md",
    ]
    source = DOCUS / "1.getting-started" / "2.installation.md"
    assert (out / "getting-started" / "installation.md").read_bytes() == source.read_bytes()
    assert result.stderr == errors.IMPORT_SUMMARY.format(pages=8, files=1, out=out) + "\n"


def test_import_reports_pages_that_do_not_convert_and_keeps_them(tmp_path: Path) -> None:
    content = tmp_path / "content"
    (content / "1.guide").mkdir(parents=True)
    (content / "1.guide" / "1.broken.md").write_text("# Broken\n\n::note\nnever closed\n", encoding="utf-8")
    result = run_import(str(content), str(tmp_path / "docs"))
    assert result.returncode == 1
    page = tmp_path / "docs" / "guide" / "broken.md"
    assert page.is_file()
    unclosed = errors.UNCLOSED_BLOCK.format(opener="::note", closer="::")
    assert result.stderr.splitlines()[0] == f"{page}:3: {unclosed}"


@pytest.mark.parametrize(
    ("files", "message"),
    [
        (
            {"1.intro.md": "# A\n", "intro.md": "# B\n"},
            lambda c: errors.IMPORT_SAME_NAME.format(first=c / "1.intro.md", second=c / "intro.md", name="intro.md"),
        ),
        (
            {"1.guide/.navigation.yml": "icon: x\ntitle: a: b\n", "1.guide/1.a.md": "# A\n"},
            lambda c: errors.IMPORT_BAD_YAML.format(
                path=c / "1.guide" / ".navigation.yml", line=2, reason="mapping values are not allowed here"
            ),
        ),
        (
            {"1.a.md": "---\ntitle: A\ndate: 2024-02-30\n---\n# A\n"},
            lambda c: errors.IMPORT_BAD_YAML.format(path=c / "1.a.md", line=2, reason="day is out of range for month"),
        ),
        (
            {"1.a.md": "---\n- a\n---\n# A\n"},
            lambda c: errors.IMPORT_YAML_NOT_MAPPING.format(path=c / "1.a.md", line=2),
        ),
    ],
    ids=["two-files-one-name", "unreadable-navigation-yml", "impossible-date-in-front-matter", "list-front-matter"],
)
def test_import_errors(tmp_path: Path, files: dict[str, str], message) -> None:
    content = tmp_path / "content"
    for name, text in files.items():
        (content / name).parent.mkdir(parents=True, exist_ok=True)
        (content / name).write_text(text, encoding="utf-8")
    result = run_import(str(content), str(tmp_path / "docs"))
    assert (result.returncode, result.stderr) == (1, message(content) + "\n")
    assert not (tmp_path / "docs").exists()  # checked before anything was written


def test_import_of_a_missing_folder(tmp_path: Path) -> None:
    result = run_import(str(tmp_path / "nope"), str(tmp_path / "docs"))
    assert (result.returncode, result.stderr) == (1, errors.IMPORT_NOT_A_FOLDER.format(path=tmp_path / "nope") + "\n")


def test_nav_title_is_the_first_heading_after_front_matter_and_outside_fences(tmp_path: Path) -> None:
    content = tmp_path / "content"
    content.mkdir()
    page = "---\n# a YAML comment\ndescription: x\n---\n```bash\n# a shell comment\n```\n\n# Real title\n"
    (content / "1.page.md").write_text(page, encoding="utf-8")
    (content / "2.code-only.md").write_text("````md\n```\n# inside\n```\n````\n", encoding="utf-8")
    assert import_docus(content, tmp_path / "docs").nav == [
        {"Real title": "page.md"},
        {"Code only": "code-only.md"},
    ]


def content_tree(tmp_path: Path, files: dict[str, bytes]) -> Path:
    content = tmp_path / "content"
    for name, data in files.items():
        (content / name).parent.mkdir(parents=True, exist_ok=True)
        (content / name).write_bytes(data)
    return content


def test_import_refuses_to_write_over_existing_files_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content = content_tree(tmp_path, {"1.a.md": b"# A\n", "2.b.md": b"# B\n", "3.c.md": b"# C\n"})
    out = tmp_path / "docs"
    out.mkdir()
    (out / "b.md").write_text("mine", encoding="utf-8")
    (out / "c.md").write_text("mine too", encoding="utf-8")
    assert main(["import", str(content), str(out)]) == 1
    files = f"  {out / 'b.md'}\n  {out / 'c.md'}"
    assert capsys.readouterr().err == errors.IMPORT_WOULD_OVERWRITE.format(files=files) + "\n"
    assert sorted(path.name for path in out.iterdir()) == ["b.md", "c.md"]
    assert (out / "b.md").read_text(encoding="utf-8") == "mine"


def test_import_of_a_page_that_is_not_utf8(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    content = content_tree(tmp_path, {"1.a.md": b"# A\n", "2.b.md": b"# B\n\xff\n"})
    assert main(["import", str(content), str(tmp_path / "docs")]) == 1
    message = errors.FILE_PROBLEM.format(path=content / "2.b.md", reason=NOT_UTF8)
    assert capsys.readouterr().err == message + "\n"
    assert not (tmp_path / "docs").exists()


def test_import_with_a_nav_file_in_a_missing_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    content = content_tree(tmp_path, {"1.a.md": b"# A\n"})
    nav_file = tmp_path / "missing" / "nav.yml"
    assert main(["import", str(content), str(tmp_path / "docs"), "--nav-file", str(nav_file)]) == 1
    message = errors.FILE_PROBLEM.format(path=nav_file, reason="No such file or directory")
    assert capsys.readouterr().err == message + "\n"
    assert not (tmp_path / "docs").exists()
