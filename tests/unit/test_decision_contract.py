"""Decision and its plans: invariants on construction, deterministic ids, JSON round trips."""
from __future__ import annotations

import dataclasses
import json
from decimal import Decimal as D
from typing import Any

import pytest

from trading.domain.catalog.reasons import ReasonCode
from trading.domain.contracts.canonical import ContractViolation
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
from trading.domain.contracts.quantize import SymbolFilters

BTC = SymbolFilters(
    symbol="BTCUSDT", tick_size=D("0.01"), min_price=D("0.01"), max_price=D("1000000"),
    step_size=D("0.00001"), min_qty=D("0.00001"), max_qty=D("9000"),
    min_notional=D("5"), max_notional=D("9000000"),
)
ENTRY = EntryPlan(EntryOrderType.LIMIT, price=D("60000.00"), qty=D("0.00100"), ttl_ms=30_000)
EXIT = ExitPlan(take_profit_price=D("61200.00"), stop_price=D("59400.00"), stop_limit_price=D("59350.00"),
                trailing_activation_price=D("60600.00"), trailing_delta_bps=50, time_stop_ms=3_600_000)
MANAGE_EXIT = ExitPlan(take_profit_price=D("61200.00"), stop_price=D("59800.00"),
                       stop_limit_price=D("59750.00"), close_qty=D("0.001"))


