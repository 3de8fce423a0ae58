"""The decision pipeline's fast paths give exactly what the plain definitions give.

Each fast path (shared decimal context, spelled-out to_dict, caches, the EMA loop, the risk
engine's prebuilt passing checks) is held here against the straightforward version it replaced.
"""
from __future__ import annotations

import dataclasses
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Context, Decimal as D, InvalidOperation, \
    localcontext
from enum import IntEnum, StrEnum
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.support.builders import T0, make_decision, make_exit_decision, make_risk_context
from trading.domain.catalog.reasons import ReasonCode
from trading.domain.config.model import TraderConfig
from trading.domain.contracts.canonical import fields_dict, on_grid
from trading.domain.contracts.decision import (
    Costs,
    Decision,
    DecisionConstraints,
    EntryOrderType,
    EntryPlan,
    ExitPlan,
)
from trading.domain.contracts.gate import AIGateResult
from trading.domain.contracts.risk import RiskCheck, RiskVerdict
from trading.domain.contracts.quantize import PriceRounding, SymbolFilters, ceil_to_step, floor_to_step, \
    quantize_price
from trading.domain.guards.risk_base import RiskInput
from trading.domain.risk.context import ClosedTrade, GatePassThrough, KillSwitch, RiskContext
from trading.domain.risk.engine import RiskEngine
from trading.domain.strategy.ema_cross import EmaCrossParams, ema_cross, ema_pair_last_two
from trading.domain.strategy.params import read_params

PROPERTY = settings(max_examples=600, deadline=None, database=None)
H = "a" * 64


def _decimals(lo_exp: int, hi_exp: int) -> st.SearchStrategy[D]:
    """Decimals m * 10**e, signed, written with varying trailing zeros."""
    return st.builds(lambda m, e: D(m).scaleb(e), st.integers(-10**9, 10**9), st.integers(lo_exp, hi_exp))


steps = st.sampled_from([D("0.01"), D("0.010"), D("0.00001"), D("1E-8"), D("0.5"), D("1"), D("10"), D("1E+2")])


# --- the shared 60-digit context ---------------------------------------------------------------

def _outcome(fn: Any, *args: Any) -> Any:
    try:
        return ("ok", fn(*args))
    except InvalidOperation as exc:
        return ("raised", type(exc))


def _reference_on_grid(value: D, step: D) -> bool:
    with localcontext(Context(prec=60)):
        return value % step == 0


@PROPERTY
@given(_decimals(-12, 12), steps)
def test_on_grid_answers_as_the_localcontext_remainder(value: D, step: D) -> None:
    assert _outcome(on_grid, value, step) == _outcome(_reference_on_grid, value, step)


@pytest.mark.parametrize("value", [D("1E+70"), D("123456789012345678901234567890.12345678"), D("-1E+60")])
def test_on_grid_fails_like_the_localcontext_remainder_far_beyond_the_precision(value: D) -> None:
    assert _outcome(on_grid, value, D("1E-8")) == _outcome(_reference_on_grid, value, D("1E-8"))


def _reference_to_step(value: D, step: D, rounding: str) -> D:
    with localcontext(Context(prec=60)):
        return (value / step).to_integral_value(rounding=rounding) * step


@PROPERTY
@given(_decimals(-12, 12), steps)
def test_rounding_to_a_step_matches_the_localcontext_version_digit_for_digit(value: D, step: D) -> None:
    assert str(floor_to_step(value, step)) == str(_reference_to_step(value, step, ROUND_FLOOR))
    assert str(ceil_to_step(value, step)) == str(_reference_to_step(value, step, ROUND_CEILING))
    f = SymbolFilters("X", step, D(0), None, D("0.001"), D(0), None, D(0))
    assert str(quantize_price(value, f, PriceRounding.NEAREST)) == str(_reference_to_step(value, step, ROUND_HALF_UP))


# --- to_dict spelled out -------------------------------------------------------------------------

class _Bps(IntEnum):
    TEN = 10


class _Text(StrEnum):
    NAME = "ema_cross"


FILTERS = SymbolFilters("BTCUSDT", D("0.01"), D("0.01"), D("1000000"), D("0.00001"), D("0.00001"), D("9000"),
                        D("5"), D("9000000"))


def _contracts() -> list[Any]:
    entry = make_decision()
    exit_ = make_exit_decision()
    return [
        entry, exit_, entry.entry_plan, entry.exit_plan, exit_.exit_plan, entry.constraints, entry.costs,
        EntryPlan(EntryOrderType.MARKET, D("1.500"), D("2E+1"), 0),
        ExitPlan(D("110.0"), D("90"), D("89.9"), trailing_activation_price=D("100"), trailing_delta_bps=_Bps.TEN,
                 time_stop_ms=60_000, close_qty=D("0.10")),
        DecisionConstraints(D("0.010"), D("1E-5"), D("0"), D("-0"), None, H),
        Costs(fees_bps=_Bps.TEN, spread_bps=0, slippage_bps=3),
        entry.with_changes(strategy=_Text.NAME, edge_bps=-5, ts_ms=_Bps.TEN),
    ]


@pytest.mark.parametrize("contract", _contracts(), ids=lambda c: type(c).__name__)
def test_to_dict_is_exactly_fields_dict(contract: Any) -> None:
    fast, generic = contract.to_dict(), fields_dict(contract)
    assert fast == generic
    assert list(fast) == list(generic)  # same keys, same order
    assert [type(v) for v in fast.values()] == [type(v) for v in generic.values()]


