"""The user data stream through the WebSocket API (facts §7: listenKey streams are retired).

`userDataStream.subscribe.signature` on `ws_api_url` opens the subscription; events arrive as
`{"subscriptionId", "event"}`. What can go wrong, and what this client does:
- the connection drops (24 h limit, network, server): reconnect, subscribe again, and emit
  SUBSCRIBED with `needs_reconcile=True` since events may have been missed (python-binance
  reconnects but never re-subscribes, facts §9);
- the subscription ends while the connection stays (eventStreamTerminated, or silently):
  a `session.status` probe every `user_health_every_s` reads `userDataStream` and
  re-subscribes when it is false;
- -1021 on subscribe: re-measure the clock offset (REST /time) and try once more;
- a frame that is not JSON or not a known event: counted and dropped, never fatal.
The WS API signature is HMAC-SHA256 over the params sorted by name, `k=v&…` (facts §7).
"""
from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import json
import random
from collections.abc import Callable
from typing import Any

import websockets
from websockets.asyncio.client import ClientConnection

from trading.domain.catalog.reasons import ReasonCode
from trading.domain.ports import StreamEvent, StreamState

from .config import AdapterConfig
from .parse_events import FrameError, user_event
from .ws_runtime import Counters, EventQueue, QueuedStreamHandle, StreamRuntime, backoff_s


class WsApiSigner:
    """Signs WS API requests. Holds the secret; never shows it (tests fail on a leak)."""

    __slots__ = ("_key", "_secret", "_timestamp_ms", "_recv_window")

    def __init__(self, api_key: str, api_secret: str, timestamp_ms: Callable[[], int], recv_window_ms: int) -> None:
        self._key, self._secret = api_key, api_secret.encode()
        self._timestamp_ms, self._recv_window = timestamp_ms, recv_window_ms

    def __repr__(self) -> str:
        return "WsApiSigner(<redacted>)"

    def signed(self) -> dict[str, Any]:
        """Return `{apiKey, recvWindow, timestamp, signature}` for a USER_STREAM request."""
        params: dict[str, Any] = {"apiKey": self._key, "recvWindow": self._recv_window,
                                  "timestamp": self._timestamp_ms()}
        payload = "&".join(f"{k}={v}" for k, v in sorted(params.items()))
        params["signature"] = hmac.new(self._secret, payload.encode(), hashlib.sha256).hexdigest()
        return params


class WsApiError(Exception):
    def __init__(self, code: int, msg: str) -> None:
        super().__init__(f"{code}: {msg}")
        self.code, self.msg = code, msg


