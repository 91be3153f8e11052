"""doctest_harness.go_runner: completing a Go block (template, patch), pointing compile errors at
the page in a docs writer's terms, running it, and leaving nothing behind.

That every template passes with the page's block is what the doc-tests themselves run
(docs/<lang>/troubleshooting.md, both languages); tests/go/test_templates.py mutates the blocks."""

import os
import re
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from doctest_harness import go_runner, messages, processes
from doctest_harness.blocks import Kind, page_blocks
from doctest_harness.go_runner import GoBlockError, compose, free_ports_needed, run_go_block

REPO = Path(__file__).resolve().parents[2]
PAGE = REPO / "docs/zh/troubleshooting.md"
LOCATION = "docs/zh/troubleshooting.md:40"  # a block whose fence opens on line 40: its code starts on 41
# The page's Go fragments, by the template their directive names.
PAGE_BLOCKS = {
    block.directive["go"]: block.fence.code
    for block in page_blocks(PAGE, REPO)
    if block.kind is Kind.GO and "go" in block.directive
}
RUNTIME_GO = "pkg/tools/bridge/runtime.go"

HELLO = 'package main\n\nimport "fmt"\n\nfunc main() {\n\tfmt.Println("hello")\n}\n'
# A template for fragments that use Aster's API, as the pages' templates do.
API_TEMPLATE = """package main

import (
	"context"

	"github.com/astercloud/aster/pkg/provider"
	"github.com/astercloud/aster/pkg/tools"
	"github.com/astercloud/aster/pkg/tools/bridge"
	"github.com/astercloud/aster/pkg/tools/builtin"
)

func main() {
	ctx := context.Background()
	registry := tools.NewRegistry()
	toolBridge := bridge.NewToolBridge(registry)
	runtime := bridge.NewPythonRuntime(nil)
	// <snippet>
}

var _, _, _ = builtin.RegisterAll, context.Background, provider.ToolSchema{}
"""


@pytest.fixture
def fake_repo(tmp_path):
    """A repo with the real Go mirror, venv and support package, and templates the test writes."""
    (tmp_path / "snippets" / "go").mkdir(parents=True)
    for shared in ("go", ".venv", ".cache"):
        (tmp_path / shared).symlink_to(REPO / shared)
    (tmp_path / "snippets" / "go" / "doctest").symlink_to(REPO / "snippets" / "go" / "doctest")
    return tmp_path


def write_template(repo, name, text):
    (repo / "snippets" / "go" / f"{name}.go").write_text(text)


# --- composing a program ---------------------------------------------------------


def test_a_whole_program_runs_as_is_from_the_page_line():
    assert compose(HELLO, {}, REPO, LOCATION).main == f"//line {REPO}/docs/zh/troubleshooting.md:41\n" + HELLO


def test_a_fragment_needs_a_template():
    with pytest.raises(GoBlockError) as error:
        compose('fmt.Println("hi")\n', {}, REPO)
    assert str(error.value) == go_runner.FRAGMENT_WITHOUT_TEMPLATE


def test_an_unknown_template_lists_the_known_ones():
    with pytest.raises(GoBlockError, match=r"no Go template .*nope\.go \(directive go=nope\); templates: .*memstats"):
        compose("x := 1\n", {"go": "nope"}, REPO)


def test_the_marker_takes_the_block_with_its_indentation_and_page_lines(fake_repo):
    write_template(fake_repo, "t", "package main\n\nfunc main() {\n\t// <snippet>\n\tdone()\n}\n")
    program = compose("x := 1\n\nif x > 0 {\n    _ = x\n}\n", {"go": "t"}, fake_repo, LOCATION)
    assert program.main == (
        f"//line {fake_repo}/snippets/go/t.go:1\npackage main\n\nfunc main() {{\n"
        f"//line {fake_repo}/docs/zh/troubleshooting.md:41\n\tx := 1\n\n\tif x > 0 {{\n\t    _ = x\n\t}}\n"
        f"//line {fake_repo}/snippets/go/t.go:5\n\tdone()\n}}\n"
    )


