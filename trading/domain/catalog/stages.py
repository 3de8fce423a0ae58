"""StageName: the fixed catalog of loop stages (000 "Recommended stages (fixed catalog)")."""
from __future__ import annotations

from enum import StrEnum


class StageName(StrEnum):
    BOOT = "BOOT"
    DOCTOR_CHECKS = "DOCTOR_CHECKS"
    STARTUP_RECOVER = "STARTUP_RECOVER"
    UNIVERSE_SCAN = "UNIVERSE_SCAN"
    RANK_TOPN = "RANK_TOPN"
    DEEP_SCAN = "DEEP_SCAN"
    WATCHLIST_ATTACH = "WATCHLIST_ATTACH"
    STATE_UPDATE = "STATE_UPDATE"
    STRATEGY_PROPOSE = "STRATEGY_PROPOSE"
    AIGATE_CALL = "AIGATE_CALL"
    RISK_VERDICT = "RISK_VERDICT"
    EXECUTE_INTENT = "EXECUTE_INTENT"
    POSITION_MANAGE = "POSITION_MANAGE"
    RECONCILE_REST = "RECONCILE_REST"
    REPORT_DAILY_SUMMARY = "REPORT_DAILY_SUMMARY"
    DEGRADE = "DEGRADE"
    PAUSE = "PAUSE"
    SHUTDOWN = "SHUTDOWN"


STAGE_VALUES: frozenset[str] = frozenset(m.value for m in StageName)
