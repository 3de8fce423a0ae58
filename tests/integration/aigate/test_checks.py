"""Doctor check AI001 against the local server: a model that answers the schema passes; a broken,
slow or unreachable one fails with one clear line naming the model and the failure, never the key
or the endpoint."""
from __future__ import annotations

import socket

from django.conf import settings
from django.test import override_settings

from aigate.checks import CHECK_ID, check_ai_gate
from aigate.client import OpenAIGateClient
from tests.support.openai_server import FakeOpenAIServer, answer, content, http_error, slow
from trading.checks import FAIL, PASS, SKIP
from trading.domain.config.sections import AISection


def _client(server: FakeOpenAIServer, model: str, timeout_ms: int = 3000) -> OpenAIGateClient:
    return OpenAIGateClient(model=model, timeout_ms=timeout_ms, max_retries=1, api_key=settings.OPENAI_API_KEY,
                            base_url=server.base_url)


def _no_secrets(server: FakeOpenAIServer, *texts: str) -> bool:
    return not any(settings.OPENAI_API_KEY in t or server.base_url in t or "127.0.0.1" in t for t in texts)


def test_a_model_that_answers_the_schema_passes(openai_server: FakeOpenAIServer) -> None:
    model = openai_server.program("doctor-ok", answer("BLOCK", ["EDGE_BELOW_COSTS"]))
    result = check_ai_gate(AISection(model=model), ai_dec=2, client=_client(openai_server, model))
    assert (result.check_id, result.status) == (CHECK_ID, PASS)
    assert result.detail.startswith("model doctor-ok answered BLOCK in schema livespot_aigate_answer_v1 (")
    sent = openai_server.requests[-1]
    assert sent["response_format"]["json_schema"]["strict"] is True and sent["model"] == model


def test_a_broken_model_fails_with_one_clear_line(openai_server: FakeOpenAIServer) -> None:
    model = openai_server.program("doctor-broken", content('{"decision": "yes please"}'))
    result = check_ai_gate(AISection(model=model), ai_dec=1, client=_client(openai_server, model))
    assert result.status == FAIL
    assert result.detail == ("model doctor-broken: answered outside the strict schema "
                             "(AIGATE_SCHEMA_INVALID: schema_mismatch)")
    assert "structured outputs" in result.hint and "\n" not in result.detail
    assert _no_secrets(openai_server, result.detail, result.hint)


def test_an_erroring_slow_or_unreachable_endpoint_fails(openai_server: FakeOpenAIServer) -> None:
    e500 = openai_server.program("doctor-500", http_error(500))
    got = check_ai_gate(AISection(model=e500), ai_dec=2, client=_client(openai_server, e500))
    assert got.status == FAIL and "(AIGATE_HTTP_ERROR: http_500, 2 attempt(s)" in got.detail
    sleepy = openai_server.program("doctor-slow", slow(3.0))
    got = check_ai_gate(AISection(model=sleepy), ai_dec=2, client=_client(openai_server, sleepy, timeout_ms=200))
    assert got.status == FAIL and "AIGATE_TIMEOUT: timeout" in got.detail and "ai.timeout_ms" in got.hint
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    dead = OpenAIGateClient(model="doctor-dead", timeout_ms=500, max_retries=0, api_key="sk-dead-000000",
                            base_url=f"http://127.0.0.1:{port}/v1")
    got = check_ai_gate(AISection(model="doctor-dead"), ai_dec=2, client=dead)
    assert got.status == FAIL and "AIGATE_HTTP_ERROR: connection" in got.detail
    assert _no_secrets(openai_server, got.detail, got.hint) and str(port) not in got.detail


def test_the_check_is_skipped_when_the_gate_is_off_and_reads_settings_otherwise(
        openai_server: FakeOpenAIServer) -> None:
    assert check_ai_gate(AISection(), ai_dec=0).status == SKIP
    model = openai_server.program("doctor-settings", answer("ALLOW"))
    with override_settings(AI_DEC=2, OPENAI_BASE_URL=openai_server.base_url):
        result = check_ai_gate(AISection(model=model))
    assert result.status == PASS and openai_server.model_hits[model] == 1


def test_an_unknown_prompt_version_fails_before_any_call(openai_server: FakeOpenAIServer) -> None:
    model = openai_server.program("doctor-prompt", answer("ALLOW"))
    result = check_ai_gate(AISection(model=model, prompt_version="v9"), ai_dec=1,
                           client=_client(openai_server, model))
    assert result.status == FAIL and "ai.prompt_version 'v9'" in result.detail
    assert openai_server.model_hits[model] == 0
