"""The fake server itself: both API shapes the official client reads, hit counting, and silence."""
from __future__ import annotations

import json

import openai
import pytest

from tests.support.openai_server import FakeOpenAIServer, answer, http_error, refusal


def _sdk(server: FakeOpenAIServer) -> openai.OpenAI:
    return openai.OpenAI(api_key="sk-fake-server-test", base_url=server.base_url, max_retries=0, timeout=3)


def test_it_answers_chat_completions_and_responses_to_the_real_client(openai_server: FakeOpenAIServer) -> None:
    model = openai_server.program("server-shapes", answer("BLOCK", ["DATA_STALE"]))
    sdk = _sdk(openai_server)
    chat = sdk.chat.completions.create(model=model, messages=[{"role": "user", "content": "x"}])
    resp = sdk.responses.create(model=model, input="x")
    expected = {"verdict": "BLOCK", "reasons": ["DATA_STALE"], "modification": None}
    assert json.loads(chat.choices[0].message.content or "") == expected
    assert json.loads(resp.output_text) == expected
    assert openai_server.hits["/v1/chat/completions"] >= 1 and openai_server.hits["/v1/responses"] >= 1
    assert openai_server.model_hits[model] == 2
    sdk.close()


def test_it_refuses_and_errors_like_the_api(openai_server: FakeOpenAIServer) -> None:
    sdk = _sdk(openai_server)
    refused = openai_server.program("server-refusal", refusal())
    message = sdk.chat.completions.create(model=refused, messages=[{"role": "user", "content": "x"}]).choices[0].message
    assert message.content is None and message.refusal
    failing = openai_server.program("server-503", http_error(503))
    with pytest.raises(openai.InternalServerError) as err:
        sdk.chat.completions.create(model=failing, messages=[{"role": "user", "content": "x"}])
    assert err.value.status_code == 503
    with pytest.raises(openai.NotFoundError):
        sdk.embeddings.create(model="x", input="x")  # a path the server does not serve
    sdk.close()
