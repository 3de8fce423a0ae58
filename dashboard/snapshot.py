"""Build one DashboardSnapshot (000 contract) from SQLite and local process metrics only.

Read-only by construction: the builder issues SELECTs and stats files, nothing else; it never
touches the exchange, the audit writer or a channel. About 20 indexed queries, each bounded
by a LIMIT or an index range, so the cost does not grow with the audit history.
"""
from __future__ import annotations

import time
from typing import Any

from django.conf import settings

from dashboard.panel_config import PanelConfig, panel_config
from dashboard.queries import execution, health, market, risk, state


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def build_snapshot(cfg: PanelConfig | None = None, at_ms: int | None = None) -> dict[str, Any]:
    """Return the DashboardSnapshot of settings.MODE as a JSON-ready dict.

    Steps: heartbeat (sys mode, stage, ids) -> alerts and stage history -> health ->
    intents and reconcile -> market, topk, AI gate -> risk.
    """
    cfg = cfg or panel_config()
    mode = settings.MODE
    ts = now_ms() if at_ms is None else at_ms
    hb = state.heartbeat(mode)
    history = state.stage_history(mode)
    proc = health.process_figures()
    run_id, cycle_id, stage, stage_since = hb.run_id, hb.cycle_id, hb.stage, hb.stage_since_ts_ms
    if not hb.found and history:  # no heartbeat yet: the latest stage change is the best we know
        latest = history[0]
        cycle_id, stage, stage_since = latest["cycle_id"], latest["stage"], latest["ts_ms"]
    return {
        "ts_ms": ts,
        "mode": mode,
        "sys_mode": hb.sys_mode,
        "sys_mode_since_ts_ms": hb.sys_mode_since_ts_ms,
        "active_reason_codes": list(hb.active_reasons),
        "uptime_s": proc["uptime_s"],
        "run_id": run_id,
        "cycle_id": cycle_id,
        "decision_id": _current_decision(history, cycle_id),
        "stage": stage,
        "stage_since_ts_ms": stage_since,
        "alerts_active": state.alerts_active(mode, ts),
        "stage_history": history,
        "health": health.health(mode, hb.last_cycle_ts_ms, proc),
        "intents": execution.intents(mode, ts, cfg.intents_recent_limit),
        "reconcile": execution.reconcile(mode, cfg.reconcile_diffs_recent_limit),
        "market": market.market(mode, cfg.market_symbols_limit),
        "risk": risk.risk(mode, ts, cfg),
        "aigate": market.aigate(mode),
        "topk": market.topk(mode, cfg.topk_limit),
    }


def _current_decision(history: list[dict[str, Any]], cycle_id: str) -> str:
    """Return the decision of the current cycle: the latest stage change that names one."""
    for row in history:
        if row["cycle_id"] != cycle_id:
            return ""
        if row["decision_id"]:
            return str(row["decision_id"])
    return ""
