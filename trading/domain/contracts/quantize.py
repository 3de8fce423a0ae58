"""Symbol filters from exchangeInfo, and quantization of orders onto them.

Rounding follows the side's intent, so quantization never makes an order worse for us:
- quantity always rounds down (never buy or sell more than planned or held);
- a BUY price rounds down (never pay more than planned);
- a SELL price rounds up (a take profit never sells for less than planned; a sell stop moves
  a fraction of a tick closer to the market, which only tightens the risk).
An order that no longer fits the filters after rounding is refused, never nudged up.
"""
from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Context, Decimal
from enum import StrEnum
from typing import Any

from trading.domain.catalog.reasons import ReasonCode
from trading.domain.contracts.canonical import fields_dict, on_grid, sha256_hex
from trading.domain.contracts.decision import DecisionConstraints, Side


class PriceRounding(StrEnum):
    DOWN = "DOWN"
    UP = "UP"
    NEAREST = "NEAREST"  # ties round up


_ROUNDING = {PriceRounding.DOWN: ROUND_FLOOR, PriceRounding.UP: ROUND_CEILING,
             PriceRounding.NEAREST: ROUND_HALF_UP}
# High precision so that value/step is exact for any realistic price or size. Held once rather
# than entered as a localcontext per rounding; only its flags ever change, no result reads them.
_STEP_CONTEXT = Context(prec=60)


