"""STATE_UPDATE: per-symbol market state fed by bookTicker and kline events (pure, bounded).

    store = StateStore(StateParams())
    store.on_book_ticker(bt, now_ms)      # a few µs; floats on the hot path
    store.on_kline(update)                # closed 1m klines roll up into 5m/15m/1h
    view = store.view("BTCUSDT", now_ms)  # MarketView: panel integers + Decimal touch
"""
from trading.domain.state.candles import Candle, CandleSeries, MultiTimeframeCandles
from trading.domain.state.features import RadarFeatures, RegimeScores, radar_features, regime_scores
from trading.domain.state.microstructure import Microstructure, SpreadWindow
from trading.domain.state.store import MarketView, StateParams, StateStore, SymbolState

__all__ = [
    "Candle", "CandleSeries", "MarketView", "Microstructure", "MultiTimeframeCandles", "RadarFeatures",
    "RegimeScores", "SpreadWindow", "StateParams", "StateStore", "SymbolState", "radar_features",
    "regime_scores",
]
