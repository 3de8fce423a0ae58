"""`python manage.py bench exchange`: the adapter and simulator's speed on this machine.

Figures (medians of `--repeat` runs; RTT percentiles over the pooled samples):
- order_rtt_p50_ms / order_rtt_p99_ms: one LIMIT placement through `BinanceExchange` ->
  python-binance's Client -> HTTP on 127.0.0.1 -> the simulator -> back, signed and parsed;
- engine_orders_per_s: new resting LIMIT orders per second in the matching engine, in-process
  (validation, filters, funds, events), without HTTP, with at most 10 orders open at a time
  as on the bot's account (the engine's account-limit checks scan the open orders);
- replay_events_per_s: bookTicker updates per second produced by the replay of shipped candles.
Not a test: nothing asserts on timings, which depend on the machine.
"""
from __future__ import annotations

import statistics
import time
from decimal import Decimal
from typing import Any

from trading.domain.clock import ManualClock
from trading.domain.contracts.intent import OrderType
from trading.domain.ports import OrderRequest, Side, TimeInForce
from trading.exchange.adapter import AdapterConfig, BinanceExchange, ExchangeEndpoints
from trading.exchange.sim.engine import SimEngine, typical_spec
from trading.exchange.sim.market.bench import bench_market
from trading.exchange.sim.server import Credentials, LimitConfig, ServerConfig, SimServer
from trading.exchange.sim.server.standalone import StandaloneOptions, build_feed

# A loopback simulator holds no funds worth a secret; these never leave the process.
_KEY, _SECRET = "bench-key", "bench-secret"
DEFAULT_RTT_ORDERS = 300
DEFAULT_ENGINE_ORDERS = 5000
ENGINE_BATCH = 10  # open orders at most; cancelled between batches, untimed
REPLAY_MINUTES = 1500


def run(options: dict[str, Any]) -> tuple[list[str], dict[str, Any]]:
    """Run the three measurements `repeat` times; return summary lines and the figures."""
    repeat = int(options.get("repeat") or 3)
    orders = int(options.get("events") or DEFAULT_RTT_ORDERS)
    rtts: list[float] = []
    engine: list[float] = []
    replay: list[float] = []
    for _ in range(repeat):
        rtts += order_round_trips(orders)
        engine.append(engine_orders_per_s(max(orders, DEFAULT_ENGINE_ORDERS)))
        replay.append(bench_market(minutes=REPLAY_MINUTES, repeats=1))
    cuts = statistics.quantiles(rtts, n=100, method="inclusive")
    figures = {"order_rtt_p50_ms": round(statistics.median(rtts), 3), "order_rtt_p99_ms": round(cuts[98], 3),
               "order_rtt_samples": len(rtts), "engine_orders_per_s": round(statistics.median(engine)),
               "replay_events_per_s": round(statistics.median(replay))}
    lines = [
        f"order round trip (python-binance -> HTTP 127.0.0.1 -> simulator), {len(rtts)} LIMIT orders: "
        f"p50 {figures['order_rtt_p50_ms']} ms, p99 {figures['order_rtt_p99_ms']} ms",
        f"matching engine in-process: {figures['engine_orders_per_s']} orders/s (median of {repeat})",
        f"market replay: {figures['replay_events_per_s']} bookTicker events/s (median of {repeat})",
    ]
    return lines, figures


def order_round_trips(count: int) -> list[float]:
    """Return `count` placement round trips in ms (each order is then cancelled, untimed)."""
    feed, start_ms = build_feed(StandaloneOptions(port=0, seed=7, replay=("BTCUSDT-1m",)))
    limits = LimitConfig(weight_per_minute=10_000_000, orders_per_10s=10_000_000, orders_per_day=10_000_000)
    config = ServerConfig(autodrive=False, start_ms=start_ms, balances={"USDT": "100000000"}, limits=limits)
    server = SimServer(feed, Credentials(_KEY, _SECRET), config).start_in_thread()
    exchange = BinanceExchange(ExchangeEndpoints.sim(server.port), _KEY, _SECRET, AdapterConfig(),
                               clock=server.clock)
    try:
        bid = exchange.book_ticker("BTCUSDT").bid_price
        price = (bid * Decimal("0.9")).quantize(Decimal("0.01"))
        qty = (Decimal(20) / price).quantize(Decimal("0.00001")) + Decimal("0.00001")
        samples = []
        for i in range(count + 10):  # the first 10 warm up the connection and the clock offset
            cid = f"bench-{i}"
            started = time.perf_counter()
            exchange.place_order(OrderRequest("BTCUSDT", Side.BUY, OrderType.LIMIT, cid, quantity=qty, price=price,
                                              time_in_force=TimeInForce.GTC))
            elapsed = (time.perf_counter() - started) * 1000
            exchange.cancel_order("BTCUSDT", cid)
            if i >= 10:
                samples.append(elapsed)
        return samples
    finally:
        exchange.close()
        server.stop_thread()


def engine_orders_per_s(count: int) -> float:
    """Return resting LIMIT placements per second in a bare SimEngine."""
    clock = ManualClock(1_700_000_000_000)
    engine = SimEngine(clock, [typical_spec()], seed=7)
    engine.deposit("USDT", "1000000000")
    engine.on_book_ticker("BTCUSDT", "30000.00", "5", "30001.00", "5", clock.now_ms())
    params = {"symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT", "timeInForce": "GTC", "quantity": "0.01000",
              "price": "29000.00", "newOrderRespType": "RESULT"}
    elapsed, placed = 0.0, 0
    while placed < count:
        batch = min(ENGINE_BATCH, count - placed)
        started = time.perf_counter()
        for _ in range(batch):
            engine.new_order(params)
        elapsed += time.perf_counter() - started
        placed += batch
        engine.cancel_open_orders({"symbol": "BTCUSDT"})
    return placed / elapsed if elapsed > 0 else 0.0
