"""The AI gate's audit side: exactly one `ai_gate_events` row and one JSONL AIGATE_CALL event per
call, failures and disabled/skipped calls included, plus the stage line and alerts (000
AIGATE_CALL "Stage audit").

Both records carry hashes, verdict, reasons, model, latency and error code. Only the row keeps
text, and only redacted then truncated (config `ai.request_max_chars` / `response_max_chars`,
0 = hashes only): the payload we sent and the model's raw answer. Never a key, a header or a
URL: the client never hands them over, and the redactor runs on the text anyway.
"""
from __future__ import annotations

from typing import Any

from aigate.gate import GateRecord
from aigate.models import REDACTED_TEXT_MAX, AIGateEvent
from aigate.policy import GateAlert, is_failure
from audit.record import AuditRecord
from audit.redaction import Redactor, get_redactor
from audit.reporting import AlertRaiser, StageReporter
from audit.writer import AuditWriter
from trading.domain.catalog import AuditEventType, StageName
from trading.domain.contracts.decision import Decision
from trading.domain.contracts.gate import AIGateResult

STAGE = StageName.AIGATE_CALL
_VIOLATIONS_KEPT = 3
_VIOLATION_CHARS = 200


class GateAuditor:
    """Implements aigate.gate.GateRecorder on the audit writer (JSONL + audit_event) and the ORM."""

    def __init__(self, writer: AuditWriter, *, reporter: StageReporter | None = None,
                 alerts: AlertRaiser | None = None, request_max_chars: int = 2000,
                 response_max_chars: int = 2000, redactor: Redactor | None = None) -> None:
        self._writer, self._reporter, self._alerts = writer, reporter, alerts
        self._request_max = min(request_max_chars, REDACTED_TEXT_MAX)
        self._response_max = min(response_max_chars, REDACTED_TEXT_MAX)
        self._redactor = redactor or get_redactor()

    def stage_entered(self, decision: Decision) -> None:
        """Print the stage line and emit STAGE_CHANGED (just the event without a reporter)."""
        summary = f"{decision.intent.value} {decision.symbol}"
        d = decision
        if self._reporter is not None:
            self._reporter.enter(STAGE, summary, symbol=d.symbol, cycle_id=d.cycle_id, decision_id=d.decision_id)
        else:
            self._writer.emit(AuditEventType.STAGE_CHANGED, stage=STAGE, symbol=d.symbol, cycle_id=d.cycle_id,
                              snapshot_id=d.snapshot_id, decision_id=d.decision_id, data={"summary": summary})

    def record(self, record: GateRecord) -> None:
        """Write the ai_gate_events row, then queue the JSONL AIGATE_CALL event with the same ts_ms."""
        ts_ms = self._writer.clock.now_ms()
        AIGateEvent.objects.create(**self._row(record, ts_ms))
        d = record.proposed
        self._writer.submit(AuditRecord(
            ts_ms=ts_ms, run_id=self._writer.run_id, mode=self._writer.mode, stage=STAGE,
            event_type=AuditEventType.AIGATE_CALL, reasons=envelope_reasons(record), symbol=d.symbol,
            cycle_id=d.cycle_id, snapshot_id=d.snapshot_id, decision_id=d.decision_id,
            data=jsonl_fields(record)))

    def alert(self, alert: GateAlert, decision: Decision) -> None:
        """Raise the alert through the AlertRaiser (console + ALERT_RAISED), or just the event."""
        metadata = {"decision_id": decision.decision_id, "intent": decision.intent.value}
        if self._alerts is not None:
            self._alerts.raise_alert(alert.reason, alert.severity, alert.summary, stage=STAGE,
                                     symbol=decision.symbol, metadata=metadata)
            return
        self._writer.emit(AuditEventType.ALERT_RAISED, stage=STAGE, symbol=decision.symbol,
                          severity=alert.severity, reasons=(alert.reason,), cycle_id=decision.cycle_id,
                          decision_id=decision.decision_id,
                          data={"reason_code": alert.reason.value, "severity": alert.severity.value,
                                "summary": alert.summary, "metadata": metadata})

    def _row(self, record: GateRecord, ts_ms: int) -> dict[str, Any]:
        d, result = record.proposed, record.outcome.result
        modified = result.modified_decision
        return dict(
            ts_ms=ts_ms, run_id=self._writer.run_id, cycle_id=d.cycle_id, snapshot_id=d.snapshot_id,
            decision_id=d.decision_id, mode=self._writer.mode, stage=STAGE.value,
            event_type=AuditEventType.AIGATE_CALL.value, symbol=d.symbol,
            reasons=list(envelope_reasons(record)), enabled=result.enabled, verdict=result.verdict.value,
            model=result.model, latency_ms=result.latency_ms, input_hash=result.input_hash,
            snapshot_hash=result.snapshot_hash, raw_hash=result.raw_hash,
            modify_applied=result.modify_applied, error_kind=result.error_kind,
            applied_decision_id=modified.decision_id if modified is not None else "",
            request_redacted=self._clip(record.gate_input.payload_json, self._request_max),
            response_redacted=self._clip(record.response_text, self._response_max),
            modified_decision=modified.to_dict() if modified is not None else None,
        )

    def _clip(self, text: str, limit: int) -> str:
        # Redact before cutting: a cut could split a secret and hide it from the redactor.
        return self._redactor.text(text)[:limit] if limit > 0 else ""


def envelope_reasons(record: GateRecord) -> tuple[str, ...]:
    """Return the event's reasons: the result's, then the policy's (e.g. AIGATE_FAIL_CLOSED)."""
    codes = (*record.outcome.result.reasons, *record.outcome.reasons)
    return tuple(dict.fromkeys(code.value for code in codes))


def error_code(result: AIGateResult) -> str:
    """Return the ReasonCode of a failure (ERROR or a rejected MODIFY), else ""."""
    return result.reasons[0].value if is_failure(result) else ""


def jsonl_fields(record: GateRecord) -> dict[str, Any]:
    """Return the AIGATE_CALL payload: the 000 fields (hashes only, no text), then context."""
    result, outcome = record.outcome.result, record.outcome
    modified = result.modified_decision
    data: dict[str, Any] = {
        "ai_enabled": int(result.enabled), "ai_verdict": result.verdict.value,
        "ai_reasons": [code.value for code in result.reasons], "ai_model": result.model,
        "ai_latency_ms": result.latency_ms, "ai_raw_hash": result.raw_hash,
        "ai_input_hash": result.input_hash, "ai_snapshot_hash": result.snapshot_hash,
        "ai_modify_applied": int(result.modify_applied),
    }
    code = error_code(result)
    if code:
        data["ai_error_code"] = code
        data["ai_error_kind"] = result.error_kind
    data.update({
        "ai_dec": record.ai_dec, "ai_prompt_version": record.prompt_version, "ai_attempts": record.attempts,
        "ai_applied_decision_id": modified.decision_id if modified is not None else "",
        "ai_block": int(outcome.block), "ai_pause_requested": int(outcome.pause_requested),
        "ai_policy_reasons": [code.value for code in outcome.reasons],
    })
    if record.violations:
        data["ai_modify_violations"] = [v[:_VIOLATION_CHARS] for v in record.violations[:_VIOLATIONS_KEPT]]
    return data
