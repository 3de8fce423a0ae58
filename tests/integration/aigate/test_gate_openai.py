"""The AI gate end to end: the real openai client against the local server, the real audit writer
and database, the real SysMode controller. Every verdict and failure, at every AI_DEC level."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

import pytest

from aigate.policy import GateOutcome
from tests.integration.aigate.conftest import GateRig, RigFactory
from tests.support.openai_server import (
    Behaviour,
    answer,
    content,
    http_error,
    modification,
    raw_body,
    sequence,
    slow,
)
from tests.unit.aigate.builders import make_manage, make_snapshot
from trading.domain.catalog.panel import AIGateVerdict, SysMode
from trading.domain.catalog.reasons import ReasonCode
from trading.domain.contracts.decision import Decision

pytestmark = pytest.mark.django_db(transaction=True)
R, V = ReasonCode, AIGateVerdict


@dataclass(frozen=True)
class Case:
    behaviour: Behaviour
    verdict: AIGateVerdict
    reasons: tuple[ReasonCode, ...]
    error_kind: str = ""
    failure: bool = False
    hits: int = 1
    timeout_ms: int = 3000


CASES = {
    "allow": Case(answer("ALLOW", ["SIGNAL_TREND_LONG"]), V.ALLOW, (R.AIGATE_ALLOW, R.SIGNAL_TREND_LONG)),
    "block": Case(answer("BLOCK", ["SPREAD_TOO_WIDE"]), V.BLOCK, (R.AIGATE_BLOCK, R.SPREAD_TOO_WIDE)),
    "modify": Case(answer("MODIFY", ["DATA_STALE"], modification(qty="0.0005", time_stop_ms=900_000)),
                   V.MODIFY, (R.AIGATE_MODIFY_APPLIED, R.DATA_STALE)),
    "modify_riskier": Case(answer("MODIFY", [], modification(take_profit_price="62000.00")), V.MODIFY,
                           (R.AIGATE_MODIFY_INVALID,), failure=True),
    "unknown_reason": Case(answer("BLOCK", ["the vibes are off", "SPREAD_TOO_WIDE"]), V.BLOCK,
                           (R.AIGATE_BLOCK, R.AIGATE_REASON_UNKNOWN, R.SPREAD_TOO_WIDE)),
    "invalid_json": Case(content('{"verdict": "ALLOW", "reasons": ['), V.ERROR, (R.AIGATE_PARSE_FAIL,),
                         "content_not_json", failure=True),
    "schema_invalid": Case(content('{"verdict": "ALLOW", "reasons": [], "modification": null, "qty": 1}'),
                           V.ERROR, (R.AIGATE_SCHEMA_INVALID,), "schema_mismatch", failure=True),
    "timeout": Case(slow(3.0), V.ERROR, (R.AIGATE_TIMEOUT,), "timeout", failure=True, timeout_ms=300),
    "http_500": Case(http_error(500), V.ERROR, (R.AIGATE_HTTP_ERROR,), "http_500", failure=True, hits=2),
    "http_429": Case(http_error(429, retry_after=0.02), V.ERROR, (R.AIGATE_HTTP_ERROR,), "http_429",
                     failure=True, hits=2),
    "body_not_json": Case(raw_body(b"<html>bad gateway</html>", "application/json"), V.ERROR,
                          (R.AIGATE_PARSE_FAIL,), "body_not_json", failure=True),
}


@pytest.mark.parametrize("ai_dec", [1, 2])
@pytest.mark.parametrize("name", list(CASES))
def test_each_answer_gives_its_result_policy_outcome_and_one_audit_record(gate_rig: RigFactory, name: str,
                                                                          ai_dec: int) -> None:
    case = CASES[name]
    rig = gate_rig(case.behaviour, ai_dec=ai_dec, timeout_ms=case.timeout_ms, max_retries=1)
    proposed = rig.decision()
    outcome = rig.evaluate(proposed)
    result = outcome.result

    assert (result.verdict, result.reasons, result.error_kind) == (case.verdict, case.reasons, case.error_kind)
    assert rig.hits() == case.hits
    _assert_policy(rig, outcome, proposed, case, ai_dec)
    _assert_one_audit_record(rig, outcome, proposed)


def _assert_policy(rig: GateRig, outcome: GateOutcome, proposed: Decision, case: Case, ai_dec: int) -> None:
    alerts = [line["reasons"][0] for line in rig.lines("ALERT_RAISED")]
    if not case.failure:
        assert outcome.block is (case.verdict is V.BLOCK) and not outcome.pause_requested
        expected = outcome.result.modified_decision if case.verdict is V.MODIFY else proposed
        assert outcome.decision is expected
        assert alerts == [] and rig.sys_mode.mode is SysMode.NORMAL
    elif ai_dec == 1:  # advisory: audited and alerted, the proposal goes on to risk
        assert not outcome.block and outcome.decision is proposed and not outcome.pause_requested
        assert alerts == [case.reasons[0].value] and rig.sys_mode.mode is SysMode.NORMAL
    else:  # mandatory, fail-closed: PAUSE, the entry is blocked, alert
        assert outcome.block and outcome.decision is proposed and outcome.pause_requested
        assert rig.sys_mode.mode is SysMode.PAUSE
        assert alerts == [R.AIGATE_FAIL_CLOSED.value, R.ENTER_PAUSE.value]
        assert "!! ALERT CRIT" in rig.console.getvalue() and "AIGATE_FAIL_CLOSED" in rig.console.getvalue()


def _assert_one_audit_record(rig: GateRig, outcome: GateOutcome, proposed: Decision) -> None:
    result = outcome.result
    row, = rig.rows()
    line, = rig.lines("AIGATE_CALL")
    stage_lines = [r for r in rig.lines("STAGE_CHANGED") if r["stage"] == "AIGATE_CALL"]
    assert len(stage_lines) == 1 and stage_lines[0]["decision_id"] == proposed.decision_id
    # The row (000 ai_gate_events fields).
    assert (row.decision_id, row.cycle_id, row.snapshot_id, row.symbol) == (
        proposed.decision_id, proposed.cycle_id, proposed.snapshot_id, proposed.symbol)
    assert (row.stage, row.event_type, row.mode, row.enabled) == ("AIGATE_CALL", "AIGATE_CALL", "PAPER", True)
    assert (row.verdict, row.model, row.latency_ms, row.error_kind) == (
        result.verdict.value, rig.model, result.latency_ms, result.error_kind)
    assert (row.input_hash, row.snapshot_hash, row.raw_hash) == (
        result.input_hash, result.snapshot_hash, result.raw_hash)
    assert row.reasons[: len(result.reasons)] == [r.value for r in result.reasons]
    assert row.modify_applied is result.modify_applied
    modified = result.modified_decision
    assert row.applied_decision_id == (modified.decision_id if modified else "")
    assert row.modified_decision == (modified.to_dict() if modified else None)
    assert 0 < len(row.request_redacted) <= 2000
    # The JSONL line: same envelope and the 000 fields, hashes only (no request/response text).
    assert (line["ts_ms"], line["decision_id"], line["cycle_id"], line["snapshot_id"], line["symbol"]) == (
        row.ts_ms, proposed.decision_id, proposed.cycle_id, proposed.snapshot_id, proposed.symbol)
    assert line["stage"] == "AIGATE_CALL" and line["reasons"] == row.reasons
    data = line["data"]
    assert data["ai_enabled"] == 1 and data["ai_verdict"] == result.verdict.value
    assert data["ai_reasons"] == [r.value for r in result.reasons]
    assert (data["ai_model"], data["ai_latency_ms"], data["ai_modify_applied"]) == (
        rig.model, result.latency_ms, int(result.modify_applied))
    assert (data["ai_raw_hash"], data["ai_input_hash"], data["ai_snapshot_hash"]) == (
        result.raw_hash, result.input_hash, result.snapshot_hash)
    failed = result.verdict is V.ERROR or (result.verdict is V.MODIFY and not result.modify_applied)
    assert data.get("ai_error_code") == (result.reasons[0].value if failed else None)
    assert not {"request_redacted", "response_redacted"} & set(data)
    assert row.request_redacted not in str(line) and rig.server.base_url not in str(line) + row.request_redacted


@pytest.mark.parametrize("name", ["allow", "block", "timeout", "http_500"])
def test_gate_off_calls_nothing_and_still_records_once(gate_rig: RigFactory, name: str) -> None:
    rig = gate_rig(CASES[name].behaviour, ai_dec=0)
    proposed = rig.decision()
    outcome = rig.evaluate(proposed)
    assert rig.hits() == 0 and outcome.decision is proposed and not outcome.block
    assert (outcome.result.enabled, outcome.result.reasons) == (False, (R.AIGATE_DISABLED,))
    row, = rig.rows()
    line, = rig.lines("AIGATE_CALL")
    assert row.enabled is False and line["data"]["ai_enabled"] == 0 and row.raw_hash == ""
    assert row.input_hash == outcome.result.input_hash != ""


@pytest.mark.parametrize("sys_mode", [SysMode.DEGRADE, SysMode.PAUSE])
def test_no_gate_call_for_a_new_entry_in_degrade_or_pause_but_manage_is_judged(gate_rig: RigFactory,
                                                                              sys_mode: SysMode) -> None:
    rig = gate_rig(answer("ALLOW"), ai_dec=2, sys_mode=sys_mode)
    entry = rig.evaluate(rig.decision())
    assert rig.hits() == 0 and entry.block and entry.result.reasons == (R.AIGATE_SKIPPED_SYS_MODE,)
    manage = rig.evaluate(rig.decision(make_manage))
    assert rig.hits() == 1 and manage.result.verdict is V.ALLOW and not manage.block
    assert len(rig.rows()) == 2 and len(rig.lines("AIGATE_CALL")) == 2


def test_a_failed_manage_under_ai_dec_2_pauses_but_goes_on_to_risk(gate_rig: RigFactory) -> None:
    rig = gate_rig(http_error(500), ai_dec=2, max_retries=0)
    proposed = rig.decision(make_manage)
    outcome = rig.evaluate(proposed)
    assert outcome.result.verdict is V.ERROR and rig.hits() == 1
    assert not outcome.block and outcome.decision is proposed and rig.sys_mode.mode is SysMode.PAUSE


def test_a_retry_that_succeeds_is_an_allow_with_two_attempts(gate_rig: RigFactory) -> None:
    rig = gate_rig(sequence(http_error(503), answer("ALLOW")), max_retries=2)
    outcome = rig.evaluate(rig.decision())
    assert outcome.result.verdict is V.ALLOW and rig.hits() == 2
    assert rig.lines("AIGATE_CALL")[0]["data"]["ai_attempts"] == 2


def test_retries_are_bounded_by_max_retries(gate_rig: RigFactory) -> None:
    rig = gate_rig(http_error(500), max_retries=3)
    assert rig.evaluate(rig.decision()).result.error_kind == "http_500" and rig.hits() == 4


def test_a_retry_after_longer_than_the_budget_is_not_waited_for(gate_rig: RigFactory) -> None:
    rig = gate_rig(http_error(429, retry_after=30), timeout_ms=1000, max_retries=3)
    outcome = rig.evaluate(rig.decision())
    assert outcome.result.error_kind == "http_429" and rig.hits() == 1 and outcome.result.latency_ms < 1000


def test_the_timeout_bounds_the_whole_call(gate_rig: RigFactory) -> None:
    rig = gate_rig(slow(3.0), timeout_ms=400, max_retries=3)
    outcome = rig.evaluate(rig.decision())
    assert outcome.result.reasons == (R.AIGATE_TIMEOUT,) and rig.hits() == 1
    assert 400 <= outcome.result.latency_ms < 1500


def test_the_payload_hashes_are_handed_out_before_the_model_is_asked(gate_rig: RigFactory) -> None:
    rig = gate_rig(answer("ALLOW"))
    proposed, seen = rig.decision(), []
    snap = make_snapshot(proposed)
    outcome = rig.gate.evaluate(proposed, snap, rig.sys_mode.mode,
                                lambda given: seen.append((given.input_hash, given.snapshot_hash, rig.hits())))
    assert seen == [(outcome.result.input_hash, outcome.result.snapshot_hash, 0)] and rig.hits() == 1
    assert seen[0][0] == hashlib.sha256(rig.server.requests[-1]["messages"][-1]["content"].encode()).hexdigest()
