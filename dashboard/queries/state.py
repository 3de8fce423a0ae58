"""Operational state: heartbeat (sys mode, stage, ids), active alerts, stage history.

Every query is bounded and served by an index (ts_ms, (reason_code, ts_ms)); none reads
audit_event. Rows are filtered by the panel's MODE: one database may hold several modes.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dashboard import encode as e
from dashboard.queries import sql
from dashboard.schema import ALERTS_ACTIVE_MAX, STAGE_HISTORY_MAX
from trading.domain.catalog import Severity, SysMode

# "Active" alerts are those raised in the last 24 h: long enough that an operator coming
# back in the morning sees the night's alerts, short enough to stay an index range scan.
ALERTS_ACTIVE_WINDOW_MS = 24 * 3600 * 1000
ALERTS_COUNTED_MAX = 50_000  # counts cover at most this many of the window's latest alerts
_LATEST_ALERT_ROWS = 60  # recent rows scanned for each group's latest ids
_SEVERITY_RANK = {Severity.CRIT.value: 0, Severity.WARN.value: 1, Severity.INFO.value: 2}
_SYS_MODES = tuple(m.value for m in SysMode)
_SEVERITIES = tuple(m.value for m in Severity)


@dataclass(frozen=True)
class HeartbeatView:
    """The trader's latest beat for this mode (zeros and "" when no trader ever ran)."""

    found: bool
    run_id: str = ""
    cycle_id: str = ""
    stage: str = "BOOT"
    stage_since_ts_ms: int = 0
    sys_mode: str = SysMode.NORMAL.value
    sys_mode_since_ts_ms: int = 0
    active_reasons: tuple[str, ...] = ()
    last_cycle_ts_ms: int = 0
    ts_ms: int = 0


def heartbeat(mode: str) -> HeartbeatView:
    """Return the Heartbeat row of `mode` as a HeartbeatView."""
    row = sql.one(
        f"SELECT run_id, cycle_id, stage, stage_since_ts_ms, sys_mode, sys_mode_since_ts_ms, active_reasons,"
        f" last_cycle_ts_ms, ts_ms FROM {sql.T_HEARTBEAT} WHERE mode = %s", (mode,))
    if row is None:
        return HeartbeatView(found=False)
    run_id, cycle_id, stage, stage_since, sys_mode, sys_since, reasons, last_cycle, ts = row
    return HeartbeatView(
        found=True, run_id=e.ascii_id(run_id), cycle_id=e.ascii_id(cycle_id), stage=e.stage(stage),
        stage_since_ts_ms=e.i64(stage_since), sys_mode=e.one_of(sys_mode, _SYS_MODES, SysMode.NORMAL.value),
        sys_mode_since_ts_ms=e.i64(sys_since), active_reasons=tuple(e.reasons(sql.json_value(reasons))),
        last_cycle_ts_ms=e.i64(last_cycle), ts_ms=e.i64(ts),
    )


def stage_history(mode: str) -> list[dict[str, Any]]:
    """Return the latest 20 stage changes, newest first (000 StageHistoryRow)."""
    found = sql.rows(
        f"SELECT ts_ms, stage, cycle_id, decision_id, symbol, summary FROM {sql.T_STAGE}"
        f" WHERE mode = %s ORDER BY ts_ms DESC, id DESC LIMIT %s", (mode, STAGE_HISTORY_MAX))
    return [
        {"ts_ms": e.i64(ts), "stage": e.stage(st), "cycle_id": e.ascii_id(cyc), "decision_id": e.ascii_id(dec),
         "symbol": e.symbol(sym), "summary": e.text(summ)}
        for ts, st, cyc, dec, sym, summ in found
    ]


