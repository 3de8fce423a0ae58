"""Local MODIFY enforcement, rule by rule: only risk reductions are applied, with a new decision_id."""
from __future__ import annotations

import dataclasses
from decimal import Decimal as D
from typing import Any

import pytest

from aigate.modify import apply_modification, risk_increases
from aigate.schema import Modification
from tests.unit.aigate.builders import make_entry, make_exit, make_manage, make_snapshot, mod
from trading.domain.catalog.reasons import ReasonCode
from trading.domain.contracts.decision import Decision, DecisionIntent, Side


def modification(**fields: Any) -> Modification:
    return Modification.model_validate(mod(**fields), strict=True)


def _apply(decision: Decision, **fields: Any) -> Any:
    return apply_modification(decision, modification(**fields), make_snapshot(decision))


@pytest.mark.parametrize("fields", [
    {"qty": "0.0005"},
    {"qty": "0.00099"},
    {"stop_price": "59700.00", "stop_limit_price": "59650.00"},
    {"stop_price": "59500"},
    {"take_profit_price": "60900.00"},
    {"trailing_activation_price": "60300.00"},
    {"trailing_delta_bps": 30},
    {"time_stop_ms": 600_000},
    {"qty": "0.0005", "stop_price": "59800.00", "take_profit_price": "60700.00", "time_stop_ms": 60_000},
])
def test_a_risk_reduction_on_an_entry_is_applied_with_a_new_id(fields: dict[str, Any]) -> None:
    proposed = make_entry()
    check = _apply(proposed, **fields)
    assert check.applied, check.violations
    applied = check.decision
    assert applied.decision_id != proposed.decision_id
    assert applied == Decision.from_dict(applied.to_dict())  # the id matches the new content
    assert applied.reason_codes[-1] is ReasonCode.AIGATE_MODIFY_APPLIED
    assert (applied.symbol, applied.side, applied.intent) == (proposed.symbol, proposed.side, proposed.intent)


@pytest.mark.parametrize("fields, why", [
    ({"qty": "0.00101"}, "increases qty"),
    ({"qty": "1"}, "increases qty"),
    ({"stop_price": "59300.00", "stop_limit_price": "59250.00"}, "widens the stop"),
    ({"stop_limit_price": "59300.00"}, "lowers the stop limit"),
    ({"take_profit_price": "61300.00"}, "moves the take profit farther"),
    ({"trailing_activation_price": "60700.00"}, "raises trailing_activation_price"),
    ({"trailing_delta_bps": 60}, "raises trailing_delta_bps"),
    ({"time_stop_ms": 3_600_001}, "lengthens the time stop"),
    ({"qty": "0.000005"}, "not on the step grid"),
    ({"stop_price": "59700.005"}, "not on the tick grid"),
    ({"qty": "0.00008"}, "below min_notional"),
    ({"stop_price": "60000.00", "stop_limit_price": "59950.00"}, "stop_price < entry price"),
    ({"stop_price": "59400.00", "stop_limit_price": "59450.00"}, "stop_limit_price <= stop_price"),
    ({"take_profit_price": "60500.00"}, "trailing_activation_price must be between"),
    ({"qty": "0"}, "entry_plan.qty must be finite and > 0"),
])
def test_anything_else_on_an_entry_is_modify_invalid(fields: dict[str, Any], why: str) -> None:
    check = _apply(make_entry(), **fields)
    assert not check.applied
    assert any(why in v for v in check.violations), check.violations


def test_a_modify_without_a_modification_or_with_nothing_set_is_invalid() -> None:
    d = make_entry()
    assert apply_modification(d, None).violations == ("MODIFY without a modification",)
    assert _apply(d).violations == ("the modification sets nothing",)
    assert _apply(d, qty="0.001", stop_price="59400").violations == ("the modification changes nothing",)


def test_size_of_an_exit_or_manage_cannot_change() -> None:
    for d in (make_manage(), make_exit()):
        check = _apply(d, qty="0.0005")
        assert not check.applied and "only the size of an ENTRY" in check.violations[0]


def test_manage_may_tighten_its_stop_but_not_to_the_bid() -> None:
    d = make_manage()  # bid 60300.00, ask 60300.01, stop 59800.00, take profit 61200.00
    assert _apply(d, stop_price="60100.00", stop_limit_price="60050.00").applied
    assert "to or above the bid" in _apply(d, stop_price="60300.00", stop_limit_price="60250.00").violations[0]
    assert _apply(d, take_profit_price="60800.00").applied
    assert "to or below the ask" in _apply(d, take_profit_price="60300.01").violations[0]


def test_a_trail_cannot_be_added_or_removed_and_a_time_stop_can_be_added() -> None:
    d = make_manage()  # no trail, no time stop
    assert "adds trailing_delta_bps" in _apply(d, trailing_delta_bps=30).violations
    assert _apply(d, time_stop_ms=60_000).applied
    entry = make_entry()
    no_trail = entry.with_changes(exit_plan=dataclasses.replace(entry.exit_plan, trailing_activation_price=None,
                                                                trailing_delta_bps=None, time_stop_ms=None))
    assert risk_increases(entry, no_trail) == ("removes trailing_activation_price", "removes trailing_delta_bps",
                                               "removes the time stop")


@pytest.mark.parametrize("change", [
    {"symbol": "ETHUSDT"},
    {"cycle_id": "r-other-c1"},
    {"snapshot_id": "snap-other"},
    {"strategy": "other"},
    {"edge_bps": 90},
    {"intent": DecisionIntent.MANAGE, "side": Side.SELL, "entry_plan": None},
])
def test_a_candidate_that_changes_anything_fixed_is_refused(change: dict[str, Any]) -> None:
    original = make_entry()
    candidate = original.with_changes(**change)
    problems = risk_increases(original, candidate)
    assert problems and all(p.startswith("changes ") for p in problems)


def test_the_entry_price_type_and_ttl_are_fixed() -> None:
    original = make_entry()
    for change in ({"price": D("59990.00")}, {"ttl_ms": 5_000}):
        candidate = original.with_changes(entry_plan=dataclasses.replace(original.entry_plan, **change))
        assert risk_increases(original, candidate) == ("changes entry_plan",)


def test_close_qty_of_a_manage_is_fixed() -> None:
    original = make_manage()
    candidate = original.with_changes(exit_plan=dataclasses.replace(original.exit_plan, close_qty=D("0.0005")))
    assert risk_increases(original, candidate) == ("changes exit_plan",)
