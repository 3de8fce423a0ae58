"""The AI gate stage (000 AIGATE_CALL): one proposed Decision in, one GateOutcome out.

`AIGate.evaluate` runs the 000 sequence:
1. report the stage (console + JSONL STAGE_CHANGED);
2-3. build the canonical payload and compute input_hash and snapshot_hash, before any call;
4. call the model with a hard deadline and bounded retries (unless the policy says off/skip);
5. parse the answer under the strict schema; map its reasons to ReasonCodes;
6. for MODIFY, enforce locally that it only reduces risk and rebuild the Decision (new id);
7. build the AIGateResult (ALLOW|BLOCK|MODIFY|ERROR) and the policy outcome for risk;
then record exactly one audit row + one JSONL AIGATE_CALL, raise the alert and request PAUSE
when the policy says so. Every model or network failure becomes an ERROR result: nothing the
model or the network does can raise out of here. This module has no Django import; the audit
side comes in through the GateRecorder protocol (aigate/audit.py implements it).
"""
from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from aigate.ports import CallFailed, ModelClient
from aigate.modify import apply_modification
from aigate.payload import GateInput, GateSnapshot, build_input
from aigate.policy import CallPlan, GateAlert, GateOutcome, decide, plan_call
from aigate.prompt import system_prompt
from aigate.reasons import map_model_reasons, result_reasons
from aigate.schema import AnswerError, GateAnswer, parse_answer
from trading.domain.catalog.panel import AIGateVerdict, Mode, SysMode
from trading.domain.catalog.reasons import ReasonCode
from trading.domain.contracts.decision import Decision
from trading.domain.contracts.gate import AIGateResult

log = logging.getLogger("livespot.aigate")
R, V = ReasonCode, AIGateVerdict
_VERDICT_CODE = {"ALLOW": R.AIGATE_ALLOW, "BLOCK": R.AIGATE_BLOCK}


@dataclass(frozen=True, slots=True)
class GateRecord:
    """Everything the audit needs about one gate call (texts are raw here; the recorder redacts)."""

    proposed: Decision
    gate_input: GateInput
    outcome: GateOutcome
    ai_dec: int
    prompt_version: str
    response_text: str = ""
    attempts: int = 0
    violations: tuple[str, ...] = ()


class GateRecorder(Protocol):
    def stage_entered(self, decision: Decision) -> None:
        """Report that the AIGATE_CALL stage started for `decision`."""
        ...

    def record(self, record: GateRecord) -> None:
        """Write the one audit row and the one JSONL AIGATE_CALL event of a call."""
        ...

    def alert(self, alert: GateAlert, decision: Decision) -> None:
        """Raise a local alert (console + ALERT_RAISED)."""
        ...


class PauseRequester(Protocol):
    def escalate(self, new: SysMode, cause: ReasonCode, summary: str) -> bool:
        """Move the system to `new` if it is stricter; return True if it moved."""
        ...


@dataclass(frozen=True, slots=True)
class _Judgement:
    result: AIGateResult
    response_text: str = ""
    attempts: int = 0
    violations: tuple[str, ...] = ()


