"""000's DashboardSnapshot field lists, written out apart from dashboard/schema.py on purpose,
and the checks every contract test applies to a payload (fields, finite integers)."""
from __future__ import annotations

import json
from typing import Any

# The field lists as 000 writes them, kept apart from dashboard/schema.py on purpose.
TOP = {"ts_ms", "mode", "sys_mode", "sys_mode_since_ts_ms", "active_reason_codes", "uptime_s", "run_id", "cycle_id",
       "decision_id", "stage", "stage_since_ts_ms", "alerts_active", "stage_history", "health", "intents",
       "reconcile", "market", "risk", "aigate", "topk"}
ALERT = {"severity", "reason_code", "count", "first_ts_ms", "last_ts_ms", "stage", "cycle_id", "decision_id",
         "order_intent_id"}
STAGE_ROW = {"ts_ms", "stage", "cycle_id", "decision_id", "symbol", "summary"}
HEALTH = {"disk_free_bytes", "sqlite_bytes", "wal_bytes", "process_rss_bytes", "process_cpu_pct_x10000",
          "audit_writer_queue_pct_x10000", "audit_writer_queue_len", "audit_writer_lag_ms", "audit_writer_pressure",
          "events_per_min", "drops_per_min", "last_cycle_ts_ms", "last_writer_commit_ts_ms"}
INTENT_ROW = {"order_intent_id", "symbol", "intent_kind", "state", "last_ts_ms", "cycle_id", "decision_id", "summary"}
STATES = {"CREATED", "SENT_UNKNOWN", "CONFIRMED", "NOT_FOUND", "FAILED_TERMINAL"}
RECONCILE = {"last_reconcile_rest_ts_ms", "last_reconcile_rest_dur_ms", "drift_score_x10000", "drift_label",
             "recent_diffs"}
DIFF_ROW = {"ts_ms", "symbol", "cycle_id", "decision_id", "summary"}
MARKET_ROW = {"symbol", "regime", "trend_score_x10000", "range_score_x10000", "spread_current_bps", "spread_p50_bps",
              "spread_p90_bps", "delta_spread_bps_p90_10s", "imbalance_x10000", "edge_bps_expected", "costs_bps",
              "blocked_reason_code", "signal_flags"}
RISK_000 = {"exposure_total_quote", "exposure_by_symbol_quote", "locked_quote", "free_quote",
            "daily_pnl_realized_quote", "daily_pnl_unrealized_quote", "daily_loss_limit_remaining_quote",
            "drawdown_quote", "trades_today", "cooldowns"}
AIGATE = {"last_call_ts_ms", "latency_ms", "model", "verdict", "reason_codes", "input_hash", "snapshot_hash",
          "raw_hash", "modify_applied", "error_kind"}
TOPK = {"cycle_id", "items", "max_pairwise_corr_x10000", "pairs_over_limit"}
TOPK_ITEM = {"symbol", "score_x10000", "features_top", "churn_guard_applied"}


def reject_constant(name: str) -> None:
    raise AssertionError(f"non-finite number in payload: {name}")


def numbers(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [n for v in value.values() for n in numbers(v)]
    if isinstance(value, list):
        return [n for v in value for n in numbers(v)]
    return [value] if isinstance(value, (int, float)) and not isinstance(value, bool) else []


def parse(body: bytes) -> Any:
    """Return a JSON body parsed, failing on NaN/Infinity (which strict JSON does not have)."""
    return json.loads(body, parse_constant=reject_constant)


def assert_fields(s: dict[str, Any]) -> None:
    """Assert every object of a DashboardSnapshot has exactly 000's fields (risk: + equity_curve)."""
    assert set(s) == TOP
    assert all(set(a) == ALERT for a in s["alerts_active"])
    assert all(set(r) == STAGE_ROW for r in s["stage_history"])
    assert set(s["health"]) == HEALTH
    assert set(s["intents"]) == {"pending_by_state", "recent"} and set(s["intents"]["pending_by_state"]) == STATES
    assert all(set(r) == INTENT_ROW for r in s["intents"]["recent"])
    assert set(s["reconcile"]) == RECONCILE and all(set(d) == DIFF_ROW for d in s["reconcile"]["recent_diffs"])
    assert set(s["market"]) == {"symbols"} and all(set(m) == MARKET_ROW for m in s["market"]["symbols"])
    assert all(set(m["costs_bps"]) == {"fees_bps", "slippage_bps", "spread_bps"} for m in s["market"]["symbols"])
    # RiskSnapshot is the one object 000 lets grow: the equity curve is livespot's addition.
    assert set(s["risk"]) == RISK_000 | {"equity_curve"}
    assert set(s["aigate"]) == AIGATE
    assert set(s["topk"]) == TOPK and all(set(i) == TOPK_ITEM for i in s["topk"]["items"])
