"""What the gate leaves behind: deterministic hashes across runs, redacted and truncated text,
no key, header or URL anywhere, and the wiring from settings."""
from __future__ import annotations

import hashlib
import logging

import pytest
from django.conf import settings
from django.test import override_settings

from aigate.runtime import build_gate
from tests.integration.aigate.conftest import RigFactory
from tests.support.audit import WriterFactory
from tests.support.openai_server import FakeOpenAIServer, answer, content, modification
from tests.unit.aigate.builders import make_entry, make_snapshot
from tests.unit.aigate.test_payload import PINNED_INPUT_HASH, PINNED_SNAPSHOT_HASH
from trading.domain.catalog.panel import AIGateVerdict, SysMode
from trading.domain.catalog.reasons import ReasonCode
from trading.domain.config.sections import AISection

pytestmark = pytest.mark.django_db(transaction=True)
R, V = ReasonCode, AIGateVerdict


def _leaks(secret: str, texts: list[str]) -> list[int]:
    # Indexes only: an assertion message must never print the secret itself.
    return [i for i, text in enumerate(texts) if secret in text]


def test_identical_inputs_give_identical_hashes_across_runs(gate_rig: RigFactory) -> None:
    behaviour = answer("MODIFY", ["DATA_STALE"], modification(qty="0.0005"))
    first, second = gate_rig(behaviour), gate_rig(behaviour)
    assert first.run_id != second.run_id
    a, b = first.evaluate(first.decision()), second.evaluate(second.decision())
    assert first.decision().decision_id != second.decision().decision_id  # ids differ by run...
    assert (a.result.input_hash, a.result.snapshot_hash) == (PINNED_INPUT_HASH, PINNED_SNAPSHOT_HASH)  # ...content hashes don't
    assert (a.result.input_hash, a.result.snapshot_hash, a.result.raw_hash) == (
        b.result.input_hash, b.result.snapshot_hash, b.result.raw_hash)
    row_a, row_b = first.rows()[0], second.rows()[0]
    assert (row_a.input_hash, row_a.snapshot_hash, row_a.raw_hash, row_a.request_redacted) == (
        row_b.input_hash, row_b.snapshot_hash, row_b.raw_hash, row_b.request_redacted)
    # The applied decisions differ only by their run-bound ids, never by content.
    assert a.decision.to_dict()["entry_plan"] == b.decision.to_dict()["entry_plan"]


def test_the_sent_key_is_the_configured_one_and_never_stored_or_printed(gate_rig: RigFactory,
                                                                          caplog: pytest.LogCaptureFixture) -> None:
    key = settings.OPENAI_API_KEY
    echo = f"the key is {key}"  # a model (or proxy) echoing a secret back into its answer
    rig = gate_rig(content(f'{{"verdict": "BLOCK", "reasons": ["{echo}"], "modification": null}}'))
    with caplog.at_level(logging.DEBUG):
        outcome = rig.evaluate(rig.decision())
    assert rig.server.auth_sha256[-1] == hashlib.sha256(f"Bearer {key}".encode()).hexdigest()
    assert outcome.result.reasons == (R.AIGATE_BLOCK, R.AIGATE_REASON_UNKNOWN)  # never passed through
    row = rig.rows()[0]
    assert "***REDACTED***" in row.response_redacted
    texts = [row.response_redacted, row.request_redacted, str(rig.lines()), rig.console.getvalue(),
             caplog.text] + [r.getMessage() for r in caplog.records]
    assert _leaks(key, texts) == []
    assert _leaks(rig.server.base_url, texts) == [] and _leaks("127.0.0.1", texts) == []


def test_request_and_response_copies_follow_the_configured_limits(gate_rig: RigFactory) -> None:
    rig = gate_rig(answer("ALLOW", ["SIGNAL_TREND_LONG"]), request_max_chars=0, response_max_chars=12)
    rig.evaluate(rig.decision())
    row = rig.rows()[0]
    assert row.request_redacted == "" and row.response_redacted == '{"verdict": '
    big = gate_rig(answer("ALLOW"), request_max_chars=20_000)
    big.evaluate(big.decision())
    assert len(big.rows()[0].request_redacted) <= 4000  # the table's cap wins over the config


def test_build_gate_reads_key_endpoint_and_level_from_settings(writer_factory: WriterFactory,
                                                               openai_server: FakeOpenAIServer) -> None:
    model = openai_server.program("fake-from-settings", answer("BLOCK", ["SPREAD_TOO_WIDE"]))
    writer = writer_factory()
    with override_settings(OPENAI_BASE_URL=openai_server.base_url, AI_DEC=1):
        gate = build_gate(AISection(model=model, timeout_ms=3000), writer)
    decision = make_entry(run_id=writer.run_id)
    outcome = gate.evaluate(decision, make_snapshot(decision), SysMode.NORMAL)
    assert outcome.result.verdict is V.BLOCK and gate.ai_dec == 1 and openai_server.model_hits[model] == 1
    assert openai_server.auth_sha256[-1] == hashlib.sha256(f"Bearer {settings.OPENAI_API_KEY}".encode()).hexdigest()


def test_a_missing_key_is_a_gate_error_not_a_crash(writer_factory: WriterFactory, openai_server: FakeOpenAIServer,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)  # the SDK would fall back to it
    writer = writer_factory()
    with override_settings(OPENAI_BASE_URL=openai_server.base_url, OPENAI_API_KEY="", AI_DEC=2):
        gate = build_gate(AISection(model="fake-no-key"), writer)
    decision = make_entry(run_id=writer.run_id)
    outcome = gate.evaluate(decision, make_snapshot(decision), SysMode.NORMAL)
    assert (outcome.result.verdict, outcome.result.error_kind) == (V.ERROR, "client_not_configured")
    assert outcome.block and outcome.pause_requested and openai_server.model_hits["fake-no-key"] == 0
