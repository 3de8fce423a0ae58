"""A seeded stochastic market of many symbols, one 1m candle per symbol per minute.

Model (log returns per minute, all seeded, so a seed replays the same market):

    r_i = beta_i * (m + f_g) + e_i

- `m` is a market factor shared by every symbol, `f_g` a factor shared by the symbols of group
  `g` (a "sector"), so correlations are high inside a group and low across groups: something a
  correlation guard must find.
- Each group follows a Markov chain over regimes (TREND_UP, TREND_DOWN, RANGE, HIGH_VOL) that
  sets the factor's drift, volatility, mean reversion and the traded volume.
- `e_i` is the symbol's own noise, larger for thin symbols.

Candles are then turned into book updates by the same `CandleReplayer` as recorded data.
"""
from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from random import Random

from .candles import RawCandle
from .feed import DEFAULT_INTERVALS, CandleFeed
from .quotes import QuoteParams, Reference
from .types import SymbolInfo
from .universe import SimSymbol, build_universe

DEFAULT_START_MS = 1_704_067_200_000  # 2024-01-01 00:00 UTC


class Regime(StrEnum):
    """The state of a group's factor."""

    TREND_UP = "TREND_UP"
    TREND_DOWN = "TREND_DOWN"
    RANGE = "RANGE"
    HIGH_VOL = "HIGH_VOL"


@dataclass(frozen=True)
class RegimeSpec:
    """Per-minute behaviour of a group factor in one regime."""

    drift_bps: float  # mean factor return a minute
    vol_mult: float  # factor and idiosyncratic volatility multiplier
    reversion: float  # pull of the factor toward its level at regime start, a minute
    volume_mult: float
    stay: float  # probability of staying another minute (mean duration 1 / (1 - stay))


REGIMES: dict[Regime, RegimeSpec] = {
    Regime.TREND_UP: RegimeSpec(2.0, 1.0, 0.0, 1.3, 0.995),
    Regime.TREND_DOWN: RegimeSpec(-2.0, 1.1, 0.0, 1.4, 0.995),
    Regime.RANGE: RegimeSpec(0.0, 0.7, 0.02, 0.8, 0.997),
    Regime.HIGH_VOL: RegimeSpec(0.0, 2.5, 0.0, 2.2, 0.985),
}


@dataclass(frozen=True)
class GeneratorParams:
    """The shape of the generated market."""

    symbols: int = 60
    group_size: tuple[int, int] = (3, 9)  # symbols per correlated group, inclusive range
    market_vol_bps: float = 3.0  # market factor std a minute
    group_vol_bps: tuple[float, float] = (5.0, 10.0)
    quote_volume_24h: tuple[float, float] = (1e5, 2e9)  # USDT, log-uniform across symbols
    price: tuple[float, float] = (1e-4, 5e4)  # start prices, log-uniform


class _Group:
    __slots__ = ("regime", "vol_bps", "level", "anchor")

    def __init__(self, regime: Regime, vol_bps: float) -> None:
        self.regime, self.vol_bps, self.level, self.anchor = regime, vol_bps, 0.0, 0.0


class MarketGenerator:
    """Produces the candles of every symbol minute by minute; deterministic for a seed."""

    def __init__(self, params: GeneratorParams | None = None, seed: int = 0) -> None:
        self.params = params or GeneratorParams()
        self.symbols: list[SimSymbol] = build_universe(self.params, Random(f"universe:{seed}"))
        self._rng = Random(f"market:{seed}")
        group_vol = {s.group: s.group_vol_bps for s in self.symbols}
        self._groups = [_Group(self._rng.choice(list(Regime)), group_vol[g]) for g in sorted(group_vol)]
        self._consts = [_Consts.of(s) for s in self.symbols]
        self._log_ticks = [math.log(s.start_ticks) for s in self.symbols]
        self._close = [s.start_ticks for s in self.symbols]

    def regime(self, group: int) -> Regime:
        """Return the current regime of `group`."""
        return self._groups[group].regime

    def references(self) -> list[Reference]:
        """Return each symbol's typical candle and spread floor, for the book model."""
        return [Reference(max(1, int(s.lots_per_minute(s.start_ticks))), 1.8 * s.total_vol_bps,
                          s.spread_bps) for s in self.symbols]

    def next_minute(self, open_time_ms: int) -> list[RawCandle]:
        """Return the candle of every symbol (symbol order) for the minute at `open_time_ms`."""
        gauss = self._rng.gauss
        market = gauss(0.0, self.params.market_vol_bps) / 10_000
        factors = [self._step_group(g) for g in self._groups]
        return [self._candle(i, s, open_time_ms, market + factors[s.group])
                for i, s in enumerate(self.symbols)]

    def _step_group(self, g: _Group) -> float:
        rng = self._rng
        if rng.random() > REGIMES[g.regime].stay:
            g.regime = rng.choice([r for r in Regime if r is not g.regime])
            g.anchor = g.level
        spec = REGIMES[g.regime]
        r = (spec.drift_bps + rng.gauss(0.0, g.vol_bps * spec.vol_mult)) / 10_000
        r -= spec.reversion * (g.level - g.anchor)
        g.level += r
        return r

    def _candle(self, i: int, s: SimSymbol, t: int, common: float) -> RawCandle:
        rng, spec = self._rng, REGIMES[self._groups[s.group].regime]
        k = self._consts[i]
        r = s.beta * common + rng.gauss(0.0, k.idio * spec.vol_mult)
        log_ticks = self._log_ticks[i] + r
        if log_ticks < k.log_floor:  # reflect: a price must stay many ticks above zero
            log_ticks = 2 * k.log_floor - log_ticks
        self._log_ticks[i] = log_ticks
        o, c = self._close[i], max(1, round(math.exp(log_ticks)))
        self._close[i] = c
        total = max(abs(r), k.total * spec.vol_mult)
        top, bottom = (o, c) if o > c else (c, o)
        # Wicks: exponential tails (mean 0.5 of the minute's volatility) on each side.
        high = top + int(top * total * 0.5 * -math.log(1.0 - rng.random()))
        low = max(1, bottom - int(bottom * total * 0.5 * -math.log(1.0 - rng.random())))
        # Trades at both the bid and the ask make a candle at least about a spread wide.
        bounce = int(top * k.spread * (0.8 + 0.7 * rng.random()))
        if high - low < bounce:
            high = low + bounce
        activity = spec.volume_mult * (0.4 + 0.6 * abs(r) / total) * math.exp(rng.gauss(0.0, 0.4))
        volume = max(8, int(k.lots_tick / c * activity))
        return RawCandle(t, o, high, low, c, volume)


