"""The report page: self-contained, deterministic, escaped."""
from __future__ import annotations

import re
from decimal import Decimal as D

from trading.report.figures import Report, build_report
from trading.report.html import render_html
from trading.report.records import GateOutcome, ReportInputs, TradeRecord

T1 = TradeRecord("BTCUSDT", 1_000, 5_000, D(1), D(100), D(110), D("0.5"), D(10), D("9.5"), "TAKE_PROFIT_HIT", "a")
T2 = TradeRecord("ETHUSDT", 3_000, 8_000, D(2), D(50), D(45), D("0.3"), D(-10), D("-10.3"), "STOP_LOSS_HIT", "b")
INPUTS = ReportInputs(0, 100_000, D(1000), (T1, T2), gate_verdicts=(GateOutcome("BLOCK", "d3", "ETHUSDT", -30),),
                      risk_blocks={"SPREAD_TOO_WIDE": 2}, alerts={"WS_DISCONNECTED": 1}, swap_uncovered_ms=(40,),
                      notes=("a <note>",))


def test_page_is_self_contained_with_equity_and_drawdown_charts() -> None:
    page = render_html(build_report(INPUTS), "daily 2025-01-01 (PAPER)")
    assert page.startswith("<!doctype html>")
    assert "<script" not in page and not re.search(r"(src|href)=", page)  # no CDN, nothing fetched
    assert page.count("<svg") == 2 and page.count("<polyline") == 2
    for text in ("BTCUSDT", "ETHUSDT", "SPREAD_TOO_WIDE", "WS_DISCONNECTED", "STOPPED_OUT", "GOOD_EXIT", "-10.3"):
        assert text in page


def test_same_report_renders_to_the_same_text() -> None:
    report = build_report(INPUTS)
    assert render_html(report, "t") == render_html(build_report(INPUTS), "t")
    # the stored figures (as read back from JSON) render the same page as the fresh report
    import json
    assert render_html(Report(json.loads(report.to_json_bytes())), "t") == render_html(report, "t")


def test_title_and_notes_are_escaped() -> None:
    page = render_html(build_report(INPUTS), "<b>x</b>")
    assert "<b>x</b>" not in page and "&lt;b&gt;x&lt;/b&gt;" in page
    assert "a &lt;note&gt;" in page


def test_a_day_without_trades_still_renders() -> None:
    page = render_html(build_report(ReportInputs(0, 1000, D(1000), ())), "empty")
    assert "not enough points for a chart" in page and "none" in page
