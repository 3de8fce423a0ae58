"""Build a large panel database fast: migrate a fresh SQLite file, then raw executemany.

Row values are generated per column from the model's own fields (so the SQL can't drift from
the schema), with per-table overrides that give realistic spreads: times over the last
7 days, several symbols and modes, every intent state, alerts in and out of the 24 h window.
"""
from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.db import connections, models

from aigate.models import AIGateEvent
from audit.models import Alert, AuditEvent, StageEvent
from trading import models as tm

DAY_MS = 86_400_000
SYMBOLS = [f"B{i:02d}USDT" for i in range(80)]
EVENT_MIX = ("ORDER_UPDATE", "FILL", "DECISION_PROPOSED", "RISK_VERDICT", "MARKET_SNAPSHOT", "STAGE_CHANGED",
             "POSITION_UPDATE", "INTENT_CHANGED", "AIGATE_CALL", "HEARTBEAT")
STATES = ("CREATED", "SENT_UNKNOWN", "CONFIRMED", "NOT_FOUND", "FAILED_TERMINAL")
Override = Callable[[int, int], Any]  # (row index, ts_ms) -> value
RECENT = 20  # the newest intents/orders are in flight; older ones are resolved, as on a real bot


def _intent_state(n: int) -> Override:
    def state(i: int, ts: int) -> str:
        if i >= n - RECENT:
            return STATES[i % 5]
        return ("NOT_FOUND", "FAILED_TERMINAL")[i // 20 % 2] if i % 20 == 0 else "CONFIRMED"
    return state


def _order_status(n: int) -> Override:
    return lambda i, ts: ("NEW", "PARTIALLY_FILLED")[i % 2] if i >= n - RECENT else ("FILLED", "CANCELED")[i % 2]


def fresh_db(folder: Path) -> tuple[str, str]:
    """Migrate a new SQLite file under `folder`; return (connection alias, file path)."""
    alias = "bench_dashboard"
    path = str(folder / "panel.sqlite3")
    cfg: dict[str, Any] = {"ENGINE": "django.db.backends.sqlite3", "NAME": path, "TEST": {},
           "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;",
                       "transaction_mode": "IMMEDIATE"}}
    both = {"default": dict(settings.DATABASES["default"]), alias: cfg}
    connections.settings[alias] = connections.configure_settings(both)[alias]
    call_command("migrate", database=alias, verbosity=0, interactive=False)
    connections[alias].close()
    return alias, path


def _default(field: models.Field[Any, Any]) -> Any:
    if isinstance(field, models.JSONField):
        return "{}" if field.default is dict else "[]"
    if isinstance(field, models.BooleanField):
        return 0
    if isinstance(field, (models.IntegerField, models.BigIntegerField, models.ForeignKey)):
        return 1 if isinstance(field, models.ForeignKey) else 0
    if field.get_internal_type() == "CharField" and type(field).__name__ == "DecimalTextField":
        return "1.5"
    if field.has_default() and not callable(field.default):
        return field.default
    return ""


def _rows(model: type[models.Model], n: int, now_ms: int, span_ms: int,
          overrides: dict[str, Override]) -> tuple[str, Iterator[tuple[Any, ...]]]:
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    columns = [f.column for f in fields]
    sql = f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    base = {f.column: _default(f) for f in fields}
    plan = [(c, overrides.get(c)) for c in columns]

    def gen() -> Iterator[tuple[Any, ...]]:
        for i in range(n):
            ts = now_ms - span_ms + (span_ms * i) // max(1, n)  # ascending, as the trader writes
            yield tuple(fn(i, ts) if fn else base[c] for c, fn in plan)

    return sql, gen()


def _env(stage: str, event_type: str) -> dict[str, Override]:
    return {"ts_ms": lambda i, ts: ts, "run_id": lambda i, ts: "r-bench", "mode": lambda i, ts: "PAPER",
            "cycle_id": lambda i, ts: f"c-{i // 40}", "decision_id": lambda i, ts: f"d-{i:030x}" if i % 3 else "",
            "symbol": lambda i, ts: SYMBOLS[i % len(SYMBOLS)], "stage": lambda i, ts: stage,
            "event_type": lambda i, ts: event_type, "seq": lambda i, ts: i + 1, "reasons": lambda i, ts: "[]"}


WRITER = ('{"cycle": 1, "writer": {"queue_len": 12, "queue_capacity": 100000, "queue_pct_x10000": 120, "lag_ms": 4,'
          ' "pressure": "OK", "events_per_min": 5400, "drops_per_min": 0, "last_commit_ts_ms": %d}}')


