"""runtrader on the in-process simulator reaches a complete trade, and the database agrees with the simulator.

The trader runs as an operator runs it (`manage.py runtrader --duration`, through the wrapper
`sim_record_run.py`, which only adds a read of the simulator's own record before it stops):
entry filled, OCO protection placed on the exchange, exit by take profit / stop / time stop.
Then every order, order list and fill the database holds for the trade is checked against what
the simulator says it executed: same client ids, same trade ids, quantities, prices, fees.
"""
from __future__ import annotations

import json
import sqlite3
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.support.sim_trade_run import TradeRun

pytestmark = pytest.mark.slow



def _rows(tmp: Path, sql: str) -> list[sqlite3.Row]:
    con = sqlite3.connect(tmp / "db.sqlite3")
    con.row_factory = sqlite3.Row
    try:
        return list(con.execute(sql))
    finally:
        con.close()


@pytest.fixture(scope="module")
def run(sim_trade_run: TradeRun) -> tuple[Path, dict[str, Any], subprocess.CompletedProcess[str]]:
    return sim_trade_run.tmp, sim_trade_run.sim, sim_trade_run.result


def test_a_bounded_run_opens_and_closes_a_protected_position(run: Any) -> None:
    tmp, sim, result = run
    stages = {r["stage"] for r in _rows(tmp, "SELECT stage FROM audit_stage_event")}
    for stage in ("AIGATE_CALL", "RISK_VERDICT", "EXECUTE_INTENT", "POSITION_MANAGE", "RECONCILE_REST"):
        assert stage in stages, stage
    closed = _rows(tmp, "SELECT * FROM positions WHERE state = 'CLOSED'")
    assert closed, result.stdout[-4000:]
    sim_orders = {o["clientOrderId"]: o for o in sim["orders"]}
    sim_lists = {x["listClientOrderId"]: x for x in sim["order_lists"]}
    for pos in closed:
        entry = _rows(tmp, f"SELECT * FROM order_intents WHERE decision_id = '{pos['decision_id']}' "
                           "AND kind = 'ENTRY'")
        assert len(entry) == 1 and entry[0]["client_order_id"] in sim_orders
        on_sim = sim_orders[entry[0]["client_order_id"]]
        assert on_sim["symbol"] == pos["symbol"] and on_sim["side"] == "BUY" and Decimal(on_sim["executedQty"]) > 0
        # The OCO that protected it is an order list on the exchange, with both legs.
        # This position's own brackets (protection intents carry its decision id), the first one first:
        # by symbol and time alone a later position's bracket on the same symbol could be taken for it.
        oco = _rows(tmp, f"SELECT * FROM order_intents WHERE decision_id = '{pos['decision_id']}' "
                         "AND kind = 'PROTECTION_OCO' ORDER BY id")
        assert oco and all(o["state"] == "CONFIRMED" for o in oco)
        listed = [sim_lists[o["client_order_id"]] for o in oco if o["client_order_id"] in sim_lists]
        assert listed and all(x["symbol"] == pos["symbol"] and x["contingencyType"] == "OCO" for x in listed)
        for lst in listed:  # both legs, take profit above and stop below, mirrored in the database
            legs = {o["clientOrderId"]: sim_orders[o["clientOrderId"]] for o in lst["orders"]}
            assert sorted(o["type"] for o in legs.values()) == ["LIMIT_MAKER", "STOP_LOSS_LIMIT"]
            rows = _rows(tmp, f"SELECT * FROM orders WHERE symbol = '{pos['symbol']}' "
                              f"AND order_list_id = {lst['orderListId']}")
            assert {r["client_order_id"] for r in rows} == set(legs)
        # The bracket is around the entry: stop below, take profit above (the one the exchange holds).
        intent = next(o for o in oco if o["client_order_id"] == listed[0]["listClientOrderId"])
        take = next(o for o in sim_orders.values() if o["clientOrderId"] in
                    {x["clientOrderId"] for x in listed[0]["orders"]} and o["type"] == "LIMIT_MAKER")
        assert Decimal(intent["stop_price"]) < Decimal(entry[0]["price"]) < Decimal(intent["price"])
        assert Decimal(take["price"]) == Decimal(intent["price"])
        # The exit: a leg of that OCO filled (take profit above, stop below), or the time stop sold at market.
        fills = _rows(tmp, f"SELECT * FROM fills WHERE symbol = '{pos['symbol']}' "  # this position's own
                           f"AND ts_ms BETWEEN {pos['opened_ts_ms']} AND {pos['closed_ts_ms']}")
        leg_ids = {o["clientOrderId"] for x in listed for o in x["orders"]}
        time_stops = {r["client_order_id"] for r in _rows(
            tmp, f"SELECT client_order_id FROM order_intents WHERE symbol = '{pos['symbol']}' AND kind = 'EXIT_MARKET'")}
        sells = [f for f in fills if f["side"] == "SELL"]
        assert sells and all(f["client_order_id"] in leg_ids | time_stops for f in sells)
        # Whichever path recorded it (the stream names only the leg), the exit fill carries the
        # decision that opened the position and the intent that placed its order.
        exit_intents = {o["order_intent_id"] for o in oco} | {r["order_intent_id"] for r in _rows(
            tmp, f"SELECT order_intent_id FROM order_intents WHERE decision_id = '{pos['decision_id']}'")}
        assert all(f["decision_id"] == pos["decision_id"] and f["order_intent_id"] in exit_intents
                   for f in sells), [(f["client_order_id"], f["decision_id"], f["order_intent_id"]) for f in sells]
        by = {"above": "TAKE_PROFIT_HIT", "below": "STOP_LOSS_HIT"}
        expected = {by.get(f["client_order_id"].rsplit("_", 1)[-1], "TIME_STOP") for f in sells}
        # Whichever path saw the closing trade first (stream, manage, reconcile), it names the leg.
        assert pos["exit_reason"] in expected, (pos["exit_reason"], expected)
        bought = sum(Decimal(f["qty"]) for f in fills if f["side"] == "BUY")
        sold = sum(Decimal(f["qty"]) for f in sells)
        assert bought > 0 and sold > 0 and Decimal(pos["qty"]) < bought