class QuantizationError(ValueError):
    """An order cannot be placed on the symbol's filters; `reason` says which rule failed."""

    def __init__(self, reason: ReasonCode, detail: str) -> None:
        super().__init__(f"{reason.value}: {detail}")
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True, slots=True)
class SymbolFilters:
    """The static Binance filters of one symbol. Lower bounds of 0 and upper bounds of None are off.

    tick_size / step_size None means Binance sent "0" (that grid is off). Market fields are None
    when MARKET_LOT_SIZE is absent or sends "0"; trailing bounds are None without TRAILING_DELTA.
    """

    symbol: str
    tick_size: Decimal | None
    min_price: Decimal
    max_price: Decimal | None
    step_size: Decimal | None
    min_qty: Decimal
    max_qty: Decimal | None
    min_notional: Decimal
    max_notional: Decimal | None = None
    apply_min_to_market: bool = True
    apply_max_to_market: bool = False
    market_step_size: Decimal | None = None
    market_min_qty: Decimal | None = None
    market_max_qty: Decimal | None = None
    min_trailing_above_delta: int | None = None
    max_trailing_above_delta: int | None = None
    min_trailing_below_delta: int | None = None
    max_trailing_below_delta: int | None = None

    @classmethod
    def from_exchange_info(cls, symbol_entry: Mapping[str, Any]) -> SymbolFilters:
        """Return the filters of one `symbols[]` entry of GET /api/v3/exchangeInfo.

        Reads PRICE_FILTER, LOT_SIZE, MARKET_LOT_SIZE, NOTIONAL (or the legacy MIN_NOTIONAL)
        and TRAILING_DELTA; other filters are dynamic or account-level and are checked elsewhere.
        Raises ValueError when PRICE_FILTER or LOT_SIZE is missing.
        """
        by_type = {f["filterType"]: f for f in symbol_entry["filters"]}
        if "PRICE_FILTER" not in by_type or "LOT_SIZE" not in by_type:
            raise ValueError(f"{symbol_entry.get('symbol')}: PRICE_FILTER and LOT_SIZE are required")
        price, lot = by_type["PRICE_FILTER"], by_type["LOT_SIZE"]
        return cls(
            symbol=symbol_entry["symbol"],
            tick_size=_off_if_zero(price["tickSize"]),
            min_price=Decimal(price["minPrice"]),
            max_price=_off_if_zero(price["maxPrice"]),
            step_size=_off_if_zero(lot["stepSize"]),
            min_qty=Decimal(lot["minQty"]),
            max_qty=_off_if_zero(lot["maxQty"]),
            **_notional_fields(by_type),
            **_market_lot_fields(by_type.get("MARKET_LOT_SIZE")),
            **_trailing_fields(by_type.get("TRAILING_DELTA")),
        )

    @property
    def filters_hash(self) -> str:
        """Return the SHA-256 hex of the canonical filters: a change means FILTERS_HASH_DRIFT."""
        return _filters_hash(self)

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON-ready form (decimals as strings, off bounds as null)."""
        return fields_dict(self)

    def constraints(self) -> DecisionConstraints:
        """Return the DecisionConstraints a Decision on this symbol carries.

        Raises ValueError if the symbol has no tick or step grid: livespot does not trade those.
        """
        if self.tick_size is None or self.step_size is None:
            raise ValueError(f"{self.symbol}: no tick or step grid, not tradable by livespot")
        cached = _constraints(self)
        # The cache matches filters by value, and Decimal("0.01") == Decimal("0.010"): reuse only
        # constraints holding these very Decimals, so that even their text is this object's (an
        # equal copy of the filters gets correct constraints, just built anew).
        if (cached.tick_size is self.tick_size and cached.step_size is self.step_size
                and cached.min_qty is self.min_qty and cached.min_notional is self.min_notional
                and cached.max_notional is self.max_notional):
            return cached
        return _build_constraints(self)


@functools.lru_cache(maxsize=4096)
def _filters_hash(f: SymbolFilters) -> str:
    # Cached: every quantized order carries it, and the filters of a symbol rarely change.
    return sha256_hex(f.to_dict())


@functools.lru_cache(maxsize=4096)
def _constraints(f: SymbolFilters) -> DecisionConstraints:
    # Cached like the hash: every Decision carries them, and both objects are frozen.
    return _build_constraints(f)


def _build_constraints(f: SymbolFilters) -> DecisionConstraints:
    assert f.tick_size is not None and f.step_size is not None
    return DecisionConstraints(
        tick_size=f.tick_size, step_size=f.step_size, min_qty=f.min_qty,
        min_notional=f.min_notional, max_notional=f.max_notional,
        filters_hash=f.filters_hash,
    )


def _off_if_zero(raw: str) -> Decimal | None:
    value = Decimal(raw)
    return None if value == 0 else value


def _notional_fields(by_type: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    if "NOTIONAL" in by_type:
        f = by_type["NOTIONAL"]
        return {"min_notional": Decimal(f["minNotional"]), "max_notional": _off_if_zero(f["maxNotional"]),
                "apply_min_to_market": bool(f["applyMinToMarket"]),
                "apply_max_to_market": bool(f["applyMaxToMarket"])}
    if "MIN_NOTIONAL" in by_type:
        f = by_type["MIN_NOTIONAL"]
        return {"min_notional": Decimal(f["minNotional"]), "max_notional": None,
                "apply_min_to_market": bool(f["applyToMarket"]), "apply_max_to_market": False}
    return {"min_notional": Decimal(0), "max_notional": None}


def _market_lot_fields(f: Mapping[str, Any] | None) -> dict[str, Any]:
    if f is None:
        return {}
    return {"market_step_size": _off_if_zero(f["stepSize"]), "market_min_qty": _off_if_zero(f["minQty"]),
            "market_max_qty": _off_if_zero(f["maxQty"])}


def _trailing_fields(f: Mapping[str, Any] | None) -> dict[str, Any]:
    if f is None:
        return {}
    return {"min_trailing_above_delta": int(f["minTrailingAboveDelta"]),
            "max_trailing_above_delta": int(f["maxTrailingAboveDelta"]),
            "min_trailing_below_delta": int(f["minTrailingBelowDelta"]),
            "max_trailing_below_delta": int(f["maxTrailingBelowDelta"])}


def _to_step(value: Decimal, step: Decimal, rounding: str) -> Decimal:
    if not step > 0:
        raise ValueError(f"step must be > 0, got {step}")
    ctx = _STEP_CONTEXT
    return ctx.multiply(ctx.divide(value, step).to_integral_value(rounding, ctx), step)


def floor_to_step(value: Decimal, step: Decimal) -> Decimal:
    """Return the largest multiple of `step` that is <= `value`."""
    return _to_step(value, step, ROUND_FLOOR)


def ceil_to_step(value: Decimal, step: Decimal) -> Decimal:
    """Return the smallest multiple of `step` that is >= `value`."""
    return _to_step(value, step, ROUND_CEILING)


def quantize_price(price: Decimal, f: SymbolFilters, rounding: PriceRounding = PriceRounding.DOWN) -> Decimal:
    """Return `price` on the tick grid of `f`, rounded as asked (unchanged when the grid is off)."""
    if f.tick_size is None:
        return price
    return _to_step(price, f.tick_size, _ROUNDING[rounding])


def quantize_qty(qty: Decimal, f: SymbolFilters, *, market: bool = False) -> Decimal:
    """Return `qty` floored to the LOT_SIZE step (and the MARKET_LOT_SIZE step for a market order)."""
    if f.step_size is not None:
        qty = floor_to_step(qty, f.step_size)
    if market and f.market_step_size is not None:
        qty = floor_to_step(qty, f.market_step_size)
    return qty


@dataclass(frozen=True, slots=True)
class QuantizedOrder:
    """An order that passes the static filters it was quantized for."""

    symbol: str
    side: Side
    price: Decimal
    qty: Decimal
    filters_hash: str

    @property
    def notional(self) -> Decimal:
        """Return price * qty."""
        return self.price * self.qty

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON-ready form (decimals as strings)."""
        return fields_dict(self)