class UserStreamClient:
    """The asyncio side of the user stream."""

    def __init__(self, url: str, signer: WsApiSigner, resync: Callable[[], int], queue: EventQueue,
                 counters: Counters, config: AdapterConfig) -> None:
        self._url, self._signer, self._resync = url, signer, resync
        self._queue, self._counters, self._config = queue, counters, config
        self._ids = itertools.count(1)
        self._pending: dict[str, asyncio.Future[Any]] = {}
        self._wake = asyncio.Event()
        self._rand = random.Random()

    def probe_soon(self) -> None:
        """Check the subscription now instead of at the next health tick (on the loop)."""
        self._wake.set()

    async def run(self) -> None:
        """Connect, subscribe, watch, reconnect, until cancelled."""
        attempt, subscribed_before = 0, False
        while True:
            detail = "closed"
            try:
                async with websockets.connect(self._url, open_timeout=self._config.ws_open_timeout_s,
                                              close_timeout=1, max_size=1 << 22) as ws:
                    reader = asyncio.create_task(self._read(ws))
                    try:
                        await self._subscribe(ws)
                        attempt = 0
                        self._counters.connected = True
                        self._subscribed(gap=subscribed_before, detail="reconnected")
                        subscribed_before = True
                        await self._watch(ws, reader)
                    finally:
                        reader.cancel()
            except asyncio.CancelledError:
                raise
            except WsApiError as err:
                detail = f"subscribe refused: {err.code}"
            except Exception as exc:  # transport failures: reconnect, never die
                detail = type(exc).__name__
            finally:
                self._counters.connected = False
                self._fail_pending()
            self._counters.reconnects += 1
            self._queue.status(StreamState.DISCONNECTED, reason=ReasonCode.WS_DISCONNECTED, detail=detail)
            await asyncio.sleep(backoff_s(attempt, self._config.ws_reconnect_min_s,
                                          self._config.ws_reconnect_max_s, self._rand.random))
            attempt += 1

    def _subscribed(self, *, gap: bool, detail: str) -> None:
        if gap:
            self._counters.resubscriptions += 1
            self._queue.status(StreamState.SUBSCRIBED, reason=ReasonCode.USER_STREAM_UNSTABLE, detail=detail,
                               needs_reconcile=True)
        else:
            self._queue.status(StreamState.SUBSCRIBED)

    async def _subscribe(self, ws: ClientConnection) -> None:
        for attempt in range(2):
            try:
                await self._request(ws, "userDataStream.subscribe.signature", self._signer.signed())
                return
            except WsApiError as err:
                if err.code == -2035:  # already active on this connection: nothing to do
                    return
                if err.code != -1021 or attempt:
                    raise
                await asyncio.get_running_loop().run_in_executor(None, self._resync)

    async def _watch(self, ws: ClientConnection, reader: asyncio.Task[None]) -> None:
        """Return (raise) when the connection ends; re-subscribe when the subscription did."""
        while True:
            self._wake.clear()
            woke = asyncio.create_task(self._wake.wait())
            done, _ = await asyncio.wait({reader, woke}, timeout=self._config.user_health_every_s,
                                         return_when=asyncio.FIRST_COMPLETED)
            woke.cancel()
            if reader in done:
                reader.result()  # re-raises the read error, if any
                raise ConnectionError("connection closed")
            status = await self._request(ws, "session.status", {})
            if isinstance(status, dict) and status.get("userDataStream") is False:
                await self._subscribe(ws)
                self._subscribed(gap=True, detail="subscription lost")

    async def _request(self, ws: ClientConnection, method: str, params: dict[str, Any]) -> Any:
        req_id = f"ls{next(self._ids)}"
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending[req_id] = future
        try:
            await ws.send(json.dumps({"id": req_id, "method": method, "params": params}))
            return await asyncio.wait_for(future, self._config.user_request_timeout_s)
        finally:
            self._pending.pop(req_id, None)

    async def _read(self, ws: ClientConnection) -> None:
        async for raw in ws:
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
        elif "event" in msg and "subscriptionId" in msg:
            self._on_event(msg["event"])
        elif "id" in msg and "status" in msg:
            self._on_reply(msg)
        else:
            c.invalid += 1

    def _on_event(self, event: Any) -> None:
        if isinstance(event, dict) and event.get("e") == "eventStreamTerminated":
            self._wake.set()  # the subscription ended: the watcher re-subscribes at once
            return
        try:
            parsed: StreamEvent | None = user_event(event)
        except FrameError:
            self._counters.invalid += 1
            return
        if parsed is not None:
            self._queue.put(parsed)

    def _on_reply(self, msg: dict[str, Any]) -> None:
        future = self._pending.get(str(msg["id"]))
        if future is None or future.done():
            return
        if msg.get("status") == 200:
            future.set_result(msg.get("result"))
        else:
            error = msg.get("error") or {}
            future.set_exception(WsApiError(int(error.get("code", 0)), str(error.get("msg", ""))))

    def _fail_pending(self) -> None:
        for future in self._pending.values():
            if not future.done():
                future.set_exception(ConnectionError("connection closed"))
        self._pending.clear()


class UserEventStreamHandle(QueuedStreamHandle):
    """The bot's side of the user stream (implements `EventStream`)."""

    def __init__(self, runtime: StreamRuntime, url: str, signer: WsApiSigner, resync: Callable[[], int],
                 config: AdapterConfig) -> None:
        self._runtime = runtime
        self._counters = Counters()
        self._queue = EventQueue("user", None, self._counters, self._stop)
        self._client: UserStreamClient | None = None

        async def start() -> None:
            self._client = UserStreamClient(url, signer, resync, self._queue, self._counters, config)
            await self._client.run()

        self._task = runtime.submit(start())

    def check_now(self) -> None:
        """Probe the subscription now (e.g. when the bot suspects silence)."""
        self._runtime.call_soon(lambda: self._client.probe_soon() if self._client else None)
