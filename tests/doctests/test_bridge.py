"""The session's bridge: one that does not come up is reported with its log and stopped, and the
next block starts it afresh instead of talking to a dead one."""

from pathlib import Path

import pytest

from doctest_harness import messages
from doctest_harness.bridge import BRIDGE_URL, Bridge
from doctest_harness.processes import HarnessError
from doctest_harness.sandboxes import Sandboxes

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def sandboxes():
    made = Sandboxes(REPO)
    yield made
    made.close()


@pytest.mark.doc_ports
def test_a_bridge_that_exits_is_reported_with_its_log_and_started_again_next_time(sandboxes, monkeypatch):
    bridge = Bridge(sandboxes)
    real = sandboxes.aster_ref
    monkeypatch.setattr(sandboxes, "aster_ref", lambda *args: ["sh", "-c", "echo 'no such option' >&2; exit 3"])
    with pytest.raises(HarnessError) as raised:
        bridge.start()
    exited = messages.EXITED_BEFORE_LISTENING.format(what="aster-ref serve", code=3, port=8080)
    assert str(raised.value) == messages.BRIDGE_LOG.format(error=exited, log="no such option")
    assert not bridge.running

    monkeypatch.setattr(sandboxes, "aster_ref", real)
    try:
        assert bridge.start() == BRIDGE_URL
        assert bridge.running
    finally:
        bridge.stop()
