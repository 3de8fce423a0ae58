"""Symbol filters parsed from a real exchangeInfo, and quantization onto them."""
from __future__ import annotations

import dataclasses
import itertools
import json
import math
from decimal import Decimal as D
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trading.domain.catalog.reasons import ReasonCode
from trading.domain.contracts.canonical import is_sha256_hex, on_grid
from trading.domain.contracts.decision import Side
from trading.domain.contracts.quantize import (
    PriceRounding,
    QuantizationError,
    SymbolFilters,
    ceil_to_step,
    check_order,
    floor_to_step,
    quantize_order,
    quantize_price,
    quantize_qty,
)

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "exchange_info_sample.json"
OrderArgs = tuple[Side, D, D, SymbolFilters]
PROPERTY = settings(max_examples=1200, deadline=None, database=None)


def _exchange_info() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(FIXTURE.read_text())
    return data


def _symbol(name: str) -> dict[str, Any]:
    data = _exchange_info()
    entries = data["symbols"] + data["_current_filter_set_symbols"]
    return next(s for s in entries if s["symbol"] == name)


def _btc() -> SymbolFilters:
    return SymbolFilters.from_exchange_info(_symbol("BTCUSDT"))


# --- parsing the real exchangeInfo ---------------------------------------------------------


def test_parses_mainnet_btcusdt_with_the_legacy_min_notional_filter() -> None:
    f = _btc()
    assert (f.symbol, f.tick_size) == ("BTCUSDT", D("0.01"))
    assert (f.min_price, f.max_price) == (D("0.01"), D("1000000"))
    assert (f.step_size, f.min_qty, f.max_qty) == (D("0.00001"), D("0.00001"), D("9000"))
    assert (f.min_notional, f.max_notional, f.apply_min_to_market) == (D("10"), None, True)
    # MARKET_LOT_SIZE sends "0" for step and min: off.
    assert (f.market_step_size, f.market_min_qty, f.market_max_qty) == (None, None, D("100.05381873"))
    assert f.min_trailing_above_delta is None


def test_parses_the_current_filter_set_with_notional_and_trailing_delta() -> None:
    f = SymbolFilters.from_exchange_info(_symbol("BNBUSDT"))
    assert (f.min_notional, f.max_notional) == (D("5"), D("9000000"))
    assert (f.apply_min_to_market, f.apply_max_to_market) == (True, False)
    assert (f.min_trailing_above_delta, f.max_trailing_above_delta) == (10, 2000)
    assert (f.min_trailing_below_delta, f.max_trailing_below_delta) == (10, 2000)


def test_every_symbol_in_the_fixture_parses_and_hashes() -> None:
    data = _exchange_info()
    entries = data["symbols"] + data["_current_filter_set_symbols"]
    filters = [SymbolFilters.from_exchange_info(s) for s in entries]
    hashes = {f.filters_hash for f in filters}
    assert len(hashes) == len(filters) == 4
    assert all(is_sha256_hex(h) for h in hashes)


def test_filters_hash_is_stable_and_changes_when_a_filter_changes() -> None:
    entry = _symbol("BTCUSDT")
    assert SymbolFilters.from_exchange_info(entry).filters_hash == _btc().filters_hash
    entry["filters"][0]["tickSize"] = "0.10000000"
    assert SymbolFilters.from_exchange_info(entry).filters_hash != _btc().filters_hash


def test_zero_means_the_rule_is_off() -> None:
    entry = _symbol("BTCUSDT")
    entry["filters"][0].update(tickSize="0", maxPrice="0.00000000", minPrice="0")
    f = SymbolFilters.from_exchange_info(entry)
    assert (f.tick_size, f.max_price, f.min_price) == (None, None, D("0"))
    assert quantize_price(D("123.456789"), f) == D("123.456789")


def test_a_symbol_without_lot_size_is_refused() -> None:
    entry = _symbol("BTCUSDT")
    entry["filters"] = [x for x in entry["filters"] if x["filterType"] != "LOT_SIZE"]
    with pytest.raises(ValueError, match="LOT_SIZE"):
        SymbolFilters.from_exchange_info(entry)


def test_constraints_carry_the_grid_and_the_filters_hash() -> None:
    f = _btc()
    c = f.constraints()
    assert (c.tick_size, c.step_size) == (D("0.01"), D("0.00001"))
    assert (c.min_qty, c.min_notional) == (D("0.00001"), D("10"))
    assert c.filters_hash == f.filters_hash


# --- rounding ------------------------------------------------------------------------------


def test_floor_and_ceil_to_step() -> None:
    assert floor_to_step(D("1.23456"), D("0.01")) == D("1.23")
    assert ceil_to_step(D("1.23456"), D("0.01")) == D("1.24")
    assert floor_to_step(D("1.23"), D("0.01")) == ceil_to_step(D("1.23"), D("0.01")) == D("1.23")
    assert floor_to_step(D("7"), D("2.5")) == D("5")
    with pytest.raises(ValueError):
        floor_to_step(D("1"), D("0"))