def test_the_decision_id_is_unchanged_by_the_fast_to_dict() -> None:
    d = make_decision()
    assert Decision.from_dict(d.to_dict()) == d  # from_dict re-derives the id from to_dict()


# --- caches --------------------------------------------------------------------------------------

def test_constraints_are_built_once_per_filters() -> None:
    f = dataclasses.replace(FILTERS, symbol="CACHEUSDT")  # equal to no other test's filters
    assert f.constraints() is f.constraints()
    assert f.constraints() == DecisionConstraints(D("0.01"), D("0.00001"), D("0.00001"), D("5"), D("9000000"),
                                                  f.filters_hash)


def test_equal_filters_written_differently_get_their_own_decimals() -> None:
    first = SymbolFilters("ETHUSDT", D("0.01"), D("0.01"), None, D("0.0001"), D("0.0001"), None, D("5"))
    second = dataclasses.replace(first, tick_size=D("0.0100"), min_notional=D("5.000"))
    assert first == second  # equal by value: the cache would hand back the first one's constraints
    assert str(first.constraints().tick_size) == "0.01"
    assert str(second.constraints().tick_size) == "0.0100"
    assert str(second.constraints().min_notional) == "5.000"


def test_params_are_read_once_per_table_content() -> None:
    table: dict[str, bool | int | str] = {"fast": 10, "stake_pct": "0.5"}
    assert read_params(EmaCrossParams, table) is read_params(EmaCrossParams, dict(table))
    assert read_params(EmaCrossParams, table) == EmaCrossParams(fast=10, stake_pct=D("0.5"))


def test_a_cached_integer_does_not_admit_the_equal_bool() -> None:
    assert read_params(EmaCrossParams, {"fast": 1}).fast == 1
    with pytest.raises(ValueError, match="strategy.params.fast must be an integer"):
        read_params(EmaCrossParams, {"fast": True})


def test_tables_that_cannot_be_cached_are_still_read_and_checked() -> None:
    with pytest.raises(ValueError, match="strategy.params.fast must be an integer"):
        read_params(EmaCrossParams, {"fast": [1]})  # type: ignore[dict-item]

    @dataclasses.dataclass
    class Mutable:
        size: int = 1

    assert read_params(Mutable, {"size": 2}) is not read_params(Mutable, {"size": 2})


# --- EMA -----------------------------------------------------------------------------------------

def _reference_ema_last_two(closes: list[float], period: int) -> tuple[float, float]:
    alpha = 2.0 / (period + 1)
    prev = value = closes[0]
    for close in closes[1:]:
        prev = value
        value += alpha * (close - value)
    return prev, value


closes_lists = st.lists(st.floats(1e-3, 1e6, allow_nan=False), min_size=1, max_size=600)


@PROPERTY
@given(closes_lists, st.integers(1, 60), st.integers(1, 60))
def test_the_paired_ema_is_bit_identical_to_two_plain_loops(closes: list[float], fast: int, slow: int) -> None:
    assert ema_pair_last_two(closes, fast, slow) == (_reference_ema_last_two(closes, fast)
                                                      + _reference_ema_last_two(closes, slow))


# --- risk engine ---------------------------------------------------------------------------------

ENGINE = RiskEngine.from_config(TraderConfig().risk)


def _reference_verdict(decision: Decision, ctx: RiskContext) -> RiskVerdict:
    gate = GatePassThrough(AIGateResult.disabled(), decision)
    inp = RiskInput(decision, gate, ctx)
    checks: list[RiskCheck] = []
    reasons: list[ReasonCode] = []
    for guard in ENGINE.guards:
        if decision.intent in guard.intents:
            found = guard.check(inp)
            checks.append(RiskCheck(guard.name, found is None, "" if found is None else found.detail))
            reasons.extend(() if found is None else found.reasons)
    if reasons:
        return RiskVerdict.block(decision.decision_id, ctx.now_ms, dict.fromkeys(reasons), checks)
    return RiskVerdict.approve(decision.decision_id, ctx.now_ms, checks)


@pytest.mark.parametrize("decision", [make_decision(), make_exit_decision()], ids=["entry", "exit"])
@pytest.mark.parametrize("ctx", [
    {}, {"kill_switch": KillSwitch.HALT_ALL}, {"equity_quote": D("10"), "free_quote": D("1")},
    {"recent_trades": (ClosedTrade("BTCUSDT", T0 - 9_000, T0 - 1_000, D("-1")),) * 3, "now_ms": T0 + 6_000},
], ids=["calm", "halt", "poor", "losses-stale"])
def test_the_engine_judges_like_the_plain_loop(decision: Decision, ctx: dict[str, Any]) -> None:
    context = make_risk_context(**ctx)
    verdict = ENGINE.evaluate(decision, GatePassThrough.for_decision(decision), context)
    assert verdict == _reference_verdict(decision, context)
    assert verdict.to_dict() == _reference_verdict(decision, context).to_dict()


def test_the_pass_through_carries_the_disabled_gate_result() -> None:
    d = make_decision()
    assert GatePassThrough.for_decision(d) == GatePassThrough(AIGateResult.disabled(), d)


def test_ema_cross_still_sees_the_cross_on_the_last_bar() -> None:
    assert ema_cross([10.0] * 30 + [9.0] * 30 + [30.0]) is not None
    assert ema_cross([1.0]) is None

