"""Account balances (free/locked per asset) and the fee schedule (facts §2.2, §7)."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from .decimals import ZERO, div, mul, quantize


class BalanceInvariantError(AssertionError):
    """A move would make free or locked negative: an engine bug, never a client error."""


class Balances:
    """Free and locked amounts per asset; every change records the asset as touched."""

    def __init__(self) -> None:
        self._free: dict[str, Decimal] = {}
        self._locked: dict[str, Decimal] = {}
        self._touched: list[str] = []

    def free(self, asset: str) -> Decimal:
        return self._free.get(asset, ZERO)

    def locked(self, asset: str) -> Decimal:
        return self._locked.get(asset, ZERO)

    def assets(self) -> list[str]:
        """Return every asset ever held, sorted."""
        return sorted(set(self._free) | set(self._locked))

    def credit(self, asset: str, amount: Decimal) -> None:
        """Add `amount` to free."""
        self._move(self._free, asset, amount)

    def debit(self, asset: str, amount: Decimal) -> None:
        """Take `amount` from free."""
        self._move(self._free, asset, -amount)

    def lock(self, asset: str, amount: Decimal) -> None:
        """Move `amount` from free to locked."""
        self._move(self._free, asset, -amount)
        self._move(self._locked, asset, amount)

    def unlock(self, asset: str, amount: Decimal) -> None:
        """Move `amount` from locked back to free."""
        self._move(self._locked, asset, -amount)
        self._move(self._free, asset, amount)

    def spend_locked(self, asset: str, amount: Decimal) -> None:
        """Take `amount` out of locked (it leaves the account)."""
        self._move(self._locked, asset, -amount)

    def drain_touched(self) -> list[str]:
        """Return the assets changed since the last call, in first-touch order, and forget them."""
        touched, self._touched = self._touched, []
        return touched

    def _move(self, book: dict[str, Decimal], asset: str, delta: Decimal) -> None:
        if delta == 0:
            return
        new = book.get(asset, ZERO) + delta
        if new < 0:
            raise BalanceInvariantError(f"{asset} would go negative ({new})")
        book[asset] = new
        self._free.setdefault(asset, ZERO)
        self._locked.setdefault(asset, ZERO)
        if asset not in self._touched:
            self._touched.append(asset)


@dataclass(frozen=True)
class FeeSchedule:
    """Commission rates; commission is charged in the asset received unless BNB pays (facts §2.2).

    With `pay_in_bnb` on, a fill's commission is converted to BNB at the BNB<asset> last price
    with `bnb_discount` off, and falls back to the received asset when BNB is short or unpriced.
    """

    maker: Decimal = Decimal("0.001")
    taker: Decimal = Decimal("0.001")
    pay_in_bnb: bool = False
    bnb_discount: Decimal = Decimal("0.25")

    def rate(self, is_maker: bool) -> Decimal:
        """Return the commission rate of a maker or taker fill."""
        return self.maker if is_maker else self.taker

    def as_bips(self, is_maker: bool) -> int:
        """Return the rate in the integer units of GET /account (0.001 -> 10)."""
        return int(self.rate(is_maker) * 10000)


def commission_in(amount: Decimal, rate: Decimal, places: int) -> Decimal:
    """Return amount*rate rounded half-up to the commission precision."""
    return quantize(mul(amount, rate), places)


def bnb_commission(received_value_in_quote: Decimal, rate: Decimal, discount: Decimal,
                   bnb_price: Decimal) -> Decimal:
    """Return the BNB amount paying the discounted commission on a fill worth that much quote."""
    fee_in_quote = mul(mul(received_value_in_quote, rate), 1 - discount)
    return quantize(div(fee_in_quote, bnb_price), 8)


def non_negative(values: Iterable[Decimal]) -> bool:
    """Return True when no value is negative (used by invariant checks)."""
    return all(v >= 0 for v in values)
