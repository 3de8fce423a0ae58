"""The strict answer schema: what parses, what is a parse failure, what is a schema violation."""
from __future__ import annotations

import json
from typing import Any

import pytest
from openai.lib._pydantic import to_strict_json_schema

from aigate.schema import (
    MAX_ANSWER_CHARS,
    SCHEMA_NAME,
    AnswerError,
    GateAnswer,
    answer_json_schema,
    parse_answer,
    response_format,
)
from tests.unit.aigate.builders import answer_text, mod
from trading.domain.catalog.reasons import ReasonCode

R = ReasonCode


def test_parses_each_verdict() -> None:
    assert parse_answer(answer_text("ALLOW")).verdict == "ALLOW"
    blocked = parse_answer(answer_text("BLOCK", ["SPREAD_TOO_WIDE"]))
    assert blocked.verdict == "BLOCK" and blocked.reasons == ["SPREAD_TOO_WIDE"]
    modified = parse_answer(answer_text("MODIFY", [], mod(qty="0.0005", time_stop_ms=600_000)))
    assert modified.modification is not None
    assert modified.modification.changes() == {"qty": "0.0005", "time_stop_ms": 600_000}


@pytest.mark.parametrize("text, kind", [
    ("", "no_content"),
    ("   ", "no_content"),
    (None, "no_content"),
    ('{"verdict": "ALLOW", ', "content_not_json"),
    ("ALLOW", "content_not_json"),
    ('{"verdict": "ALLOW", "reasons": [], "modification": NaN}', "content_not_json"),
    ("```json\n{}\n```", "content_not_json"),
])
def test_text_that_is_not_json_is_a_parse_failure(text: str | None, kind: str) -> None:
    with pytest.raises(AnswerError) as err:
        parse_answer(text)
    assert (err.value.reason, err.value.kind) == (R.AIGATE_PARSE_FAIL, kind)


def _with(**changes: Any) -> str:
    base: dict[str, Any] = {"verdict": "MODIFY", "reasons": [], "modification": mod(qty="0.0005")}
    base.update(changes)
    return json.dumps({k: v for k, v in base.items() if v != "<drop>"})


@pytest.mark.parametrize("text", [
    _with(verdict="MAYBE"),
    _with(verdict="allow"),
    _with(reasons="SPREAD_TOO_WIDE"),
    _with(reasons=[1, 2]),
    _with(reasons=["A"] * 9),
    _with(modification="<drop>"),
    _with(extra="field"),
    _with(decision_id="d-" + "0" * 32),
    _with(verdict="ALLOW"),  # a modification with ALLOW
    _with(modification={**mod(qty="0.0005"), "symbol": "ETHUSDT"}),
    _with(modification={**mod(qty="0.0005"), "side": "SELL"}),
    _with(modification={k: v for k, v in mod(qty="0.0005").items() if k != "stop_price"}),
    _with(modification=mod(qty=0.0005)),
    _with(modification=mod(qty="-1")),
    _with(modification=mod(qty="1e-3")),
    _with(modification=mod(stop_price="59,400")),
    _with(modification=mod(time_stop_ms="600000")),
    _with(modification=mod(time_stop_ms=True)),
    _with(modification=mod(time_stop_ms=0)),
    _with(modification=mod(trailing_delta_bps=5)),
    "[]",
    "null",
    '"ALLOW"',
])
def test_json_outside_the_schema_is_schema_invalid(text: str) -> None:
    with pytest.raises(AnswerError) as err:
        parse_answer(text)
    assert err.value.reason is R.AIGATE_SCHEMA_INVALID


def test_an_absurdly_long_answer_is_refused_before_parsing() -> None:
    text = answer_text("ALLOW", ["SPREAD_TOO_WIDE " * 1000])
    assert len(text) > MAX_ANSWER_CHARS
    with pytest.raises(AnswerError, match="answer_too_long"):
        parse_answer(text)


def test_unknown_reason_strings_are_still_a_valid_answer() -> None:
    # The schema takes any strings; reasons.py maps the unknown ones (never passed through).
    assert parse_answer(answer_text("BLOCK", ["the moon is full"])).reasons == ["the moon is full"]


def _strip(schema: Any, defs: dict[str, Any]) -> Any:
    """Resolve $refs and drop pydantic's cosmetic keys, to compare with the hand-written schema."""
    if isinstance(schema, dict):
        if "$ref" in schema:
            return _strip(defs[schema["$ref"].split("/")[-1]], defs)
        return {k: _strip(v, defs) for k, v in schema.items() if k not in ("title", "description", "$defs")}
    if isinstance(schema, list):
        return [_strip(v, defs) for v in schema]
    return schema


def test_the_hand_written_schema_equals_the_sdk_strict_schema_of_the_model() -> None:
    sdk = to_strict_json_schema(GateAnswer)
    assert _strip(sdk, sdk.get("$defs", {})) == answer_json_schema()


def test_the_schema_is_strict_and_cannot_name_ids_symbol_side_or_entry_price() -> None:
    schema = answer_json_schema()
    fmt = response_format()
    assert fmt["type"] == "json_schema" and fmt["json_schema"]["strict"] is True
    assert fmt["json_schema"]["name"] == SCHEMA_NAME
    text = json.dumps(schema)
    for forbidden in ("decision_id", "symbol", "side", "intent", "\"price\"", "order_type", "close_qty"):
        assert forbidden not in text
    modification = schema["properties"]["modification"]["anyOf"][0]
    for obj in (schema, modification):
        assert obj["additionalProperties"] is False
        assert obj["required"] == list(obj["properties"])
