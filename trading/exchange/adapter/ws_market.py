"""Market streams over one combined connection, with reconnect, resubscribe and frame checks.

Not python-binance's socket manager: its read loop dies on the first frame that is not JSON
and gives up after 5 reconnects (facts §9 [test]), and a 24/7 bot must outlive both.
- Connects to `<stream_url>stream?streams=a/b/c` (combined: every frame names its stream, §6).
- Streams added or removed while connected go out as SUBSCRIBE/UNSUBSCRIBE, spaced to stay
  under Binance's 5 inbound messages per second; a reconnect puts them all in the URL again.
- Reconnects forever with capped, jittered back-off: on close, error, `serverShutdown`, or no
  frame for `market_stale_after_s` (a silent connection is as bad as a closed one).
- A frame that is not JSON, or not the payload its stream promises, is counted and dropped.
"""
from __future__ import annotations

import asyncio
import json
import logging
import random
from collections.abc import Iterable

import websockets
from websockets.asyncio.client import ClientConnection

from trading.domain.catalog.reasons import ReasonCode
from trading.domain.ports import MarketStream, StreamState

from .config import AdapterConfig
from .parse_events import FrameError, market_event
from .ws_runtime import Counters, EventQueue, QueuedStreamHandle, StreamRuntime, backoff_s

log = logging.getLogger(__name__)
CONTROL_SPACING_S = 0.25  # <= 4 control messages a second (Binance closes past 5, facts §6)


class _Reconnect(Exception):
    def __init__(self, reason: ReasonCode, detail: str) -> None:
        super().__init__(detail)
        self.reason, self.detail = reason, detail


class MarketStreamClient:
    """The asyncio side: one connection carrying every subscribed stream."""

    def __init__(self, stream_url: str, queue: EventQueue, counters: Counters, config: AdapterConfig) -> None:
        self._base = stream_url
        self._queue = queue
        self._counters = counters
        self._config = config
        self._streams: set[str] = set()
        self._changed = asyncio.Event()
        self._ws: ClientConnection | None = None
        self._next_id = 0
        self._last_control = 0.0
        self._rand = random.Random()

    def change(self, add: Iterable[str] = (), remove: Iterable[str] = ()) -> None:
        """Update the stream set (on the loop); tell a live connection."""
        added, removed = set(add) - self._streams, set(remove) & self._streams
        self._streams |= added
        self._streams -= removed
        self._changed.set()
        if self._ws is not None:
            for method, names in (("SUBSCRIBE", added), ("UNSUBSCRIBE", removed)):
                if names:
                    asyncio.ensure_future(self._control(self._ws, method, sorted(names)))

    async def run(self) -> None:
        """Connect, read, reconnect, until cancelled."""
        attempt = 0
        while True:
            while not self._streams:
                self._changed.clear()
                await self._changed.wait()
            reason, detail = ReasonCode.WS_DISCONNECTED, "closed"
            try:
                async with websockets.connect(self._url(), open_timeout=self._config.ws_open_timeout_s,
                                              close_timeout=1, max_size=1 << 22) as ws:
                    self._ws, attempt = ws, 0
                    self._counters.connected = True
                    self._queue.status(StreamState.CONNECTED, needs_reconcile=self._counters.reconnects > 0)
                    await self._read(ws)
            except _Reconnect as why:
                reason, detail = why.reason, why.detail
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # any transport failure: reconnect, never die
                detail = type(exc).__name__
            finally:
                self._ws = None
                self._counters.connected = False
            self._counters.reconnects += 1
            self._queue.status(StreamState.DISCONNECTED, reason=reason, detail=detail)
            await asyncio.sleep(backoff_s(attempt, self._config.ws_reconnect_min_s,
                                          self._config.ws_reconnect_max_s, self._rand.random))
            attempt += 1

    def _url(self) -> str:
        return f"{self._base}stream?streams={'/'.join(sorted(self._streams))}"

    async def _read(self, ws: ClientConnection) -> None:
        stale = self._config.market_stale_after_s
        while True:
            try:
                raw = await asyncio.wait_for(ws.recv(), timeout=stale)
            except asyncio.TimeoutError:
                raise _Reconnect(ReasonCode.DATA_STALE, f"no frame in {stale} s") from None
            self._on_frame(raw)

    def _on_frame(self, raw: str | bytes) -> None:
        c = self._counters
        c.frames += 1
        try:
            msg = json.loads(raw)
        except (ValueError, TypeError):
            c.malformed += 1
            return
        if not isinstance(msg, dict):
            c.invalid += 1
        elif "stream" in msg and "data" in msg:
            try:
                self._queue.put(market_event(str(msg["stream"]), msg["data"]))
            except FrameError:
                c.invalid += 1
        elif msg.get("e") == "serverShutdown":  # maintenance ahead: move before we are cut off
            raise _Reconnect(ReasonCode.WS_DISCONNECTED, "serverShutdown")
        elif "id" in msg and "error" in msg:
            log.warning("market stream control request refused: %s", msg.get("error"))
        elif "id" not in msg:
            c.invalid += 1

    async def _control(self, ws: ClientConnection, method: str, names: list[str]) -> None:
        loop = asyncio.get_running_loop()
        wait = self._last_control + CONTROL_SPACING_S - loop.time()
        self._last_control = max(loop.time(), self._last_control + CONTROL_SPACING_S)
        if wait > 0:
            await asyncio.sleep(wait)
        self._next_id += 1
        try:
            await ws.send(json.dumps({"method": method, "params": names, "id": self._next_id}))
        except Exception:  # the connection is going; the reconnect URL carries the new set
            return


class MarketEventStreamHandle(QueuedStreamHandle):
    """The bot's side of a market stream (implements `MarketEventStream`)."""

    def __init__(self, runtime: StreamRuntime, stream_url: str, streams: Iterable[MarketStream],
                 config: AdapterConfig) -> None:
        self._runtime = runtime
        self._counters = Counters()
        self._queue = EventQueue("market", config.market_queue_size, self._counters, self._stop)
        self._names = {s.name for s in streams}
        self._client: MarketStreamClient | None = None

        async def start() -> None:
            self._client = MarketStreamClient(stream_url, self._queue, self._counters, config)
            self._client.change(add=self._names)
            await self._client.run()

        self._task = runtime.submit(start())

    @property
    def streams(self) -> frozenset[MarketStream]:
        return frozenset(MarketStream(n) for n in self._names)

    def subscribe(self, streams: Iterable[MarketStream]) -> None:
        names = {s.name for s in streams}
        self._names |= names
        self._runtime.call_soon(lambda: self._client.change(add=names) if self._client else None)

    def unsubscribe(self, streams: Iterable[MarketStream]) -> None:
        names = {s.name for s in streams}
        self._names -= names
        self._runtime.call_soon(lambda: self._client.change(remove=names) if self._client else None)
