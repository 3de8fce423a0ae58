"""Per-symbol filters the execution path needs (dust, step), read once from exchangeInfo."""
from __future__ import annotations

from decimal import Decimal

from trading.domain.contracts.quantize import SymbolFilters, floor_to_step
from trading.domain.ports import Exchange, SymbolInfo


class Instruments:
    """exchangeInfo cached per process; `refresh()` after a FILTERS_HASH_DRIFT."""

    def __init__(self, exchange: Exchange) -> None:
        self._exchange = exchange
        self._symbols: dict[str, SymbolInfo] = {}

    def refresh(self) -> None:
        self._symbols = dict(self._exchange.exchange_info().symbols)

    def info(self, symbol: str) -> SymbolInfo:
        if symbol not in self._symbols:
            self.refresh()
        return self._symbols[symbol]

    def filters(self, symbol: str) -> SymbolFilters:
        return self.info(symbol).filters

    def floor_qty(self, symbol: str, qty: Decimal) -> Decimal:
        """Return `qty` rounded down to the LOT_SIZE step (what can actually be sold)."""
        step = self.filters(symbol).step_size
        return floor_to_step(qty, step) if step else qty

    def dust_qty(self, symbol: str, price: Decimal | None = None) -> Decimal:
        """Return the largest quantity that can no longer be sold (below minQty or minNotional)."""
        f = self.filters(symbol)
        by_notional = f.min_notional / price if price and f.min_notional else Decimal(0)
        return max(f.min_qty, by_notional)