@dataclass(frozen=True)
class _Consts:
    """A symbol's per-minute constants, precomputed off the hot path."""

    idio: float
    total: float
    spread: float
    log_floor: float
    lots_tick: float  # lots a minute × price in ticks (quote volume is steady)

    @classmethod
    def of(cls, s: SimSymbol) -> _Consts:
        return cls(s.idio_bps / 10_000, s.total_vol_bps / 10_000, s.spread_bps / 10_000,
                   math.log(s.floor_ticks), s.lots_per_minute(1))


class GeneratorSource:
    """A `CandleSource` over a `MarketGenerator`: endless 1m candles from the warm-up start."""

    interval_ms = 60_000

    def __init__(self, generator: MarketGenerator) -> None:
        self.generator = generator
        self._next_ms: int | None = None

    def infos(self) -> list[SymbolInfo]:
        """Return the generated symbols, in lane order."""
        return [s.info for s in self.generator.symbols]

    def references(self) -> list[Reference]:
        """Return each symbol's typical candle and spread floor."""
        return self.generator.references()

    def warm_up(self, start_ms: int, bars: int) -> Iterator[tuple[int, RawCandle]]:
        """Generate `bars` minutes before `start_ms` as history, lazily (a day of 60 symbols is
        86k candles); the stream continues from `start_ms`."""
        self._next_ms = start_ms - bars * self.interval_ms
        while self._next_ms < start_ms:
            yield from enumerate(self.generator.next_minute(self._next_ms))
            self._next_ms += self.interval_ms

    def next_open_ms(self) -> int | None:
        """Return the next minute to generate (the market never ends)."""
        return self._next_ms

    def pop_until(self, ts_ms: int) -> list[tuple[int, RawCandle]]:
        """Return (lane, candle) for every minute opening at or before `ts_ms`."""
        if self._next_ms is None:
            raise RuntimeError("warm_up() positions the generator first")
        out: list[tuple[int, RawCandle]] = []
        while self._next_ms <= ts_ms:
            out += enumerate(self.generator.next_minute(self._next_ms))
            self._next_ms += self.interval_ms
        return out


class GeneratedFeed(CandleFeed):
    """The generated market served as a `MarketFeed`; deterministic for (params, seed, start)."""

    def __init__(self, params: GeneratorParams | None = None, *, seed: int = 0,
                 start_ms: int = DEFAULT_START_MS, warmup_bars: int = 1440,
                 intervals: Sequence[str] = DEFAULT_INTERVALS, history: int = 1000,
                 quote_params: QuoteParams | None = None) -> None:
        self.generator = MarketGenerator(params, seed)
        super().__init__(GeneratorSource(self.generator), seed=seed, start_ms=start_ms,
                         warmup_bars=warmup_bars, intervals=intervals, history=history,
                         quote_params=quote_params)
        self._by_name = {s.info.symbol: s for s in self.generator.symbols}

    def regime(self, symbol: str) -> Regime:
        """Return the hidden regime driving `symbol` now (for tests and diagnostics only)."""
        return self.generator.regime(self._by_name[symbol].group)

    def group(self, symbol: str) -> int:
        """Return the hidden correlation group of `symbol` (for tests and diagnostics only)."""
        return self._by_name[symbol].group