def table_plans(n_events: int) -> list[tuple[type[models.Model], int, int, dict[str, Override]]]:
    """Return (model, rows, time span, overrides) for every table the panel reads."""
    audit = _env("EXECUTE_INTENT", "")
    audit |= {"event_type": lambda i, ts: EVENT_MIX[i % len(EVENT_MIX)],
              "data": lambda i, ts: WRITER % ts if i % len(EVENT_MIX) == 9 else '{"qty": "0.5", "price": "64000.1"}'}
    return [
        (AuditEvent, n_events, 7 * DAY_MS, audit),
        (StageEvent, 100_000, 7 * DAY_MS, _env("DEEP_SCAN", "STAGE_CHANGED") | {
            "summary": lambda i, ts: f"stage step {i}"}),
        (Alert, 20_000, 30 * DAY_MS, _env("RECONCILE_REST", "ALERT_RAISED") | {
            "reason_code": lambda i, ts: ("RECONCILE_DRIFT_WARN", "DB_WRITER_QUEUE_HIGH", "RATE_LIMIT_429")[i % 3],
            "severity": lambda i, ts: ("WARN", "CRIT", "INFO")[i % 3], "metadata": lambda i, ts: "{}"}),
        (tm.MarketSnapshot, 200_000, 7 * DAY_MS, _env("DEEP_SCAN", "MARKET_SNAPSHOT") | {
            "regime": lambda i, ts: ("TREND", "RANGE")[i % 2], "score_x10000": lambda i, ts: (i * 7919) % 10_000,
            "signal_flags": lambda i, ts: '["SPREAD_TOO_WIDE"]'}),
        (tm.TopKSnapshot, 10_000, 7 * DAY_MS, _env("DEEP_SCAN", "TOPK_RANKED") | {
            "items": lambda i, ts: '[{"symbol": "B01USDT", "score_x10000": 9000, "features_top": [],'
                                   ' "churn_guard_applied": false}]'}),
        (AIGateEvent, 50_000, 7 * DAY_MS, _env("AIGATE_CALL", "AIGATE_CALL") | {
            "verdict": lambda i, ts: ("ALLOW", "BLOCK", "MODIFY")[i % 3], "reasons_json": lambda i, ts: "[]",
            "request_redacted": lambda i, ts: "x" * 500, "response_redacted": lambda i, ts: "y" * 500}),
        (tm.OrderIntent, 50_000, 7 * DAY_MS, _env("", "") | {
            "order_intent_id": lambda i, ts: f"oi-{i:030x}", "client_order_id": lambda i, ts: f"ls{i:030x}",
            "state": _intent_state(50_000), "kind": lambda i, ts: "ENTRY", "side": lambda i, ts: "BUY",
            "order_type": lambda i, ts: "LIMIT", "created_ts_ms": lambda i, ts: ts, "updated_ts_ms": lambda i, ts: ts}),
        (tm.Order, 100_000, 7 * DAY_MS, _env("", "") | {
            "exchange_order_id": lambda i, ts: 10_000_000 + i, "client_order_id": lambda i, ts: f"ls{i:030x}",
            "status": _order_status(100_000), "order_type": lambda i, ts: "LIMIT",
            "side": lambda i, ts: ("BUY", "SELL")[i % 2], "created_ts_ms": lambda i, ts: ts,
            "updated_ts_ms": lambda i, ts: ts, "order_list_id": lambda i, ts: None}),
        (tm.Fill, 100_000, 7 * DAY_MS, _env("EXECUTE_INTENT", "FILL") | {
            "trade_id": lambda i, ts: 50_000_000 + i, "exchange_order_id": lambda i, ts: 10_000_000 + i,
            "side": lambda i, ts: "BUY", "commission_asset": lambda i, ts: "BNB"}),
        (tm.Position, 2_000, 7 * DAY_MS, _env("", "") | {
            "state": lambda i, ts: "CLOSED", "opened_ts_ms": lambda i, ts: ts - 60_000,
            "closed_ts_ms": lambda i, ts: ts, "updated_ts_ms": lambda i, ts: ts,
            "realized_pnl_quote": lambda i, ts: ("1.25", "-0.75")[i % 2], "fees_quote": lambda i, ts: "0.05"}),
        (tm.ReconcileRun, 10_000, 7 * DAY_MS, _env("RECONCILE_REST", "RECONCILE_RUN") | {
            "trigger": lambda i, ts: "PERIODIC", "drift_label": lambda i, ts: "OK"}),
        (tm.ReconcileDiff, 20_000, 7 * DAY_MS, _env("RECONCILE_REST", "RECONCILE_DIFF") | {
            "kind": lambda i, ts: "ORDER_STATUS", "summary": lambda i, ts: "NEW in db, FILLED on exchange"}),
        (tm.Heartbeat, 1, 1, {"mode": lambda i, ts: "PAPER", "run_id": lambda i, ts: "r-bench",
                              "started_ts_ms": lambda i, ts: ts - DAY_MS, "ts_ms": lambda i, ts: ts,
                              "stage": lambda i, ts: "STATE_UPDATE", "stage_since_ts_ms": lambda i, ts: ts,
                              "sys_mode": lambda i, ts: "NORMAL", "sys_mode_since_ts_ms": lambda i, ts: ts - DAY_MS,
                              "active_reasons": lambda i, ts: "[]", "last_cycle_ts_ms": lambda i, ts: ts}),
    ]


def fill_db(path: str, n_events: int, now_ms: int | None = None) -> dict[str, int]:
    """Insert the bench rows into the migrated SQLite file at `path`; return rows per table."""
    now = now_ms if now_ms is not None else time.time_ns() // 1_000_000
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=OFF")  # a throwaway file: build speed over durability
    counts = {}
    for model, n, span, overrides in table_plans(n_events):
        sql, rows = _rows(model, n, now, span, overrides)
        con.execute("BEGIN")
        con.executemany(sql, rows)
        con.execute("COMMIT")
        counts[model._meta.db_table] = n
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    return counts
