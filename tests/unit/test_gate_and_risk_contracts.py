"""AIGateResult and RiskVerdict: the invariants of what the gate and risk stages hand on."""
from __future__ import annotations

import dataclasses
import json
from decimal import Decimal as D
from typing import Any

import pytest

from trading.domain.catalog.panel import AIGateVerdict, RiskOutcome
from trading.domain.catalog.reasons import ReasonCode
from trading.domain.contracts.canonical import ContractViolation, sha256_hex
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
from trading.domain.contracts.gate import AIGateResult
from trading.domain.contracts.risk import RiskCheck, RiskVerdict

V = AIGateVerdict
R = ReasonCode
INPUT_HASH = sha256_hex({"payload": 1})
SNAPSHOT_HASH = sha256_hex({"snapshot": 1})
RAW_HASH = sha256_hex({"raw": 1})


def make_decision(qty: str = "0.002") -> Decision:
    return Decision.build(
        ts_ms=1_700_000_000_000, run_id="r-1", cycle_id="r-1-c1", snapshot_id="snap-1", symbol="BTCUSDT",
        intent=DecisionIntent.ENTRY, side=Side.BUY,
        entry_plan=EntryPlan(EntryOrderType.LIMIT, price=D("60000.00"), qty=D(qty), ttl_ms=30_000),
        exit_plan=ExitPlan(take_profit_price=D("61200.00"), stop_price=D("59400.00"),
                           stop_limit_price=D("59350.00")),
        constraints=DecisionConstraints(D("0.01"), D("0.00001"), D("0.00001"), D("5"), None, sha256_hex("f")),
        edge_bps=45, costs=Costs(20, 2, 3), reason_codes=(R.SIGNAL_TREND_LONG,),
        strategy="trend_pullback", strategy_version="1",
    )


def gate_result(**overrides: Any) -> AIGateResult:
    fields: dict[str, Any] = dict(
        enabled=True, verdict=V.ALLOW, reasons=(R.AIGATE_ALLOW,), model="gpt-test", latency_ms=420,
        raw_hash=RAW_HASH, input_hash=INPUT_HASH, snapshot_hash=SNAPSHOT_HASH,
    )
    fields.update(overrides)
    return AIGateResult(**fields)


# --- AIGateResult --------------------------------------------------------------------------


def test_a_disabled_gate_allows_with_aigate_disabled_and_no_call() -> None:
    result = AIGateResult.disabled(input_hash=INPUT_HASH)
    assert (result.enabled, result.verdict, result.reasons) == (False, V.ALLOW, (R.AIGATE_DISABLED,))
    assert result.raw_hash == "" and result.modified_decision is None


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"verdict": V.BLOCK}, "disabled gate must ALLOW"),
        ({"reasons": (R.AIGATE_DISABLED, R.SPREAD_TOO_WIDE)}, "disabled gate must ALLOW"),
        ({"raw_hash": RAW_HASH}, "no raw_hash"),
    ],
)
def test_a_disabled_gate_cannot_pretend_it_was_called(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(ContractViolation, match=message):
        dataclasses.replace(AIGateResult.disabled(), **overrides)


def test_an_allowing_gate_carries_its_hashes() -> None:
    result = gate_result()
    assert result.decision_for_risk(make_decision()) == make_decision()
    with pytest.raises(ContractViolation, match="input_hash and snapshot_hash"):
        gate_result(input_hash="")
    with pytest.raises(ContractViolation, match="cannot give AIGATE_DISABLED"):
        gate_result(reasons=(R.AIGATE_DISABLED,))


@pytest.mark.parametrize("bad", ["abc", INPUT_HASH.upper(), INPUT_HASH + "0", "g" * 64])
def test_hashes_are_64_lowercase_hex(bad: str) -> None:
    with pytest.raises(ContractViolation, match="64 lowercase hex"):
        gate_result(raw_hash=bad)


def test_an_error_needs_its_kind_and_a_reason() -> None:
    result = gate_result(verdict=V.ERROR, reasons=(R.AIGATE_TIMEOUT,), raw_hash="", error_kind="timeout")
    assert result.verdict is V.ERROR
    with pytest.raises(ContractViolation, match="error_kind is set iff"):
        gate_result(verdict=V.ERROR, reasons=(R.AIGATE_TIMEOUT,), raw_hash="")
    with pytest.raises(ContractViolation, match="at least one reason"):
        gate_result(verdict=V.ERROR, reasons=(), raw_hash="", error_kind="timeout")
    with pytest.raises(ContractViolation, match="error_kind is set iff"):
        gate_result(error_kind="timeout")


def test_a_block_needs_a_reason() -> None:
    assert gate_result(verdict=V.BLOCK, reasons=(R.AIGATE_BLOCK,)).verdict is V.BLOCK
    with pytest.raises(ContractViolation, match="BLOCK needs at least one reason"):
        gate_result(verdict=V.BLOCK, reasons=())


def test_an_applied_modify_hands_the_modified_decision_to_risk() -> None:
    proposed, smaller = make_decision(), make_decision(qty="0.001")
    result = gate_result(verdict=V.MODIFY, reasons=(R.AIGATE_MODIFY_APPLIED,), modified_decision=smaller,
                         modify_applied=True)
    assert result.decision_for_risk(proposed) is smaller
    assert smaller.decision_id != proposed.decision_id


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"verdict": V.MODIFY, "modify_applied": True}, "present iff verdict is MODIFY"),
        ({"verdict": V.ALLOW, "modified_decision": "decision"}, "present iff verdict is MODIFY"),
        ({"verdict": V.ALLOW, "modify_applied": True}, "modify_applied needs verdict MODIFY"),
        ({"verdict": V.MODIFY, "modify_applied": False, "modified_decision": "decision"}, "present iff"),
        ({"verdict": V.MODIFY, "modify_applied": False}, "needs AIGATE_MODIFY_INVALID"),
    ],
)
def test_modified_decision_is_present_iff_a_modify_was_applied(overrides: dict[str, Any],
                                                               message: str) -> None:
    if overrides.get("modified_decision") == "decision":
        overrides["modified_decision"] = make_decision(qty="0.001")
    with pytest.raises(ContractViolation, match=message):
        gate_result(**overrides)


