"""The AI_DEC x MODE x SysMode policy table and what it makes of each kind of result."""
from __future__ import annotations

from collections.abc import Callable

import pytest

from aigate.policy import (
    POLICY_TABLE,
    CallPlan,
    OnFailure,
    decide,
    is_failure,
    plan_call,
    policy_row,
)
from tests.unit.aigate.builders import make_entry, make_exit, make_manage
from trading.domain.catalog.panel import AIGateVerdict, Mode, Severity, SysMode
from trading.domain.catalog.reasons import ReasonCode
from trading.domain.contracts.canonical import sha256_hex
from trading.domain.contracts.decision import Decision, DecisionIntent
from trading.domain.contracts.gate import AIGateResult

R, V = ReasonCode, AIGateVerdict
HASHES = dict(input_hash=sha256_hex({"i": 1}), snapshot_hash=sha256_hex({"s": 1}))


def result(verdict: AIGateVerdict, *reasons: ReasonCode, **extra: object) -> AIGateResult:
    return AIGateResult(enabled=True, verdict=verdict, reasons=reasons, model="m", **HASHES, **extra)  # type: ignore[arg-type]


ERROR = result(V.ERROR, R.AIGATE_TIMEOUT, error_kind="timeout")
MODIFY_INVALID = result(V.MODIFY, R.AIGATE_MODIFY_INVALID)
BLOCK = result(V.BLOCK, R.AIGATE_BLOCK, R.SPREAD_TOO_WIDE)
ALLOW = result(V.ALLOW, R.AIGATE_ALLOW)


def test_the_table_covers_every_level_and_mode_and_nothing_else() -> None:
    assert set(POLICY_TABLE) == {(level, mode) for level in (0, 1, 2) for mode in Mode}
    with pytest.raises(KeyError):
        policy_row(3, Mode.LIVE)


@pytest.mark.parametrize("mode", list(Mode))
def test_the_same_rules_run_in_every_mode_only_loudness_differs(mode: Mode) -> None:
    assert policy_row(0, mode).on_failure is OnFailure.NOT_CALLED and not policy_row(0, mode).call_model
    assert policy_row(1, mode).on_failure is OnFailure.PROCEED_ALERT
    assert policy_row(2, mode).on_failure is OnFailure.FAIL_CLOSED
    assert policy_row(2, mode).failure_severity is Severity.CRIT
    expected = Severity.CRIT if mode is Mode.LIVE else Severity.WARN
    assert policy_row(1, mode).failure_severity is expected


@pytest.mark.parametrize("sys_mode", list(SysMode))
@pytest.mark.parametrize("intent", list(DecisionIntent))
@pytest.mark.parametrize("ai_dec", [0, 1, 2])
def test_plan_call(ai_dec: int, intent: DecisionIntent, sys_mode: SysMode) -> None:
    got = plan_call(ai_dec, Mode.LIVE, sys_mode, intent)
    if ai_dec == 0:
        assert got is CallPlan.OFF
    elif intent is DecisionIntent.ENTRY and sys_mode is not SysMode.NORMAL:
        assert got is CallPlan.SKIP_SYS_MODE  # 000: no gate call for a new entry in DEGRADE/PAUSE
    else:
        assert got is CallPlan.CALL


def test_failures_are_errors_and_rejected_modifies() -> None:
    assert is_failure(ERROR) and is_failure(MODIFY_INVALID)
    assert not any(is_failure(r) for r in (ALLOW, BLOCK, AIGateResult.disabled(**HASHES)))


def test_gate_off_sends_the_proposal_on() -> None:
    d = make_entry()
    out = decide(0, Mode.LIVE, d, AIGateResult.disabled(**HASHES))
    assert (out.decision, out.block, out.pause_requested, out.alert) == (d, False, False, None)


@pytest.mark.parametrize("ai_dec", [1, 2])
def test_block_is_honoured_and_allow_goes_on(ai_dec: int) -> None:
    d = make_entry()
    blocked = decide(ai_dec, Mode.PAPER, d, BLOCK)
    assert blocked.block and blocked.reasons == (R.AIGATE_BLOCK,) and blocked.decision is d
    allowed = decide(ai_dec, Mode.PAPER, d, ALLOW)
    assert not allowed.block and allowed.decision is d and allowed.alert is None


@pytest.mark.parametrize("ai_dec", [1, 2])
def test_an_applied_modify_replaces_the_decision(ai_dec: int) -> None:
    d = make_entry()
    smaller = d.with_changes(reason_codes=(*d.reason_codes, R.AIGATE_MODIFY_APPLIED))
    res = result(V.MODIFY, R.AIGATE_MODIFY_APPLIED, modified_decision=smaller, modify_applied=True)
    out = decide(ai_dec, Mode.LIVE, d, res)
    assert out.decision is smaller and not out.block and not out.failed


@pytest.mark.parametrize("mode", list(Mode))
@pytest.mark.parametrize("failed", [ERROR, MODIFY_INVALID], ids=["error", "modify_invalid"])
def test_advisory_failure_is_alerted_and_the_proposal_goes_on(failed: AIGateResult, mode: Mode) -> None:
    d = make_entry()
    out = decide(1, mode, d, failed)
    assert out.decision is d and not out.block and not out.pause_requested and out.failed
    assert out.alert is not None and out.alert.reason is failed.reasons[0]
    assert out.alert.severity is (Severity.CRIT if mode is Mode.LIVE else Severity.WARN)


@pytest.mark.parametrize("failed", [ERROR, MODIFY_INVALID], ids=["error", "modify_invalid"])
@pytest.mark.parametrize("make, blocked", [(make_entry, True), (make_manage, False), (make_exit, False)],
                         ids=["entry", "manage", "exit"])
def test_mandatory_failure_fails_closed_but_keeps_managing(failed: AIGateResult, make: Callable[[], Decision],
                                                           blocked: bool) -> None:
    d = make()
    out = decide(2, Mode.LIVE, d, failed)
    assert out.pause_requested and out.failed and out.block is blocked and out.decision is d
    assert out.reasons == (R.AIGATE_FAIL_CLOSED, failed.reasons[0])
    assert out.alert is not None and (out.alert.reason, out.alert.severity) == (R.AIGATE_FAIL_CLOSED, Severity.CRIT)
    assert ("entry blocked" if blocked else "manage-only") in out.alert.summary


def test_a_skipped_entry_is_blocked_without_alert_or_pause() -> None:
    skipped = AIGateResult(enabled=True, verdict=V.BLOCK, reasons=(R.AIGATE_SKIPPED_SYS_MODE,), **HASHES)
    out = decide(2, Mode.LIVE, make_entry(), skipped)
    assert out.block and out.reasons == (R.AIGATE_SKIPPED_SYS_MODE,)
    assert not out.pause_requested and out.alert is None and not out.failed
