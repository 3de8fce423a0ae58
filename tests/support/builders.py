"""Shared builders for pure-domain tests (Nautilus test_kit style): valid values in one call.

make_filters / make_symbol_info / make_ticker: exchange values; make_decision: a valid ENTRY;
make_view: a MarketView with hand-set features; synthetic_klines / feed_trend: a fed SymbolState;
make_risk_context: a calm account where every rule passes.
"""
from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from decimal import Decimal as D
from typing import Any

from trading.domain.catalog.panel import RegimeLabel, SysMode
from trading.domain.catalog.reasons import ReasonCode
from trading.domain.config.model import TraderConfig
from trading.domain.contracts.decision import Costs, Decision, DecisionIntent, EntryOrderType, EntryPlan, \
    ExitPlan, Side
from trading.domain.contracts.quantize import SymbolFilters
from trading.domain.ports import BookTicker, Kline, KlineUpdate, SymbolInfo, Ticker24h
from trading.domain.risk.context import MarketQuote, RiskContext
from trading.domain.state.candles import Candle
from trading.domain.state.features import RadarFeatures, RegimeScores
from trading.domain.state.store import MarketView, StateParams, SymbolState
from trading.domain.strategy.base import OpenPosition, StrategyInput

T0 = 1_795_000_000_000 - 1_795_000_000_000 % 3_600_000  # on an hour boundary: roll-ups align
RUN_ID = "r-20261122T000000Z-a1b2c3"


def make_filters(symbol: str = "BTCUSDT", tick: str = "0.01", step: str = "0.00001", min_qty: str = "0.00001",
                 min_notional: str = "5", max_notional: str | None = "9000000", **kw: Any) -> SymbolFilters:
    """Return BTCUSDT-like static filters (override any field by name)."""
    fields: dict[str, Any] = dict(symbol=symbol, tick_size=D(tick), min_price=D(tick), max_price=D("1000000"),
                                  step_size=D(step), min_qty=D(min_qty), max_qty=D("9000"),
                                  min_notional=D(min_notional),
                                  max_notional=None if max_notional is None else D(max_notional))
    fields.update(kw)
    return SymbolFilters(**fields)


def make_symbol_info(symbol: str = "BTCUSDT", base: str | None = None, quote: str = "USDT",
                     status: str = "TRADING", **kw: Any) -> SymbolInfo:
    """Return an exchangeInfo symbol; the base asset defaults to the symbol minus its quote."""
    base_asset = base if base is not None else symbol[: -len(quote)] if symbol.endswith(quote) else symbol[:3]
    fields: dict[str, Any] = dict(symbol=symbol, status=status, base_asset=base_asset, quote_asset=quote,
                                  order_types=frozenset({"LIMIT", "MARKET"}), filters=make_filters(symbol),
                                  oco_allowed=True)
    fields.update(kw)
    return SymbolInfo(**fields)


def make_ticker(symbol: str, quote_volume: float | int = 50_000_000, count: int = 100_000,
                last: str = "100") -> Ticker24h:
    """Return a 24h ticker with the given quote volume and trade count."""
    return Ticker24h(symbol, D(last), D(last), D(last), D(last), D(1000), D(str(quote_volume)), None,
                     T0 - 86_400_000, T0, count)


def make_decision(**overrides: Any) -> Decision:
    """Return a valid BTCUSDT ENTRY: buy 0.001 @ 60000, stop 59400/59350, TP 61200 (override any field)."""
    fields: dict[str, Any] = dict(
        ts_ms=T0, run_id=RUN_ID, cycle_id=f"{RUN_ID}-c1", snapshot_id="snap-1", symbol="BTCUSDT",
        intent=DecisionIntent.ENTRY, side=Side.BUY,
        entry_plan=EntryPlan(EntryOrderType.LIMIT, price=D("60000.00"), qty=D("0.00100"), ttl_ms=20_000),
        exit_plan=ExitPlan(take_profit_price=D("61200.00"), stop_price=D("59400.00"),
                           stop_limit_price=D("59350.00")),
        constraints=make_filters().constraints(), edge_bps=40,
        costs=Costs(fees_bps=20, spread_bps=1, slippage_bps=5),
        reason_codes=(ReasonCode.SIGNAL_TREND_LONG,), strategy="baseline", strategy_version="1",
    )
    fields.update(overrides)
    return Decision.build(**fields)


def make_exit_decision(**overrides: Any) -> Decision:
    """Return a valid EXIT of an open 0.001 BTCUSDT long."""
    base: dict[str, Any] = dict(intent=DecisionIntent.EXIT, side=Side.SELL, entry_plan=None,
                                exit_plan=ExitPlan(take_profit_price=D("60000.02"), stop_price=D("60000.00"),
                                                   stop_limit_price=D("59999.99"), close_qty=D("0.00100")),
                                reason_codes=(ReasonCode.NO_SIGNAL,), edge_bps=0)
    return make_decision(**{**base, **overrides})


def bar(i: int, close: float, spread: float = 0.001, volume: float = 10.0, interval_ms: int = 60_000) -> Candle:
    """Return bar number `i` closing at `close`, with a symmetric range of `spread` (fraction)."""
    return Candle(T0 + i * interval_ms, close, close * (1 + spread), close * (1 - spread), close, volume,
                  volume * close)


