"""The Heartbeat row: one per mode, rewritten by the trader's loop every tick (see the model)."""
from __future__ import annotations

import os

from trading.models import Heartbeat
from trading.models.base import SUMMARY_MAX


def write_heartbeat(*, mode: str, run_id: str, started_ms: int, now_ms: int, cycle_id: str, last_cycle_ms: int,
                    stage: str, stage_since_ms: int, sys_mode: str, sys_mode_since_ms: int,
                    active_reasons: list[str], last_error: str = "") -> None:
    """Upsert the Heartbeat of `mode` (one short write transaction)."""
    Heartbeat.objects.update_or_create(mode=mode, defaults=dict(
        run_id=run_id, pid=os.getpid(), started_ts_ms=started_ms, ts_ms=now_ms, cycle_id=cycle_id,
        last_cycle_ts_ms=last_cycle_ms, stage=stage, stage_since_ts_ms=stage_since_ms or now_ms,
        sys_mode=sys_mode, sys_mode_since_ts_ms=sys_mode_since_ms, active_reasons=active_reasons,
        last_error=last_error[:SUMMARY_MAX]))
