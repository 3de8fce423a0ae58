"""The model's answer: a strict pydantic model, the JSON schema sent as structured output, and
the parser that turns raw text into an answer or a typed failure. Pure: no Django, no I/O.

The schema can express only risk reductions: a verdict, reason strings, and optional new
values for size, stop, take profit, trail and time stop. It has no field for the symbol, the
side, the entry price or any id, so the model cannot even ask for those (and `extra="forbid"`
refuses a server that sends them anyway). Whether the values really reduce risk is checked
locally in modify.py.
"""
from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, model_validator

from aigate.reasons import MAX_MODEL_REASONS
from trading.domain.catalog.reasons import ReasonCode

SCHEMA_NAME = "livespot_aigate_answer_v1"
# A complete answer is a few hundred characters; anything far longer is not an answer.
MAX_ANSWER_CHARS = 8_000
DECIMAL_PATTERN = r"^(0|[1-9][0-9]{0,11})(\.[0-9]{1,12})?$"

DecimalText = Annotated[str, StringConstraints(pattern=DECIMAL_PATTERN)]  # the pattern bounds the length


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Modification(_Strict):
    """New values for a MODIFY; null keeps the proposal's value. Every key must be present."""

    qty: DecimalText | None
    stop_price: DecimalText | None
    stop_limit_price: DecimalText | None
    take_profit_price: DecimalText | None
    trailing_activation_price: DecimalText | None
    trailing_delta_bps: Annotated[int, Field(ge=10, le=2000)] | None
    time_stop_ms: Annotated[int, Field(ge=1, le=604_800_000)] | None

    def changes(self) -> dict[str, Any]:
        """Return only the fields the model set (non-null)."""
        return {k: v for k, v in self.model_dump().items() if v is not None}


class GateAnswer(_Strict):
    """The whole answer; a modification is allowed only with verdict MODIFY."""

    verdict: Literal["ALLOW", "BLOCK", "MODIFY"]
    reasons: Annotated[list[str], Field(max_length=MAX_MODEL_REASONS)]
    modification: Modification | None

    @model_validator(mode="after")
    def _modification_only_with_modify(self) -> GateAnswer:
        if self.modification is not None and self.verdict != "MODIFY":
            raise ValueError("modification must be null unless verdict is MODIFY")
        return self


class AnswerError(Exception):
    """The model's text is not a valid answer; `reason` is the ReasonCode, `kind` the detail."""

    def __init__(self, reason: ReasonCode, kind: str) -> None:
        super().__init__(f"{reason.value}: {kind}")
        self.reason, self.kind = reason, kind


def parse_answer(text: str | None) -> GateAnswer:
    """Return the answer in `text`; raise AnswerError(AIGATE_PARSE_FAIL | AIGATE_SCHEMA_INVALID)."""
    if text is None or not text.strip():
        raise AnswerError(ReasonCode.AIGATE_PARSE_FAIL, "no_content")
    if len(text) > MAX_ANSWER_CHARS:
        raise AnswerError(ReasonCode.AIGATE_SCHEMA_INVALID, "answer_too_long")
    try:
        # NaN/Infinity are not JSON; the stdlib would accept them silently.
        obj = json.loads(text, parse_constant=_reject_constant)
    except ValueError:
        raise AnswerError(ReasonCode.AIGATE_PARSE_FAIL, "content_not_json") from None
    try:
        return GateAnswer.model_validate(obj, strict=True)
    except ValidationError:
        raise AnswerError(ReasonCode.AIGATE_SCHEMA_INVALID, "schema_mismatch") from None


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}]}


def _decimal() -> dict[str, Any]:
    return {"type": "string", "pattern": DECIMAL_PATTERN}


def answer_json_schema() -> dict[str, Any]:
    """Return the strict JSON schema of GateAnswer (OpenAI structured outputs, strict mode).

    Written out by hand so what the model is asked for is visible and stable; a unit test
    keeps it equal to the pydantic model's fields.
    """
    modification: dict[str, Any] = {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "qty": _nullable(_decimal()),
            "stop_price": _nullable(_decimal()),
            "stop_limit_price": _nullable(_decimal()),
            "take_profit_price": _nullable(_decimal()),
            "trailing_activation_price": _nullable(_decimal()),
            "trailing_delta_bps": _nullable({"type": "integer", "minimum": 10, "maximum": 2000}),
            "time_stop_ms": _nullable({"type": "integer", "minimum": 1, "maximum": 604_800_000}),
        },
    }
    modification["required"] = list(modification["properties"])
    return {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "verdict": {"type": "string", "enum": ["ALLOW", "BLOCK", "MODIFY"]},
            "reasons": {"type": "array", "maxItems": MAX_MODEL_REASONS, "items": {"type": "string"}},
            "modification": _nullable(modification),
        },
        "required": ["verdict", "reasons", "modification"],
    }


def response_format() -> dict[str, Any]:
    """Return the chat.completions `response_format` asking for the strict schema."""
    return {"type": "json_schema",
            "json_schema": {"name": SCHEMA_NAME, "strict": True, "schema": answer_json_schema()}}
