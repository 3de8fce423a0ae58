"""Market streams: `/ws/<stream>` (raw payloads) and `/stream?streams=a/b` (`{"stream","data"}`),
with the live SUBSCRIBE / UNSUBSCRIBE / LIST_SUBSCRIPTIONS methods (facts §6).
"""
from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from aiohttp import web

from .faults import Faults
from .stream_names import StreamName, parse_stream
from .ws_session import WsConfig, WsSession, new_session

MAX_STREAMS = 1024  # per connection (facts §6)


class StreamHub:
    """Who listens to which stream; the driver publishes, the hub fans out."""

    def __init__(self, known_symbols: Callable[[], set[str]], config: WsConfig, faults: Faults) -> None:
        self._known = known_symbols
        self._config = config
        self._faults = faults
        self._subs: dict[str, set[WsSession]] = defaultdict(set)
        self._parsed: dict[str, StreamName] = {}
        self._combined: dict[WsSession, bool] = {}
        self._names: dict[WsSession, list[str]] = {}

    # -- routes --------------------------------------------------------------------------

    def add_routes(self, app: web.Application) -> None:
        """Register `/ws`, `/ws/<streams>` and `/stream`."""
        app.router.add_get("/ws", self._raw)
        app.router.add_get("/ws/{streams:.*}", self._raw)
        app.router.add_get("/stream", self._combined_route)

    async def _raw(self, request: web.Request) -> web.StreamResponse:
        path = request.match_info.get("streams", "")
        return await self._serve(request, [n for n in path.split("/") if n], combined=False)

    async def _combined_route(self, request: web.Request) -> web.StreamResponse:
        names = [n for n in request.query.get("streams", "").split("/") if n]
        return await self._serve(request, names, combined=True)

    async def _serve(self, request: web.Request, names: list[str], *, combined: bool) -> web.StreamResponse:
        session = new_session(self._config, self._faults, "market")
        self._combined[session] = combined
        self._names[session] = []
        self._subscribe(session, names)
        try:
            await session.ws.prepare(request)
            await session.run(self._on_text)
        finally:
            self._drop(session)
        return session.ws

    # -- publishing ----------------------------------------------------------------------

    def active(self) -> list[StreamName]:
        """Return the parsed streams that have at least one listener."""
        return [self._parsed[n] for n, subs in self._subs.items() if subs and n in self._parsed]

    def publish(self, name: str, payload: Any) -> None:
        """Send `payload` to every listener of stream `name`."""
        for session in list(self._subs.get(name, ())):
            session.send_json({"stream": name, "data": payload} if self._combined.get(session) else payload)

    def broadcast(self, payload: Any) -> None:
        """Send one unwrapped event to every connection (e.g. serverShutdown)."""
        for session in list(self._combined):
            session.send_json(payload, faulty=False)

    def disconnect_all(self) -> int:
        """Close every market-stream connection (a fault, or shutdown); return how many."""
        sessions = list(self._combined)
        for session in sessions:
            session.close_soon()
        return len(sessions)

    # -- control messages ----------------------------------------------------------------

    async def _on_text(self, session: WsSession, text: str) -> None:
        try:
            req = json.loads(text)
            method, params, req_id = req.get("method"), req.get("params", []), req.get("id")
        except (ValueError, AttributeError):
            session.send_json({"error": {"code": 3, "msg": "Invalid JSON: expected a JSON object"}, "id": None},
                              faulty=False)
            return
        if method == "LIST_SUBSCRIPTIONS":
            session.send_json({"result": list(self._names[session]), "id": req_id}, faulty=False)
        elif method in ("SUBSCRIBE", "UNSUBSCRIBE") and isinstance(params, list):
            error = self._change(session, method, [str(p) for p in params])
            session.send_json({"error": error, "id": req_id} if error else {"result": None, "id": req_id},
                              faulty=False)
        else:
            session.send_json({"error": {"code": 2, "msg": f"Invalid request: unknown method {method!r}"},
                               "id": req_id}, faulty=False)

    def _change(self, session: WsSession, method: str, names: list[str]) -> dict[str, Any] | None:
        if method == "UNSUBSCRIBE":
            for name in names:
                self._subs[name].discard(session)
                if name in self._names[session]:
                    self._names[session].remove(name)
            return None
        unknown = [n for n in names if parse_stream(n, self._known()) is None]
        if unknown:
            return {"code": 2, "msg": f"Invalid request: unknown stream name {unknown[0]!r}"}
        if len(set(self._names[session]) | set(names)) > MAX_STREAMS:
            return {"code": 2, "msg": f"Invalid request: at most {MAX_STREAMS} streams per connection"}
        self._subscribe(session, names)
        return None

    def _subscribe(self, session: WsSession, names: list[str]) -> None:
        for name in names[:MAX_STREAMS]:
            parsed = parse_stream(name, self._known())
            if parsed is not None:  # an unknown name in the URL is accepted and stays silent
                self._parsed[name] = parsed
            self._subs[name].add(session)
            if name not in self._names[session]:
                self._names[session].append(name)

    def _drop(self, session: WsSession) -> None:
        for name in self._names.pop(session, []):
            self._subs[name].discard(session)
        self._combined.pop(session, None)