def decision_fields(**overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = dict(
        ts_ms=1_700_000_000_000, run_id="r-20231114T221320Z-a1b2c3", cycle_id="r-20231114T221320Z-a1b2c3-c7",
        snapshot_id="snap-42", symbol="BTCUSDT", intent=DecisionIntent.ENTRY, side=Side.BUY,
        entry_plan=ENTRY, exit_plan=EXIT, constraints=BTC.constraints(), edge_bps=45,
        costs=Costs(fees_bps=20, spread_bps=2, slippage_bps=3),
        reason_codes=(ReasonCode.SIGNAL_TREND_LONG, ReasonCode.SIGNAL_ABOVE_VWAP),
        strategy="trend_pullback", strategy_version="1.2.0",
    )
    fields.update(overrides)
    return fields


def make_decision(**overrides: Any) -> Decision:
    return Decision.build(**decision_fields(**overrides))


def make_manage(**overrides: Any) -> Decision:
    base = dict(intent=DecisionIntent.MANAGE, side=Side.SELL, entry_plan=None, exit_plan=MANAGE_EXIT,
                reason_codes=(ReasonCode.TRAIL_ACTIVATED,))
    return make_decision(**{**base, **overrides})


# --- ids -----------------------------------------------------------------------------------


def test_same_content_builds_the_same_decision_id() -> None:
    a, b = make_decision(), make_decision()
    assert a.decision_id == b.decision_id
    assert a.decision_id.startswith("d-") and len(a.decision_id) == 34


def test_decision_id_ignores_the_time_and_the_run_id() -> None:
    assert make_decision(ts_ms=1).decision_id == make_decision(ts_ms=2).decision_id
    assert make_decision(run_id="r-other").decision_id == make_decision().decision_id


@pytest.mark.parametrize(
    "change",
    [
        {"symbol": "ETHUSDT"},
        {"cycle_id": "r-x-c8"},
        {"snapshot_id": "snap-43"},
        {"strategy_version": "1.2.1"},
        {"entry_plan": dataclasses.replace(ENTRY, qty=D("0.002"))},
        {"exit_plan": dataclasses.replace(EXIT, stop_price=D("59390.00"))},
        {"edge_bps": 46},
        {"reason_codes": (ReasonCode.SIGNAL_TREND_LONG,)},
    ],
)
def test_decision_id_changes_when_the_content_changes(change: dict[str, Any]) -> None:
    assert make_decision(**change).decision_id != make_decision().decision_id


def test_a_forged_decision_id_is_refused() -> None:
    with pytest.raises(ContractViolation, match="does not match"):
        Decision(decision_id="d-" + "0" * 32, **decision_fields())


def test_changing_a_field_without_recomputing_the_id_is_refused() -> None:
    with pytest.raises(ContractViolation, match="does not match"):
        dataclasses.replace(make_decision(), edge_bps=99)


def test_build_refuses_a_caller_supplied_id() -> None:
    with pytest.raises(TypeError):
        Decision.build(decision_id="d-" + "0" * 32, **decision_fields())


def test_with_changes_returns_a_new_valid_decision_with_a_recomputed_id() -> None:
    original = make_decision()
    smaller = original.with_changes(entry_plan=dataclasses.replace(ENTRY, qty=D("0.0005")))
    assert smaller.entry_plan is not None and smaller.entry_plan.qty == D("0.0005")
    assert smaller.decision_id != original.decision_id
    assert smaller == make_decision(entry_plan=dataclasses.replace(ENTRY, qty=D("0.0005")))
    assert original.entry_plan == ENTRY


def test_with_changes_revalidates_the_result() -> None:
    with pytest.raises(ContractViolation):
        make_decision().with_changes(side=Side.SELL)


def test_a_decision_is_immutable() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        make_decision().edge_bps = 1  # type: ignore[misc]


# --- serialization -------------------------------------------------------------------------


def test_round_trips_through_json() -> None:
    for decision in (make_decision(), make_manage()):
        stored = json.loads(json.dumps(decision.to_dict()))
        assert Decision.from_dict(stored) == decision
        assert Decision.from_dict(stored).to_dict() == decision.to_dict()


def test_to_dict_carries_plain_decimal_strings_and_enum_values() -> None:
    d = make_decision().to_dict()
    assert d["entry_plan"] == {"order_type": "LIMIT", "price": "60000", "qty": "0.001", "ttl_ms": 30000}
    assert d["exit_plan"]["stop_limit_price"] == "59350" and d["exit_plan"]["close_qty"] is None
    assert d["costs"] == {"fees_bps": 20, "spread_bps": 2, "slippage_bps": 3, "total_bps": 25}
    assert d["reason_codes"] == ["SIGNAL_TREND_LONG", "SIGNAL_ABOVE_VWAP"]
    assert d["intent"] == "ENTRY" and d["side"] == "BUY"


def test_from_dict_refuses_a_tampered_price() -> None:
    stored = make_decision().to_dict()
    stored["exit_plan"]["take_profit_price"] = "65000"
    with pytest.raises(ContractViolation, match="does not match"):
        Decision.from_dict(stored)


def test_from_dict_refuses_a_reason_outside_the_catalog() -> None:
    stored = make_decision().to_dict()
    stored["reason_codes"] = ["SIGNAL_TREND_LONG", "FEELS_LUCKY"]
    with pytest.raises(ContractViolation, match="'FEELS_LUCKY' is not a ReasonCode"):
        Decision.from_dict(stored)


def test_from_dict_refuses_float_money() -> None:
    stored = make_decision().to_dict()
    stored["entry_plan"]["price"] = 60000.0
    with pytest.raises(ContractViolation, match="decimal string"):
        Decision.from_dict(stored)


# --- intent and side -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"entry_plan": None}, "ENTRY requires an entry_plan"),
        ({"exit_plan": None}, "requires an exit_plan"),
        ({"side": Side.SELL}, "ENTRY must be BUY"),
        ({"intent": DecisionIntent.MANAGE, "side": Side.SELL}, "must not carry an entry_plan"),
        ({"intent": DecisionIntent.EXIT, "side": Side.BUY, "entry_plan": None}, "EXIT must be SELL"),
        ({"intent": DecisionIntent.EXIT, "side": Side.SELL, "entry_plan": None, "exit_plan": None},
         "requires an exit_plan"),
    ],
)
def test_plans_and_side_must_fit_the_intent(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(ContractViolation, match=message):
        make_decision(**overrides)


def test_manage_and_exit_sell_with_only_an_exit_plan() -> None:
    assert make_manage().intent is DecisionIntent.MANAGE
    assert make_manage(intent=DecisionIntent.EXIT).side is Side.SELL


# --- prices --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stop", "take_profit", "message"),
    [
        (D("60000.00"), D("61200.00"), "stop_price < entry price"),  # stop at entry
        (D("60100.00"), D("61200.00"), "stop_price < entry price"),  # stop above entry
        (D("59400.00"), D("60000.00"), "entry price < take_profit_price"),  # TP at entry
    ],
)
def test_a_long_needs_stop_below_entry_below_take_profit(stop: D, take_profit: D, message: str) -> None:
    exit_plan = ExitPlan(take_profit_price=take_profit, stop_price=stop, stop_limit_price=stop)
    with pytest.raises(ContractViolation, match=message):
        make_decision(exit_plan=exit_plan)


