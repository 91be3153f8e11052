"""`python -m mkdocs_mdc convert FILE...`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from mkdocs_mdc import errors

SEED = Path("/work/shared/seed/troubleshooting.zh.md")
FIXTURE = Path(__file__).parent / "fixtures" / "all_components.md"


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
