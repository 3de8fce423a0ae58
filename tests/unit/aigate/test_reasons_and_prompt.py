"""Model reason strings map to ReasonCodes (unknown -> AIGATE_REASON_UNKNOWN); prompts are pinned."""
from __future__ import annotations

import pytest

from aigate.prompt import PROMPTS, UnknownPromptVersion, prompt_sha256, system_prompt
from aigate.reasons import MODEL_REASONS, map_model_reason, map_model_reasons, result_reasons
from trading.domain.catalog.reasons import ReasonCode

R = ReasonCode
# A published prompt is never edited: change the text -> add "v2" and pin it here.
PINNED_PROMPTS = {"v1": "719fc1689e29f85c35f9cef9454cc2112e6f64b3e47509f7bb87ab7d044f7b84"}


def test_known_model_reasons_map_to_their_codes() -> None:
    assert map_model_reason("SPREAD_TOO_WIDE") is R.SPREAD_TOO_WIDE
    assert map_model_reason("  edge_below_costs ") is R.EDGE_BELOW_COSTS


@pytest.mark.parametrize("text", [
    "spread too wide", "SPREAD-TOO-WIDE", "", "KILL_SWITCH_ACTIVE", "AIGATE_ALLOW", "AIGATE_FAIL_CLOSED",
    "RISK_APPROVED", "ENTER_PAUSE", "SPREAD_TOO_WIDE" + "X" * 60, "SPREAD_TOO_WIDE\u200b",
])
def test_anything_else_is_aigate_reason_unknown(text: str) -> None:
    assert map_model_reason(text) is R.AIGATE_REASON_UNKNOWN


def test_mapped_reasons_keep_order_and_collapse_duplicates_and_unknowns() -> None:
    got = map_model_reasons(["DATA_STALE", "nonsense", "DATA_STALE", "other nonsense", "NO_SIGNAL"])
    assert got == (R.DATA_STALE, R.AIGATE_REASON_UNKNOWN, R.NO_SIGNAL)


def test_result_reasons_start_with_the_gate_code() -> None:
    assert result_reasons(R.AIGATE_BLOCK, (R.SPREAD_TOO_WIDE, R.AIGATE_BLOCK)) == (R.AIGATE_BLOCK, R.SPREAD_TOO_WIDE)
    assert result_reasons(R.AIGATE_ALLOW, ()) == (R.AIGATE_ALLOW,)


def test_the_model_may_cite_no_system_or_gate_code() -> None:
    assert not any(code.value.startswith(("AIGATE_", "ENTER_", "KILL_", "OPERATOR_")) for code in MODEL_REASONS)


def test_prompt_texts_are_pinned() -> None:
    assert {version: prompt_sha256(version) for version in PROMPTS} == PINNED_PROMPTS


def test_the_prompt_lists_exactly_the_model_reasons() -> None:
    text = system_prompt("v1")
    assert all(code.value in text for code in MODEL_REASONS)
    assert "AIGATE_" not in text


def test_an_unknown_prompt_version_names_the_key() -> None:
    with pytest.raises(UnknownPromptVersion, match="ai.prompt_version 'v9'"):
        system_prompt("v9")
