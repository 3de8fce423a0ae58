"""Fakes for the gate's ports: a scripted model client, an in-memory recorder, a pause requester."""
from __future__ import annotations

from dataclasses import dataclass, field

from aigate.gate import AIGate, GateRecord
from aigate.policy import GateAlert
from aigate.ports import CallFailed, ModelReply
from trading.domain.catalog.panel import Mode, SysMode
from trading.domain.catalog.reasons import ReasonCode
from trading.domain.contracts.decision import Decision


class ScriptedClient:
    """Answers every call with `text`, or raises `failure`, or refuses."""

    def __init__(self, text: str | None = None, *, failure: CallFailed | Exception | None = None,
                 refused: bool = False, model: str = "fake-model") -> None:
        self.model, self.text, self.failure, self.refused = model, text, failure, refused
        self.calls: list[tuple[str, str]] = []

    def ask(self, system: str, user: str) -> ModelReply:
        self.calls.append((system, user))
        if self.failure is not None:
            raise self.failure
        return ModelReply(text=self.text, refused=self.refused, latency_ms=3, attempts=1)


@dataclass
class MemoryRecorder:
    stages: list[str] = field(default_factory=list)
    records: list[GateRecord] = field(default_factory=list)
    alerts: list[GateAlert] = field(default_factory=list)

    def stage_entered(self, decision: Decision) -> None:
        self.stages.append(decision.decision_id)

    def record(self, record: GateRecord) -> None:
        self.records.append(record)

    def alert(self, alert: GateAlert, decision: Decision) -> None:
        self.alerts.append(alert)


@dataclass
class MemoryPauser:
    requests: list[tuple[SysMode, ReasonCode]] = field(default_factory=list)

    def escalate(self, new: SysMode, cause: ReasonCode, summary: str) -> bool:
        self.requests.append((new, cause))
        return True


def make_gate(client: ScriptedClient, ai_dec: int = 2, mode: Mode = Mode.PAPER,
              recorder: MemoryRecorder | None = None, pauser: MemoryPauser | None = None) -> AIGate:
    """Return an AIGate on fakes (prompt v1)."""
    return AIGate(ai_dec=ai_dec, mode=mode, model=client.model, prompt_version="v1", client=client,
                  recorder=recorder if recorder is not None else MemoryRecorder(), pauser=pauser)