def quantize_order(side: Side, price: Decimal, qty: Decimal, f: SymbolFilters, *,
                   market: bool = False) -> QuantizedOrder:
    """Return the order rounded per side (see module doc) if it then passes every static filter.

    For a market order `price` is the expected price, used for the notional checks only.
    Raises QuantizationError with the first failing rule's ReasonCode, ValueError for a
    non-finite or non-positive input.
    """
    for name, value in (("price", price), ("qty", qty)):
        if not (isinstance(value, Decimal) and value.is_finite() and value > 0):
            raise ValueError(f"{name} must be a finite Decimal > 0, got {value!r}")
    rounding = PriceRounding.DOWN if side is Side.BUY else PriceRounding.UP
    q_price = price if market else quantize_price(price, f, rounding)
    q_qty = quantize_qty(qty, f, market=market)
    problems = check_order(q_price, q_qty, f, market=market)
    if problems:
        raise QuantizationError(problems[0], f"{f.symbol} {side} {qty}@{price} -> {q_qty}@{q_price}")
    return QuantizedOrder(symbol=f.symbol, side=side, price=q_price, qty=q_qty, filters_hash=f.filters_hash)


def check_order(price: Decimal, qty: Decimal, f: SymbolFilters, *, market: bool = False) -> list[ReasonCode]:
    """Return the reasons `price` x `qty` breaks static filters of `f`, each once, in a stable
    order (price, quantity, notional); [] when the order passes.

    For a market order `price` is the expected price and is not checked against PRICE_FILTER.
    """
    problems = [] if market else _price_problems(price, f)
    problems += _qty_problems(qty, f, market)
    problems += _notional_problems(price * qty, f, market)
    return problems if len(problems) < 2 else list(dict.fromkeys(problems))


def _price_problems(price: Decimal, f: SymbolFilters) -> list[ReasonCode]:
    problems = []
    if price <= 0 or price < f.min_price or (f.max_price is not None and price > f.max_price):
        problems.append(ReasonCode.PRICE_OUT_OF_RANGE)
    if f.tick_size is not None and not on_grid(price, f.tick_size):
        problems.append(ReasonCode.PRICE_NOT_ON_TICK)
    return problems


def _qty_problems(qty: Decimal, f: SymbolFilters, market: bool) -> list[ReasonCode]:
    problems = _lot_problems(qty, f.min_qty, f.max_qty, f.step_size)
    if market:
        problems += _lot_problems(qty, f.market_min_qty or Decimal(0), f.market_max_qty, f.market_step_size)
    return problems


def _lot_problems(qty: Decimal, min_qty: Decimal, max_qty: Decimal | None,
                  step: Decimal | None) -> list[ReasonCode]:
    problems = []
    if qty <= 0 or qty < min_qty:
        problems.append(ReasonCode.QTY_BELOW_MINIMUM)
    if max_qty is not None and qty > max_qty:
        problems.append(ReasonCode.QTY_ABOVE_MAXIMUM)
    if step is not None and not on_grid(qty, step):
        problems.append(ReasonCode.QTY_NOT_ON_STEP)
    return problems


def _notional_problems(notional: Decimal, f: SymbolFilters, market: bool) -> list[ReasonCode]:
    problems = []
    if (not market or f.apply_min_to_market) and notional < f.min_notional:
        problems.append(ReasonCode.NOTIONAL_BELOW_MINIMUM)
    if (not market or f.apply_max_to_market) and f.max_notional is not None and notional > f.max_notional:
        problems.append(ReasonCode.NOTIONAL_ABOVE_MAXIMUM)
    return problems
