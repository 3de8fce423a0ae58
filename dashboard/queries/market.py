"""Decisions side: market rows (watchlist / topk), the latest TopK, the latest AI gate call."""
from __future__ import annotations

from typing import Any

from dashboard import encode as e
from dashboard.queries import sql
from trading.domain.catalog import AIGateVerdict
from trading.domain.catalog.panel import RegimeLabel

# Latest rows scanned to find each symbol's latest snapshot: bounded work whatever the table
# size; a symbol not measured within the last 4 * limit snapshots is no longer watched.
_SCAN_FACTOR = 4
_REGIMES = tuple(m.value for m in RegimeLabel)
_MARKET_COLUMNS = (
    "symbol", "score_x10000", "regime", "trend_score_x10000", "range_score_x10000", "spread_current_bps",
    "spread_p50_bps", "spread_p90_bps", "delta_spread_bps_p90_10s", "imbalance_x10000", "edge_bps_expected",
    "cost_fees_bps", "cost_slippage_bps", "cost_spread_bps", "blocked_reason_code", "signal_flags",
)
_PANEL_VERDICTS = ("ALLOW", "BLOCK", "MODIFY")


def market(mode: str, limit: int) -> dict[str, Any]:
    """Return the MarketSnapshot: each watched symbol's latest row, by internal score desc."""
    latest: dict[str, tuple[Any, ...]] = {}
    for row in sql.rows(f"SELECT {', '.join(_MARKET_COLUMNS)} FROM {sql.T_MARKET} WHERE mode = %s"
                        f" ORDER BY ts_ms DESC, id ASC LIMIT %s", (mode, limit * _SCAN_FACTOR)):
        sym = e.symbol(row[0])
        if sym and sym not in latest:
            latest[sym] = row
    ranked = sorted(latest.items(), key=lambda kv: (-e.i64(kv[1][1]), kv[0]))[:limit]
    return {"symbols": [_market_row(sym, dict(zip(_MARKET_COLUMNS, r))) for sym, r in ranked]}


def _market_row(sym: str, r: dict[str, Any]) -> dict[str, Any]:
    return {
        "symbol": sym, "regime": e.one_of(r["regime"], _REGIMES, RegimeLabel.RANGE.value),
        "trend_score_x10000": e.i32(r["trend_score_x10000"]), "range_score_x10000": e.i32(r["range_score_x10000"]),
        "spread_current_bps": e.i32(r["spread_current_bps"]), "spread_p50_bps": e.i32(r["spread_p50_bps"]),
        "spread_p90_bps": e.i32(r["spread_p90_bps"]),
        "delta_spread_bps_p90_10s": e.i32(r["delta_spread_bps_p90_10s"]),
        "imbalance_x10000": e.i32(r["imbalance_x10000"]), "edge_bps_expected": e.i32(r["edge_bps_expected"]),
        "costs_bps": {"fees_bps": e.i32(r["cost_fees_bps"]), "slippage_bps": e.i32(r["cost_slippage_bps"]),
                      "spread_bps": e.i32(r["cost_spread_bps"])},
        "blocked_reason_code": e.reason_or_empty(r["blocked_reason_code"]),
        "signal_flags": e.reasons(sql.json_value(r["signal_flags"])),
    }


def topk(mode: str, limit: int) -> dict[str, Any]:
    """Return the TopKSnapshot of the latest TOPK_RANKED row (empty when none)."""
    row = sql.one(f"SELECT cycle_id, items, max_pairwise_corr_x10000, pairs_over_limit FROM {sql.T_TOPK}"
                  f" WHERE mode = %s ORDER BY ts_ms DESC, id ASC LIMIT 1", (mode,))
    if row is None:
        return {"cycle_id": "", "items": [], "max_pairwise_corr_x10000": 0, "pairs_over_limit": []}
    cycle_id, items, max_corr, pairs = row[0], sql.json_value(row[1]), row[2], sql.json_value(row[3])
    return {
        "cycle_id": e.ascii_id(cycle_id),
        "items": [_topk_item(i) for i in _dicts(items)][:limit],
        "max_pairwise_corr_x10000": e.i32(max_corr),
        "pairs_over_limit": [
            {"a": e.symbol(p.get("a")), "b": e.symbol(p.get("b")), "corr_x10000": e.i32(p.get("corr_x10000")),
             "action": e.text(p.get("action"), 64)}
            for p in _dicts(pairs)
        ][:100],
    }


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _topk_item(item: dict[str, Any]) -> dict[str, Any]:
    return {
        "symbol": e.symbol(item.get("symbol")), "score_x10000": e.i32(item.get("score_x10000")),
        "features_top": [{"name": e.text(f.get("name"), 64), "value_x10000": e.i32(f.get("value_x10000"))}
                         for f in _dicts(item.get("features_top"))][:10],
        "churn_guard_applied": item.get("churn_guard_applied") is True,
    }


def aigate(mode: str) -> dict[str, Any]:
    """Return the AIGateSnapshot of the latest gate call: redacted metadata only.

    The redacted request/response columns are never selected. The panel enum has no ERROR:
    a failed call shows as BLOCK with its error_kind (what fail-closed AI_DEC=2 does with it).
    """
    row = sql.one(f"SELECT ts_ms, latency_ms, model, verdict, reasons_json, input_hash, snapshot_hash, raw_hash,"
                  f" modify_applied, error_kind FROM {sql.T_AIGATE} WHERE mode = %s"
                  f" ORDER BY ts_ms DESC, id ASC LIMIT 1", (mode,))
    if row is None:
        return {"last_call_ts_ms": 0, "latency_ms": 0, "model": "", "verdict": "ALLOW", "reason_codes": [],
                "input_hash": "", "snapshot_hash": "", "raw_hash": "", "modify_applied": False, "error_kind": ""}
    ts, latency, model, verdict, reasons, ih, sh, rh, applied, error_kind = row
    error = e.text(error_kind, 64)
    if verdict == AIGateVerdict.ERROR.value and not error:
        error = "ERROR"
    return {
        "last_call_ts_ms": e.i64(ts), "latency_ms": e.nonneg(latency), "model": e.text(model, 100),
        "verdict": e.one_of(verdict, _PANEL_VERDICTS, "BLOCK"), "reason_codes": e.reasons(sql.json_value(reasons)),
        "input_hash": _hex(ih), "snapshot_hash": _hex(sh), "raw_hash": _hex(rh),
        "modify_applied": bool(applied), "error_kind": error,
    }


def _hex(value: Any) -> str:
    s = value.lower() if isinstance(value, str) else ""
    return s if len(s) == 64 and all(c in "0123456789abcdef" for c in s) else ""
