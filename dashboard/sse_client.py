"""A minimal asyncio SSE client for the bench and the tests (stdlib only).

It sends an HTTP/1.0 request, so the server streams the body unchunked until it closes,
and yields one SseEvent per blank-line-terminated event, stamped with its arrival time.
"""
from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass


@dataclass(frozen=True)
class SseEvent:
    event: str
    data: str
    at: float  # time.monotonic() when the event's last line arrived


class SseError(RuntimeError):
    """The server answered something other than a 200 event stream."""


async def stream_events(host: str, port: int, path: str = "/api/stream",
                        connect_timeout: float = 5.0) -> AsyncIterator[SseEvent]:
    """Yield the events of one SSE response until the server closes it."""
    reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), connect_timeout)
    try:
        writer.write(f"GET {path} HTTP/1.0\r\nHost: {host}:{port}\r\nAccept: text/event-stream\r\n\r\n".encode())
        await writer.drain()
        status = (await reader.readline()).decode("latin-1").strip()
        headers = {}
        while (line := (await reader.readline()).decode("latin-1").strip()):
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        if " 200 " not in f"{status} " or not headers.get("content-type", "").startswith("text/event-stream"):
            raise SseError(f"{status} {headers.get('content-type', '')}")
        event, data = "message", list[str]()
        while True:
            raw = await reader.readline()
            if not raw:
                return
            line = raw.decode("utf-8").rstrip("\r\n")
            if line == "":
                if data:
                    yield SseEvent(event, "\n".join(data), time.monotonic())
                event, data = "message", []
            elif line.startswith("event:"):
                event = line[6:].strip()
            elif line.startswith("data:"):
                data.append(line[5:].lstrip(" "))
    finally:
        writer.close()
        try:
            await writer.wait_closed()
        except (ConnectionError, OSError):
            pass


async def collect(host: str, port: int, seconds: float, path: str = "/api/stream") -> list[SseEvent]:
    """Return every event received within `seconds` of connecting."""
    events: list[SseEvent] = []

    async def run() -> None:
        async for ev in stream_events(host, port, path):
            events.append(ev)

    try:
        await asyncio.wait_for(run(), seconds)
    except asyncio.TimeoutError:
        pass
    return events
