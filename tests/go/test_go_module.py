"""The Go mirror module (go/) vets and passes its own tests, and its copies of the
reference's messages agree with aster_ref.messages."""

import re
import subprocess
from pathlib import Path

from aster_ref import messages

REPO = Path(__file__).resolve().parents[2]

MODULE = REPO / "go"


def go_command(args, env):
    return subprocess.run(["go", *args], check=False, cwd=MODULE, env=env, capture_output=True, text=True, timeout=300)


def test_go_vet(go, go_env):
    done = go_command(["vet", "./..."], go_env)
    assert done.returncode == 0, done.stdout + done.stderr


def test_go_test(go, go_env):
    done = go_command(["test", "-count=1", "./..."], go_env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "FAIL" not in done.stdout


def go_string_constant(path, name):
    match = re.search(rf'^\s*(?:const\s+)?{name}\s*=\s*"([^"]*)"', path.read_text(), re.MULTILINE)
    assert match, f"{name} not found in {path}"
    return match.group(1)


def test_go_copies_of_reference_messages_agree():
    listening = go_string_constant(MODULE / "pkg/bridge/http_server.go", "listeningMarker")
    assert messages.LISTENING.format(address="localhost:8080").startswith(listening)
    support = REPO / "snippets/go/doctest/doctest.go"
    assert go_string_constant(support, "ExecutionTimeout") == messages.EXECUTION_TIMEOUT
    assert go_string_constant(support, "ToolNotAllowed") == messages.TOOL_NOT_ALLOWED.format(tool="%s")
