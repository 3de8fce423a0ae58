"""The panel contract on a database a real trader run filled: `runtrader --duration 40s` against
the in-process simulator (as tests/integration/trader/test_trade_e2e.py runs it), then a real
daphne on that database, read over HTTP and SSE.

The run leaves positions, an OCO order list with both legs, fills, intents, reconcile runs, AI
gate calls, alerts, stage events and the heartbeat; every payload is validated against the
schema (strict), against 000's field lists, and against the rows the run wrote.
"""
from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from dashboard.schema import DashboardSnapshot, OrdersResponse
from dashboard.sse_client import collect
from tests.integration.dashboard.contract import assert_fields, numbers, parse
from tests.integration.dashboard.panel_server import PanelServer
from tests.support.sim_trade_run import TradeRun

pytestmark = pytest.mark.slow

MODE = "PAPER"


@dataclass
class SimRun:
    db: Path
    server: PanelServer

    def rows(self, sql: str) -> list[sqlite3.Row]:
        con = sqlite3.connect(self.db)
        con.row_factory = sqlite3.Row
        try:
            return list(con.execute(sql))
        finally:
            con.close()

    def get(self, path: str) -> tuple[int, dict[str, str], bytes]:
        return self.server.get(path)


@pytest.fixture(scope="module")
def run(sim_trade_run: TradeRun) -> Iterator[SimRun]:
    tmp, result = sim_trade_run.tmp, sim_trade_run.result
    server = PanelServer(tmp, str(tmp / "db.sqlite3"), mode=MODE, interval_ms=400).start()
    sim = SimRun(tmp / "db.sqlite3", server)
    # What the contract is checked on: the run must have produced every kind of row.
    for table, where in [("positions", "1"), ("orders", "order_list_id IS NOT NULL"), ("fills", "1"),
                         ("order_intents", "kind = 'PROTECTION_OCO'"), ("reconcile_runs", "1"), ("audit_alert", "1"),
                         ("audit_stage_event", "1"), ("ai_gate_events", "1"), ("heartbeats", "1")]:
        assert sim.rows(f"SELECT COUNT(*) FROM {table} WHERE {where}")[0][0] > 0, (table, result.stdout[-3000:])
    yield sim
    server.stop()


@pytest.fixture(scope="module")
def snapshot(run: SimRun) -> dict[str, Any]:
    status, headers, body = run.get("/api/dashboard")
    assert status == 200 and headers["content-type"] == "application/json"
    DashboardSnapshot.model_validate_json(body, strict=True)
    return parse(body)  # type: ignore[no-any-return]


def orders(run: SimRun, query: str) -> dict[str, Any]:
    status, _, body = run.get("/api/orders" + query)
    assert status == 200, body
    OrdersResponse.model_validate_json(body, strict=True)
    return parse(body)  # type: ignore[no-any-return]


def desc(values: list[int]) -> bool:
    return values == sorted(values, reverse=True)


def test_every_field_type_and_number(snapshot: dict[str, Any]) -> None:
    assert_fields(snapshot)
    found = numbers(snapshot)
    assert found and all(type(n) is int for n in found)  # integers only: no float, so no NaN/Inf


def test_state_and_ids_are_the_trader_s(run: SimRun, snapshot: dict[str, Any]) -> None:
    (hb,) = run.rows(f"SELECT * FROM heartbeats WHERE mode = '{MODE}'")
    assert (snapshot["mode"], snapshot["run_id"], snapshot["cycle_id"]) == (MODE, hb["run_id"], hb["cycle_id"])
    assert (snapshot["sys_mode"], snapshot["stage"]) == (hb["sys_mode"], hb["stage"])  # EXIT, SHUTDOWN: it stopped
    assert snapshot["sys_mode_since_ts_ms"] == hb["sys_mode_since_ts_ms"]
    assert snapshot["health"]["last_cycle_ts_ms"] == hb["last_cycle_ts_ms"] > 0


