"""What the gate needs from a model client, without the SDK: the reply, the failure, the protocol.
Pure: no Django, no openai import, so the gate logic runs in unit tests with a fake client."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from trading.domain.catalog.reasons import ReasonCode


@dataclass(frozen=True, slots=True)
class ModelReply:
    """The model's raw message text (None when it sent none), whether it refused, and timing."""

    text: str | None
    refused: bool
    latency_ms: int
    attempts: int


class CallFailed(Exception):
    """The call produced no usable reply: `reason` (ReasonCode) and a short `kind`, no secrets."""

    def __init__(self, reason: ReasonCode, kind: str, latency_ms: int = 0, attempts: int = 1, *,
                 status: int | None = None, retry_after_s: float | None = None) -> None:
        super().__init__(f"{reason.value}: {kind}")
        self.reason, self.kind, self.latency_ms, self.attempts = reason, kind, latency_ms, attempts
        self.status, self.retry_after_s = status, retry_after_s


class ModelClient(Protocol):
    model: str

    def ask(self, system: str, user: str) -> ModelReply:
        """Return the model's reply to one request; raise CallFailed on any failure."""
        ...
