"""doctest_harness.go_runner: completing a Go block (template, patch) and running it,
and each template failing when the page's block is the seed's unfixed version.

That every template passes with the page's block is what the doc-tests themselves run
(docs/<lang>/troubleshooting.md, both languages)."""

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

from doctest_harness import go_runner
from doctest_harness.blocks import Kind, page_blocks
from doctest_harness.go_runner import GoBlockError, compose, free_ports_needed, run_go_block

REPO = Path(__file__).resolve().parents[2]
PAGE = REPO / "docs/zh/troubleshooting.md"
# The page's Go fragments, by the template their directive names.
PAGE_BLOCKS = {
    block.directive["go"]: block.fence.code
    for block in page_blocks(PAGE, REPO)
    if block.kind is Kind.GO and "go" in block.directive
}

HELLO = 'package main\n\nimport "fmt"\n\nfunc main() {\n\tfmt.Println("hello")\n}\n'


@pytest.fixture
def fake_repo(tmp_path):
    """A repo with the real Go mirror, venv and support package, and templates the test writes."""
    (tmp_path / "snippets" / "go").mkdir(parents=True)
    (tmp_path / "go").symlink_to(REPO / "go")
    (tmp_path / ".venv").symlink_to(REPO / ".venv")
    (tmp_path / "snippets" / "go" / "doctest").symlink_to(REPO / "snippets" / "go" / "doctest")
    return tmp_path


def write_template(repo, name, text):
    (repo / "snippets" / "go" / f"{name}.go").write_text(text)


# --- composing a program ---------------------------------------------------------


def test_a_whole_program_runs_as_is():
    assert compose(HELLO, {}, REPO).main == HELLO


def test_a_fragment_needs_a_template():
    with pytest.raises(GoBlockError) as error:
        compose('fmt.Println("hi")\n', {}, REPO)
    assert str(error.value) == go_runner.FRAGMENT_WITHOUT_TEMPLATE


def test_an_unknown_template_lists_the_known_ones():
    with pytest.raises(GoBlockError, match=r"no Go template .*nope\.go \(directive go=nope\); templates: .*memstats"):
        compose("x := 1\n", {"go": "nope"}, REPO)


def test_the_marker_takes_the_block_with_its_indentation(fake_repo):
    write_template(fake_repo, "t", "package main\n\nfunc main() {\n\t// <snippet>\n}\n")
    program = compose("x := 1\n\nif x > 0 {\n    _ = x\n}\n", {"go": "t"}, fake_repo)
    assert program.main == "package main\n\nfunc main() {\n\tx := 1\n\n\tif x > 0 {\n\t    _ = x\n\t}\n}\n"


@pytest.mark.parametrize("body", ["package main\n", "// <snippet>\n// <snippet>\n"])
def test_a_template_needs_exactly_one_marker(fake_repo, body):
    write_template(fake_repo, "t", body)
    with pytest.raises(GoBlockError, match=r"must hold the line `// <snippet>` exactly once \(found [02]\)"):
        compose("x := 1\n", {"go": "t"}, fake_repo)


def test_patch_replaces_the_function_with_the_same_signature():
    block = PAGE_BLOCKS["wrapped_code"]
    program = compose(block, {"go": "wrapped_code", "patch": "pkg/bridge/runtime.go"}, REPO)
    path, text = program.patch
    original = (REPO / "go" / path).read_text()
    assert block.rstrip("\n") in text
    assert text.count("func (r *PythonRuntime) Execute(") == 1
    assert text.replace(block.rstrip("\n"), "") != original
    assert "func (r *PythonRuntime) wrapCode(" in text


def test_patch_errors_say_what_is_wrong(fake_repo):
    write_template(fake_repo, "plain", "package main\n\nfunc main() {}\n")
    write_template(fake_repo, "marked", "package main\n\nfunc main() {\n// <snippet>\n}\n")
    patch = "pkg/bridge/runtime.go"
    cases = [
        ({"patch": patch}, "func f() {\n}\n", "patch=pkg/bridge/runtime.go needs go=NAME"),
        ({"go": "marked", "patch": patch}, "func f() {\n}\n", "is used with patch=, so it must not hold"),
        ({"go": "plain", "patch": patch}, "x := 1\n", "must contain a `func` line"),
        ({"go": "plain", "patch": "pkg/nope.go"}, "func f() {\n}\n", "no such file in the Go mirror"),
        ({"go": "plain", "patch": patch}, "func (r *PythonRuntime) Run() {\n}\n", "no function with the signature"),
    ]
    for directive, code, message in cases:
        with pytest.raises(GoBlockError, match=message.replace("(", r"\(").replace(".", r"\.")):
            compose(code, directive, fake_repo)
    with pytest.raises(GoBlockError) as error:
        compose("func (r *PythonRuntime) Run() {\n}\n", {"go": "plain", "patch": patch}, fake_repo)
    assert "  func (r *PythonRuntime) Execute(" in str(error.value)


def test_free_ports_come_from_the_template_header():
    assert free_ports_needed({"go": "manual_start"}, REPO) == [8080]
    assert free_ports_needed({"go": "change_port"}, REPO) == []
    assert free_ports_needed({}, REPO) == []


