"""The WebSocket API's user-data part at `/ws-api/v3` (facts §7, §10.17).

The listenKey flow is retired (facts §7), so user data comes only from here:
`userDataStream.subscribe.signature` ({apiKey, timestamp, signature[, recvWindow]}, signed over
the params sorted by name) opens a subscription on this connection; events are pushed as
`{"subscriptionId", "event"}`. `session.logon` + `userDataStream.subscribe` needs an Ed25519
key; the simulator only has an HMAC key, so logon answers -4056 as Binance does for HMAC
keys [obs]. Other WS API methods (order.place, …) are not simulated: the bot trades over REST.
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from aiohttp import web

from trading.exchange.sim.engine import BinanceApiError

from .state import SimState
from .ws_session import WsConfig, WsSession, new_session

Event = dict[str, Any]


class UserStreams:
    """WS API connections and their user-data subscriptions."""

    def __init__(self, state: SimState, config: WsConfig) -> None:
        self._state = state
        self._config = config
        self._subs: dict[WsSession, list[int]] = {}
        self._next_id: dict[WsSession, int] = {}
        self._since: dict[WsSession, int] = {}

    def add_routes(self, app: web.Application) -> None:
        """Register `/ws-api/v3`."""
        app.router.add_get("/ws-api/v3", self._serve)

    async def _serve(self, request: web.Request) -> web.StreamResponse:
        session = new_session(self._config, self._state.faults, "user")
        self._subs[session], self._next_id[session] = [], 0
        self._since[session] = self._state.clock.now_ms()
        try:
            await session.ws.prepare(request)
            await session.run(self._on_text)
        finally:
            for table in (self._subs, self._next_id, self._since):
                table.pop(session, None)
        return session.ws

    # -- engine events -------------------------------------------------------------------

    def on_event(self, event: Event) -> None:
        """Engine listener: push one user-data event to every subscription."""
        for session, ids in list(self._subs.items()):
            for sub_id in ids:
                session.send_json({"subscriptionId": sub_id, "event": event})

    def subscription_count(self) -> int:
        """Return how many subscriptions are open (all connections)."""
        return sum(len(ids) for ids in self._subs.values())

    def connection_count(self) -> int:
        """Return how many WS API connections are open."""
        return len(self._subs)

    def lose_subscriptions(self) -> int:
        """Fault: forget every subscription without telling the client; return how many."""
        count = self.subscription_count()
        for ids in self._subs.values():
            ids.clear()
        return count

    def terminate_subscriptions(self) -> int:
        """Send eventStreamTerminated on every subscription, then end them; return how many."""
        now = self._state.clock.now_ms()
        self.on_event({"e": "eventStreamTerminated", "E": now})
        return self.lose_subscriptions()

    def disconnect_all(self) -> int:
        """Close every WS API connection; return how many."""
        sessions = list(self._subs)
        for session in sessions:
            session.close_soon()
        return len(sessions)

    # -- requests ------------------------------------------------------------------------

    async def _on_text(self, session: WsSession, text: str) -> None:
        try:
            req = json.loads(text)
            req_id, method, params = req.get("id"), str(req.get("method", "")), req.get("params") or {}
            if not isinstance(params, dict):
                raise ValueError
        except (ValueError, AttributeError):
            session.send_json({"id": None, "status": 400,
                               "error": {"code": -1102, "msg": "Malformed request: expected a JSON object."}},
                              faulty=False)
            return
        try:
            result = self._dispatch(session, method, params)
        except BinanceApiError as err:
            session.send_json({"id": req_id, "status": err.http_status, "error": err.to_dict()}, faulty=False)
            return
        session.send_json({"id": req_id, "status": 200, "result": result}, faulty=False)

    def _dispatch(self, session: WsSession, method: str, params: Mapping[str, Any]) -> Any:
        if method == "ping":
            return {}
        if method == "time":
            return {"serverTime": self._state.api_now()}
        if method == "session.logon":
            self._check_signed(params)  # a bad request still fails as one
            raise BinanceApiError(-4056, "HMAC_SHA256 API key is not supported.")
        if method == "session.status":
            return {"apiKey": None, "authorizedSince": None, "connectedSince": self._since[session],
                    "returnRateLimits": True, "serverTime": self._state.api_now(),
                    "userDataStream": bool(self._subs[session])}
        if method == "session.subscriptions":
            return [{"subscriptionId": i} for i in self._subs[session]]
        if method == "userDataStream.subscribe.signature":
            return self._subscribe(session, params)
        if method == "userDataStream.subscribe":
            raise BinanceApiError(-1002, "You are not authorized to execute this request.", 401)
        if method == "userDataStream.unsubscribe":
            return self._unsubscribe(session, params)
        raise BinanceApiError(-1020, "This operation is not supported.")

    def _subscribe(self, session: WsSession, params: Mapping[str, Any]) -> Any:
        self._check_signed(params)
        if self._subs[session]:  # one account: a second subscription on this connection
            raise BinanceApiError(-2035, "User Data Stream subscription already active.")
        sub_id = self._next_id[session]
        self._next_id[session] = sub_id + 1
        self._subs[session].append(sub_id)
        return {"subscriptionId": sub_id}

    def _unsubscribe(self, session: WsSession, params: Mapping[str, Any]) -> Any:
        ids = self._subs[session]
        wanted = params.get("subscriptionId")
        if not ids or (wanted is not None and wanted not in ids):
            raise BinanceApiError(-2036, "User Data Stream subscription not active.")
        if wanted is None:
            ids.clear()
        else:
            ids.remove(wanted)
        return {}

    def _check_signed(self, params: Mapping[str, Any]) -> None:
        """Check apiKey, the WS API signature (params sorted by name, `k=v&…`) and the timestamp."""
        auth = self._state.auth
        auth.check_key(str(params.get("apiKey") or ""))
        payload = "&".join(f"{k}={_text(v)}" for k, v in sorted(params.items()) if k != "signature")
        auth.check_signature(payload, str(params["signature"]) if params.get("signature") else None)
        auth.check_timestamp({k: _text(v) for k, v in params.items() if k in ("timestamp", "recvWindow")})


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