def test_a_market_entry_is_checked_against_its_expected_price() -> None:
    market = EntryPlan(EntryOrderType.MARKET, price=D("59300.00"), qty=D("0.001"), ttl_ms=0)
    with pytest.raises(ContractViolation, match="stop_price < entry price"):
        make_decision(entry_plan=market)
    assert make_decision(entry_plan=dataclasses.replace(market, price=D("60000.00"))).entry_plan == \
        dataclasses.replace(market, price=D("60000.00"))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"stop_limit_price": D("59500.00")}, "stop_limit_price <= stop_price < take_profit_price"),
        ({"stop_price": D("61300.00"), "stop_limit_price": D("61300.00")}, "stop_price < take_profit_price"),
        ({"trailing_activation_price": D("61200.00")}, "between stop_price and take_profit_price"),
        ({"trailing_activation_price": D("59000.00")}, "between stop_price and take_profit_price"),
        ({"trailing_delta_bps": None}, "needs trailing_delta_bps"),
        ({"trailing_delta_bps": 9}, "trailing_delta_bps must be >= 10"),
        ({"trailing_delta_bps": 2001}, "trailing_delta_bps must be <= 2000"),
        ({"time_stop_ms": 0}, "time_stop_ms must be >= 1"),
        ({"close_qty": D("0")}, "close_qty must be finite and > 0"),
    ],
)
def test_exit_plan_invariants(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ContractViolation, match=message):
        dataclasses.replace(EXIT, **kwargs)


def test_trailing_activation_must_be_above_the_entry() -> None:
    with pytest.raises(ContractViolation, match="above the entry price"):
        make_decision(exit_plan=dataclasses.replace(EXIT, trailing_activation_price=D("59900.00")))


@pytest.mark.parametrize(
    "overrides",
    [
        {"entry_plan": dataclasses.replace(ENTRY, price=D("60000.005"))},
        {"exit_plan": dataclasses.replace(EXIT, take_profit_price=D("61200.001"))},
        {"exit_plan": dataclasses.replace(EXIT, stop_limit_price=D("59350.005"), stop_price=D("59400.005"))},
        {"exit_plan": dataclasses.replace(EXIT, trailing_activation_price=D("60600.009"))},
    ],
)
def test_every_price_must_sit_on_the_tick_grid(overrides: dict[str, Any]) -> None:
    with pytest.raises(ContractViolation, match="not on the tick grid"):
        make_decision(**overrides)


