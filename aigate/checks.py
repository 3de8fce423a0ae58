"""Doctor check AI001: the configured model answers a probe decision in the strict schema.

It sends the same kind of request the gate sends (system prompt of the configured version, a
fixed probe payload, strict JSON-schema output) through the same client, deadline and retries,
and passes when the answer parses under the schema, whatever the verdict. Detail and hint name
the model and the failure kind, never the key or the endpoint URL.
"""
from __future__ import annotations

from decimal import Decimal as D

from django.conf import settings

from aigate.ports import CallFailed, ModelClient
from aigate.payload import GateSnapshot, build_input
from aigate.prompt import UnknownPromptVersion, system_prompt
from aigate.runtime import client_from_settings
from aigate.schema import SCHEMA_NAME, AnswerError, parse_answer
from trading.checks import FAIL, PASS, SKIP, CheckResult
from trading.domain.catalog.panel import RegimeLabel
from trading.domain.catalog.reasons import ReasonCode
from trading.domain.config.sections import AISection
from trading.domain.contracts.canonical import sha256_hex
from trading.domain.contracts.decision import (
    Costs,
    Decision,
    DecisionConstraints,
    DecisionIntent,
    EntryOrderType,
    EntryPlan,
    ExitPlan,
    Side,
)

CHECK_ID = "AI001"
CHECK_NAME = "AI gate structured output"
_R = ReasonCode
_HINTS = {
    _R.AIGATE_TIMEOUT: "raise ai.timeout_ms or check the endpoint's load (OPENAI_BASE_URL)",
    _R.AIGATE_HTTP_ERROR: "check OPENAI_API_KEY, OPENAI_BASE_URL and that ai.model exists there",
    _R.AIGATE_PARSE_FAIL: "use a model/server that supports strict JSON-schema structured outputs",
    _R.AIGATE_SCHEMA_INVALID: "use a model/server that supports strict JSON-schema structured outputs",
}


def probe_decision() -> Decision:
    """Return the fixed, valid ENTRY decision the check asks about."""
    return Decision.build(
        ts_ms=1_700_000_000_000, run_id="r-doctor", cycle_id="r-doctor-c0", snapshot_id="snap-doctor",
        symbol="BTCUSDT", intent=DecisionIntent.ENTRY, side=Side.BUY,
        entry_plan=EntryPlan(EntryOrderType.LIMIT, price=D("60000.00"), qty=D("0.00100"), ttl_ms=20_000),
        exit_plan=ExitPlan(take_profit_price=D("60600.00"), stop_price=D("59700.00"),
                           stop_limit_price=D("59650.00"), time_stop_ms=3_600_000),
        constraints=DecisionConstraints(D("0.01"), D("0.00001"), D("0.00001"), D("5"), None,
                                        sha256_hex({"probe": "filters"})),
        edge_bps=40, costs=Costs(fees_bps=20, spread_bps=1, slippage_bps=3),
        reason_codes=(_R.SIGNAL_TREND_LONG,), strategy="doctor_probe", strategy_version="1",
    )


def probe_snapshot() -> GateSnapshot:
    """Return the market snapshot that goes with `probe_decision()`."""
    return GateSnapshot(snapshot_id="snap-doctor", symbol="BTCUSDT", ts_ms=1_699_999_999_500,
                        bid=D("59999.99"), ask=D("60000.00"), regime=RegimeLabel.TREND, spread_bps=1)


def check_ai_gate(ai: AISection, *, ai_dec: int | None = None, client: ModelClient | None = None) -> CheckResult:
    """Return PASS when the model answers the probe in the strict schema; SKIP when AI_DEC=0."""
    level = settings.AI_DEC if ai_dec is None else ai_dec
    if level == 0:
        return CheckResult(CHECK_ID, CHECK_NAME, SKIP, "gate off (AI_DEC=0)")
    try:
        prompt = system_prompt(ai.prompt_version)
    except UnknownPromptVersion as exc:
        return CheckResult(CHECK_ID, CHECK_NAME, FAIL, str(exc), "set ai.prompt_version to a known version")
    client = client if client is not None else client_from_settings(ai)
    payload = build_input(probe_decision(), probe_snapshot(), ai.prompt_version).payload_json
    try:
        reply = client.ask(prompt, payload)
        if reply.refused:
            raise AnswerError(_R.AIGATE_PARSE_FAIL, "refusal")
        answer = parse_answer(reply.text)
    except CallFailed as failed:
        return _fail(ai.model, f"no usable answer ({failed.reason.value}: {failed.kind}, "
                     f"{failed.attempts} attempt(s), {failed.latency_ms} ms)", failed.reason)
    except AnswerError as bad:
        return _fail(ai.model, f"answered outside the strict schema ({bad.reason.value}: {bad.kind})", bad.reason)
    return CheckResult(CHECK_ID, CHECK_NAME, PASS,
                       f"model {ai.model} answered {answer.verdict} in schema {SCHEMA_NAME} ({reply.latency_ms} ms)")


def _fail(model: str, what: str, reason: ReasonCode) -> CheckResult:
    return CheckResult(CHECK_ID, CHECK_NAME, FAIL, f"model {model}: {what}", _HINTS.get(reason, ""))
