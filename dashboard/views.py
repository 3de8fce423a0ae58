"""Plain Django views: the page, the JSON API and /health. All GET-only and read-only.

Non-GET gets 405 here; in LIVE the LiveReadOnlyMiddleware answers 403 before any view runs.
"""
from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from dashboard import encode
from dashboard.panel_config import panel_config
from dashboard.queries.execution import orders
from dashboard.snapshot import build_snapshot, now_ms
from dashboard.streams import registry

ORDERS_LIMIT_DEFAULT = 100
ORDERS_LIMIT_MAX = 500


def json_response(payload: Any, status: int = 200) -> HttpResponse:
    response = HttpResponse(encode.dumps(payload), status=status, content_type="application/json")
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def dashboard_page(request: HttpRequest) -> HttpResponse:
    """Return the panel HTML; it loads its data from the API (000: "panel HTML (static)")."""
    cfg = panel_config()
    return render(request, "dashboard/index.html", {
        "mode": settings.MODE, "interval_ms": cfg.snapshot_interval_ms,
    })


@require_GET
def api_dashboard(request: HttpRequest) -> HttpResponse:
    """Return one DashboardSnapshot, built now (Server-Timing tells the build's share)."""
    t0 = time.perf_counter()
    response = json_response(build_snapshot())
    response["Server-Timing"] = f"build;dur={(time.perf_counter() - t0) * 1000:.1f}"
    return response


def parse_limit(raw: str | None) -> int:
    """Return the `limit` query value; raise ValueError with the message the client sees."""
    if raw is None:
        return ORDERS_LIMIT_DEFAULT
    text = raw  # no stripping, signs or exponents: digits only, as a plain integer
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= ORDERS_LIMIT_MAX:
        shown = raw if len(raw) <= 20 else raw[:20] + "..."
        raise ValueError(f"limit must be an integer from 1 to {ORDERS_LIMIT_MAX} (got {shown!r})")
    return int(text)


@require_GET
def api_orders(request: HttpRequest) -> HttpResponse:
    """Return the latest orders (`?limit=N`, 1..500, default 100), newest first; 400 on a bad N."""
    values = request.GET.getlist("limit")
    if len(values) > 1:
        return json_response({"error": "limit must be given once"}, status=400)
    try:
        limit = parse_limit(values[0] if values else None)
    except ValueError as exc:
        return json_response({"error": str(exc)}, status=400)
    return json_response(orders(settings.MODE, limit, now_ms()))


@require_GET
def health(request: HttpRequest) -> HttpResponse:
    """Return cheap liveness: no database query, only this process's own state."""
    return json_response({"status": "ok", "ts_ms": now_ms(), "mode": settings.MODE,
                         "sse_clients": registry.sse, "ws_clients": registry.ws})
