"""Per-symbol filters the execution path needs (dust, step), read once from exchangeInfo."""
from __future__ import annotations

from decimal import Decimal

from trading.domain.contracts.quantize import PriceRounding, SymbolFilters, floor_to_step, quantize_price
from trading.domain.ports import Exchange, SymbolInfo


class Instruments:
    """exchangeInfo cached per process; `refresh()` after a FILTERS_HASH_DRIFT or a refusal.

    `halted()` names the symbols that must get no new entry: their cached status is not
    TRADING, or the exchange refused an order on them as "Market is closed" since the last
    refresh (the refusal is believed over a cached TRADING until the next refresh says so).
    """

    def __init__(self, exchange: Exchange) -> None:
        self._exchange = exchange
        self._symbols: dict[str, SymbolInfo] = {}
        self._refused: set[str] = set()

    def refresh(self) -> None:
        self._symbols = dict(self._exchange.exchange_info().symbols)
        self._refused.clear()

    def halted(self) -> frozenset[str]:
        """Return the symbols not accepting orders, as last read or last refused."""
        return frozenset(self._refused).union(s for s, i in self._symbols.items() if not i.is_trading)

    def refused_not_trading(self, symbol: str) -> None:
        """Record that the exchange refused an order on `symbol` as not trading; re-read statuses.

        The symbol counts as halted until the next `refresh()`, even where this re-read still
        shows TRADING (the refusal is the newer fact). Raises ExchangeError if the re-read fails
        (the refusal is recorded all the same).
        """
        self._refused.add(symbol)
        self._symbols = dict(self._exchange.exchange_info().symbols)

    def refresh_changed(self, symbol: str) -> bool:
        """Re-read exchangeInfo; return True if `symbol`'s filters changed (FILTERS_HASH_DRIFT)."""
        old = self._symbols.get(symbol)
        self.refresh()
        new = self._symbols.get(symbol)
        return old is not None and new is not None and old.filters.filters_hash != new.filters.filters_hash

    def on_grid(self, symbol: str, price: Decimal, rounding: PriceRounding = PriceRounding.NEAREST) -> Decimal:
        """Return `price` on the symbol's current tick grid."""
        return quantize_price(price, self.filters(symbol), rounding)

    def status(self, symbol: str) -> str:
        """Return `symbol`'s status as last read ("" when it is not listed)."""
        info = self._symbols.get(symbol)
        return info.status if info is not None else ""

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
