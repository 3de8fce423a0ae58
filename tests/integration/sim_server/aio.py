"""Small asyncio helpers for the stream tests (no pytest-asyncio: each test runs its own loop)."""
from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any

import websockets


async def recv_until(recv: Callable[[], Awaitable[Any]], match: Callable[[Any], bool], *,
                     timeout: float = 5.0, poke: Callable[[], None] | None = None) -> Any:
    """Return the first message `match` accepts; call `poke` between short waits (e.g. re-quote)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        if poke is not None:
            await asyncio.to_thread(poke)
        try:
            msg = await asyncio.wait_for(recv(), timeout=0.25)
        except asyncio.TimeoutError:
            continue
        if match(msg):
            return msg
    raise AssertionError("no matching message in time")


async def recv_json(ws: websockets.ClientConnection, timeout: float = 3.0) -> Any:
    """Return the next frame of a raw websockets connection, parsed."""
    return json.loads(await asyncio.wait_for(ws.recv(), timeout))


async def in_thread(fn: Callable[..., Any], *args: Any) -> Any:
    """Run a blocking simulator control call without stalling this loop."""
    return await asyncio.to_thread(fn, *args)