class AIGate:
    """The gate for one process: policy level, mode, model client and the audit side."""

    def __init__(self, *, ai_dec: int, mode: Mode, model: str, prompt_version: str, client: ModelClient,
                 recorder: GateRecorder, pauser: PauseRequester | None = None) -> None:
        system_prompt(prompt_version)  # fail at wiring time on an unknown version
        self.ai_dec, self.mode, self.model, self.prompt_version = ai_dec, Mode(mode), model, prompt_version
        self._client, self._recorder, self._pauser = client, recorder, pauser

    def evaluate(self, proposed: Decision, snapshot: GateSnapshot, sys_mode: SysMode,
                 on_input: Callable[[GateInput], None] | None = None) -> GateOutcome:
        """Return the outcome for `proposed`; audited, alerted and paused per policy.

        `on_input` receives the payload and its hashes once they are computed, before the model
        is called (the trader records the proposal with them).
        Raises ContractViolation only for a caller bug (a snapshot of another symbol/snapshot_id).
        """
        self._recorder.stage_entered(proposed)
        gate_input = build_input(proposed, snapshot, self.prompt_version)
        if on_input is not None:
            on_input(gate_input)
        plan = plan_call(self.ai_dec, self.mode, sys_mode, proposed.intent)
        judged = self._judge(plan, proposed, snapshot, gate_input)
        outcome = decide(self.ai_dec, self.mode, proposed, judged.result)
        self._recorder.record(GateRecord(
            proposed=proposed, gate_input=gate_input, outcome=outcome, ai_dec=self.ai_dec,
            prompt_version=self.prompt_version, response_text=judged.response_text,
            attempts=judged.attempts, violations=judged.violations))
        self._apply_side_effects(outcome, proposed)
        return outcome

    def _judge(self, plan: CallPlan, proposed: Decision, snapshot: GateSnapshot,
               gate_input: GateInput) -> _Judgement:
        input_hash, snapshot_hash = gate_input.input_hash, gate_input.snapshot_hash
        if plan is CallPlan.OFF:
            return _Judgement(AIGateResult.disabled(input_hash=input_hash, snapshot_hash=snapshot_hash))
        if plan is CallPlan.SKIP_SYS_MODE:
            return _Judgement(AIGateResult(enabled=True, verdict=V.BLOCK, model=self.model,
                                           reasons=(R.AIGATE_SKIPPED_SYS_MODE,), input_hash=input_hash,
                                           snapshot_hash=snapshot_hash))
        return self._ask_model(proposed, snapshot, gate_input)

    def _ask_model(self, proposed: Decision, snapshot: GateSnapshot, gate_input: GateInput) -> _Judgement:
        try:
            reply = self._client.ask(system_prompt(self.prompt_version), gate_input.payload_json)
        except CallFailed as failed:
            return _Judgement(self._error(gate_input, failed.reason, failed.kind, failed.latency_ms),
                              attempts=failed.attempts)
        except Exception as exc:  # noqa: BLE001 - a gate must fail into ERROR, never into a crash
            log.error("AI gate call failed unexpectedly: %s", type(exc).__name__)
            return _Judgement(self._error(gate_input, R.AIGATE_HTTP_ERROR, "unexpected_error", 0))
        text = reply.text or ""
        raw_hash = hashlib.sha256(text.encode()).hexdigest() if reply.text is not None else ""
        try:
            if reply.refused:
                raise AnswerError(R.AIGATE_PARSE_FAIL, "refusal")
            answer = parse_answer(reply.text)
        except AnswerError as bad:
            return _Judgement(self._error(gate_input, bad.reason, bad.kind, reply.latency_ms, raw_hash),
                              text, reply.attempts)
        return self._verdict(answer, proposed, snapshot, gate_input, raw_hash, reply.latency_ms,
                             text, reply.attempts)

    def _verdict(self, answer: GateAnswer, proposed: Decision, snapshot: GateSnapshot, gate_input: GateInput,
                 raw_hash: str, latency_ms: int, text: str, attempts: int) -> _Judgement:
        codes = map_model_reasons(answer.reasons)
        common: dict[str, Any] = dict(enabled=True, model=self.model, latency_ms=latency_ms, raw_hash=raw_hash,
                                      input_hash=gate_input.input_hash, snapshot_hash=gate_input.snapshot_hash)
        if answer.verdict != "MODIFY":
            result = AIGateResult(verdict=V(answer.verdict),
                                  reasons=result_reasons(_VERDICT_CODE[answer.verdict], codes), **common)
            return _Judgement(result, text, attempts)
        check = apply_modification(proposed, answer.modification, snapshot)
        if check.applied:
            result = AIGateResult(verdict=V.MODIFY, reasons=result_reasons(R.AIGATE_MODIFY_APPLIED, codes),
                                  modified_decision=check.decision, modify_applied=True, **common)
            return _Judgement(result, text, attempts)
        result = AIGateResult(verdict=V.MODIFY, reasons=result_reasons(R.AIGATE_MODIFY_INVALID, codes),
                              **common)
        return _Judgement(result, text, attempts, check.violations)

    def _error(self, gate_input: GateInput, reason: ReasonCode, kind: str, latency_ms: int,
               raw_hash: str = "") -> AIGateResult:
        return AIGateResult(enabled=True, verdict=V.ERROR, reasons=(reason,), model=self.model,
                            latency_ms=latency_ms, raw_hash=raw_hash, input_hash=gate_input.input_hash,
                            snapshot_hash=gate_input.snapshot_hash, error_kind=kind)

    def _apply_side_effects(self, outcome: GateOutcome, proposed: Decision) -> None:
        if outcome.alert is not None:
            self._recorder.alert(outcome.alert, proposed)
        if outcome.pause_requested and self._pauser is not None:
            self._pauser.escalate(SysMode.PAUSE, R.AIGATE_FAIL_CLOSED, outcome.alert.summary
                                  if outcome.alert else "AI gate fail-closed")