# --- running -------------------------------------------------------------------


def run(code, directive=None, repo=REPO, timeout=60):
    return run_go_block(code, directive=directive or {}, repo=repo, env=dict(os.environ), timeout=timeout)


def test_a_program_runs_and_its_output_is_returned(go):
    done = run(HELLO)
    assert (done.returncode, done.stdout, done.stderr) == (0, "hello\n", "")


def test_a_compile_error_shows_the_numbered_program(go):
    done = run(HELLO.replace('fmt.Println("hello")', "undefinedName()"))
    assert done.returncode != 0
    assert "./main.go:6:2: undefined: undefinedName" in done.stderr
    assert go_runner.BUILD_FAILED in done.stderr
    assert "   6 | \tundefinedName()" in done.stderr


def test_a_block_that_hangs_is_killed(go):
    code = 'package main\n\nimport "time"\n\nfunc main() {\n\ttime.Sleep(time.Minute)\n}\n'
    started = time.monotonic()
    done = run(code, timeout=1)
    assert done.returncode == -signal.SIGKILL
    assert go_runner.TIMED_OUT.format(timeout=1) in done.stderr
    assert time.monotonic() - started < 30


def test_what_a_block_leaves_running_is_stopped(go, tmp_path):
    pid_file = tmp_path / "child.pid"
    code = f"""package main

import (
	"os"
	"os/exec"
	"strconv"
)

func main() {{
	child := exec.Command("sleep", "60")
	if err := child.Start(); err != nil {{
		panic(err)
	}}
	os.WriteFile({str(pid_file)!r}, []byte(strconv.Itoa(child.Process.Pid)), 0o644)
}}
""".replace("'", '"')
    assert run(code).returncode == 0
    pid = int(pid_file.read_text())
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and _alive(pid):
        time.sleep(0.05)
    assert not _alive(pid), "the block's child outlived it"


def _alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_a_template_needing_a_busy_port_is_refused(fake_repo):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        write_template(
            fake_repo, "t", f"// doctest: needs free port {port}\npackage main\n\nfunc main() {{\n// <snippet>\n}}\n"
        )
        with pytest.raises(GoBlockError) as error:
            run("_ = 1\n", {"go": "t"}, fake_repo)
    assert str(error.value) == go_runner.PORT_BUSY.format(name="t", port=port)


def test_a_patched_mirror_is_what_the_template_builds_against(go, fake_repo):
    write_template(
        fake_repo,
        "t",
        'package main\n\nimport (\n\t"context"\n\t"fmt"\n\n\t"github.com/astercloud/aster/pkg/bridge"\n)\n\n'
        'func main() {\n\tresult, err := bridge.NewPythonRuntime(nil).Execute(context.Background(), "print(6 * 7)", nil)\n'
        "\tfmt.Println(result.Stdout, err)\n}\n",
    )
    done = run(PAGE_BLOCKS["wrapped_code"], {"go": "t", "patch": "pkg/bridge/runtime.go"}, fake_repo)
    assert done.returncode == 0, done.stderr
    assert "=== Generated Python Code ===" in done.stderr
    assert "print(6 * 7)" in done.stderr
    assert done.stdout.startswith("42\n")
    assert "=== Generated" not in (REPO / "go/pkg/bridge/runtime.go").read_text()


# --- the templates with the seed's unfixed blocks ------------------------------------


UNFIXED = {
    "allowed_callers": (
        'AllowedCallers: []string{"direct", "code_execution_20250825"}',
        'AllowedCallers: []string{"direct"}',
        "FAIL: Read with the fixed AllowedCallers: execution failed: ",
    ),
    "concurrency_limit": ("    return nil\n}", "}", "missing return"),
    "memstats": ("func logMemStats() {\n", "", "non-declaration statement outside function body"),
    "error_handling": ('"Internal server error"', '"internal error"', "FAIL: a missing file answered"),
}


@pytest.mark.parametrize("name", sorted(UNFIXED))
def test_template_fails_with_a_wrong_block(go, name):
    old, new, message = UNFIXED[name]
    assert old in PAGE_BLOCKS[name]
    done = run(PAGE_BLOCKS[name].replace(old, new, 1), {"go": name})
    assert done.returncode != 0
    assert message in done.stderr


def test_the_pprof_server_serves_profiles(go, tmp_path):
    if not go_runner.port_is_free(6060):
        pytest.skip("localhost:6060 is busy")
    server = subprocess.Popen(
        ["go", "run", str(REPO / "snippets/go/pprof_server/main.go")],
        cwd=tmp_path,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while go_runner.port_is_free(6060):
            assert server.poll() is None and time.monotonic() < deadline, "the pprof server did not start"
            time.sleep(0.1)
        env = dict(os.environ, PPROF_TMPDIR=str(tmp_path))
        top = subprocess.run(
            ["go", "tool", "pprof", "-top", "http://localhost:6060/debug/pprof/heap"],
            check=False,
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )
        assert top.returncode == 0, top.stderr
        assert "Type: inuse_space" in top.stdout + top.stderr
    finally:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def test_every_template_completes_a_page_block():
    templates = {p.stem for p in (REPO / "snippets/go").glob("*.go")}
    assert templates == set(PAGE_BLOCKS)
