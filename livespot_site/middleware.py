"""LIVE is read-only: any method other than GET gets 403 before a view can run.

The one exception is the admin's login and logout form posts, which touch the
session only (design.md §9).
"""
from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.urls import reverse

_SESSION_ONLY_VIEWS = ("admin:login", "admin:logout")


class LiveReadOnlyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self._exempt: frozenset[str] | None = None

    def _exempt_paths(self) -> frozenset[str]:
        if self._exempt is None:
            self._exempt = frozenset(reverse(name) for name in _SESSION_ONLY_VIEWS)
        return self._exempt

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.MODE == "LIVE" and request.method != "GET":
            if not (request.method == "POST" and request.path in self._exempt_paths()):
                return HttpResponseForbidden("livespot is read-only in LIVE mode", content_type="text/plain")
        return self.get_response(request)
