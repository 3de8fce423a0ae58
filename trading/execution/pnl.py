"""Position arithmetic with fees, pure (design §7 "PnL with fees").

`avg_entry` is the fee-inclusive cost basis per unit held: a BUY whose commission is taken in
the base asset leaves fewer units for the same quote spent, so the basis rises. Realized PnL of
a sale is then proceeds minus its own fee minus basis × qty, which is exactly the change in the
account's quote balance once the position is flat.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

ZERO = Decimal(0)
_BASIS_QUANT = Decimal("1e-12")
QUOTE_QUANT = Decimal("1e-8")


@dataclass(frozen=True, slots=True)
class PositionMath:
    qty: Decimal = ZERO
    avg_entry: Decimal = ZERO
    realized: Decimal = ZERO
    fees_quote: Decimal = ZERO

    def buy(self, price: Decimal, qty: Decimal, commission: Decimal, commission_asset: str,
            base: str, quote: str) -> PositionMath:
        """Return the position after a BUY fill."""
        base_fee = commission if commission_asset == base else ZERO
        quote_fee = commission if commission_asset == quote else ZERO
        net = qty - base_fee
        new_qty = self.qty + net
        cost = self.avg_entry * self.qty + price * qty + quote_fee
        basis = (cost / new_qty).quantize(_BASIS_QUANT) if new_qty > 0 else ZERO
        return replace(self, qty=new_qty, avg_entry=basis,
                       fees_quote=self.fees_quote + fee_in_quote(price, commission, commission_asset, base, quote))

    def sell(self, price: Decimal, qty: Decimal, commission: Decimal, commission_asset: str,
             base: str, quote: str) -> PositionMath:
        """Return the position after a SELL fill (realized PnL grows by this sale's result)."""
        base_fee = commission if commission_asset == base else ZERO
        quote_fee = commission if commission_asset == quote else ZERO
        sold = min(qty + base_fee, self.qty)
        # Quote amounts to Binance's 8 decimals: the basis is rounded at 1e-12, far below that.
        result = (price * qty - quote_fee - self.avg_entry * sold).quantize(QUOTE_QUANT)
        left = self.qty - sold
        return replace(self, qty=left, avg_entry=self.avg_entry if left > 0 else self.avg_entry,
                       realized=self.realized + result,
                       fees_quote=self.fees_quote + fee_in_quote(price, commission, commission_asset, base, quote))

    def unrealized(self, mid: Decimal) -> Decimal:
        """Return the open PnL at `mid` (entry fees included through the basis, exit fee not)."""
        return self.qty * (mid - self.avg_entry)


def fee_in_quote(price: Decimal, commission: Decimal, asset: str, base: str, quote: str) -> Decimal:
    """Return a commission in the quote asset; other assets (BNB) count 0 here, see the report."""
    if asset == quote:
        return commission
    if asset == base:
        return commission * price
    return ZERO


def split_symbol(symbol: str, quote: str = "USDT") -> tuple[str, str]:
    """Return (base, quote) of a USDT pair, the only kind livespot trades."""
    if not symbol.endswith(quote) or len(symbol) == len(quote):
        raise ValueError(f"{symbol} is not a {quote} pair")
    return symbol[: -len(quote)], quote
