"""Checks shared by the market tests."""
from __future__ import annotations

from trading.exchange.sim.market import BookTicker, CandleReplayer, CandleSeries, RawCandle, Reference, SymbolInfo


def replayer_for(series: CandleSeries, info: SymbolInfo, seed: int = 7) -> CandleReplayer:
    """Return a replayer for a series whose file units are already ticks and lots."""
    return CandleReplayer(info, series.interval_ms, Reference(series.median_volume, series.median_range_bps), seed)


def assert_book_inside_candle(updates: list[BookTicker], c: RawCandle) -> None:
    """Assert the book-ticker invariants of one candle's updates."""
    for up in updates:
        assert up.bid_ticks < up.ask_ticks, f"crossed or locked book at u={up.u}"
        assert up.bid_lots >= 1 and up.ask_lots >= 1
        assert c.open_time_ms <= up.ts_ms < c.open_time_ms + 60_000 * 60 * 24
        if c.high > c.low:
            assert c.low <= up.bid_ticks and up.ask_ticks <= c.high, f"quote outside the candle at u={up.u}"
        else:  # a flat candle: one quote must sit one tick outside
            assert up.ask_ticks - up.bid_ticks == 1
            assert up.bid_ticks == c.low or up.ask_ticks == c.high
        if up.trade_lots:
            assert c.low <= up.trade_ticks <= c.high
            assert up.trade_ticks in (up.bid_ticks, up.ask_ticks)
