"""LIVE read-only at the ASGI edge, for what Django middleware never sees.

Channels consumers (/api/stream) and the static files handler run outside Django's
middleware chain, so this wrapper answers 403 to any non-GET HTTP request in LIVE before
they are reached. The admin login/logout posts pass through to Django, whose
LiveReadOnlyMiddleware owns that one exception.
"""
from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse

Scope = dict[str, Any]
_BODY = b"livespot is read-only in LIVE mode"


class LiveReadOnlyASGI:
    def __init__(self, app: Any) -> None:
        self.app = app
        self._exempt: frozenset[str] | None = None

    def _exempt_paths(self) -> frozenset[str]:
        if self._exempt is None:
            self._exempt = frozenset(reverse(name) for name in ("admin:login", "admin:logout"))
        return self._exempt

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if (scope["type"] == "http" and settings.MODE == "LIVE" and scope.get("method") != "GET"
                and not (scope.get("method") == "POST" and scope.get("path") in self._exempt_paths())):
            await send({"type": "http.response.start", "status": 403,
                        "headers": [(b"content-type", b"text/plain"), (b"content-length", str(len(_BODY)).encode())]})
            await send({"type": "http.response.body", "body": _BODY})
            return
        await self.app(scope, receive, send)
