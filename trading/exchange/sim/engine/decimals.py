"""Exact decimal helpers: wide-context arithmetic and Binance's fixed-places rendering."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Context, Decimal

ZERO = Decimal(0)
ONE = Decimal(1)
BIPS = Decimal(10000)

# 20+20 digit operands (facts §2.2 decimal regex) multiply to 40+ significant digits; the default
# 28-digit context would round silently and balances would drift.
_WIDE = Context(prec=80, rounding=ROUND_HALF_UP)


def mul(a: Decimal, b: Decimal) -> Decimal:
    """Return a*b without rounding."""
    return _WIDE.multiply(a, b)


def div(a: Decimal, b: Decimal) -> Decimal:
    """Return a/b to 80 significant digits."""
    return _WIDE.divide(a, b)


_UNITS = tuple(ONE.scaleb(-places) for places in range(41))  # 1, 0.1, ... 1E-40


def _unit(places: int) -> Decimal:
    return _UNITS[places] if 0 <= places < len(_UNITS) else ONE.scaleb(-places)


def quantize(value: Decimal, places: int, rounding: str = ROUND_HALF_UP) -> Decimal:
    """Return `value` rounded to `places` decimals."""
    return value.quantize(_unit(places), rounding=rounding, context=_WIDE)


_ZERO_TEXT = tuple(f"{ZERO.quantize(unit):f}" for unit in _UNITS)  # "0", "0.0", ... rendered once


def fmt(value: Decimal | None, places: int) -> str:
    """Return Binance's decimal string, e.g. fmt(Decimal("0.1"), 8) -> "0.10000000"."""
    if value is None or (not value and not value.is_signed()):
        if 0 <= places < len(_ZERO_TEXT):
            return _ZERO_TEXT[places]
        value = ZERO
    return f"{value.quantize(_unit(places), rounding=ROUND_HALF_UP, context=_WIDE):f}"


def floor_to_step(value: Decimal, step: Decimal) -> Decimal:
    """Return the largest multiple of `step` not above `value` (step 0 = no rounding)."""
    if step == 0:
        return value
    return _WIDE.multiply(_WIDE.divide_int(value, step), step)


def is_multiple(value: Decimal, step: Decimal) -> bool:
    """Return True when `value` is a whole number of `step`s (step 0 = always)."""
    return step == 0 or _WIDE.remainder(value, step) == 0


def places_in(raw: str) -> int:
    """Return how many decimals a decimal string was sent with."""
    return len(raw.split(".", 1)[1]) if "." in raw else 0
