"""A full cast of panel rows built with the project factories: every table the snapshot reads,
with more rows than each configured limit, every enum value, and a few awkward values
(non-catalog codes, out-of-range ints, junk JSON) that the builder must coerce.

A real simulator run replaces this once the trading cycle writes these tables.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from tests.support import factories as f

SYMBOLS = [f"S{i:02d}USDT" for i in range(70)]  # more than market_symbols_limit (50)
INTENT_STATES = ("CREATED", "SENT_UNKNOWN", "CONFIRMED", "NOT_FOUND", "FAILED_TERMINAL")


@dataclass(frozen=True)
class Cast:
    now_ms: int
    mode: str
    run_id: str = f.RUN_ID


def writer_metrics(pct_x10000: int = 250_000) -> dict[str, object]:
    """Return the writer metrics dict as TraderWorker.run_cycle_once puts it in HEARTBEAT data."""
    return {"queue_len": 250, "queue_capacity": 1000, "queue_pct_x10000": pct_x10000, "lag_ms": 12,
            "pressure": "OK", "events_per_min": 3600, "drops_per_min": 0, "last_commit_ts_ms": 0,
            "committed_total": 10, "shed_total": 0, "shed_by_type": {}, "deadlettered_total": 0,
            "redacted_total": 0, "commit_failures_total": 0, "trail_behind": False}


def fill(now_ms: int, mode: str = "PAPER") -> Cast:
    """Create the cast for `mode` around `now_ms` and return it."""
    t = now_ms
    f.HeartbeatFactory(mode=mode, started_ts_ms=t - 3_600_000, ts_ms=t - 500, cycle_id=f"{f.RUN_ID}-c900",
                       last_cycle_ts_ms=t - 800, stage="AIGATE_CALL", stage_since_ts_ms=t - 1500,
                       sys_mode="DEGRADE", sys_mode_since_ts_ms=t - 600_000,
                       active_reasons=["RECONCILE_DRIFT_BAD", "NOT_A_REASON_CODE"])
    metrics = writer_metrics() | {"last_commit_ts_ms": t - 40}
    f.AuditEventFactory(mode=mode, ts_ms=t - 2000, event_type="HEARTBEAT", stage="STATE_UPDATE",
                        data={"cycle": 1, "writer": writer_metrics(900_000)})
    f.AuditEventFactory(mode=mode, ts_ms=t - 900, event_type="HEARTBEAT", stage="STATE_UPDATE",
                        data={"cycle": 2, "writer": metrics})
    for i in range(30):  # stage history: more than 20, the newest names the current cycle
        f.StageEventFactory(mode=mode, ts_ms=t - 30_000 + i * 1000, stage=("DEEP_SCAN", "AIGATE_CALL")[i % 2],
                            cycle_id=f"{f.RUN_ID}-c900", decision_id=f"d-{i:032x}" if i % 3 else "",
                            symbol=SYMBOLS[i % 5], summary=f"step {i}")
    _alerts(t, mode)
    _intents(t, mode)
    _reconcile(t, mode)
    _market(t, mode)
    _gate(t, mode)
    _positions(t, mode)
    for i in range(130):  # orders: more than the default /api/orders limit (100)
        f.OrderFactory(mode=mode, symbol=SYMBOLS[i % 7], updated_ts_ms=t - i * 1000, created_ts_ms=t - i * 1000 - 50,
                       side=("BUY", "SELL")[i % 2], status=("NEW", "FILLED", "CANCELED")[i % 3],
                       order_type=("LIMIT", "MARKET")[i % 2], price=None if i % 2 else Decimal("100.5"),
                       order_list_id=None if i % 4 else 77)
    return Cast(now_ms=now_ms, mode=mode)


def _alerts(t: int, mode: str) -> None:
    spec = [("RECONCILE_DRIFT_BAD", "CRIT", 3), ("DB_WRITER_QUEUE_HIGH", "WARN", 2), ("ENTER_DEGRADE", "WARN", 1),
            ("RATE_LIMIT_429", "INFO", 4)]
    for k, (code, sev, n) in enumerate(spec):
        for j in range(n):
            f.AlertFactory(mode=mode, ts_ms=t - 60_000 * (k + 1) - j * 1000, reason_code=code, severity=sev,
                           stage="RECONCILE_REST", order_intent_id=f"oi-{k}{j}")
    f.AlertFactory(mode=mode, ts_ms=t - 3 * 24 * 3_600_000, reason_code="DISK_LOW_WARN", severity="WARN")  # too old


def _intents(t: int, mode: str) -> None:
    for i in range(80):
        f.OrderIntentFactory(mode=mode, symbol=SYMBOLS[i % 9], state=INTENT_STATES[i % 5],
                             created_ts_ms=t - 100_000 - i * 500, updated_ts_ms=t - i * 500, summary=f"intent {i}")
    f.OrderIntentFactory(mode=mode, state="CONFIRMED", created_ts_ms=t - 5 * 86_400_000,
                         updated_ts_ms=t - 5 * 86_400_000)  # resolved long ago: not counted


def _reconcile(t: int, mode: str) -> None:
    run = f.ReconcileRunFactory(mode=mode, ts_ms=t - 5000, duration_ms=230, drift_score_x10000=620, drift_label="BAD")
    for i in range(60):
        f.ReconcileDiffFactory(mode=mode, reconcile_run=run, ts_ms=t - 5000 - i * 10, symbol=SYMBOLS[i % 4],
                               summary=f"diff {i}")


def _market(t: int, mode: str) -> None:
    for i, sym in enumerate(SYMBOLS):
        for age in (2000, 60_000):  # an older row per symbol must lose to the newer one
            f.MarketSnapshotFactory(mode=mode, symbol=sym, ts_ms=t - age - i, score_x10000=(i * 37) % 10_000,
                                    regime=("TREND", "RANGE")[i % 2], imbalance_x10000=-2500 + i,
                                    cost_fees_bps=10, cost_slippage_bps=3, cost_spread_bps=2,
                                    blocked_reason_code="SPREAD_TOO_WIDE" if i % 3 == 0 else "",
                                    signal_flags=["SPREAD_TOO_WIDE", "NOT_A_CODE"] if i % 2 else [])
    f.TopKSnapshotFactory(mode=mode, ts_ms=t - 3000, cycle_id=f"{f.RUN_ID}-c900", max_pairwise_corr_x10000=8700, items=[
        {"symbol": SYMBOLS[1], "score_x10000": 9100, "churn_guard_applied": True,
         "features_top": [{"name": "momentum_bps", "value_x10000": 4200}, {"name": "rvol", "value_x10000": 3.5}]},
        {"symbol": SYMBOLS[2], "score_x10000": "8800", "features_top": "junk"},
        "not an item",
    ], pairs_over_limit=[{"a": SYMBOLS[1], "b": SYMBOLS[3], "corr_x10000": 9100, "action": "dropped_lower_score"}])


def _gate(t: int, mode: str) -> None:
    f.AIGateEventFactory(mode=mode, ts_ms=t - 9000, verdict="ALLOW")
    f.AIGateEventFactory(mode=mode, ts_ms=t - 4000, verdict="MODIFY", modify_applied=True,
                         reasons=["AIGATE_MODIFY_INVALID"], request_redacted="PROMPT-TEXT-MUST-NOT-SHOW",
                         response_redacted="RESPONSE-TEXT-MUST-NOT-SHOW")


def _positions(t: int, mode: str) -> None:
    day = t - t % 86_400_000
    f.PositionFactory(mode=mode, symbol=SYMBOLS[0], qty=Decimal("0.5"), avg_entry_price=Decimal("100"),
                      opened_ts_ms=t - 600_000, updated_ts_ms=t - 1000)
    f.FillFactory(mode=mode, symbol=SYMBOLS[0], ts_ms=t - 900, price=Decimal("104"))
    pnl = [Decimal("5"), Decimal("-2.5"), Decimal("-1.25"), Decimal("3")]
    for i, p in enumerate(pnl):
        closed = max(day, t - 3_000_000) + i * 1000
        f.PositionFactory(mode=mode, symbol=SYMBOLS[1], state="CLOSED", realized_pnl_quote=p,
                          fees_quote=Decimal("0.1"), opened_ts_ms=closed - 60_000, closed_ts_ms=closed,
                          updated_ts_ms=closed)
    for i in range(3):
        f.FillFactory(mode=mode, symbol=SYMBOLS[1], ts_ms=max(day, t - 3_000_000) + i)


def now_ms_for_tests() -> int:
    """Return now in epoch ms, the time the cast is built around."""
    return f.now_ms()