@pytest.mark.parametrize("body", ["package main\n", "// <snippet>\n// <snippet>\n"])
def test_a_template_needs_exactly_one_marker(fake_repo, body):
    write_template(fake_repo, "t", body)
    with pytest.raises(GoBlockError, match=r"must hold the line `// <snippet>` exactly once \(found [02]\)"):
        compose("x := 1\n", {"go": "t"}, fake_repo)


def test_a_patch_goes_in_after_upstreams_anchor_line():
    block = PAGE_BLOCKS["wrapped_code"]
    path, text = compose(block, {"go": "wrapped_code", "patch": RUNTIME_GO}, REPO, LOCATION).patch
    original = (REPO / "go" / RUNTIME_GO).read_text()
    assert path == RUNTIME_GO
    assert text.count("wrappedCode := r.wrapCode(code, input)") == 1
    inserted = "\n".join("\t" + line if line else "" for line in block.rstrip("\n").splitlines())
    execute = text[text.index("func (r *PythonRuntime) Execute(") :]
    directive = f"//line {REPO}/docs/zh/troubleshooting.md:41\n"
    assert execute.index(directive + inserted + f"\n//line {REPO}/go/") < execute.index("\n}\n")
    assert "=== Generated" not in original


def test_patch_errors_say_what_is_wrong(fake_repo):
    write_template(fake_repo, "plain", "package main\n\nfunc main() {}\n")
    write_template(fake_repo, "marked", "package main\n\nfunc main() {\n// <snippet>\n}\n")
    anchor = "wrappedCode := r.wrapCode(code, input)\n"
    cases = [
        ({"patch": RUNTIME_GO}, anchor, go_runner.PATCH_WITHOUT_TEMPLATE.format(patch=RUNTIME_GO)),
        ({"go": "marked", "patch": RUNTIME_GO}, anchor, "is used with patch=, so it must not hold"),
        ({"go": "plain", "patch": "pkg/tools/bridge/bridge.go"}, anchor, "(known: pkg/tools/bridge/runtime.go)"),
        ({"go": "plain", "patch": RUNTIME_GO}, "// a comment\nlog.Print(1)\n", "it begins with\n  log.Print(1)\n"),
    ]
    for directive, code, message in cases:
        with pytest.raises(GoBlockError) as error:
            compose(code, directive, fake_repo)
        assert message in str(error.value)
    with pytest.raises(GoBlockError) as error:
        compose("x := 1\n", {"go": "plain", "patch": RUNTIME_GO}, fake_repo)
    assert "  wrappedCode := r.wrapCode(code, input)    (in func (r *PythonRuntime) Execute(" in str(error.value)


def test_a_mirror_without_the_anchor_is_named(fake_repo):
    (fake_repo / "go").unlink()
    mirror = fake_repo / "go" / RUNTIME_GO
    mirror.parent.mkdir(parents=True)
    (fake_repo / "go" / "api").symlink_to(REPO / "go" / "api")
    mirror.write_text(
        (REPO / "go" / RUNTIME_GO).read_text().replace("wrappedCode := r.wrapCode", "program := r.wrapCode")
    )
    write_template(fake_repo, "plain", "package main\n\nfunc main() {}\n")
    with pytest.raises(GoBlockError) as error:
        compose("wrappedCode := r.wrapCode(code, input)\n", {"go": "plain", "patch": RUNTIME_GO}, fake_repo)
    assert str(error.value).startswith(
        go_runner.PATCH_MIRROR_LACKS_ANCHOR.format(
            patch=RUNTIME_GO, line="wrappedCode := r.wrapCode(code, input)", function="func (r *PythonRuntime)"
        )[:80]
    )


