"""Fixtures for the AI gate against the local OpenAI-compatible server, with the real openai client,
the real audit writer (test DB + JSONL trail) and the real SysMode controller."""
from __future__ import annotations

import io
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from aigate.client import OpenAIGateClient
from aigate.gate import AIGate
from aigate.models import AIGateEvent
from aigate.payload import GateSnapshot
from aigate.policy import GateOutcome
from aigate.runtime import build_gate
from audit.writer import AuditWriter
from tests.support.audit import WriterFactory, trail_records
from tests.support.openai_server import Behaviour, FakeOpenAIServer, running_server
from tests.unit.aigate.builders import make_entry, make_snapshot
from trading.domain.catalog.panel import SysMode
from trading.domain.catalog.reasons import ReasonCode
from trading.domain.config.sections import AISection
from trading.domain.contracts.decision import Decision
from trading.sysmode import SysModeController

_names = itertools.count(1)


@pytest.fixture(scope="module")
def openai_server() -> Iterator[FakeOpenAIServer]:
    with running_server() as server:
        yield server


@dataclass
class GateRig:
    """One gate wired like the trader wires it, plus readers for what it left behind."""

    gate: AIGate
    writer: AuditWriter
    sys_mode: SysModeController
    console: io.StringIO
    audit_dir: Path
    server: FakeOpenAIServer
    model: str
    client: OpenAIGateClient

    @property
    def run_id(self) -> str:
        return self.writer.run_id

    def decision(self, make: Callable[..., Decision] = make_entry, **overrides: Any) -> Decision:
        return make(run_id=self.run_id, **overrides)

    def evaluate(self, decision: Decision, snapshot: GateSnapshot | None = None) -> GateOutcome:
        snap = snapshot if snapshot is not None else make_snapshot(decision)
        return self.gate.evaluate(decision, snap, self.sys_mode.mode)

    def rows(self) -> list[AIGateEvent]:
        return list(AIGateEvent.objects.filter(run_id=self.run_id).order_by("id"))

    def lines(self, event_type: str | None = None) -> list[dict[str, Any]]:
        assert self.writer.flush(10), "audit writer did not commit in time"
        return [r for r in trail_records(self.audit_dir)
                if r["run_id"] == self.run_id and (event_type is None or r["event_type"] == event_type)]

    def hits(self) -> int:
        return self.server.model_hits[self.model]


RigFactory = Callable[..., GateRig]


@pytest.fixture
def gate_rig(writer_factory: WriterFactory, openai_server: FakeOpenAIServer,
             audit_dir: Path) -> Iterator[RigFactory]:
    clients: list[OpenAIGateClient] = []

    def make(behaviour: Behaviour, *, ai_dec: int = 2, timeout_ms: int = 3000, max_retries: int = 1,
             sys_mode: SysMode = SysMode.NORMAL, **ai: Any) -> GateRig:
        model = openai_server.program(f"fake-{next(_names)}", behaviour)
        section = AISection(model=model, timeout_ms=timeout_ms, max_retries=max_retries, **ai)
        writer = writer_factory()
        reporter, alerts, console = writer_factory.reporting(writer)
        controller = SysModeController(writer, alerts)
        if sys_mode is not SysMode.NORMAL:
            controller.transition(sys_mode, _cause(sys_mode), "test setup")
        client = OpenAIGateClient(model=model, timeout_ms=timeout_ms, max_retries=max_retries,
                                  api_key=settings.OPENAI_API_KEY, base_url=openai_server.base_url)
        clients.append(client)
        gate = build_gate(section, writer, reporter=reporter, alerts=alerts, pauser=controller, client=client,
                          ai_dec=ai_dec)
        return GateRig(gate, writer, controller, console, audit_dir, openai_server, model, client)

    yield make
    for client in clients:
        client.close()


def _cause(sys_mode: SysMode) -> ReasonCode:
    return ReasonCode.OPERATOR_PAUSE if sys_mode is SysMode.PAUSE else ReasonCode.DISK_LOW_DEGRADE
