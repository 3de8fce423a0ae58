"""UNIVERSE_SCAN filters: each turns a symbol away with one ReasonCode and a short detail."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar, Protocol

from trading.domain.catalog.reasons import ReasonCode
from trading.domain.ports import SymbolInfo, Ticker24h


class UniverseFilter(Protocol):
    name: ClassVar[str]
    description: ClassVar[str]
    reason: ClassVar[ReasonCode]

    def reject(self, info: SymbolInfo, ticker: Ticker24h | None) -> str | None:
        """Return a key=value detail when `info` is not eligible, None when it passes."""
        ...


@dataclass(frozen=True, slots=True)
class StatusFilter:
    name: ClassVar[str] = "status"
    description: ClassVar[str] = "The symbol accepts new orders (status TRADING)."
    reason: ClassVar[ReasonCode] = ReasonCode.SYMBOL_NOT_TRADING

    def reject(self, info: SymbolInfo, ticker: Ticker24h | None) -> str | None:
        return None if info.is_trading else f"status={info.status}"


@dataclass(frozen=True, slots=True)
class QuoteAssetFilter:
    quote_asset: str = "USDT"
    name: ClassVar[str] = "quote_asset"
    description: ClassVar[str] = "The pair is quoted in the configured quote asset."
    reason: ClassVar[ReasonCode] = ReasonCode.UNIVERSE_EXCLUDED

    def reject(self, info: SymbolInfo, ticker: Ticker24h | None) -> str | None:
        return None if info.quote_asset == self.quote_asset else f"quote_asset={info.quote_asset}"


@dataclass(frozen=True, slots=True)
class SpotAllowedFilter:
    name: ClassVar[str] = "spot_allowed"
    description: ClassVar[str] = "Spot trading is allowed and the symbol has tick and step grids."
    reason: ClassVar[ReasonCode] = ReasonCode.UNIVERSE_EXCLUDED

    def reject(self, info: SymbolInfo, ticker: Ticker24h | None) -> str | None:
        if not info.is_spot_trading_allowed:
            return "spot_allowed=false"
        if info.filters.tick_size is None or info.filters.step_size is None:
            return "grid=off"  # livespot cannot quantize an order without both grids
        return None


@dataclass(frozen=True, slots=True)
class LeveragedTokenFilter:
    suffixes: tuple[str, ...] = ("UP", "DOWN", "BULL", "BEAR")
    name: ClassVar[str] = "leveraged_token"
    description: ClassVar[str] = "The base asset is not a leveraged token (BTCUP, ETHBEAR...)."
    reason: ClassVar[ReasonCode] = ReasonCode.UNIVERSE_EXCLUDED

    def reject(self, info: SymbolInfo, ticker: Ticker24h | None) -> str | None:
        base = info.base_asset
        # "JUP" ends in UP but is no leveraged token: a leveraged base is a whole asset
        # name (2+ letters) followed by the suffix.
        hit = next((s for s in self.suffixes if base.endswith(s) and len(base) > len(s) + 1), None)
        return None if hit is None else f"leveraged_suffix={hit}"


@dataclass(frozen=True, slots=True)
class StablePairFilter:
    stable_assets: frozenset[str] = frozenset()
    name: ClassVar[str] = "stable_pair"
    description: ClassVar[str] = "The pair is not stable/stable (USDCUSDT has no edge to trade)."
    reason: ClassVar[ReasonCode] = ReasonCode.UNIVERSE_EXCLUDED

    def reject(self, info: SymbolInfo, ticker: Ticker24h | None) -> str | None:
        return f"stable_base={info.base_asset}" if info.base_asset in self.stable_assets else None


@dataclass(frozen=True, slots=True)
class DenyListFilter:
    deny: frozenset[str] = frozenset()
    name: ClassVar[str] = "deny_list"
    description: ClassVar[str] = "The symbol is not on the deny list (the deny list always wins)."
    reason: ClassVar[ReasonCode] = ReasonCode.UNIVERSE_EXCLUDED

    def reject(self, info: SymbolInfo, ticker: Ticker24h | None) -> str | None:
        return "deny_list=true" if info.symbol in self.deny else None


@dataclass(frozen=True, slots=True)
class AllowListFilter:
    allow: frozenset[str] = frozenset()
    name: ClassVar[str] = "allow_list"
    description: ClassVar[str] = "With a non-empty allow list, only its symbols are eligible."
    reason: ClassVar[ReasonCode] = ReasonCode.UNIVERSE_EXCLUDED

    def reject(self, info: SymbolInfo, ticker: Ticker24h | None) -> str | None:
        return "allow_list=false" if self.allow and info.symbol not in self.allow else None


@dataclass(frozen=True, slots=True)
class MinQuoteVolumeFilter:
    min_quote_volume: Decimal = Decimal(0)
    name: ClassVar[str] = "min_quote_volume"
    description: ClassVar[str] = "24h quote volume reaches the minimum (skipped without tickers)."
    reason: ClassVar[ReasonCode] = ReasonCode.LIQUIDITY_TOO_LOW

    def reject(self, info: SymbolInfo, ticker: Ticker24h | None) -> str | None:
        if ticker is None or ticker.quote_volume >= self.min_quote_volume:
            return None
        return f"quote_volume_24h={int(ticker.quote_volume)}"