def test_the_mirrors_patched_files_keep_upstreams_anchors_and_imports():
    """Each anchor of go/api/patch-points.toml is in the mirror's file, inside the same function,
    and the file imports only packages upstream's imports (so a patch compiles in both or neither)."""
    for patch, point in go_runner.patch_points(REPO).items():
        text = (REPO / "go" / patch).read_text()
        for anchor in point["anchors"]:
            patched = go_runner.patch_file(REPO, patch, anchor["line"] + "\n", go_runner.Origin("page.md", 1))
            assert anchor["function"] + " {" in patched
        imports = re.search(r"^import \((.*?)^\)", text, re.MULTILINE | re.DOTALL)[1]
        used = set(re.findall(r'"([^"]+)"', imports))
        assert used <= set(point["imports"]), f"{patch} imports {used - set(point['imports'])}, upstream's does not"


def test_free_ports_come_from_the_template_header_and_the_block():
    assert free_ports_needed({"go": "manual_start"}, REPO) == [8080]
    assert free_ports_needed({"go": "manual_start"}, REPO, PAGE_BLOCKS["manual_start"]) == [8080]
    moved = PAGE_BLOCKS["manual_start"].replace("8080", "18080")
    assert free_ports_needed({"go": "manual_start"}, REPO, moved) == []
    assert free_ports_needed({"go": "change_port"}, REPO, PAGE_BLOCKS["change_port"]) == [9000]
    assert free_ports_needed({"go": "pprof"}, REPO, "no port named here") == []
    assert free_ports_needed({}, REPO) == []


# --- running -------------------------------------------------------------------


def run(code, directive=None, repo=REPO, timeout=60, env=None):
    return run_go_block(
        code, directive=directive or {}, repo=repo, env=env or dict(os.environ), timeout=timeout, location=LOCATION
    )


def test_a_program_runs_and_its_output_is_returned(go):
    done = run(HELLO)
    assert (done.returncode, done.stdout, done.stderr) == (0, "hello\n", "")


def test_runtime_positions_are_page_lines(go):
    code = 'package main\n\nimport (\n\t"fmt"\n\t"runtime"\n)\n\nfunc main() {\n\t_, file, line, _ := runtime.Caller(0)\n\tfmt.Println(file, line)\n}\n'
    assert run(code).stdout == f"{REPO}/docs/zh/troubleshooting.md 49\n"


def test_a_compile_error_points_at_the_page_line(go):
    done = run(HELLO.replace('fmt.Println("hello")', "undefinedName()"))
    assert done.returncode != 0
    report = done.stderr.splitlines()
    assert report[0] == go_runner.BUILD_FAILED.format(location=LOCATION)
    assert "docs/zh/troubleshooting.md:46: undefined: undefinedName" in report


def test_api_errors_say_what_upstream_has_and_what_the_mirror_provides(go, fake_repo):
    """Names the old mirror had, upstream names the mirror lacks, and wrong arguments."""
    write_template(fake_repo, "api", API_TEMPLATE)
    block = """_ = bridge.DefaultBridgeURL
_, _ = builtin.NewCodeExecuteTool(nil)
_ = runtime.Config()
_, _ = toolBridge.CallTool(ctx, "Read", nil, nil)
_ = bridge.NewPythonRuntime()
_ = provider.ToolSchema{InputExamples: nil}
"""
    done = run(block, {"go": "api"}, fake_repo)
    upstream = go_runner.read_api(REPO / "go/api/upstream-api.txt")
    line = {(d.owner, d.name): d.line for d in upstream}
    expected = [
        "docs/zh/troubleshooting.md:41: undefined: bridge.DefaultBridgeURL",
        go_runner.NOT_UPSTREAM.format(name="bridge.DefaultBridgeURL"),
        "docs/zh/troubleshooting.md:42: undefined: builtin.NewCodeExecuteTool",
        go_runner.NOT_MIRRORED.format(name="builtin.NewCodeExecuteTool"),
        go_runner.UPSTREAM_HAS.format(line=line[(None, "NewCodeExecuteTool")]),
        (
            "docs/zh/troubleshooting.md:43: runtime.Config undefined (type *bridge.PythonRuntime has no field or "
            "method Config, but does have unexported field config)"
        ),
        go_runner.NOT_UPSTREAM.format(name="bridge.PythonRuntime.Config"),
        go_runner.NOT_MIRRORED.format(name="bridge.ToolBridge.CallTool"),
        go_runner.UPSTREAM_HAS.format(line=line[("ToolBridge", "CallTool")]),
        "docs/zh/troubleshooting.md:45: not enough arguments in call to bridge.NewPythonRuntime",
        "\twant (*bridge.RuntimeConfig)",
        go_runner.UPSTREAM_HAS.format(line=line[(None, "NewPythonRuntime")]),
        "docs/zh/troubleshooting.md:46: unknown field InputExamples in struct literal of type provider.ToolSchema",
        go_runner.NOT_MIRRORED.format(name="provider.ToolSchema.InputExamples"),
        go_runner.UPSTREAM_HAS.format(line=line[("ToolSchema", "InputExamples")]),
    ]
    report = done.stderr.splitlines()
    positions = [report.index(entry) for entry in expected]
    assert positions == sorted(positions), done.stderr


