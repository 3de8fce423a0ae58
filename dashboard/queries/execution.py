"""Execution: intents by state, recent intents, reconcile drift and diffs, recent orders."""
from __future__ import annotations

from typing import Any

from dashboard import encode as e
from dashboard.queries import sql
from trading.domain.catalog import DriftLabel, IntentState

_OPEN_STATES = (IntentState.CREATED.value, IntentState.SENT_UNKNOWN.value)
_DONE_STATES = (IntentState.CONFIRMED.value, IntentState.NOT_FOUND.value, IntentState.FAILED_TERMINAL.value)
_STATES = tuple(m.value for m in IntentState)
_DRIFT = tuple(m.value for m in DriftLabel)
# Unresolved intents (CREATED, SENT_UNKNOWN) are counted whatever their age: each one needs
# attention. Resolved ones only over the last hour: "how the order path is doing now", and an
# index range that stays small however long the bot has run.
RESOLVED_WINDOW_MS = 3600 * 1000


def intents(mode: str, now_ms: int, limit: int) -> dict[str, Any]:
    """Return the IntentsSnapshot: counts per state and the `limit` latest intents."""
    counts = dict.fromkeys(_STATES, 0)
    # One index (state, updated_ts_ms) range per state.
    for state in _STATES:
        since = -(2**62) if state in _OPEN_STATES else now_ms - RESOLVED_WINDOW_MS
        row = sql.one(f"SELECT COUNT(*) FROM {sql.T_INTENT} WHERE state = %s AND updated_ts_ms >= %s AND mode = %s",
                      (state, since, mode))
        counts[state] = int(row[0]) if row else 0
    found = sql.rows(
        f"SELECT order_intent_id, symbol, kind, state, updated_ts_ms, cycle_id, decision_id, summary"
        f" FROM {sql.T_INTENT} WHERE mode = %s ORDER BY updated_ts_ms DESC, id ASC LIMIT %s", (mode, limit))
    recent = [
        {"order_intent_id": e.ascii_id(oi), "symbol": e.symbol(sym), "intent_kind": e.text(kind),
         "state": e.one_of(state, _STATES, IntentState.CREATED.value), "last_ts_ms": e.i64(ts),
         "cycle_id": e.ascii_id(cyc), "decision_id": e.ascii_id(dec), "summary": e.text(summ)}
        for oi, sym, kind, state, ts, cyc, dec, summ in found
    ]
    return {"pending_by_state": counts, "recent": recent}


def reconcile(mode: str, limit: int) -> dict[str, Any]:
    """Return the ReconcileSnapshot: the latest run and the `limit` latest diffs."""
    run = sql.one(f"SELECT ts_ms, duration_ms, drift_score_x10000, drift_label FROM {sql.T_RECON_RUN}"
                  f" WHERE mode = %s ORDER BY ts_ms DESC, id ASC LIMIT 1", (mode,))
    ts, dur, score, label = run if run else (0, 0, 0, DriftLabel.OK.value)
    diffs = sql.rows(f"SELECT ts_ms, symbol, cycle_id, decision_id, kind, summary FROM {sql.T_RECON_DIFF}"
                     f" WHERE mode = %s ORDER BY ts_ms DESC, id ASC LIMIT %s", (mode, limit))
    return {
        "last_reconcile_rest_ts_ms": e.i64(ts), "last_reconcile_rest_dur_ms": e.nonneg(dur),
        "drift_score_x10000": e.i32(score), "drift_label": e.one_of(label, _DRIFT, DriftLabel.OK.value),
        "recent_diffs": [
            {"ts_ms": e.i64(d_ts), "symbol": e.symbol(sym), "cycle_id": e.ascii_id(cyc),
             "decision_id": e.ascii_id(dec), "summary": e.text(f"{kind}: {summ}" if summ else kind)}
            for d_ts, sym, cyc, dec, kind, summ in diffs
        ],
    }


_ORDER_COLUMNS = ("updated_ts_ms, created_ts_ms, symbol, side, order_type, status, time_in_force, price, stop_price,"
                  " orig_qty, executed_qty, cummulative_quote_qty, exchange_order_id, client_order_id, order_list_id,"
                  " order_intent_id, cycle_id, decision_id")


def orders(mode: str, limit: int, now_ms: int) -> dict[str, Any]:
    """Return the `limit` latest orders of `mode`, newest first (the /api/orders body)."""
    found = sql.rows(f"SELECT {_ORDER_COLUMNS} FROM {sql.T_ORDER} WHERE mode = %s"
                     f" ORDER BY updated_ts_ms DESC, id ASC LIMIT %s", (mode, limit))
    return {"ts_ms": now_ms, "limit": limit, "orders": [_order_row(r) for r in found]}


def _order_row(r: tuple[Any, ...]) -> dict[str, Any]:
    (ts, created, sym, side, otype, status, tif, price, stop, orig, executed, cum, ex_id, client_id, list_id,
     intent_id, cycle_id, decision_id) = r
    return {
        "ts_ms": e.i64(ts), "created_ts_ms": e.i64(created), "symbol": e.symbol(sym),
        "side": e.one_of(side, ("BUY", "SELL"), "BUY"), "order_type": e.text(otype), "status": e.text(status),
        "time_in_force": e.text(tif), "price": e.opt_dec(sql.decimal(price)),
        "stop_price": e.opt_dec(sql.decimal(stop)), "orig_qty": e.dec(sql.decimal(orig)),
        "executed_qty": e.dec(sql.decimal(executed)), "cummulative_quote_qty": e.dec(sql.decimal(cum)),
        "exchange_order_id": e.i64(ex_id), "client_order_id": e.ascii_id(client_id),
        "order_list_id": -1 if list_id is None else e.i64(list_id), "order_intent_id": e.ascii_id(intent_id),
        "cycle_id": e.ascii_id(cycle_id), "decision_id": e.ascii_id(decision_id),
    }
