"""The audit layer rejects anything outside the catalogs, at the producer."""
from __future__ import annotations

import pytest

from audit.record import AuditRecord, CatalogError
from trading.domain.catalog import AuditEventType, ReasonCode, StageName
from trading.domain.catalog.events import Durability, durability_of

BASE = dict(ts_ms=1, run_id="r-1", mode="PAPER", stage="BOOT", event_type="STAGE_CHANGED")


def test_accepts_catalog_members_and_their_plain_string_values() -> None:
    rec = AuditRecord(**{**BASE, "stage": StageName.AIGATE_CALL, "event_type": "AIGATE_CALL",
                         "reasons": (ReasonCode.AIGATE_TIMEOUT, "AIGATE_PARSE_FAIL")})
    assert rec.stage == "AIGATE_CALL" and rec.reasons == ("AIGATE_TIMEOUT", "AIGATE_PARSE_FAIL")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("stage", "WARMUP", "is not a StageName"),
        ("stage", "boot", "is not a StageName"),
        ("event_type", "ORDER_SENT", "is not an AuditEventType"),
        ("reasons", ("AIGATE_TIMEOUT", "TOO_SPICY"), "is not a ReasonCode"),
        ("mode", "DEMO", "is not a Mode"),
        ("severity", "FATAL", "is not a Severity"),
    ],
)
def test_rejects_values_outside_their_catalog(field: str, value: object, message: str) -> None:
    with pytest.raises(CatalogError, match=message):
        AuditRecord(**{**BASE, field: value})


def test_every_000_stage_is_in_the_catalog() -> None:
    fixed = ("BOOT DOCTOR_CHECKS STARTUP_RECOVER UNIVERSE_SCAN RANK_TOPN DEEP_SCAN WATCHLIST_ATTACH "
             "STATE_UPDATE STRATEGY_PROPOSE AIGATE_CALL RISK_VERDICT EXECUTE_INTENT POSITION_MANAGE "
             "RECONCILE_REST REPORT_DAILY_SUMMARY DEGRADE PAUSE SHUTDOWN").split()
    assert [s.value for s in StageName] == fixed


def test_issue_event_types_and_000_reason_codes_exist() -> None:
    for name in ("STAGE_CHANGED SYS_MODE_CHANGED CONFIG_LOADED DECISION_PROPOSED AIGATE_CALL RISK_VERDICT "
                 "ORDER_SUBMIT ORDER_UPDATE FILL POSITION_UPDATE PROTECTION_SWAP RECONCILE_RUN "
                 "RECONCILE_DIFF ALERT_RAISED DAILY_REPORT").split():
        assert AuditEventType(name)
    for code in ("ENTER_DEGRADE ENTER_PAUSE ENTER_EXIT AIGATE_TIMEOUT AIGATE_SCHEMA_INVALID AIGATE_PARSE_FAIL "
                 "AIGATE_MODIFY_INVALID AIGATE_REASON_UNKNOWN DB_WRITER_QUEUE_HIGH DISK_LOW_DEGRADE").split():
        assert ReasonCode(code).description


def test_every_reason_code_has_a_sentence_description() -> None:
    for code in ReasonCode:
        assert code.description.endswith(".") and len(code.description) > 10, code


def test_order_path_events_are_never_telemetry() -> None:
    for name in ("ORDER_SUBMIT", "ORDER_UPDATE", "INTENT_CHANGED", "FILL", "POSITION_UPDATE",
                 "PROTECTION_SWAP", "ALERT_RAISED", "AIGATE_CALL", "RISK_VERDICT", "SYS_MODE_CHANGED"):
        assert durability_of(name) is Durability.CRITICAL
        assert AuditRecord(**{**BASE, "event_type": name}).critical
    assert not AuditRecord(**{**BASE, "event_type": "HEARTBEAT"}).critical
