"""Run a bash block as a reader would, but so that what a reader would notice
decides the verdict: curl and jq are replaced by shims (doctest_harness/shims)
mounted over the real binaries in a mount namespace of the block's own, so the
shims apply however the block calls them (by name, by path, in `$(...)`, in a
pipeline), and record what they noticed in a file the harness reads after the run.
"""

from __future__ import annotations

import functools
import os
import shlex
import shutil
import subprocess
from pathlib import Path

from doctest_harness import messages
from doctest_harness.model import Outcome
from doctest_harness.processes import HarnessError, run_group

SHIMS = Path(__file__).parent / "shims"
SHIMMED = ("curl", "jq")
SCRIPT = ".block.sh"
# What a reader sees when curl fails, by curl's exit code (22: HTTP error status, 7: no connection).
CURL_EXITS = {"22": messages.CURL_HTTP_ERROR, "7": messages.CURL_NO_CONNECTION}


def namespace_prefix() -> list[str]:
    """A mount namespace of the block's own: root has one for the asking, others map themselves to root."""
    return ["unshare", "--mount", "--"] if os.geteuid() == 0 else ["unshare", "--map-root-user", "--mount", "--"]


@functools.cache
def check_namespaces() -> None:
    try:
        done = subprocess.run([*namespace_prefix(), "true"], capture_output=True, text=True, check=False)
    except FileNotFoundError as missing:  # no unshare (util-linux) at all
        raise HarnessError(messages.NO_MOUNT_NAMESPACE.format(error=missing)) from None
    if done.returncode != 0:
        raise HarnessError(messages.NO_MOUNT_NAMESPACE.format(error=done.stderr.strip()))


def run_shell(script: str, *, cwd: Path, scratch: Path, env: dict[str, str], timeout: float) -> Outcome:
    """Run ``script`` with ``bash -eo pipefail`` in ``cwd``; ``scratch`` is a dir of the harness's own."""
    check_namespaces()
    (cwd / SCRIPT).write_text(script, encoding="utf-8")
    real_bin = scratch / "real-bin"
    real_bin.mkdir()
    noticed = scratch / "noticed"
    noticed.touch()
    mounts = []
    for tool in SHIMMED:
        found = shutil.which(tool, path=env.get("PATH"))
        if found is None:
            continue
        real = os.path.realpath(found)
        (real_bin / tool).touch()
        mounts.append(f"mount --bind {shlex.quote(real)} {shlex.quote(str(real_bin / tool))}")
        mounts.append(f"mount --bind {shlex.quote(str(SHIMS / tool))} {shlex.quote(real)}")
    launch = " && ".join([*mounts, f"exec bash -eo pipefail {SCRIPT}"])
    env = dict(env, DOCTEST_REAL_BIN=str(real_bin), DOCTEST_NOTICED=str(noticed))
    done = run_group([*namespace_prefix(), "sh", "-c", launch], cwd=cwd, env=env, timeout=timeout)
    return Outcome(done.returncode, done.stdout, done.stderr, tuple(noticed_failures(noticed.read_text())))


def noticed_failures(records: str) -> list[str]:
    """The shims' records (tool, exit code or `null`, arguments) as what a reader would have noticed."""
    failures = []
    for record in records.splitlines():
        tool, code, args = record.split("\t", 2)
        if tool == "curl":
            failures.append(CURL_EXITS.get(code, messages.CURL_FAILED).format(code=code, args=args))
        elif code == "null":
            failures.append(messages.JQ_NULL.format(args=args))
        else:
            failures.append(messages.JQ_FAILED.format(code=code, args=args))
    return failures
