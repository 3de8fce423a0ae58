"""The daily-report job end to end: a day of trades, gate verdicts, risk blocks, alerts and swaps
written through the project's services and factories; the job's row, JSONL line, HTML file and
panel pages; a second run skipped. Expected figures are computed by hand in the comments."""
from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.support.audit import WriterFactory, trail_records
from tests.support import factories as f
from trading.domain.catalog import ReasonCode, StageName
from trading.domain.clock import ManualClock
from trading.domain.ports import Side
from trading.models import DailyReport, Position
from trading.report.collect import day_bounds
from trading.report.daily import DayNotOver, run_daily_report
from trading.services import ServiceContext, TradeFill, open_position, record_fill, record_swap

pytestmark = pytest.mark.django_db(transaction=True)

DAY = dt.date(2026, 11, 16)
START, END = day_bounds(DAY)
H = 3_600_000
_ids = iter(range(1, 1_000))


def fill(ctx: ServiceContext, clock: Any, ts: int, symbol: str, side: Side, price: str, qty: str, fee: str,
         reason: ReasonCode | None = None) -> None:
    clock.set(ts)
    n = next(_ids)
    record_fill(ctx, TradeFill(symbol, n, 9_000 + n, f"x{n}", side, D(price), D(qty), D(fee), "USDT", False, ts,
                               decision_id=f"d-{symbol}-{n}"), exit_reason=reason)


def swap(ctx: ServiceContext, clock: Any, ts: int, symbol: str, uncovered_ms: int) -> None:
    clock.set(ts)
    pos = open_position(symbol, "PAPER")
    assert pos is not None
    record_swap(ctx, pos, old_client_id="a", new_client_id="b", uncovered_ms=uncovered_ms, outcome="replaced",
                reason=ReasonCode.PROTECTION_PLACED)


def gate_payload(bid: str, ask: str, plan: tuple[str, str, str] | None = None) -> str:
    payload: dict[str, Any] = {"snapshot": {"bid": bid, "ask": ask}}
    if plan is not None:
        payload["decision"] = {"entry_plan": {"order_type": "LIMIT", "price": plan[0], "qty": "1", "ttl_ms": 1},
                               "exit_plan": {"take_profit_price": plan[1], "stop_price": plan[2],
                                             "stop_limit_price": plan[2]}}
        payload["costs"] = {"fees_bps": 10, "spread_bps": 0, "slippage_bps": 0, "total_bps": 10}
    return json.dumps(payload)