def alerts_active(mode: str, now_ms: int) -> list[dict[str, Any]]:
    """Return the alerts of the last 24 h aggregated by (reason_code, severity).

    Ordered by last_ts_ms desc, then severity (CRIT first); at most ALERTS_ACTIVE_MAX rows.
    The ids (stage, cycle, decision, intent) are those of each group's latest alert.
    """
    since = now_ms - ALERTS_ACTIVE_WINDOW_MS
    # The subquery pins the plan to the ts_ms range (left alone, SQLite walks a whole
    # (reason_code, ts_ms) index to save a sort) and bounds the work in an alert storm.
    groups = sql.rows(
        f"SELECT reason_code, severity, COUNT(*), MIN(ts_ms), MAX(ts_ms) FROM (SELECT reason_code, severity, ts_ms"
        f" FROM {sql.T_ALERT} WHERE ts_ms >= %s AND mode = %s ORDER BY ts_ms DESC LIMIT %s) AS recent"
        f" GROUP BY reason_code, severity", (since, mode, ALERTS_COUNTED_MAX))
    if not groups:
        return []
    groups.sort(key=lambda g: (-g[4], _SEVERITY_RANK.get(g[1], 3), g[0]))
    groups = groups[:ALERTS_ACTIVE_MAX]
    latest = _latest_ids(mode, since, {(g[0], g[1]) for g in groups})
    out = []
    for reason_code, severity, n, first, last in groups:
        reason = e.reason_or_empty(reason_code)
        if not reason:
            continue  # a code removed from the catalog: nothing the UI could label
        st, cyc, dec, oi = latest.get((reason_code, severity)) or _latest_of(mode, since, reason_code, severity)
        out.append({
            "severity": e.one_of(severity, _SEVERITIES, Severity.WARN.value), "reason_code": reason,
            "count": max(1, e.i64(n)), "first_ts_ms": e.i64(first), "last_ts_ms": e.i64(last),
            "stage": e.stage(st), "cycle_id": e.ascii_id(cyc), "decision_id": e.ascii_id(dec),
            "order_intent_id": e.ascii_id(oi),
        })
    return out


_ALERT_IDS = "stage, cycle_id, decision_id, order_intent_id"


def _latest_ids(mode: str, since: int, wanted: set[tuple[str, str]]) -> dict[tuple[str, str], tuple[Any, ...]]:
    found: dict[tuple[str, str], tuple[Any, ...]] = {}
    for reason, sev, *ids in sql.rows(
            f"SELECT reason_code, severity, {_ALERT_IDS} FROM {sql.T_ALERT} WHERE ts_ms >= %s AND mode = %s"
            f" ORDER BY ts_ms DESC, id DESC LIMIT %s", (since, mode, _LATEST_ALERT_ROWS)):
        if (reason, sev) in wanted and (reason, sev) not in found:
            found[(reason, sev)] = tuple(ids)
    return found


def _latest_of(mode: str, since: int, reason: str, severity: str) -> tuple[Any, ...]:
    # Only for a group quiet for the last 60 alerts: one (reason_code, ts_ms) index probe.
    row = sql.one(f"SELECT {_ALERT_IDS} FROM {sql.T_ALERT} WHERE reason_code = %s AND ts_ms >= %s"
                  f" AND severity = %s AND mode = %s ORDER BY ts_ms DESC, id DESC LIMIT 1",
                  (reason, since, severity, mode))
    return tuple(row) if row else ("BOOT", "", "", "")


def new_alerts_since(mode: str, after_id: int, limit: int = 50) -> list[tuple[int, str, str]]:
    """Return (id, reason_code, severity) of alerts with id > after_id, oldest first."""
    found = sql.rows(f"SELECT id, reason_code, severity FROM {sql.T_ALERT} WHERE id > %s AND mode = %s"
                     f" ORDER BY id LIMIT %s", (after_id, mode, limit))
    return [(int(i), str(r), str(s)) for i, r, s in found]


def last_alert_id() -> int:
    """Return the highest alert id (0 when there is none)."""
    row = sql.one(f"SELECT MAX(id) FROM {sql.T_ALERT}")
    return int(row[0] or 0) if row else 0
