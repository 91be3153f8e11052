"""An answer the bridge cuts short (the connection closes mid-body) is a BridgeConnectionError for each call
it leaves, for single calls and batches alike, and leaves no task exception unretrieved. About 0.1 s."""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import AsyncIterator

import pytest

from aster_ref import AsterBridge, BridgeConnectionError, messages

# aiohttp's words for an answer cut short, as the user reads them after CONNECTION_ERROR's prefix.
CUT_SHORT = messages.CONNECTION_ERROR.format(detail="Response payload is not completed")


async def answer_then_hang_up(head: bytes, body: bytes) -> AsyncIterator[str]:
    """A bridge on a free port that answers every request with ``head`` and ``body``, then closes."""

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        request_head = await reader.readuntil(b"\r\n\r\n")
        length = next(
            int(line.split(b":")[1])
            for line in request_head.split(b"\r\n")
            if line.lower().startswith(b"content-length")
        )
        await reader.readexactly(length)  # the whole request, so the client is reading when the answer stops
        writer.write(head + b"\r\n\r\n" + body)
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(answer, "127.0.0.1", 0)
    try:
        yield f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"
    finally:
        server.close()
        await server.wait_closed()


@pytest.fixture
async def single_cut_short() -> AsyncIterator[str]:
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100"
    async for url in answer_then_hang_up(head, b'{"success": tr'):
        yield url


@pytest.fixture
async def batch_cut_short() -> AsyncIterator[str]:
    line = b'{"index": 1, "status": 200, "answer": {"success": true, "result": "b"}}\n'
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/x-ndjson\r\nTransfer-Encoding: chunked"
    async for url in answer_then_hang_up(head, b"%x\r\n%s\r\n" % (len(line), line)):  # no last chunk
        yield url


async def test_a_single_answer_cut_short_is_a_connection_error(single_cut_short: str) -> None:
    async with AsterBridge(single_cut_short, coalesce=False) as bridge:
        with pytest.raises(BridgeConnectionError) as raised:
            await bridge.call("Read", {"path": "test.txt"})
    assert str(raised.value).startswith(CUT_SHORT)


async def test_a_batch_answer_cut_short_fails_the_calls_it_left_with_nothing_unretrieved(
    batch_cut_short: str, caplog: pytest.LogCaptureFixture
) -> None:
    async with AsterBridge(batch_cut_short) as bridge:
        results = await asyncio.gather(bridge.call("A"), bridge.call("B"), return_exceptions=True)
        await asyncio.sleep(0)  # the sender's task ends
    gc.collect()  # an exception no one retrieved is logged when its task is collected
    assert isinstance(results[0], BridgeConnectionError)
    assert str(results[0]) == messages.CONNECTION_ERROR.format(detail=messages.BATCH_ENDED_EARLY)
    assert results[1] == "b"
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
