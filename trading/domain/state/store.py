"""SymbolState and StateStore: the STATE_UPDATE stage's memory, one bounded state per symbol.

Event order: bookTicker carries an update id (`u`); an event whose id is not above the last one
is dropped (equal: duplicate, lower: out of order) and counted. Without an id the event time
orders them. The last touch is kept as the adapter's BookTicker, so order prices stay Decimal
while the features run in floats.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from trading.domain.ports import BookTicker, KlineUpdate
from trading.domain.state.candles import DEFAULT_INTERVALS, Candle, MultiTimeframeCandles
from trading.domain.state.features import (
    RadarFeatures,
    RegimeScores,
    radar_features,
    regime_scores,
)
from trading.domain.state.microstructure import Microstructure


@dataclass(frozen=True, slots=True)
class StateParams:
    """Bounds and windows of the state store (memory per symbol ~ candle_capacity x intervals)."""

    intervals: tuple[str, ...] = DEFAULT_INTERVALS
    candle_capacity: int = 500
    spread_window_ms: int = 60_000
    spread_capacity: int = 600
    delta_window_ms: int = 10_000
    vol_halflife_ticks: int = 50
    radar_intervals: tuple[str, ...] = ("1m", "5m", "15m")
    regime_interval: str = "5m"
    regime_trend_threshold: float = 0.3
    max_symbols: int = 1000


@dataclass(frozen=True, slots=True)
class MarketView:
    """An immutable read of one symbol's state: what strategies, ranking and the panel consume.

    Integers follow the panel encoding (000 MarketSymbolRow); `bars` holds the closed bars per
    interval (oldest first) and `bars_seen` how many ever closed (warm-up on a bounded ring).
    """

    symbol: str
    ts_ms: int
    bid: Decimal
    ask: Decimal
    spread_bps: int
    spread_p50_bps: int
    spread_p90_bps: int
    delta_spread_bps_p90_10s: int
    imbalance_x10000: int
    micro_vol_bps: int
    regime: RegimeScores | None
    radar: RadarFeatures | None
    bars: Mapping[str, tuple[Candle, ...]] = field(default_factory=dict)
    bars_seen: Mapping[str, int] = field(default_factory=dict)

    @property
    def mid(self) -> Decimal:
        """Return the mid price."""
        return (self.bid + self.ask) / 2

    def age_ms(self, now_ms: int) -> int:
        """Return how old the last touch is at `now_ms`."""
        return now_ms - self.ts_ms

    def closes(self, interval: str) -> list[float]:
        """Return the closes of `interval`, oldest first ([] when not kept)."""
        return [b.close for b in self.bars.get(interval, ())]


class SymbolState:
    """Candles, microstructure windows and event order of one symbol."""

    __slots__ = ("symbol", "params", "candles", "micro", "last_update_id", "last_event_ms", "last_ticker",
                 "accepted", "dropped_duplicate", "dropped_out_of_order", "dropped_invalid", "_bar_cache")

    def __init__(self, symbol: str, params: StateParams) -> None:
        self.symbol = symbol
        self.params = params
        self.candles = MultiTimeframeCandles(params.intervals, params.candle_capacity)
        self.micro = Microstructure(params.spread_window_ms, params.spread_capacity, params.delta_window_ms,
                                    params.vol_halflife_ticks)
        self.last_update_id = -1
        self.last_event_ms = -1
        self.last_ticker: BookTicker | None = None
        self.accepted = 0
        self.dropped_duplicate = 0
        self.dropped_out_of_order = 0
        self.dropped_invalid = 0
        # Bar features change only when a bar closes: cache them under the closed-bar counts.
        self._bar_cache: tuple[tuple[int, ...], _BarFeatures] | None = None

    def on_book_ticker(self, bt: BookTicker, now_ms: int) -> bool:
        """Apply one touch; return False when it was dropped (duplicate, out of order, crossed)."""
        if not self._in_order(bt):
            return False
        bid, ask = float(bt.bid_price), float(bt.ask_price)
        if bid <= 0 or ask < bid:
            self.dropped_invalid += 1  # a crossed or empty book would poison every window
            return False
        ts = bt.event_time_ms if bt.event_time_ms is not None else now_ms
        self.micro.on_quote(ts, bid, float(bt.bid_qty), ask, float(bt.ask_qty))
        self.last_ticker = bt
        self.accepted += 1
        return True

    def _in_order(self, bt: BookTicker) -> bool:
        uid, ets = bt.update_id, bt.event_time_ms
        if uid is not None:
            if uid <= self.last_update_id:
                self._count_drop(uid == self.last_update_id)
                return False
            self.last_update_id = uid
        elif ets is not None:
            if ets < self.last_event_ms or (ets == self.last_event_ms and bt == self.last_ticker):
                self._count_drop(ets == self.last_event_ms)
                return False
        if ets is not None:
            self.last_event_ms = max(self.last_event_ms, ets)
        return True

    def _count_drop(self, duplicate: bool) -> None:
        if duplicate:
            self.dropped_duplicate += 1
        else:
            self.dropped_out_of_order += 1

    def on_kline(self, update: KlineUpdate) -> bool:
        """Apply one kline event; return False when it was dropped."""
        return self.candles.on_kline(update)

    def view(self) -> MarketView | None:
        """Return the current MarketView, None before the first touch."""
        bt = self.last_ticker
        if bt is None:
            return None
        m = self.micro
        p50, p90 = m.spreads.quantile(0.5), m.spreads.quantile(0.9)
        bars = self._bar_features()
        return MarketView(
            symbol=self.symbol, ts_ms=m.last_ts_ms, bid=bt.bid_price, ask=bt.ask_price,
            spread_bps=round(m.spread_bps), spread_p50_bps=round(p50 or 0.0), spread_p90_bps=round(p90 or 0.0),
            delta_spread_bps_p90_10s=round(m.delta_p90_bps()), imbalance_x10000=round(m.imbalance * 10_000),
            micro_vol_bps=round(m.micro_vol_bps()), regime=bars.regime, radar=bars.radar, bars=bars.bars,
            bars_seen=bars.seen,
        )

    def _bar_features(self) -> _BarFeatures:
        series = self.candles.series
        key = tuple(s.total_closed for s in series.values())
        if self._bar_cache is not None and self._bar_cache[0] == key:
            return self._bar_cache[1]
        p = self.params
        bars = {name: tuple(s) for name, s in series.items()}
        features = _BarFeatures(
            bars=bars, seen=dict(zip(series, key, strict=True)),
            regime=regime_scores(bars.get(p.regime_interval, ()), trend_threshold=p.regime_trend_threshold),
            radar=radar_features({name: bars[name] for name in p.radar_intervals if name in bars}),
        )
        self._bar_cache = (key, features)
        return features


@dataclass(frozen=True, slots=True)
class _BarFeatures:
    bars: Mapping[str, tuple[Candle, ...]]
    seen: Mapping[str, int]
    regime: RegimeScores | None
    radar: RadarFeatures | None


class StateStore:
    """Every tracked symbol's state, at most `params.max_symbols` of them (bounded memory)."""

    def __init__(self, params: StateParams | None = None) -> None:
        self.params = params or StateParams()
        self._states: dict[str, SymbolState] = {}
        self.refused_symbols = 0

    def __len__(self) -> int:
        return len(self._states)

    def __contains__(self, symbol: object) -> bool:
        return symbol in self._states

    def state(self, symbol: str) -> SymbolState | None:
        """Return the state of `symbol`, creating it while under the bound (None past it)."""
        st = self._states.get(symbol)
        if st is None:
            if len(self._states) >= self.params.max_symbols:
                self.refused_symbols += 1
                return None
            st = self._states[symbol] = SymbolState(symbol, self.params)
        return st

    def detach(self, symbol: str) -> None:
        """Forget `symbol` (it left the watchlist and has no position)."""
        self._states.pop(symbol, None)

    def on_book_ticker(self, bt: BookTicker, now_ms: int) -> bool:
        """Route one touch to its symbol; return False when dropped."""
        st = self._states.get(bt.symbol) or self.state(bt.symbol)
        return st is not None and st.on_book_ticker(bt, now_ms)

    def on_kline(self, update: KlineUpdate) -> bool:
        """Route one kline event to its symbol; return False when dropped."""
        st = self._states.get(update.symbol) or self.state(update.symbol)
        return st is not None and st.on_kline(update)

    def view(self, symbol: str) -> MarketView | None:
        """Return the MarketView of `symbol`, None when unknown or without a touch yet."""
        st = self._states.get(symbol)
        return None if st is None else st.view()

    def counters(self) -> dict[str, int]:
        """Return accepted and dropped event counts over every symbol (for health and the audit)."""
        totals = {"symbols": len(self._states), "accepted": 0, "dropped_duplicate": 0,
                  "dropped_out_of_order": 0, "dropped_invalid": 0, "refused_symbols": self.refused_symbols}
        for st in self._states.values():
            for key in ("accepted", "dropped_duplicate", "dropped_out_of_order", "dropped_invalid"):
                totals[key] += getattr(st, key)
        return totals
