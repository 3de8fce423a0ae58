"""The stored daily reports: a list and one report's HTML page. GET only, read-only.

Route names: `reports` (/reports/) and `report-day` (/reports/<YYYY-MM-DD>/). Both show the
panel's mode (settings.MODE) unless `?mode=PAPER|TESTNET|LIVE` asks for another. The page is
rendered from the figures stored in the DailyReport row (the same pure renderer the job used
for its file), so the panel reads the database only, never a path taken from a row.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from trading.domain.catalog import Mode
from trading.models import DailyReport
from trading.report.daily import report_title
from trading.report.figures import Report
from trading.report.html import render_html

LIST_MAX = 366
# The page is self-contained: inline styles and SVG, nothing to load.
_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def _mode(request: HttpRequest) -> str:
    mode = str(request.GET.get("mode", settings.MODE))
    if mode not in Mode.__members__:
        raise Http404("unknown mode")
    return mode


@require_GET
def report_list(request: HttpRequest) -> HttpResponse:
    """Return the list of stored daily reports of the mode, newest first."""
    mode = _mode(request)
    rows = DailyReport.objects.filter(mode=mode).order_by("-day").values_list("day", "figures")[:LIST_MAX]
    reports = [{"day": day.isoformat(), "trades": f.get("trades", 0),
                "win_rate": f"{Decimal(f.get('win_rate_bps', 0)) / 100:.2f} %",
                "net": f.get("net_pnl_quote", "0"), "fees": f.get("fees_quote", "0"),
                "drawdown": f.get("max_drawdown_quote", "0")} for day, f in rows]
    query = f"?mode={mode}" if mode != settings.MODE else ""
    response = render(request, "reports/list.html", {"mode": mode, "reports": reports, "mode_query": query})
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def report_day(request: HttpRequest, day: str) -> HttpResponse:
    """Return the HTML report of one UTC day; 404 when none is stored."""
    mode = _mode(request)
    try:
        date = dt.date.fromisoformat(day)
    except ValueError:
        raise Http404("day must be YYYY-MM-DD") from None
    row = DailyReport.objects.filter(mode=mode, day=date).only("figures").first()
    if row is None:
        raise Http404(f"no daily report for {date} ({mode})")
    response = HttpResponse(render_html(Report(row.figures), report_title(date, mode)),
                            content_type="text/html; charset=utf-8")
    response["Content-Security-Policy"] = _CSP
    response["Cache-Control"] = "no-store"
    return response