def test_a_rejected_modify_is_recorded_with_aigate_modify_invalid() -> None:
    result = gate_result(verdict=V.MODIFY, reasons=(R.AIGATE_MODIFY_INVALID,), modify_applied=False)
    assert result.decision_for_risk(make_decision()) == make_decision()


def test_gate_result_to_dict_is_json_ready_with_the_decision_nested() -> None:
    smaller = make_decision(qty="0.001")
    result = gate_result(verdict=V.MODIFY, reasons=(R.AIGATE_MODIFY_APPLIED,), modified_decision=smaller,
                         modify_applied=True)
    d = json.loads(json.dumps(result.to_dict()))
    assert d["verdict"] == "MODIFY" and d["reasons"] == ["AIGATE_MODIFY_APPLIED"]
    assert d["modified_decision"] == smaller.to_dict()
    assert Decision.from_dict(d["modified_decision"]) == smaller
    assert AIGateResult.disabled().to_dict()["modified_decision"] is None


# --- RiskVerdict ---------------------------------------------------------------------------

PASSED = RiskCheck("daily_loss", True, "remaining_quote=120")
FAILED = RiskCheck("exposure_symbol", False, "would_be_quote=900 limit_quote=500")


def test_approve_carries_risk_approved_and_only_passed_checks() -> None:
    verdict = RiskVerdict.approve("d-1", 5, [PASSED])
    assert (verdict.outcome, verdict.reasons) == (RiskOutcome.APPROVE, (R.RISK_APPROVED,))
    assert verdict.approved
    with pytest.raises(ContractViolation, match="failed check"):
        RiskVerdict.approve("d-1", 5, [PASSED, FAILED])
    with pytest.raises(ContractViolation, match="exactly RISK_APPROVED"):
        RiskVerdict("d-1", 5, RiskOutcome.APPROVE, (R.RISK_APPROVED, R.SPREAD_TOO_WIDE))


def test_block_needs_a_reason_and_a_failed_check_when_checks_are_listed() -> None:
    verdict = RiskVerdict.block("d-1", 5, [R.EXPOSURE_LIMIT_SYMBOL], [PASSED, FAILED])
    assert not verdict.approved and verdict.reasons == (R.EXPOSURE_LIMIT_SYMBOL,)
    assert RiskVerdict.block("d-1", 5, [R.SYS_MODE_BLOCKS_ENTRY]).checks == ()
    with pytest.raises(ContractViolation, match="BLOCK needs at least one reason"):
        RiskVerdict.block("d-1", 5, [])
    with pytest.raises(ContractViolation, match="cannot carry RISK_APPROVED"):
        RiskVerdict.block("d-1", 5, [R.RISK_APPROVED, R.AIGATE_BLOCKED])
    with pytest.raises(ContractViolation, match="every listed check passed"):
        RiskVerdict.block("d-1", 5, [R.AIGATE_BLOCKED], [PASSED])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("", 5, RiskOutcome.BLOCK, (R.AIGATE_BLOCKED,)), "decision_id"),
        (("d-1", -5, RiskOutcome.BLOCK, (R.AIGATE_BLOCKED,)), "ts_ms"),
        (("d-1", 5, "BLOCK", (R.AIGATE_BLOCKED,)), "outcome must be a RiskOutcome"),
        (("d-1", 5, RiskOutcome.BLOCK, ("AIGATE_BLOCKED",)), "tuple of ReasonCode"),
        (("d-1", 5, RiskOutcome.BLOCK, (R.AIGATE_BLOCKED,), (FAILED, FAILED)), "unique"),
    ],
)
def test_risk_verdict_fields_are_typed(args: tuple[Any, ...], message: str) -> None:
    with pytest.raises(ContractViolation, match=message):
        RiskVerdict(*args)


def test_risk_verdict_to_dict_is_json_ready() -> None:
    d = json.loads(json.dumps(RiskVerdict.block("d-1", 5, [R.EXPOSURE_LIMIT_SYMBOL], [FAILED]).to_dict()))
    assert d == {
        "decision_id": "d-1", "ts_ms": 5, "outcome": "BLOCK", "reasons": ["EXPOSURE_LIMIT_SYMBOL"],
        "checks": [
            {"name": "exposure_symbol", "passed": False, "detail": "would_be_quote=900 limit_quote=500"},
        ],
    }
