"""`bench pipeline` figures: STATE_UPDATE cost per bookTicker, decision pipeline latency, sustained
bookTicker rate over a 200-symbol universe, peak RSS. Pure and deterministic inputs (seeded);
the lead's command prints the dict as its last JSON line.
"""
from __future__ import annotations

import math
import random
import resource
import sys
import time
from collections.abc import Iterator
from decimal import Decimal

from trading.domain.catalog.panel import SysMode
from trading.domain.config.model import TraderConfig
from trading.domain.contracts.decision import Decision
from trading.domain.contracts.quantize import SymbolFilters
from trading.domain.pipeline import run_decision_pipeline
from trading.domain.ports import BookTicker, Kline, KlineUpdate
from trading.domain.risk.context import MarketQuote, RiskContext
from trading.domain.risk.engine import RiskEngine
from trading.domain.state.store import StateStore, SymbolState
from trading.domain.strategy.base import StrategyInput
from trading.domain.strategy.baseline import BaselineStrategy

T0 = 1_795_000_000_000 - 1_795_000_000_000 % 3_600_000
# The steady synthetic uptrend sits far above its 15m VWAP; allow it so every decision reaches risk.
_PARAMS = {"max_vwap_extension_bps": 1000}


def _ticker_chunks(symbols: list[str], n: int, seed: int, chunk: int = 20_000) -> Iterator[list[BookTicker]]:
    # Built chunk by chunk, outside the timed loop, so the input does not dominate peak RSS.
    rnd = random.Random(seed)
    prices = {s: 10.0 + 1000.0 * rnd.random() for s in symbols}
    for first in range(0, n, chunk):
        events = []
        for i in range(first, min(n, first + chunk)):
            sym = symbols[i % len(symbols)]
            p = prices[sym] = prices[sym] * math.exp(rnd.gauss(0.0, 0.0002))
            bid = Decimal(f"{p:.4f}")
            events.append(BookTicker(sym, bid, Decimal(f"{rnd.uniform(0.1, 9):.3f}"),
                                     bid + Decimal("0.0001") * rnd.randint(1, 5),
                                     Decimal(f"{rnd.uniform(0.1, 9):.3f}"), update_id=i, event_time_ms=T0 + i // 20))
        yield events


def _feed_rate(chunks: Iterator[list[BookTicker]]) -> tuple[float, float, StateStore]:
    store, elapsed, count = StateStore(), 0.0, 0
    for events in chunks:
        start = time.perf_counter()
        for bt in events:
            store.on_book_ticker(bt, bt.event_time_ms or 0)
        elapsed += time.perf_counter() - start
        count += len(events)
    return elapsed / count * 1e6, count / elapsed, store


def _trend_state(symbol: str) -> SymbolState:
    state = SymbolState(symbol, StateStore().params)
    rnd, price = random.Random(11), 60_000.0
    for i in range(360):
        price *= math.exp((1.5 + rnd.gauss(0.0, 3.0)) / 10_000)
        c = Decimal(f"{price:.2f}")
        state.on_kline(KlineUpdate(symbol, "1m", Kline(T0 + i * 60_000, c, c * Decimal("1.0005"),
                                                       c * Decimal("0.9995"), c, Decimal(10), T0 + i * 60_000 + 59_999,
                                                       c * 10, 10, Decimal(0), Decimal(0)), True, T0 + i * 60_000))
        state.on_book_ticker(BookTicker(symbol, c, Decimal(3), c + Decimal("0.01"), Decimal(2), update_id=i,
                                        event_time_ms=T0 + i * 60_000), T0 + i * 60_000)
    return state


def _pipeline_latency(iterations: int) -> tuple[float, float, int]:
    cfg = TraderConfig()
    cfg = cfg.model_copy(update={"risk": cfg.risk.model_copy(update={"fee_bps": 2})})  # so entries reach risk
    filters = SymbolFilters("BTCUSDT", Decimal("0.01"), Decimal("0.01"), None, Decimal("0.00001"),
                            Decimal("0.00001"), None, Decimal("5"))
    state, strategy, engine = _trend_state("BTCUSDT"), BaselineStrategy(), RiskEngine.from_config(cfg.risk)
    samples, reached_risk = [], 0
    for i in range(iterations):
        start = time.perf_counter()
        view = state.view()
        assert view is not None
        now = view.ts_ms + 100 + i
        inp = StrategyInput("r-bench", "r-bench-c0", f"snap-{i}", now, view, filters, _PARAMS, cfg.risk, cfg.execution,
                            Decimal(10_000), Decimal(10_000))
        ctx = RiskContext(now, SysMode.NORMAL, Decimal(10_000), Decimal(10_000), Decimal(10_000),
                          quotes={"BTCUSDT": MarketQuote(view.bid, view.ask, view.ts_ms)})
        result = run_decision_pipeline(strategy, inp, engine, ctx)
        samples.append((time.perf_counter() - start) * 1e6)
        reached_risk += result.verdict is not None
    samples.sort()
    return samples[len(samples) // 2], samples[min(len(samples) - 1, math.ceil(0.99 * len(samples)) - 1)], reached_risk


def _decision_build_us(iterations: int = 200) -> float:
    """Return the median cost of Decision.build on a typical entry: the contracts' share of the pipeline."""
    cfg = TraderConfig()
    cfg = cfg.model_copy(update={"risk": cfg.risk.model_copy(update={"fee_bps": 2})})
    filters = SymbolFilters("BTCUSDT", Decimal("0.01"), Decimal("0.01"), None, Decimal("0.00001"),
                            Decimal("0.00001"), None, Decimal("5"))
    view = _trend_state("BTCUSDT").view()
    assert view is not None
    inp = StrategyInput("r-bench", "r-bench-c0", "snap-0", view.ts_ms, view, filters, _PARAMS, cfg.risk,
                        cfg.execution, Decimal(10_000), Decimal(10_000))
    decision = BaselineStrategy().propose(inp)
    assert isinstance(decision, Decision)
    samples = []
    for i in range(iterations):
        start = time.perf_counter()
        decision.with_changes(snapshot_id=f"snap-{i}")
        samples.append((time.perf_counter() - start) * 1e6)
    return sorted(samples)[len(samples) // 2]


def bench_pipeline(symbols: int = 200, events: int = 200_000, decisions: int = 2_000, seed: int = 1) -> dict[str, float]:
    """Return state_update_us, sustained_events_per_s, pipeline_p50_us, pipeline_p99_us, rss_mb, plus
    decision_build_us (Decision.build alone, which hashes the content twice) and the counts."""
    names = [f"S{i:03d}USDT" for i in range(symbols)]
    _feed_rate(_ticker_chunks(names, min(events, 20_000), seed + 1))  # warm-up
    per_event_us, rate, store = _feed_rate(_ticker_chunks(names, events, seed))
    assert len(store) == symbols
    p50, p99, reached = _pipeline_latency(decisions)
    rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    rss_mb = rss_kb / (1024 * 1024) if sys.platform == "darwin" else rss_kb / 1024
    return {"symbols": symbols, "events": events, "state_update_us": round(per_event_us, 2),
            "sustained_events_per_s": round(rate), "pipeline_p50_us": round(p50, 1),
            "pipeline_p99_us": round(p99, 1), "decision_build_us": round(_decision_build_us(), 1),
            "decisions": decisions, "decisions_reaching_risk": reached,
            "rss_mb": round(rss_mb, 1)}


def run(options: dict[str, object]) -> tuple[list[str], dict[str, float]]:
    """`manage.py bench pipeline`: return the summary lines and the figures."""
    f = bench_pipeline()
    lines = [
        f"pipeline benchmark: {int(f['symbols'])} symbols, {int(f['events']):,} bookTickers, {int(f['decisions']):,} decisions",
        f"  STATE_UPDATE: {f['state_update_us']} us/event; sustained {int(f['sustained_events_per_s']):,} events/s"
        " (target >= 20,000)",
        f"  strategy + risk (gate off): p50 {f['pipeline_p50_us']} us, p99 {f['pipeline_p99_us']} us (target p99 <= 1,000)",
        f"  peak RSS {f['rss_mb']} MB",
    ]
    return lines, f
