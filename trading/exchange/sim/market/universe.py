"""The generated symbols: names, filters, price levels, liquidity, volatility and groups.

Filters follow Binance's habits: ticks are powers of ten giving 4–6 significant digits, steps
shrink as the price grows (BTC-like 0.00001, meme-coin-like 1), the minimum notional is mostly
5 USDT. Liquidity spans four orders of magnitude of 24 h quote volume, and thin symbols are
more volatile and quote wider spreads, as on the real exchange.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from random import Random
from typing import TYPE_CHECKING

from .types import SymbolInfo

if TYPE_CHECKING:
    from .generator import GeneratorParams


@dataclass(frozen=True)
class SimSymbol:
    """One generated symbol and the hidden parameters that drive it."""

    info: SymbolInfo
    group: int
    market_vol_bps: float  # std a minute of the factor every symbol shares
    group_vol_bps: float  # std a minute of the group's own factor
    beta: float
    idio_bps: float  # own 1m return std
    quote_volume_24h: float  # USDT a day at typical activity
    spread_bps: float  # spread floor
    start_ticks: int
    floor_ticks: int  # prices are reflected above this many ticks

    @property
    def total_vol_bps(self) -> float:
        """Return the typical 1m return std (market + group + own) in bps."""
        factor = self.beta * math.hypot(self.market_vol_bps, self.group_vol_bps)
        return math.hypot(factor, self.idio_bps)

    def lots_per_minute(self, price_ticks: int) -> float:
        """Return the typical traded lots a minute at `price_ticks` (quote volume is steady)."""
        price = price_ticks * float(self.info.tick_size)
        return self.quote_volume_24h / 1440 / (price * float(self.info.step_size))


def build_universe(params: GeneratorParams, rng: Random) -> list[SimSymbol]:
    """Return `params.symbols` symbols named SIM001USDT…, in correlated groups."""
    groups = _group_ids(params.symbols, params.group_size, rng)
    lo, hi = params.group_vol_bps
    group_vol = [rng.uniform(lo, hi) for _ in range(1 + max(groups))]
    return [_symbol(i, g, group_vol[g], params, rng) for i, g in enumerate(groups)]


def _group_ids(n: int, size: tuple[int, int], rng: Random) -> list[int]:
    ids: list[int] = []
    group = 0
    while len(ids) < n:
        ids += [group] * rng.randint(*size)
        group += 1
    return ids[:n]


def _symbol(i: int, group: int, group_vol: float, params: GeneratorParams, rng: Random) -> SimSymbol:
    qv_lo, qv_hi = params.quote_volume_24h
    quote_volume = 10 ** rng.uniform(math.log10(qv_lo), math.log10(qv_hi))
    thin = math.log10(qv_hi / quote_volume) / math.log10(qv_hi / qv_lo)  # 0 = deepest, 1 = thinnest
    p_lo, p_hi = params.price
    price = 10 ** rng.uniform(math.log10(p_lo), math.log10(p_hi))
    tick, step = _tick_size(price, rng), _step_size(price, rng)
    base = f"SIM{i + 1:03d}"
    info = SymbolInfo(base + "USDT", base, "USDT", tick, step,
                      Decimal(rng.choice(("5", "5", "5", "10", "1"))))
    return SimSymbol(
        info=info, group=group, market_vol_bps=params.market_vol_bps, group_vol_bps=group_vol,
        beta=rng.uniform(0.6, 1.5),
        idio_bps=(4.0 + 10.0 * thin) * rng.uniform(0.8, 1.2),
        quote_volume_24h=quote_volume, spread_bps=(0.3 + 15.0 * thin ** 2) * rng.uniform(0.7, 1.3),
        start_ticks=max(1000, round(price / float(tick))), floor_ticks=100)


def _tick_size(price: float, rng: Random) -> Decimal:
    digits = rng.choice((4, 5, 5, 6))  # significant digits a price shows
    exponent = math.floor(math.log10(price)) - digits + 1
    return Decimal(1).scaleb(min(0, max(-8, exponent)))


def _step_size(price: float, rng: Random) -> Decimal:
    exponent = round(-math.log10(price)) - 1 + rng.choice((-1, 0, 0, 1))
    return Decimal(1).scaleb(min(0, max(-8, exponent)))