def make_view(symbol: str = "BTCUSDT", bid: str = "60000.00", ask: str = "60000.01", *, trend: float = 0.6,
              momentum_bps: float = 20.0, vwap_bps: float = 20.0, rvol: float = 1.2, atr_range: float = 0.004,
              spread_bps: int = 1, micro_vol_bps: int = 1, closes_1m: Sequence[float] | None = None,
              bars_seen: Mapping[str, int] | None = None, ts_ms: int = T0) -> MarketView:
    """Return a MarketView with hand-set regime and radar; 15m bars give ATR ~ 2 x atr_range in bps."""
    mid = float(bid)
    bars15 = tuple(bar(i, mid, atr_range, interval_ms=900_000) for i in range(30))
    ones = tuple(bar(i, c) for i, c in enumerate(closes_1m)) if closes_1m is not None else ()
    label = RegimeLabel.TREND if trend >= 0.3 else RegimeLabel.RANGE
    return MarketView(
        symbol=symbol, ts_ms=ts_ms, bid=D(bid), ask=D(ask), spread_bps=spread_bps, spread_p50_bps=spread_bps,
        spread_p90_bps=spread_bps + 1, delta_spread_bps_p90_10s=0, imbalance_x10000=0, micro_vol_bps=micro_vol_bps,
        regime=RegimeScores(trend, 1 - trend, label),
        radar=RadarFeatures(momentum_bps, vwap_bps, rvol, atr_range * 20_000, ()),
        bars={"15m": bars15, "1m": ones}, bars_seen=bars_seen or {"15m": 30, "1m": len(ones)},
    )


def make_strategy_input(view: MarketView | None = None, filters: SymbolFilters | None = None,
                        config: TraderConfig | None = None, params: Mapping[str, Any] | None = None,
                        position: OpenPosition | None = None, equity: str = "10000",
                        free: str = "10000", now_ms: int = T0) -> StrategyInput:
    """Return a StrategyInput on `view` (default make_view()) with a 10,000 USDT account."""
    cfg = config or TraderConfig()
    return StrategyInput(run_id=RUN_ID, cycle_id=f"{RUN_ID}-c1", snapshot_id="snap-1", now_ms=now_ms,
                         view=view or make_view(), filters=filters or make_filters(), params=params or {},
                         risk=cfg.risk, execution=cfg.execution, equity_quote=D(equity), free_quote=D(free),
                         position=position)


def make_risk_context(**overrides: Any) -> RiskContext:
    """Return a calm NORMAL account at T0 with a fresh BTCUSDT quote: every rule passes."""
    fields: dict[str, Any] = dict(
        now_ms=T0, sys_mode=SysMode.NORMAL, equity_quote=D("10000"), free_quote=D("10000"),
        peak_equity_quote=D("10000"), quotes={"BTCUSDT": MarketQuote(D("60000.00"), D("60000.01"), T0)},
    )
    fields.update(overrides)
    return RiskContext(**fields)


def kline_update(symbol: str, i: int, close: float, *, interval: str = "1m", closed: bool = True,
                 volume: float = 10.0, wick: float = 0.0005) -> KlineUpdate:
    """Return the kline event of 1m bar number `i` (open = previous close approximated by close)."""
    c = D(repr(round(close, 2)))
    hi, lo = D(repr(round(close * (1 + wick), 2))), D(repr(round(close * (1 - wick), 2)))
    k = Kline(T0 + i * 60_000, c, hi, lo, c, D(repr(volume)), T0 + (i + 1) * 60_000 - 1,
              D(repr(round(volume * close, 2))), 10, D(0), D(0))
    return KlineUpdate(symbol, interval, k, closed, T0 + (i + 1) * 60_000 - 1)


def synthetic_closes(n: int, start: float = 100.0, drift_bps: float = 0.0, vol_bps: float = 5.0,
                     seed: int = 7) -> list[float]:
    """Return `n` closes of a seeded log-normal walk (drift and volatility per bar, in bps)."""
    rnd = random.Random(seed)
    closes, price = [], start
    for _ in range(n):
        price *= math.exp((drift_bps + rnd.gauss(0.0, vol_bps)) / 10_000)
        closes.append(price)
    return closes


def feed_closes(state: SymbolState, closes: Sequence[float], spread_bps: float = 1.0) -> None:
    """Feed 1m klines for `closes` and one touch per bar into `state`."""
    for i, close in enumerate(closes):
        state.on_kline(kline_update(state.symbol, i, close))
        half = close * spread_bps / 20_000
        state.on_book_ticker(BookTicker(state.symbol, D(repr(round(close - half, 2))), D("3"),
                                        D(repr(round(close + half, 2))), D("2"), update_id=i,
                                        event_time_ms=T0 + (i + 1) * 60_000), T0 + (i + 1) * 60_000)


def fed_state(symbol: str = "BTCUSDT", closes: Sequence[float] | None = None,
              params: StateParams | None = None) -> SymbolState:
    """Return a SymbolState fed with `closes` (default: 360 bars of a gentle uptrend)."""
    st = SymbolState(symbol, params or StateParams())
    feed_closes(st, closes if closes is not None else synthetic_closes(360, 60_000.0, drift_bps=1.5, vol_bps=3.0))
    return st
