"""The Go mirror module (go/): it vets and passes its own tests (among them the API check:
it exports exactly go/api/mirror.txt, all of it upstream's), programs written like upstream's
examples/ptc compile against it, and its copies of the reference's messages agree with
aster_ref.messages."""

import os
import re
import subprocess
from pathlib import Path

import pytest

from aster_ref import cli, defaults, messages, runsocket
from aster_ref.tools import BUILTIN_NAMES
from doctest_harness import go_runner

REPO = Path(__file__).resolve().parents[2]
MODULE = REPO / "go"
EXAMPLES = Path(__file__).parent / "fixtures" / "upstream_examples"


def go_command(args, env, cwd=MODULE):
    return subprocess.run(
        ["go", *args],
        check=False,
        cwd=cwd,
        env=go_runner.go_env(env, REPO),
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.parametrize("module", [MODULE, REPO / "bench" / "go"], ids=["mirror", "bench"])
def test_go_vet(go, go_env, module):
    done = go_command(["vet", "./..."], go_env, cwd=module)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_repos_go_is_gofmt_clean(go, go_env):
    """The mirror, the templates and the bench's Go, as `gofmt -l` sees them (Go's ruff format)."""
    gofmt = Path(go_command(["env", "GOROOT"], go_env).stdout.strip()) / "bin" / "gofmt"
    listed = subprocess.run(
        [gofmt, "-l", "go", "snippets", "bench/go"], cwd=REPO, capture_output=True, text=True, check=False
    )
    assert (listed.returncode, listed.stdout, listed.stderr) == (0, "", "")


def test_go_test(go, go_env):
    done = go_command(["test", "-count=1", "./..."], go_env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "FAIL" not in done.stdout


@pytest.mark.parametrize("example", sorted(p.name for p in EXAMPLES.iterdir() if p.is_dir()))
def test_programs_like_upstreams_examples_compile_against_the_mirror(go, go_env, example, tmp_path):
    (tmp_path / "go.mod").write_text(go_runner.GO_MOD.format(module=go_runner.MODULE, path=MODULE))
    (tmp_path / "main.go").write_text((EXAMPLES / example / "main.go").read_text())
    done = go_command(["build", "-o", os.devnull, "."], go_env, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr


def go_string_constant(path, name):
    match = re.search(rf'^\s*(?:const\s+)?{name}\s*=\s*"([^"]*)"', path.read_text(), re.MULTILINE)
    assert match, f"{name} not found in {path}"
    return match.group(1)


def go_number_constant(path, name):
    """A constant like `const name = 2` or `const name = 10 * time.Second`, in seconds."""
    match = re.search(rf"^\s*(?:const\s+)?{name}\s*=\s*(\d+)( \* time\.Second)?$", path.read_text(), re.MULTILINE)
    assert match, f"{name} not found in {path}"
    return int(match.group(1))


def test_the_go_run_socket_client_speaks_the_references_protocol():
    asterref = MODULE / "internal/asterref"
    assert go_string_constant(asterref / "runsocket.go", "RunSocketClosed") == messages.RUN_SOCKET_CLOSED
    assert go_number_constant(asterref / "runsocket.go", "protocolVersion") == runsocket.PROTOCOL_VERSION
    assert go_number_constant(asterref / "runsocket.go", "CancelGrace") == runsocket.CANCEL_GRACE
    hosts = re.search(r"loopbackHosts = \[\]string\{(.*)\}", (asterref / "runsocket.go").read_text())
    assert hosts and set(re.findall(r'"([^"]+)"', hosts.group(1))) == runsocket.LOOPBACK_HOSTS
    assert go_number_constant(asterref / "runtime.go", "exitUsage") == cli.EXIT_USAGE
    assert go_string_constant(asterref / "runtime.go", "tokenVariable") == defaults.TOKEN_ENV
    assert go_string_constant(asterref / "tool.go", "DefaultBridgeURL") == defaults.DEFAULT_BRIDGE_URL
    names = re.search(r"BuiltinNames = \[\]string\{(.*)\}", (asterref / "tool.go").read_text())
    assert names and tuple(re.findall(r'"([^"]+)"', names.group(1))) == BUILTIN_NAMES


def test_go_copies_of_reference_messages_agree():
    listening = messages.LISTENING.format(address="localhost:8080")
    assert listening.startswith(go_string_constant(MODULE / "internal/asterref/serve.go", "listeningMarker"))
    listening_format = go_string_constant(MODULE / "pkg/tools/bridge/http_server.go", "listeningFormat")
    assert listening_format.replace("%s", "localhost:8080") == listening + "\\n"
    support = REPO / "snippets/go/doctest/doctest.go"
    assert go_string_constant(support, "ExecutionTimeout") == messages.EXECUTION_TIMEOUT
    assert go_string_constant(support, "ToolNotAllowed") == messages.TOOL_NOT_ALLOWED.format(tool="%s")
    assert go_string_constant(support, "FileNotFound") == messages.FILE_NOT_FOUND.format(path="%s")
    server_error = go_string_constant(MODULE / "pkg/tools/bridge/http_server.go", "serverErrorFormat")
    assert server_error.startswith(go_string_constant(support, "ServerError"))
