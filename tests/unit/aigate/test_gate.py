"""The AIGate stage on fake ports: the 000 sequence, every verdict and failure, policy side effects."""
from __future__ import annotations

import hashlib
import json

import pytest

from aigate.gate import AIGate
from aigate.policy import GateOutcome
from aigate.ports import CallFailed
from aigate.prompt import UnknownPromptVersion, system_prompt
from tests.unit.aigate.builders import answer_text, make_entry, make_manage, make_snapshot, mod
from tests.unit.aigate.fakes import MemoryPauser, MemoryRecorder, ScriptedClient, make_gate
from trading.domain.catalog.panel import AIGateVerdict, Mode, SysMode
from trading.domain.catalog.reasons import ReasonCode
from trading.domain.contracts.canonical import ContractViolation
from trading.domain.contracts.decision import Decision

R, V = ReasonCode, AIGateVerdict


def run(client: ScriptedClient, decision: Decision | None = None, ai_dec: int = 2,
        sys_mode: SysMode = SysMode.NORMAL) -> tuple[GateOutcome, MemoryRecorder, MemoryPauser]:
    recorder, pauser = MemoryRecorder(), MemoryPauser()
    d = decision or make_entry()
    outcome = make_gate(client, ai_dec, recorder=recorder, pauser=pauser).evaluate(d, make_snapshot(d), sys_mode)
    return outcome, recorder, pauser


def test_allow_reports_the_stage_sends_the_hashed_payload_and_records_once() -> None:
    client = ScriptedClient(answer_text("ALLOW", ["SIGNAL_TREND_LONG"]))
    outcome, recorder, pauser = run(client)
    result = outcome.result
    (system, user), = client.calls
    record, = recorder.records
    assert recorder.stages == [make_entry().decision_id]
    assert system == system_prompt("v1") and user == record.gate_input.payload_json
    assert result.input_hash == hashlib.sha256(user.encode()).hexdigest()
    assert result.raw_hash == hashlib.sha256(client.text.encode()).hexdigest()  # type: ignore[union-attr]
    assert (result.verdict, result.reasons) == (V.ALLOW, (R.AIGATE_ALLOW, R.SIGNAL_TREND_LONG))
    assert (result.model, result.latency_ms, result.enabled) == ("fake-model", 3, True)
    assert record.response_text == client.text and recorder.alerts == [] and pauser.requests == []


def test_block_keeps_known_reasons_and_maps_the_rest_to_reason_unknown() -> None:
    client = ScriptedClient(answer_text("BLOCK", ["spread is wide", "SPREAD_TOO_WIDE", "KILL_SWITCH_ACTIVE"]))
    outcome, _, _ = run(client)
    assert outcome.result.reasons == (R.AIGATE_BLOCK, R.AIGATE_REASON_UNKNOWN, R.SPREAD_TOO_WIDE)
    assert outcome.block


def test_a_valid_modify_forwards_the_rebuilt_decision() -> None:
    client = ScriptedClient(answer_text("MODIFY", ["SPREAD_TOO_WIDE"], mod(qty="0.0005", stop_price="59700.00",
                                                                           stop_limit_price="59650.00")))
    outcome, recorder, _ = run(client)
    result, proposed = outcome.result, make_entry()
    assert result.modify_applied and result.reasons == (R.AIGATE_MODIFY_APPLIED, R.SPREAD_TOO_WIDE)
    assert outcome.decision is result.modified_decision
    assert outcome.decision.decision_id != proposed.decision_id
    assert outcome.decision.entry_plan is not None and str(outcome.decision.entry_plan.qty) == "0.0005"


@pytest.mark.parametrize("ai_dec, paused, blocked", [(1, False, False), (2, True, True)])
def test_a_risk_increasing_modify_is_refused_and_handled_as_a_failure(ai_dec: int, paused: bool,
                                                                      blocked: bool) -> None:
    client = ScriptedClient(answer_text("MODIFY", [], mod(qty="0.002")))
    outcome, recorder, pauser = run(client, ai_dec=ai_dec)
    result = outcome.result
    assert (result.verdict, result.modify_applied, result.modified_decision) == (V.MODIFY, False, None)
    assert result.reasons[0] is R.AIGATE_MODIFY_INVALID and not result.error_kind
    assert recorder.records[0].violations == ("increases qty 0.00100 -> 0.002",)
    assert outcome.decision == make_entry() and outcome.block is blocked
    assert bool(pauser.requests) is paused and len(recorder.alerts) == 1