def test_a_name_called_on_a_templates_observer_is_explained_as_upstreams(go):
    """Templates put doctest.Bridge in place of package bridge; errors still speak of bridge."""
    block = PAGE_BLOCKS["start_log"].replace("8080", "18080").replace("NewHTTPBridgeServer", "NewBridgeServer")
    done = run(block, {"go": "start_log"})
    assert go_runner.NOT_UPSTREAM.format(name="bridge.NewBridgeServer") in done.stderr.splitlines(), done.stderr


def test_an_error_in_the_template_quotes_its_line(go, fake_repo):
    write_template(fake_repo, "t", "package main\n\nfunc main() {\n\t// <snippet>\n\tprintln(server)\n}\n")
    done = run("x := 1\n_ = x\n", {"go": "t"}, fake_repo)
    assert "snippets/go/t.go:5: undefined: server" in done.stderr.splitlines()
    assert go_runner.IN_TEMPLATE.format(name="t", text="println(server)") in done.stderr.splitlines()


@pytest.mark.parametrize(
    ("line", "note"),
    [
        (
            'log.Printf("%s", wrappedCode)',
            go_runner.PATCH_IMPORT_UPSTREAM_LACKS.format(
                patch=RUNTIME_GO,
                name="log",
                imports="bytes, context, encoding/json, errors, fmt, os, os/exec, path/filepath, strings, time",
            ),
        ),
        (
            "fmt.Print(strings.ToUpper(wrappedCode))",
            go_runner.PATCH_IMPORT_MISSING.format(patch=RUNTIME_GO, name="strings"),
        ),
    ],
)
def test_a_patch_may_use_only_what_upstreams_file_imports(go, line, note):
    block = f"wrappedCode := r.wrapCode(code, input)\n{line}\n"
    done = run(block, {"go": "wrapped_code", "patch": RUNTIME_GO})
    assert done.returncode != 0
    assert note in done.stderr.splitlines(), done.stderr


def test_a_patch_using_wrapped_code_as_a_string_is_told_what_the_mirror_has(go):
    block = "wrappedCode := r.wrapCode(code, input)\nos.Stderr.WriteString(wrappedCode)\n"  # as upstream writes it
    done = run(block, {"go": "wrapped_code", "patch": RUNTIME_GO})
    assert done.returncode != 0
    assert go_runner.WRAPPED_CODE_NOT_STRING in done.stderr.splitlines(), done.stderr


def test_a_block_that_hangs_is_killed(go):
    code = 'package main\n\nimport "time"\n\nfunc main() {\n\ttime.Sleep(time.Minute)\n}\n'
    with pytest.raises(subprocess.TimeoutExpired):
        run(code, timeout=1)


LEAVES_PROCESSES = """package main

import (
	"fmt"
	"os/exec"
)

func main() {
	inGroup := exec.Command("sleep", "60")
	ownSession := exec.Command("setsid", "sleep", "61")
	for _, child := range []*exec.Cmd{inGroup, ownSession} {
		if err := child.Start(); err != nil {
			panic(err)
		}
	}
	fmt.Println(inGroup.Process.Pid)
}
"""