def test_price_rounds_down_up_or_to_nearest_tick() -> None:
    f = _btc()
    assert quantize_price(D("60000.125"), f, PriceRounding.DOWN) == D("60000.12")
    assert quantize_price(D("60000.121"), f, PriceRounding.UP) == D("60000.13")
    assert quantize_price(D("60000.125"), f, PriceRounding.NEAREST) == D("60000.13")
    assert quantize_price(D("60000.124"), f, PriceRounding.NEAREST) == D("60000.12")


def test_qty_always_floors_to_the_step() -> None:
    assert quantize_qty(D("0.123456789"), _btc()) == D("0.12345")


def test_buy_price_rounds_down_and_sell_price_rounds_up() -> None:
    f = _btc()
    assert quantize_order(Side.BUY, D("60000.129"), D("0.001"), f).price == D("60000.12")
    assert quantize_order(Side.SELL, D("60000.121"), D("0.001"), f).price == D("60000.13")


# --- rejections ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("price", "qty", "reason"),
    [
        (D("0.001"), D("1"), ReasonCode.PRICE_OUT_OF_RANGE),  # rounds to 0 below minPrice
        (D("2000000"), D("0.001"), ReasonCode.PRICE_OUT_OF_RANGE),
        (D("60000"), D("0.000009"), ReasonCode.QTY_BELOW_MINIMUM),  # floors to 0
        (D("1"), D("9000.00001"), ReasonCode.QTY_ABOVE_MAXIMUM),
        (D("60000"), D("0.00016"), ReasonCode.NOTIONAL_BELOW_MINIMUM),  # 9.6 USDT < 10
    ],
)
def test_rejection_carries_the_reason_code_of_the_broken_filter(price: D, qty: D, reason: ReasonCode) -> None:
    with pytest.raises(QuantizationError) as err:
        quantize_order(Side.BUY, price, qty, _btc())
    assert err.value.reason is reason


def test_notional_above_the_maximum_is_refused() -> None:
    f = SymbolFilters.from_exchange_info(_symbol("BNBUSDT"))
    with pytest.raises(QuantizationError) as err:
        quantize_order(Side.BUY, D("90000"), D("100.001"), f)
    assert err.value.reason is ReasonCode.NOTIONAL_ABOVE_MAXIMUM


def test_rounding_the_qty_down_can_drop_an_order_below_min_notional() -> None:
    # 10.0002 USDT before rounding; 9.6 after flooring 0.0001667 to 0.00016.
    with pytest.raises(QuantizationError) as err:
        quantize_order(Side.BUY, D("60000"), D("0.0001667"), _btc())
    assert err.value.reason is ReasonCode.NOTIONAL_BELOW_MINIMUM


@pytest.mark.parametrize("bad", [D("0"), D("-1"), D("NaN"), D("Infinity")])
def test_non_positive_or_non_finite_inputs_are_programming_errors(bad: D) -> None:
    with pytest.raises(ValueError):
        quantize_order(Side.BUY, bad, D("1"), _btc())
    with pytest.raises(ValueError):
        quantize_order(Side.BUY, D("60000"), bad, _btc())


def test_check_order_lists_every_broken_filter_once() -> None:
    f = _btc()
    assert check_order(D("60000.00"), D("0.001"), f) == []
    # Off the tick grid, below minQty and off the step grid, and below minNotional.
    assert check_order(D("60000.005"), D("0.0000051"), f) == [
        ReasonCode.PRICE_NOT_ON_TICK, ReasonCode.QTY_BELOW_MINIMUM, ReasonCode.QTY_NOT_ON_STEP,
        ReasonCode.NOTIONAL_BELOW_MINIMUM,
    ]


def test_market_orders_check_min_notional_only_when_the_symbol_applies_it() -> None:
    f = _btc()
    assert check_order(D("60000"), D("0.0001"), f, market=True) == [ReasonCode.NOTIONAL_BELOW_MINIMUM]
    relaxed = dataclasses.replace(f, apply_min_to_market=False)
    assert check_order(D("60000"), D("0.0001"), relaxed, market=True) == []


def test_market_orders_respect_the_market_lot_size_maximum() -> None:
    with pytest.raises(QuantizationError) as err:
        quantize_order(Side.SELL, D("60000"), D("101"), _btc(), market=True)
    assert err.value.reason is ReasonCode.QTY_ABOVE_MAXIMUM


# --- properties ----------------------------------------------------------------------------

_GRIDS = [D(g) for g in ("0.00000001", "0.000001", "0.0001", "0.01", "0.05", "0.1", "0.25", "1", "5")]