def test_every_order_and_fill_in_the_database_matches_the_simulator(run: Any) -> None:
    tmp, sim, _ = run
    sim_orders = {(o["symbol"], o["orderId"]): o for o in sim["orders"]}
    orders = _rows(tmp, "SELECT * FROM orders")
    assert orders
    for o in orders:
        s = sim_orders[(o["symbol"], o["exchange_order_id"])]
        assert (s["clientOrderId"], s["side"], s["type"]) == (o["client_order_id"], o["side"], o["order_type"])
        assert Decimal(s["origQty"]) == Decimal(o["orig_qty"])
    sim_trades = {(t["symbol"], t["id"]): t for t in sim["trades"]}
    fills = _rows(tmp, "SELECT * FROM fills")
    assert fills and all((f["symbol"], f["trade_id"]) in sim_trades for f in fills)
    # The exchange goes on after the trader's last look: its record is read when the venue
    # closes, after shutdown, and a resting OCO leg can fill in between (a next boot's reconcile
    # adopts it). Every trade up to the last reconcile is in the database.
    last_look = max(r["ts_ms"] for r in _rows(tmp, "SELECT ts_ms FROM reconcile_runs"))
    unseen = [t for key, t in sim_trades.items() if key not in {(f["symbol"], f["trade_id"]) for f in fills}]
    assert all(t["time"] > last_look and t["orderListId"] != -1 for t in unseen), (last_look, unseen)
    for f in fills:
        t = sim_trades[(f["symbol"], f["trade_id"])]
        assert t["orderId"] == f["exchange_order_id"]
        assert (Decimal(t["qty"]), Decimal(t["price"]), Decimal(t["commission"])) == \
            (Decimal(f["qty"]), Decimal(f["price"]), Decimal(f["commission"]))
        assert t["commissionAsset"] == f["commission_asset"] and t["isBuyer"] == (f["side"] == "BUY")


def test_every_decision_and_verdict_is_recorded_and_explains_itself(run: Any) -> None:
    tmp, _, result = run
    decisions = {r["decision_id"]: r for r in _rows(tmp, "SELECT * FROM decisions")}
    verdicts = _rows(tmp, "SELECT * FROM risk_verdicts ORDER BY id")
    assert decisions and verdicts, result.stdout[-2000:]
    # Each traded position's decision: its proposal row, and risk's approval with every check passed.
    for pos in _rows(tmp, "SELECT * FROM positions"):
        d = decisions[pos["decision_id"]]
        assert (d["intent"], d["side"], d["symbol"], d["stage"]) == ("ENTRY", "BUY", pos["symbol"], "STRATEGY_PROPOSE")
        plan, exit_plan = json.loads(d["entry_plan"]), json.loads(d["exit_plan"])
        assert Decimal(exit_plan["stop_price"]) < Decimal(plan["price"]) < Decimal(exit_plan["take_profit_price"])
        approvals = [v for v in verdicts if v["decision_id"] == pos["decision_id"]]
        assert len(approvals) == 1 and approvals[0]["outcome"] == "APPROVE"
        assert json.loads(approvals[0]["reasons"]) == ["RISK_APPROVED"]
        checks = json.loads(approvals[0]["checks"])
        assert checks and all(c["passed"] for c in checks) and len({c["name"] for c in checks}) == len(checks)
    # Every verdict judged a recorded decision, no earlier than it was proposed; a BLOCK names its failed checks.
    for v in verdicts:
        d = decisions[v["decision_id"]]
        assert d["ts_ms"] <= v["ts_ms"] and d["cycle_id"] == v["cycle_id"] and d["symbol"] == v["symbol"]
        failed = [c for c in json.loads(v["checks"]) if not c["passed"]]
        assert (v["outcome"] == "BLOCK") == bool(failed)
        assert all(c["detail"] for c in failed)
    # Each proposal carries the hashes its gate call computed before asking the model, so the
    # decision row joins its ai_gate_events row; an applied MODIFY keeps its proposal's snapshot.
    gate_rows = {g["decision_id"]: g for g in _rows(tmp, "SELECT * FROM ai_gate_events")}
    assert gate_rows
    for d in decisions.values():
        assert len(d["snapshot_hash"]) == 64, d["decision_id"]
        if d["parent_decision_id"]:
            assert d["snapshot_hash"] == decisions[d["parent_decision_id"]]["snapshot_hash"] and not d["input_hash"]
        else:
            g = gate_rows[d["decision_id"]]
            assert (d["input_hash"], d["snapshot_hash"]) == (g["input_hash"], g["snapshot_hash"])
    # The stage lines agree with the rows, and the JSONL trail carries one event per row.
    staged = _rows(tmp, "SELECT decision_id, summary FROM audit_stage_event WHERE stage = 'RISK_VERDICT'")
    outcome = {v["decision_id"]: v["outcome"] for v in verdicts}
    assert staged and all(outcome[s["decision_id"]] in s["summary"] for s in staged)
    events = _rows(tmp, "SELECT event_type, count(*) AS n FROM audit_event "
                        "WHERE event_type IN ('DECISION_PROPOSED', 'RISK_VERDICT') GROUP BY event_type")
    assert {e["event_type"]: e["n"] for e in events} == {"DECISION_PROPOSED": len(decisions),
                                                        "RISK_VERDICT": len(verdicts)}