# --- sizes ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"entry_plan": dataclasses.replace(ENTRY, qty=D("0.000015"))}, "not on the step grid"),
        ({"entry_plan": dataclasses.replace(ENTRY, qty=D("0.00001"))}, "below min_notional"),  # 0.6 USDT
        ({"entry_plan": dataclasses.replace(ENTRY, qty=D("200"))}, "above max_notional"),
        ({"exit_plan": dataclasses.replace(EXIT, close_qty=D("0.002"))}, "must not exceed entry_plan.qty"),
    ],
)
def test_sizes_must_fit_the_constraints(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(ContractViolation, match=message):
        make_decision(**overrides)


def test_qty_below_min_qty_is_refused() -> None:
    constraints = dataclasses.replace(BTC.constraints(), min_qty=D("0.01"))
    with pytest.raises(ContractViolation, match="below min_qty"):
        make_decision(constraints=constraints)


def test_an_entry_whose_stop_leg_would_fail_min_notional_is_refused() -> None:
    # 5.04 USDT entry passes, but the stop-limit leg (0.00009 x 55000) is 4.95 USDT: the OCO
    # would be refused after the fill, leaving the position unprotected.
    entry = dataclasses.replace(ENTRY, qty=D("0.00009"), price=D("56000.00"))
    exit_plan = ExitPlan(take_profit_price=D("57000.00"), stop_price=D("55100.00"),
                         stop_limit_price=D("55000.00"))
    with pytest.raises(ContractViolation, match="stop-limit leg notional"):
        make_decision(entry_plan=entry, exit_plan=exit_plan)


def test_a_manage_whose_protection_would_fail_min_notional_is_refused() -> None:
    # 0.00008 x 59750 = 4.78 USDT on the stop-limit leg, under the 5 USDT minimum.
    with pytest.raises(ContractViolation, match="stop-limit leg notional"):
        make_manage(exit_plan=dataclasses.replace(MANAGE_EXIT, close_qty=D("0.00008")))


# --- field types ---------------------------------------------------------------------------


@pytest.mark.parametrize("bad", [D("NaN"), D("Infinity"), D("-1"), D("0"), 60000.0, "60000"])
def test_entry_price_must_be_a_finite_positive_decimal(bad: Any) -> None:
    with pytest.raises(ContractViolation, match="entry_plan.price"):
        EntryPlan(EntryOrderType.LIMIT, price=bad, qty=D("0.001"), ttl_ms=1000)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"reason_codes": ()}, "non-empty tuple"),
        ({"reason_codes": ["SIGNAL_TREND_LONG"]}, "non-empty tuple"),
        ({"reason_codes": ("SIGNAL_TREND_LONG",)}, "all be ReasonCode"),
        ({"symbol": ""}, "symbol must be a non-empty string"),
        ({"ts_ms": -1}, "ts_ms must be >= 0"),
        ({"ts_ms": True}, "ts_ms must be an int"),
        ({"edge_bps": 4.5}, "edge_bps must be an int"),
        ({"intent": "ENTRY"}, "intent must be a DecisionIntent"),
    ],
)
def test_identity_fields_are_typed_and_reason_codes_come_from_the_catalog(overrides: dict[str, Any],
                                                                        message: str) -> None:
    with pytest.raises(ContractViolation, match=message):
        make_decision(**overrides)


def test_resting_entries_need_a_ttl_and_market_entries_have_none() -> None:
    with pytest.raises(ContractViolation, match="resting entry"):
        EntryPlan(EntryOrderType.LIMIT_MAKER, price=D("1"), qty=D("1"), ttl_ms=0)
    with pytest.raises(ContractViolation, match="MARKET"):
        EntryPlan(EntryOrderType.MARKET, price=D("1"), qty=D("1"), ttl_ms=1000)


def test_costs_total_is_the_sum_and_parts_are_never_negative() -> None:
    assert Costs(fees_bps=20, spread_bps=2, slippage_bps=3).total_bps == 25
    with pytest.raises(ContractViolation, match="costs.spread_bps"):
        Costs(fees_bps=20, spread_bps=-1, slippage_bps=3)
    with pytest.raises(ContractViolation, match="total_bps"):
        Costs.from_dict({"fees_bps": 20, "spread_bps": 2, "slippage_bps": 3, "total_bps": 24})


def test_constraints_need_a_real_grid_and_a_sha256_filters_hash() -> None:
    good = BTC.constraints()
    with pytest.raises(ContractViolation, match="tick_size"):
        dataclasses.replace(good, tick_size=D("0"))
    with pytest.raises(ContractViolation, match="filters_hash"):
        dataclasses.replace(good, filters_hash="abc")
    with pytest.raises(ContractViolation, match="max_notional must be >= min_notional"):
        dataclasses.replace(good, max_notional=D("1"))
    assert isinstance(good, DecisionConstraints)


def test_contract_violation_is_a_value_error() -> None:
    assert issubclass(ContractViolation, ValueError)