def test_what_a_block_leaves_running_is_killed_in_any_session(go):
    done = run(LEAVES_PROCESSES)
    assert done.returncode == 0, done.stderr
    sleepers = [pid for pid in _pids() if _cmdline(pid) in (["sleep", "60"], ["sleep", "61"]) and _tagged(pid)]
    assert sleepers == []
    assert not _alive(int(done.stdout))


def _pids():
    return [int(entry.name) for entry in Path("/proc").iterdir() if entry.name.isdigit()]


def _cmdline(pid):
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")[:-1]
    except OSError:
        return []


def _tagged(pid):
    try:
        return processes.TAG_VARIABLE.encode() in Path(f"/proc/{pid}/environ").read_bytes()
    except OSError:
        return False


def _alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


HOLDS_OUTPUT = """package main

import (
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

func main() {
	// In a session of its own and with an empty environment: neither the group kill nor the tag finds it.
	holder := exec.Command("setsid", "env", "-i", "sleep", "37")
	holder.Stdout = os.Stdout
	if err := holder.Start(); err != nil {
		panic(err)
	}
	// Until it is sleep, it still carries the tag.
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		cmdline, _ := os.ReadFile("/proc/" + strconv.Itoa(holder.Process.Pid) + "/cmdline")
		if strings.HasPrefix(string(cmdline), "sleep"+string(rune(0))) {
			return
		}
	}
	panic("the holder never became sleep")
}
"""


def test_a_process_that_escapes_and_holds_the_output_is_reported(go, monkeypatch):
    monkeypatch.setattr(processes, "READ_GRACE", 0.5)
    try:
        done = run(HOLDS_OUTPUT)
        assert done.returncode == 0
        assert done.stderr.endswith(messages.OUTPUT_HELD_OPEN)
    finally:
        for pid in _pids():
            if _cmdline(pid) == ["sleep", "37"]:
                os.kill(pid, signal.SIGKILL)


FAILS_HALFWAY = """package main

import (
	"fmt"
	"os"

	"github.com/astercloud/aster/pkg/provider"
	"snippet/doctest"
)

func main() {
	doctest.EnterWorkspace()
	url, _ := doctest.ServeSchemas(provider.ToolSchema{Name: "Read"})
	os.WriteFile(os.TempDir()+"/left-behind.txt", nil, 0o644)
	fmt.Println(url)
	doctest.Fail("failing halfway, before any cleanup")
}
"""


def test_a_block_that_fails_halfway_leaves_no_files_and_no_server(go, monkeypatch, tmp_path):
    """Workspaces, schema files and whatever else the program writes in its temp dir go with it
    (the issue: aster-go-workspace-* and aster-schemas-*.json left after every run)."""
    system_tmp = tmp_path / "system-tmp"
    system_tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(system_tmp))
    done = run(FAILS_HALFWAY, env=dict(os.environ, TMPDIR=str(system_tmp)))
    assert done.returncode == 1 and "FAIL: failing halfway" in done.stderr, done.stderr
    assert list(system_tmp.iterdir()) == []
    port = int(done.stdout.strip().rsplit(":", 1)[1])
    assert go_runner.port_is_free(port), "the block's aster-ref serve outlived it"


def test_a_template_needing_a_busy_port_is_refused(fake_repo):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        write_template(
            fake_repo, "t", f"// doctest: needs free port {port}\npackage main\n\nfunc main() {{\n// <snippet>\n}}\n"
        )
        with pytest.raises(GoBlockError) as error:
            run(f"_ = {port}\n", {"go": "t"}, fake_repo)
    assert str(error.value) == go_runner.PORT_BUSY.format(name="t", port=port)


def test_the_pprof_server_serves_profiles(go, tmp_path):
    if not go_runner.port_is_free(6060):
        pytest.skip("localhost:6060 is busy")
    server = subprocess.Popen(
        ["go", "run", str(REPO / "snippets/go/pprof_server/main.go")],
        cwd=tmp_path,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=go_runner.go_env(dict(os.environ), REPO),
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