def _filter_grid() -> list[SymbolFilters]:
    """Every combination of grid, bounds and notional limits worth testing (built once: one draw each)."""
    combos = itertools.product(_GRIDS, _GRIDS, (None, 10**6), (None, 10**5), (1, 7),
                               (D("0"), D("0.0001"), D("5"), D("10")), (None, D("100"), D("9000000")))
    return [
        SymbolFilters(
            symbol="TESTUSDT", tick_size=tick, min_price=tick * lo, step_size=step, min_qty=step * lo,
            max_price=None if p_span is None else tick * (lo + p_span),
            max_qty=None if q_span is None else step * (lo + q_span),
            min_notional=min_notional, max_notional=max_notional,
        )
        for tick, step, p_span, q_span, lo, min_notional, max_notional in combos
    ]


symbol_filters = st.sampled_from(_filter_grid())


def _log_uniform(lo_exp: int, hi_exp: int) -> st.SearchStrategy[D]:
    """Decimals m * 10**e with 1 <= m <= 10**6, drawn as one integer (each draw costs hypothesis time)."""
    span = 10**6 * (hi_exp - lo_exp + 1)
    return st.integers(0, span - 1).map(lambda n: D(n % 10**6 + 1).scaleb(n // 10**6 + lo_exp))


sides = st.sampled_from(list(Side))
# Independent price and size over 1e-8 .. 1e9: every rule gets broken, about 20% pass.
any_orders = st.tuples(sides, _log_uniform(-8, 3), _log_uniform(-8, 3), symbol_filters)


def _fitting(f: SymbolFilters, side: Side, p_scale: D, q_scale: D, notional_scale: D) -> OrderArgs:
    # Start from the smallest order that meets min_notional, then scale it up a little.
    assert f.tick_size is not None and f.step_size is not None
    price = f.min_price * p_scale
    qty = max(f.min_qty * q_scale, f.min_notional / price * notional_scale)
    return side, price, qty, f


_scales = st.integers(100, 10**5).map(lambda n: D(n).scaleb(-2))  # 1.00 .. 1000.00
# Orders built near the filters' lower bounds, so most pass and the boundaries are exercised.
fitting_orders = st.builds(_fitting, symbol_filters, sides, _scales, _scales, _scales)


def _expected_outcome(
    side: Side, price: D, qty: D, f: SymbolFilters,
) -> tuple[Fraction, Fraction] | ReasonCode:
    """An independent oracle in exact rational arithmetic: the quantized pair, or the first broken rule."""
    assert f.tick_size is not None and f.step_size is not None
    ticks = Fraction(price) / Fraction(f.tick_size)
    p = (math.floor(ticks) if side is Side.BUY else math.ceil(ticks)) * Fraction(f.tick_size)
    q = math.floor(Fraction(qty) / Fraction(f.step_size)) * Fraction(f.step_size)
    if p <= 0 or p < f.min_price or (f.max_price is not None and p > f.max_price):
        return ReasonCode.PRICE_OUT_OF_RANGE
    if q <= 0 or q < f.min_qty:
        return ReasonCode.QTY_BELOW_MINIMUM
    if f.max_qty is not None and q > f.max_qty:
        return ReasonCode.QTY_ABOVE_MAXIMUM
    if p * q < f.min_notional:
        return ReasonCode.NOTIONAL_BELOW_MINIMUM
    if f.max_notional is not None and p * q > f.max_notional:
        return ReasonCode.NOTIONAL_ABOVE_MAXIMUM
    return p, q


@PROPERTY
@given(fitting_orders | any_orders)
def test_accepted_orders_fit_their_filters_and_never_round_against_the_side(order_args: OrderArgs) -> None:
    side, price, qty, f = order_args
    try:
        order = quantize_order(side, price, qty, f)
    except QuantizationError:
        return
    assert f.tick_size is not None and f.step_size is not None
    # Every static filter it was quantized for holds.
    assert on_grid(order.price, f.tick_size) and f.min_price <= order.price
    assert f.max_price is None or order.price <= f.max_price
    assert on_grid(order.qty, f.step_size) and f.min_qty <= order.qty
    assert f.max_qty is None or order.qty <= f.max_qty
    assert f.min_notional <= order.notional and (f.max_notional is None or order.notional <= f.max_notional)
    assert check_order(order.price, order.qty, f) == []
    assert order.filters_hash == f.filters_hash
    # Quantization never adds size and never moves the price against the side.
    assert qty - f.step_size < order.qty <= qty
    if side is Side.BUY:
        assert price - f.tick_size < order.price <= price  # never pay more than planned
    else:
        assert price <= order.price < price + f.tick_size  # never sell for less than planned


@PROPERTY
@given(any_orders | fitting_orders)
def test_quantize_order_agrees_with_an_exact_rational_oracle(order_args: OrderArgs) -> None:
    side, price, qty, f = order_args
    expected = _expected_outcome(side, price, qty, f)
    if isinstance(expected, ReasonCode):
        with pytest.raises(QuantizationError) as err:
            quantize_order(side, price, qty, f)
        assert err.value.reason is expected
    else:
        order = quantize_order(side, price, qty, f)
        assert (Fraction(order.price), Fraction(order.qty)) == expected
