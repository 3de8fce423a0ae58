"""The model call through the official `openai` client: strict structured output, a hard
deadline, bounded retries, and every failure turned into (ReasonCode, kind).

Time budget: `timeout_ms` bounds the whole call, retries included. Each attempt gets what is
left of it, so a slow server costs at most one timeout, while quick 429/5xx/connection failures
are retried up to `max_retries` times inside the same budget. The SDK's own retries are off
(they would multiply the timeout and honour a Retry-After of up to two minutes). An answer that
arrives after the deadline is discarded as a timeout. Limit: httpx timeouts are per socket
operation, so a server that trickles its body byte by byte can hold the calling thread past the
deadline; whatever it finally sends is still discarded as AIGATE_TIMEOUT.

No key, header or URL is ever logged or put in an error: failures carry only a kind such as
"timeout" or "http_429".
"""
from __future__ import annotations

import json
import time
from typing import Any, cast

import openai
from openai.types.chat import ChatCompletionMessageParam
from openai.types.shared_params import ResponseFormatJSONSchema

from aigate.ports import CallFailed, ModelClient, ModelReply
from aigate.schema import response_format
from trading.domain.catalog.reasons import ReasonCode

R = ReasonCode
__all__ = ["CallFailed", "ModelClient", "ModelReply", "OpenAIGateClient"]
# The httpx2/httpcore2/openai loggers are held at WARNING in settings.LOGGING: at INFO httpx2
# logs every request with its full URL (never a key, header or full URL in livespot's logs).
# The answer is a few hundred tokens; the cap bounds cost and latency of a runaway model.
MAX_COMPLETION_TOKENS = 1000
_BACKOFF_FIRST_S = 0.05
_BACKOFF_MAX_S = 0.5


class OpenAIGateClient:
    """Asks an OpenAI(-compatible) chat model for a GateAnswer under a strict JSON schema.

    `api_key` / `base_url` None let the client read OPENAI_API_KEY / OPENAI_BASE_URL itself.
    A missing key makes every call fail (client_not_configured): a gate failure, not a crash.
    """

    def __init__(self, *, model: str, timeout_ms: int, max_retries: int, api_key: str | None = None,
                 base_url: str | None = None) -> None:
        self.model = model
        self.timeout_s = timeout_ms / 1000
        self.max_retries = max_retries
        self._sdk: openai.OpenAI | None = None
        try:
            # Built once, up front: building costs ~0.1 s (TLS context), which must not eat the
            # deadline of a call. Retries are ours (see the module docstring).
            self._sdk = openai.OpenAI(api_key=api_key or None, base_url=base_url or None,
                                      timeout=self.timeout_s, max_retries=0)
        except openai.OpenAIError:
            self._sdk = None  # no API key: every call fails with client_not_configured

    def ask(self, system: str, user: str) -> ModelReply:
        """Return the reply within the deadline; raise CallFailed (never an SDK error)."""
        if self._sdk is None:
            raise CallFailed(R.AIGATE_HTTP_ERROR, "client_not_configured", 0, 0)
        started = time.monotonic()
        deadline = started + self.timeout_s
        completion, attempts = self._call_with_retries(system, user, started, deadline)
        latency_ms = _ms_since(started)
        if time.monotonic() > deadline:
            raise CallFailed(R.AIGATE_TIMEOUT, "answer_after_deadline", latency_ms, attempts)
        text, refused = _message_of(completion, latency_ms, attempts)
        return ModelReply(text=text, refused=refused, latency_ms=latency_ms, attempts=attempts)

    def close(self) -> None:
        """Close the SDK's HTTP connection pool."""
        if self._sdk is not None:
            self._sdk.close()

    def _call_with_retries(self, system: str, user: str, started: float, deadline: float) -> tuple[Any, int]:
        attempt = 0
        while True:
            attempt += 1
            try:
                return self._create(system, user, max(deadline - time.monotonic(), 0.001)), attempt
            except CallFailed as failed:
                failed.latency_ms, failed.attempts = _ms_since(started), attempt
                if not _retryable(failed) or attempt > self.max_retries:
                    raise
                pause = _backoff_s(attempt, failed.retry_after_s)
                if time.monotonic() + pause >= deadline:
                    raise  # no budget left for another try
                time.sleep(pause)

    def _create(self, system: str, user: str, timeout_s: float) -> Any:
        """Send one request; translate every failure into CallFailed."""
        try:
            assert self._sdk is not None  # checked in ask()
            messages: list[ChatCompletionMessageParam] = [{"role": "system", "content": system},
                                                          {"role": "user", "content": user}]
            return self._sdk.chat.completions.create(
                model=self.model, messages=messages,
                response_format=cast(ResponseFormatJSONSchema, response_format()),
                temperature=0, max_completion_tokens=MAX_COMPLETION_TOKENS, timeout=timeout_s,
            )
        except openai.APITimeoutError:
            raise CallFailed(R.AIGATE_TIMEOUT, "timeout") from None
        except openai.APIStatusError as exc:
            raise _status_failure(exc) from None
        except openai.APIConnectionError:
            raise CallFailed(R.AIGATE_HTTP_ERROR, "connection") from None
        except openai.OpenAIError:  # any other SDK error: still a failed call, never a crash
            raise CallFailed(R.AIGATE_HTTP_ERROR, "client_error") from None
        except json.JSONDecodeError:  # HTTP 200 whose body is not JSON
            raise CallFailed(R.AIGATE_PARSE_FAIL, "body_not_json") from None
        except ValueError:  # pydantic ValidationError on a malformed body
            raise CallFailed(R.AIGATE_PARSE_FAIL, "body_invalid") from None


def _status_failure(exc: openai.APIStatusError) -> CallFailed:
    return CallFailed(R.AIGATE_HTTP_ERROR, f"http_{exc.status_code}", status=exc.status_code,
                      retry_after_s=_retry_after_s(exc))


def _retry_after_s(exc: openai.APIStatusError) -> float | None:
    value = exc.response.headers.get("retry-after")
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None  # an HTTP date: treat as "no hint"; the budget bounds the wait anyway


def _retryable(failed: CallFailed) -> bool:
    # Same families the SDK retries: 408/409/429/5xx and lost connections; never a timeout
    # (the budget is spent) nor an answer we could not read (a retry would read the same).
    if failed.status is not None:
        return failed.status in (408, 409, 429) or failed.status >= 500
    return failed.kind == "connection"


def _backoff_s(attempt: int, retry_after_s: float | None) -> float:
    pause = min(_BACKOFF_FIRST_S * 2.0 ** (attempt - 1), _BACKOFF_MAX_S)
    return max(pause, retry_after_s) if retry_after_s is not None and retry_after_s > 0 else pause


def _message_of(completion: Any, latency_ms: int, attempts: int) -> tuple[str | None, bool]:
    """Return (content, refused) of the first choice; raise CallFailed if the shape is wrong."""
    try:
        message = completion.choices[0].message
        content, refusal = message.content, getattr(message, "refusal", None)
    except (AttributeError, IndexError, KeyError, TypeError):
        raise CallFailed(R.AIGATE_PARSE_FAIL, "response_shape", latency_ms, attempts) from None
    if content is not None and not isinstance(content, str):
        raise CallFailed(R.AIGATE_PARSE_FAIL, "response_shape", latency_ms, attempts)
    return content, bool(refusal)


def _ms_since(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
