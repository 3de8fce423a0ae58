"""UNIVERSE_SCAN: the eligible USDT pairs (design §4.1), with every exclusion and its reason."""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from trading.domain.config.sections import UniverseSection
from trading.domain.guards.universe import (
    AllowListFilter,
    DenyListFilter,
    LeveragedTokenFilter,
    MinQuoteVolumeFilter,
    QuoteAssetFilter,
    SpotAllowedFilter,
    StablePairFilter,
    StatusFilter,
    UniverseFilter,
)
from trading.domain.ports import SymbolInfo, Ticker24h
from trading.domain.stages.result import Rejected, StageResult


def universe_filters(cfg: UniverseSection) -> tuple[UniverseFilter, ...]:
    """Return the filters `cfg` asks for, in the order a rejection is reported."""
    filters: list[UniverseFilter] = [StatusFilter(), QuoteAssetFilter(cfg.quote_asset), SpotAllowedFilter(),
                                     DenyListFilter(frozenset(cfg.deny_symbols)),
                                     AllowListFilter(frozenset(cfg.allow_symbols))]
    if cfg.exclude_leveraged_tokens:
        filters.append(LeveragedTokenFilter(tuple(cfg.leveraged_token_suffixes)))
    if cfg.exclude_stable_pairs:
        filters.append(StablePairFilter(frozenset(cfg.stable_assets)))
    filters.append(MinQuoteVolumeFilter(cfg.min_quote_volume_24h))
    return tuple(filters)


def scan_universe(symbols: Iterable[SymbolInfo], tickers: Mapping[str, Ticker24h] | None,
                  cfg: UniverseSection,
                  filters: Sequence[UniverseFilter] | None = None) -> StageResult[SymbolInfo]:
    """Return the eligible symbols sorted by name, and each excluded one with its first failing filter.

    `tickers` (24h) enables the minimum quote volume; without them that filter is skipped.
    """
    active = universe_filters(cfg) if filters is None else tuple(filters)
    accepted: list[SymbolInfo] = []
    rejected: list[Rejected] = []
    for info in sorted(symbols, key=lambda s: s.symbol):
        ticker = None if tickers is None else tickers.get(info.symbol)
        verdict = next(((f, d) for f in active if (d := f.reject(info, ticker)) is not None), None)
        if verdict is None:
            accepted.append(info)
        else:
            rejected.append(Rejected(info.symbol, verdict[0].reason, f"{verdict[0].name}: {verdict[1]}"))
    return StageResult(tuple(accepted), tuple(rejected))