def test_stage_history_is_the_latest_20_stage_events(run: SimRun, snapshot: dict[str, Any]) -> None:
    latest = run.rows(f"SELECT ts_ms, stage, cycle_id, symbol FROM audit_stage_event WHERE mode = '{MODE}'"
                      " ORDER BY ts_ms DESC, id DESC LIMIT 20")
    assert len(latest) == 20  # a run has hundreds of stage changes
    assert [(r["ts_ms"], r["stage"], r["cycle_id"], r["symbol"]) for r in snapshot["stage_history"]] == [
        tuple(r) for r in latest]


def test_alerts_are_those_the_run_raised(run: SimRun, snapshot: dict[str, Any]) -> None:
    raised: dict[tuple[str, str], list[int]] = {}
    for r in run.rows(f"SELECT reason_code, severity, ts_ms FROM audit_alert WHERE mode = '{MODE}'"):
        raised.setdefault((r["reason_code"], r["severity"]), []).append(r["ts_ms"])
    shown = {(a["reason_code"], a["severity"]): a for a in snapshot["alerts_active"]}
    assert set(shown) == set(raised)  # the run's alerts are all within 24 h of now
    for key, times in raised.items():
        assert (shown[key]["count"], shown[key]["first_ts_ms"], shown[key]["last_ts_ms"]) == (
            len(times), min(times), max(times))
    assert desc([a["last_ts_ms"] for a in snapshot["alerts_active"]])


def test_intents_match_the_database(run: SimRun, snapshot: dict[str, Any]) -> None:
    newest = run.rows(f"SELECT * FROM order_intents WHERE mode = '{MODE}' ORDER BY updated_ts_ms DESC, id ASC")
    db = {r["order_intent_id"]: r for r in newest}
    recent = snapshot["intents"]["recent"]
    assert [r["order_intent_id"] for r in recent] == [r["order_intent_id"] for r in newest[:50]]
    for r in recent:
        row = db[r["order_intent_id"]]
        assert (r["symbol"], r["intent_kind"], r["state"], r["last_ts_ms"]) == (
            row["symbol"], row["kind"], row["state"], row["updated_ts_ms"])
    assert desc([r["last_ts_ms"] for r in recent])
    assert {r["intent_kind"] for r in recent} >= {"ENTRY", "PROTECTION_OCO"}
    counts = snapshot["intents"]["pending_by_state"]
    assert counts["CREATED"] == sum(1 for r in db.values() if r["state"] == "CREATED")
    assert counts["SENT_UNKNOWN"] == sum(1 for r in db.values() if r["state"] == "SENT_UNKNOWN")
    assert sum(counts.values()) <= len(db)


def test_reconcile_and_aigate_show_the_latest_rows(run: SimRun, snapshot: dict[str, Any]) -> None:
    (rec,) = run.rows(f"SELECT * FROM reconcile_runs WHERE mode = '{MODE}' ORDER BY ts_ms DESC, id ASC LIMIT 1")
    r = snapshot["reconcile"]
    assert (r["last_reconcile_rest_ts_ms"], r["last_reconcile_rest_dur_ms"], r["drift_label"]) == (
        rec["ts_ms"], rec["duration_ms"], rec["drift_label"])
    assert r["drift_label"] in {"OK", "WARN", "BAD"} and desc([d["ts_ms"] for d in r["recent_diffs"]])
    (gate,) = run.rows(f"SELECT * FROM ai_gate_events WHERE mode = '{MODE}' ORDER BY ts_ms DESC, id ASC LIMIT 1")
    a = snapshot["aigate"]
    assert (a["last_call_ts_ms"], a["latency_ms"], a["model"]) == (gate["ts_ms"], gate["latency_ms"], gate["model"])
    assert a["verdict"] in {"ALLOW", "BLOCK", "MODIFY"}
    assert all(len(h) in (0, 64) for h in (a["input_hash"], a["snapshot_hash"], a["raw_hash"]))


def test_no_gate_request_or_response_text_reaches_the_panel(run: SimRun) -> None:
    body = run.get("/api/dashboard")[2]
    for gate in run.rows("SELECT request_redacted, response_redacted FROM ai_gate_events"):
        for text in (gate["request_redacted"], gate["response_redacted"]):
            assert not text or text.encode() not in body