def fill_the_day(writer_factory: WriterFactory) -> Any:
    writer_factory.clock = clock = ManualClock(START - 3 * H)
    writer = writer_factory()
    ctx = ServiceContext(writer, clock)
    # The day before: +1 USDT realized (start equity = 1000 capital + 1).
    fill(ctx, clock, START - 2 * H, "BTCUSDT", Side.BUY, "100", "1", "0")
    fill(ctx, clock, START - H, "BTCUSDT", Side.SELL, "101", "1", "0", ReasonCode.TAKE_PROFIT_HIT)
    # Trade 1 BTC: basis (50 + 0.05) / 0.5 = 100.1; net 55 - 0.055 - 50.05 = 4.895; fees 0.105; gross 5.
    fill(ctx, clock, START + H, "BTCUSDT", Side.BUY, "100", "0.5", "0.05")
    swap(ctx, clock, START + H + 60_000, "BTCUSDT", 12)
    # Trade 2 ETH: basis 50.05; net 90 - 0.09 - 100.1 = -10.19; fees 0.19; gross -10.
    fill(ctx, clock, START + 3 * H // 2, "ETHUSDT", Side.BUY, "50", "2", "0.1")
    fill(ctx, clock, START + 2 * H, "BTCUSDT", Side.SELL, "110", "0.5", "0.055", ReasonCode.TAKE_PROFIT_HIT)
    fill(ctx, clock, START + 3 * H, "ETHUSDT", Side.SELL, "45", "2", "0.09", ReasonCode.STOP_LOSS_HIT)
    # Trade 3 BTC: basis 100.1; net 103 - 0.103 - 100.1 = 2.797; fees 0.203; gross 3.
    fill(ctx, clock, START + 4 * H, "BTCUSDT", Side.BUY, "100", "1", "0.1")
    swap(ctx, clock, START + 4 * H + 60_000, "BTCUSDT", 30)
    fill(ctx, clock, START + 5 * H, "BTCUSDT", Side.SELL, "103", "1", "0.103", ReasonCode.TIME_STOP)
    # The next day: not in the report.
    fill(ctx, clock, END + H, "BTCUSDT", Side.BUY, "100", "1", "0")
    fill(ctx, clock, END + 2 * H, "BTCUSDT", Side.SELL, "90", "1", "0", ReasonCode.STOP_LOSS_HIT)
    f.PositionFactory(mode="TESTNET", symbol="BTCUSDT", state="CLOSED", opened_ts_ms=START + H,
                      closed_ts_ms=START + 2 * H, realized_pnl_quote=D(500))
    # AI gate: 3 ALLOW, 2 BLOCK, 1 MODIFY.
    gate = f.AIGateEventFactory
    gate(ts_ms=START + H - 1_000, symbol="BTCUSDT", request_redacted=gate_payload("99.99", "100.01"))
    # mid 130 inside trade 1's hold: MFE 3000 bps, kept 1000 -> LATE_EXIT
    gate(ts_ms=START + 3 * H // 2, symbol="BTCUSDT", request_redacted=gate_payload("129.99", "130.01"))
    # SOL blocked at 20 (TP 20.4, SL 19.8, costs 10); mid 20.5 an hour later hits TP: 200 - 10 = 190 bps
    gate(ts_ms=START + 6 * H, symbol="SOLUSDT", verdict="BLOCK", decision_id="d-sol",
         request_redacted=gate_payload("19.99", "20.01", ("20", "20.4", "19.8")))
    gate(ts_ms=START + 7 * H, symbol="SOLUSDT", request_redacted=gate_payload("20.49", "20.51"))
    # XRP blocked, never priced again: unknown
    gate(ts_ms=START + 6 * H, symbol="XRPUSDT", verdict="BLOCK", decision_id="d-xrp",
         request_redacted=gate_payload("0.5", "0.5001", ("0.5", "0.51", "0.49")))
    # BTC modified; its Decision row: entry 100.5, TP 105, SL 98, costs 15. Next BTC price: the
    # 103 sell at 5h -> (103 - 100.5) / 100.5 = 249 bps - 15 = 234
    f.DecisionFactory(ts_ms=START + 9 * H // 2, decision_id="d-btc-mod", symbol="BTCUSDT")
    gate(ts_ms=START + 9 * H // 2, symbol="BTCUSDT", verdict="MODIFY", decision_id="d-btc-mod")
    gate(ts_ms=END + H, symbol="BTCUSDT", verdict="BLOCK")  # next day
    # Risk: the same block seen as row and stage event counts once.
    f.RiskVerdictFactory(ts_ms=START + 6 * H, outcome="BLOCK", reasons=["SPREAD_TOO_WIDE"], decision_id="d-r1",
                         cycle_id="c1")
    f.StageEventFactory(ts_ms=START + 6 * H, stage="RISK_VERDICT", reasons=["SPREAD_TOO_WIDE"],
                        decision_id="d-r1", cycle_id="c1")
    f.StageEventFactory(ts_ms=START + 7 * H, stage="RISK_VERDICT", decision_id="d-r2",
                        reasons=["DAILY_LOSS_LIMIT_REACHED", "SPREAD_TOO_WIDE"])
    f.StageEventFactory(ts_ms=START + 7 * H, stage="RISK_VERDICT", reasons=["RISK_APPROVED"])
    f.AuditEventFactory(ts_ms=START + 8 * H, stage="RISK_VERDICT", event_type="RISK_VERDICT",
                        reasons=["CORRELATION_GUARD"], decision_id="d-r3")
    # Alerts: 2 drift warnings and a disconnect that day; others outside the day or mode.
    f.AlertFactory(ts_ms=START + H)
    f.AlertFactory(ts_ms=START + 2 * H)
    f.AlertFactory(ts_ms=START + 3 * H, reason_code="WS_DISCONNECTED")
    f.AlertFactory(ts_ms=START - 1)
    f.AlertFactory(ts_ms=START + H, mode="TESTNET")
    clock.set(END + 3 * H)
    assert writer.flush(10)
    return writer


EXPECTED = {
    "trades": 3, "wins": 2, "losses": 1, "win_rate_bps": 6667,
    "gross_pnl_quote": "-2", "fees_quote": "0.498", "net_pnl_quote": "-2.498",
    "profit_factor": "0.7549",  # (4.895 + 2.797) / 10.19
    "start_equity_quote": "1001", "final_equity_quote": "998.502",
    # curve 1001 -> 1005.895 -> 995.705 -> 998.502
    "max_drawdown_quote": "10.19", "max_drawdown_bps": 101,  # 10.19 / 1005.895
    "exposure_ms": 3 * H, "exposure_pct_bps": 1250,  # [1h, 3h] and [4h, 5h]
    "risk_blocks": {"CORRELATION_GUARD": 1, "DAILY_LOSS_LIMIT_REACHED": 1, "SPREAD_TOO_WIDE": 2},
    "alerts": {"RECONCILE_DRIFT_WARN": 2, "WS_DISCONNECTED": 1},
    "swaps": 2, "swap_uncovered_max_ms": 30, "swap_uncovered_p99_ms": 30,
}


def test_it_reports_the_day_stores_it_once_and_audits_it(writer_factory: WriterFactory, audit_dir: Path,
                                                         tmp_path: Path) -> None:
    writer = fill_the_day(writer_factory)
    result = run_daily_report(DAY, "PAPER", writer=writer, capital_quote=D(1000), reports_dir=tmp_path / "r")
    assert result.created
    figures = result.figures
    assert {k: figures[k] for k in EXPECTED} == EXPECTED
    assert [(r["symbol"], r["label"]) for r in figures["trade_labels"]] == \
        [("BTCUSDT", "LATE_EXIT"), ("ETHUSDT", "STOPPED_OUT"), ("BTCUSDT", "GOOD_EXIT")]
    assert [r["net_pnl_quote"] for r in figures["trade_labels"]] == ["4.895", "-10.19", "2.797"]
    assert [(r["symbol"], r["trades"], r["net_pnl_quote"]) for r in figures["per_symbol"]] == \
        [("BTCUSDT", 2, "7.692"), ("ETHUSDT", 1, "-10.19")]
    gate = figures["gate"]
    assert gate["verdicts"] == {"ALLOW": 3, "BLOCK": 2, "ERROR": 0, "MODIFY": 1}
    assert {o["decision_id"]: o["hypothetical_net_pnl_bps"] for o in gate["outcomes"]} == \
        {"d-sol": 190, "d-xrp": None, "d-btc-mod": 234}
    assert any("1 blocked/modified decisions have no outcome" in n for n in figures["notes"])

    row = DailyReport.objects.get(mode="PAPER", day=DAY)
    assert row.figures == figures and row.stage == StageName.REPORT_DAILY_SUMMARY.value
    html = Path(result.html_path)
    assert html.name == "daily-2026-11-16-paper.html"
    page = html.read_text()
    assert "<svg" in page and "LATE_EXIT" in page and "-2.498" in page

    assert writer.flush(10)
    lines = [r for r in trail_records(audit_dir) if r["event_type"] == "DAILY_REPORT"]
    assert len(lines) == 1
    assert lines[0]["stage"] == "REPORT_DAILY_SUMMARY" and lines[0]["data"]["figures"] == figures
    assert lines[0]["data"]["day"] == "2026-11-16"

    again = run_daily_report(DAY, "PAPER", writer=writer, capital_quote=D(1000), reports_dir=tmp_path / "r")
    assert not again.created and again.report_id == result.report_id and again.figures == figures
    assert writer.flush(10)
    assert DailyReport.objects.filter(day=DAY).count() == 1
    assert len([r for r in trail_records(audit_dir) if r["event_type"] == "DAILY_REPORT"]) == 1


def test_it_refuses_a_day_that_is_not_over(writer_factory: WriterFactory, tmp_path: Path) -> None:
    writer_factory.clock = ManualClock(END - 1)
    writer = writer_factory()
    with pytest.raises(DayNotOver):
        run_daily_report(DAY, "PAPER", writer=writer, reports_dir=tmp_path)
    assert not DailyReport.objects.exists()


def test_the_command_and_the_panel_pages(writer_factory: WriterFactory, settings: Any, tmp_path: Path,
                                         client: Any, capsys: Any) -> None:
    fill_the_day(writer_factory).close(10)
    settings.VAR_DIR = tmp_path / "var"
    settings.AUDIT_DIR = tmp_path / "var" / "audit"
    call_command("dailyreport", "--day", "2026-11-16", "--mode", "PAPER", "--capital", "1000")
    out = capsys.readouterr().out
    assert "daily report 2026-11-16 PAPER: 3 trades, win rate 66.67%, net -2.498 USDT" in out and "stored" in out
    lines = [r for r in trail_records(settings.AUDIT_DIR) if r["event_type"] == "DAILY_REPORT"]
    assert len(lines) == 1  # the command opened its own writer and flushed it
    call_command("dailyreport", "--day", "2026-11-16", "--mode", "PAPER")
    assert "already stored, skipped" in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command("dailyreport", "--day", "2026-13-01")

    settings.MODE = "PAPER"
    listing = client.get("/reports/")
    assert listing.status_code == 200 and b"/reports/2026-11-16/" in listing.content
    page = client.get("/reports/2026-11-16/")
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
    # the panel renders from the stored figures exactly the page the job wrote
    row = DailyReport.objects.get(day=DAY)
    assert page.content.decode() == Path(row.html_path).read_text()
    assert client.get("/reports/2026-11-15/").status_code == 404
    assert client.get("/reports/not-a-day/").status_code == 404
    assert client.get("/reports/?mode=NOPE").status_code == 404
    assert client.get("/reports/2026-11-16/?mode=TESTNET").status_code == 404
    assert client.post("/reports/").status_code in (403, 405)
    assert Position.objects.filter(mode="PAPER", state="CLOSED").count() == 5


@pytest.mark.parametrize(("run_ts", "capital"), [
    (START - 3 * H, "1000"),  # before the day: + the 1 USDT closed the day before = 1001
    # during the day, trade 3 open at cost: 1001 + 4.895 - 10.19 = 995.705, moved back by the -5.295 closed
    (START + 9 * H // 2, "995.705"),
], ids=["reconciled-before-the-day", "reconciled-during-the-day"])
def test_without_a_capital_the_start_equity_is_the_reconciled_account(
        writer_factory: WriterFactory, tmp_path: Path, run_ts: int, capital: str) -> None:
    writer = fill_the_day(writer_factory)
    f.ReconcileRunFactory(ts_ms=run_ts, capital_quote=D(capital))
    f.ReconcileRunFactory(ts_ms=START - H, mode="TESTNET", capital_quote=D(5))  # another mode's account
    f.ReconcileRunFactory(ts_ms=START - H // 2)  # an older run that recorded no capital
    result = run_daily_report(DAY, "PAPER", writer=writer, reports_dir=tmp_path / "r")
    figures = result.figures
    assert {k: figures[k] for k in EXPECTED} == EXPECTED  # the same figures as with --capital 1000
    assert any(n.startswith("Capital from the account at the reconcile of") for n in figures["notes"])
    assert not any(n.startswith("Capital unknown") for n in figures["notes"])


def test_with_neither_a_capital_nor_a_reconcile_equity_is_the_pnl(writer_factory: WriterFactory,
                                                                  tmp_path: Path) -> None:
    writer = fill_the_day(writer_factory)
    figures = run_daily_report(DAY, "PAPER", writer=writer, reports_dir=tmp_path / "r").figures
    assert (figures["start_equity_quote"], figures["final_equity_quote"]) == ("1", "-1.498")
    assert any(n.startswith("Capital unknown") for n in figures["notes"])
