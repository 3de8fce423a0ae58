"""One server-side WebSocket connection with Binance's connection rules (facts §6, §10.16).

- The server pings every `ping_interval_s` and drops a client that has not answered with a
  pong for `pong_timeout_s`; it answers the client's pings with the same payload.
- More than `max_inbound_per_s` incoming messages (pings, pongs, JSON) in a second closes a
  market-stream connection.
- A connection lives at most `max_lifetime_s` (24 h on Binance; shorter in tests).
- Outgoing frames go through a queue and one writer task, so frames keep their order, and
  through the frame faults (dropped or malformed), per target ("market" or "user").
"""
from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import WSMsgType, web

from .faults import Faults, FrameAction

log = logging.getLogger(__name__)
TextHandler = Callable[["WsSession", str], Awaitable[None]]


@dataclass(frozen=True)
class WsConfig:
    """Connection rules; defaults are Binance's (facts §6)."""

    ping_interval_s: float = 20.0
    pong_timeout_s: float = 60.0
    max_lifetime_s: float = 86_400.0
    max_inbound_per_s: int = 5
    max_queued: int = 10_000  # a consumer this far behind is cut off instead of growing memory


class WsSession:
    """A connection's outgoing queue, its liveness rules and its read loop."""

    def __init__(self, ws: web.WebSocketResponse, config: WsConfig, faults: Faults, target: str) -> None:
        self.ws = ws
        self._config = config
        # The 5 messages/s cap is the market streams' rule; the WS API limits by request weight.
        self._cap_inbound = target == "market"
        self._faults = faults
        self._target = target
        self._queue: asyncio.Queue[str | None] = asyncio.Queue()
        self._last_pong = time.monotonic()
        self._opened = time.monotonic()
        self._inbound: list[float] = []
        self.closed = asyncio.Event()

    def send_json(self, payload: Any, *, faulty: bool = True) -> None:
        """Queue one frame; never blocks the caller.

        Data frames go through the frame faults; replies to requests (`faulty=False`) do not,
        since a lost reply would only hang the client, which is not a fault Binance shows.
        """
        action = self._faults.frame_action(self._target) if faulty else FrameAction.SEND
        if action is FrameAction.DROP or self.closed.is_set():
            return
        text = json.dumps(payload, separators=(",", ":"))
        if action is FrameAction.GARBLE:
            text = text[: max(1, len(text) // 2)]  # a truncated frame is not valid JSON
        if self._queue.qsize() >= self._config.max_queued:
            self.close_soon()
            return
        self._queue.put_nowait(text)

    def close_soon(self) -> None:
        """Close the connection after the frames already queued (without waiting)."""
        self._queue.put_nowait(None)

    async def run(self, on_text: TextHandler) -> None:
        """Serve the connection until either side closes it; `on_text` handles JSON requests."""
        writer = asyncio.create_task(self._write_loop())
        keeper = asyncio.create_task(self._keepalive_loop())
        try:
            await self._read_loop(on_text)
        finally:
            self.closed.set()
            keeper.cancel()
            self._queue.put_nowait(None)
            await asyncio.gather(writer, keeper, return_exceptions=True)
            if not self.ws.closed:
                await self.ws.close()

    async def _read_loop(self, on_text: TextHandler) -> None:
        async for msg in self.ws:
            if self._cap_inbound and self._over_rate():
                await self.ws.close(code=1008, message=b"Too many requests")
                return
            if msg.type is WSMsgType.TEXT:
                await on_text(self, msg.data)
            elif msg.type is WSMsgType.PING:
                await self.ws.pong(msg.data)
            elif msg.type is WSMsgType.PONG:
                self._last_pong = time.monotonic()
            elif msg.type in (WSMsgType.CLOSE, WSMsgType.ERROR):
                return

    async def _write_loop(self) -> None:
        while True:
            text = await self._queue.get()
            if text is None or self.ws.closed:
                break
            try:
                await self.ws.send_str(text)
            except (ConnectionError, RuntimeError):
                break
        if not self.ws.closed:
            await self.ws.close()

    async def _keepalive_loop(self) -> None:
        cfg = self._config
        deadline = self._opened + cfg.max_lifetime_s
        next_ping = self._opened + cfg.ping_interval_s
        while True:
            await asyncio.sleep(max(0.0, min(next_ping, deadline) - time.monotonic()))
            now = time.monotonic()
            if now >= deadline or now - self._last_pong > cfg.pong_timeout_s:
                self.close_soon()  # Binance drops it; the client must reconnect
                return
            if now >= next_ping:
                next_ping = now + cfg.ping_interval_s
                try:
                    await self.ws.ping(str(int(time.time() * 1000)).encode())
                except (ConnectionError, RuntimeError):
                    return

    def _over_rate(self) -> bool:
        now = time.monotonic()
        self._inbound = [t for t in self._inbound if now - t < 1.0]
        self._inbound.append(now)
        return len(self._inbound) > self._config.max_inbound_per_s


def new_session(config: WsConfig, faults: Faults, target: str) -> WsSession:
    """Return a session around a not-yet-prepared socket (pings are handled by the session).

    Callers register the session's subscriptions before `ws.prepare()`, so no frame published
    after the client sees the handshake can miss it.
    """
    return WsSession(web.WebSocketResponse(autoping=False, max_msg_size=1 << 20), config, faults, target)