def test_risk_follows_the_positions(run: SimRun, snapshot: dict[str, Any]) -> None:
    risk = snapshot["risk"]
    closed = run.rows(f"SELECT * FROM positions WHERE state = 'CLOSED' AND mode = '{MODE}' ORDER BY closed_ts_ms")
    assert len(risk["equity_curve"]) == len(closed) > 0
    net = sum((Decimal(p["realized_pnl_quote"]) - Decimal(p["fees_quote"]) for p in closed), Decimal(0))
    assert Decimal(risk["equity_curve"][-1]["equity_quote"]) == net
    assert [p["ts_ms"] for p in risk["equity_curve"]] == [p["closed_ts_ms"] for p in closed]
    open_ = run.rows(f"SELECT symbol, qty, avg_entry_price FROM positions WHERE state = 'OPEN' AND mode = '{MODE}'")
    exposure = sum((Decimal(p["qty"]) * Decimal(p["avg_entry_price"]) for p in open_), Decimal(0))
    assert Decimal(risk["exposure_total_quote"]) == exposure
    for key in ("locked_quote", "free_quote", "daily_loss_limit_remaining_quote", "drawdown_quote"):
        assert Decimal(risk[key]) >= 0 and Decimal(risk[key]).is_finite(), key


def test_orders_are_the_run_s_newest_first(run: SimRun) -> None:
    body = orders(run, "?limit=500")
    db = run.rows(f"SELECT * FROM orders WHERE mode = '{MODE}' ORDER BY updated_ts_ms DESC, id ASC")
    assert [o["client_order_id"] for o in body["orders"]] == [r["client_order_id"] for r in db]
    assert desc([o["ts_ms"] for o in body["orders"]])
    by_id = {r["client_order_id"]: r for r in db}
    for o in body["orders"]:
        r = by_id[o["client_order_id"]]
        assert (o["symbol"], o["side"], o["order_type"], o["status"], o["exchange_order_id"]) == (
            r["symbol"], r["side"], r["order_type"], r["status"], r["exchange_order_id"])
        assert Decimal(o["orig_qty"]) == Decimal(r["orig_qty"])
        assert o["order_list_id"] == (-1 if r["order_list_id"] is None else r["order_list_id"])
    lists: dict[int, list[str]] = {}  # each OCO: its take profit and stop legs
    for o in body["orders"]:
        if o["order_list_id"] >= 0:
            lists.setdefault(o["order_list_id"], []).append(o["order_type"])
    assert lists and all(sorted(types) == ["LIMIT_MAKER", "STOP_LOSS_LIMIT"] for types in lists.values())


def test_orders_limit_bounds(run: SimRun) -> None:
    everything = orders(run, "?limit=500")["orders"]
    assert orders(run, "")["limit"] == 100
    one = orders(run, "?limit=1")
    assert one["limit"] == 1 and one["orders"] == everything[:1]
    for bad in ("0", "501", "x"):
        status, headers, body = run.get(f"/api/orders?limit={bad}")
        assert status == 400 and headers["content-type"] == "application/json"
        assert parse(body) == {"error": f"limit must be an integer from 1 to 500 (got '{bad}')"}


def test_an_sse_snapshot_is_the_same_contract(run: SimRun, snapshot: dict[str, Any]) -> None:
    events = asyncio.run(collect("127.0.0.1", run.server.port, 1.0))
    snaps = [e for e in events if e.event == "snapshot"]
    assert snaps and all("\n" not in e.data for e in events)  # one JSON line per event
    DashboardSnapshot.model_validate_json(snaps[0].data, strict=True)
    s = parse(snaps[0].data.encode())
    assert_fields(s)
    assert all(type(n) is int for n in numbers(s))
    # The database no longer changes: everything but the clock and this process's figures agrees.
    for key in ("run_id", "cycle_id", "stage", "sys_mode", "stage_history", "alerts_active", "intents",
                "reconcile", "aigate", "risk"):
        assert s[key] == snapshot[key], key