@pytest.mark.parametrize("client, reason, kind", [
    (ScriptedClient(failure=CallFailed(R.AIGATE_TIMEOUT, "timeout", 5000, 1)), R.AIGATE_TIMEOUT, "timeout"),
    (ScriptedClient(failure=CallFailed(R.AIGATE_HTTP_ERROR, "http_500", 40, 3)), R.AIGATE_HTTP_ERROR, "http_500"),
    (ScriptedClient("{oops"), R.AIGATE_PARSE_FAIL, "content_not_json"),
    (ScriptedClient(None), R.AIGATE_PARSE_FAIL, "no_content"),
    (ScriptedClient(None, refused=True), R.AIGATE_PARSE_FAIL, "refusal"),
    (ScriptedClient('{"verdict": "ALLOW"}'), R.AIGATE_SCHEMA_INVALID, "schema_mismatch"),
    (ScriptedClient(failure=RuntimeError("boom")), R.AIGATE_HTTP_ERROR, "unexpected_error"),
], ids=["timeout", "http500", "badjson", "empty", "refusal", "schema", "unexpected"])
def test_every_failure_becomes_an_error_result(client: ScriptedClient, reason: ReasonCode, kind: str) -> None:
    outcome, recorder, pauser = run(client, ai_dec=2)
    result = outcome.result
    assert (result.verdict, result.reasons, result.error_kind) == (V.ERROR, (reason,), kind)
    assert result.input_hash and result.snapshot_hash and len(recorder.records) == 1
    assert pauser.requests == [(SysMode.PAUSE, R.AIGATE_FAIL_CLOSED)] and outcome.block
    assert result.raw_hash == ("" if client.text is None else hashlib.sha256(client.text.encode()).hexdigest())


def test_the_attempts_of_a_failed_call_reach_the_record() -> None:
    _, recorder, _ = run(ScriptedClient(failure=CallFailed(R.AIGATE_HTTP_ERROR, "http_429", 80, 3)))
    assert recorder.records[0].attempts == 3 and recorder.records[0].outcome.result.latency_ms == 80


def test_advisory_error_alerts_but_neither_blocks_nor_pauses() -> None:
    outcome, recorder, pauser = run(ScriptedClient("nope"), ai_dec=1)
    assert not outcome.block and pauser.requests == []
    assert [a.reason for a in recorder.alerts] == [R.AIGATE_PARSE_FAIL]


def test_fail_closed_on_a_manage_pauses_but_lets_it_go_on() -> None:
    outcome, recorder, pauser = run(ScriptedClient("nope"), make_manage(), ai_dec=2)
    assert not outcome.block and outcome.decision == make_manage()
    assert pauser.requests == [(SysMode.PAUSE, R.AIGATE_FAIL_CLOSED)]


@pytest.mark.parametrize("sys_mode", [SysMode.DEGRADE, SysMode.PAUSE])
def test_no_call_for_a_new_entry_in_degrade_or_pause(sys_mode: SysMode) -> None:
    client = ScriptedClient(answer_text("ALLOW"))
    outcome, recorder, pauser = run(client, sys_mode=sys_mode)
    assert client.calls == [] and len(recorder.records) == 1 and pauser.requests == []
    result = outcome.result
    assert (result.verdict, result.reasons, result.enabled) == (V.BLOCK, (R.AIGATE_SKIPPED_SYS_MODE,), True)
    assert outcome.block and result.input_hash


def test_manage_is_still_judged_in_pause() -> None:
    client = ScriptedClient(answer_text("ALLOW"))
    run(client, make_manage(), sys_mode=SysMode.PAUSE)
    assert len(client.calls) == 1


def test_gate_off_makes_no_call_and_still_records_once() -> None:
    client = ScriptedClient(answer_text("BLOCK"))
    outcome, recorder, _ = run(client, ai_dec=0)
    result = outcome.result
    assert client.calls == [] and len(recorder.records) == 1
    assert (result.enabled, result.verdict, result.reasons) == (False, V.ALLOW, (R.AIGATE_DISABLED,))
    assert result.input_hash and result.raw_hash == "" and not outcome.block


def test_a_snapshot_of_another_decision_is_a_caller_bug() -> None:
    gate = make_gate(ScriptedClient(answer_text("ALLOW")))
    d = make_entry()
    with pytest.raises(ContractViolation):
        gate.evaluate(d, make_snapshot(d, snapshot_id="snap-other"), SysMode.NORMAL)


def test_an_unknown_prompt_version_fails_at_wiring() -> None:
    with pytest.raises(UnknownPromptVersion):
        AIGate(ai_dec=1, mode=Mode.PAPER, model="m", prompt_version="v0", client=ScriptedClient(),
               recorder=MemoryRecorder())


def test_the_payload_sent_never_contains_ids() -> None:
    client = ScriptedClient(answer_text("ALLOW"))
    run(client)
    d, user = make_entry(), json.loads(client.calls[0][1])
    assert d.decision_id not in json.dumps(user) and d.cycle_id not in json.dumps(user)
