"""Wiring: the gate and its client from settings (AI_DEC, OPENAI_API_KEY, OPENAI_BASE_URL) and the
runtime config (`TraderConfig.ai`). The only aigate module that reads Django settings."""
from __future__ import annotations

from django.conf import settings

from aigate.audit import GateAuditor
from aigate.client import OpenAIGateClient
from aigate.ports import ModelClient
from aigate.gate import AIGate, PauseRequester
from audit.reporting import AlertRaiser, StageReporter
from audit.writer import AuditWriter
from trading.domain.catalog.panel import Mode
from trading.domain.config.sections import AISection


def client_from_settings(ai: AISection) -> OpenAIGateClient:
    """Return the OpenAI client for `ai`: key and endpoint from OPENAI_API_KEY / OPENAI_BASE_URL.

    Empty settings are passed as None, so the SDK falls back to its own reading of the same
    variables and to api.openai.com: any OpenAI-compatible server works through OPENAI_BASE_URL.
    """
    return OpenAIGateClient(model=ai.model, timeout_ms=ai.timeout_ms, max_retries=ai.max_retries,
                            api_key=settings.OPENAI_API_KEY or None, base_url=settings.OPENAI_BASE_URL or None)


def build_gate(ai: AISection, writer: AuditWriter, *, reporter: StageReporter | None = None,
               alerts: AlertRaiser | None = None, pauser: PauseRequester | None = None,
               client: ModelClient | None = None, ai_dec: int | None = None) -> AIGate:
    """Return the AIGate of this process; AI_DEC from settings unless given, mode from the writer.

    Pass the SysModeController as `pauser` so a fail-closed failure really pauses; without one
    the pipeline must act on `GateOutcome.pause_requested` itself.
    """
    recorder = GateAuditor(writer, reporter=reporter, alerts=alerts, request_max_chars=ai.request_max_chars,
                           response_max_chars=ai.response_max_chars)
    return AIGate(ai_dec=settings.AI_DEC if ai_dec is None else ai_dec, mode=Mode(writer.mode),
                  model=ai.model, prompt_version=ai.prompt_version,
                  client=client if client is not None else client_from_settings(ai),
                  recorder=recorder, pauser=pauser)
