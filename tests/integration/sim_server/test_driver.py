"""The market driver on its own: a clock faster than real time moves candles and the engine."""
from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable
from decimal import Decimal

import websockets
from binance import Client

from trading.exchange.sim.server import TimestampBasis

from .aio import recv_json
from .conftest import SimFactory


def test_a_fast_clock_closes_candles_and_keeps_signed_calls_working(sim_factory: SimFactory) -> None:
    sim = sim_factory(autodrive=True, speed=120.0, timestamp_basis=TimestampBasis.WALL)
    client = sim.client()
    placed = client.order_limit_sell(symbol="BTCUSDT", quantity="0.01000", price="30050.00")

    async def closed_candle() -> dict:
        async with websockets.connect(sim.server.stream_url + "ws/btcusdt@kline_1m") as ws:
            while True:
                frame = await recv_json(ws, timeout=3)
                if frame["k"]["x"]:
                    return frame
    wall_start, start = time.monotonic(), sim.server.clock.now_ms()
    frame = asyncio.run(asyncio.wait_for(closed_candle(), 5))  # a minute passes in 0.5 s
    now = sim.server.clock.now_ms()
    assert frame["k"]["T"] < now and frame["k"]["T"] - frame["k"]["t"] == 59_999
    assert (now - start) / ((time.monotonic() - wall_start) * 1000) > 60  # ~120 exchange ms per wall ms
    sim.feed.quote("BTCUSDT", "30060.00", "30061.00")  # the running driver picks it up
    assert asyncio.run(_wait_for(
        lambda: client.get_order(symbol="BTCUSDT", orderId=placed["orderId"])["status"] == "FILLED"))


async def _wait_for(check: Callable[[], bool], timeout: float = 3.0) -> bool:
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while loop.time() < end:
        if await asyncio.to_thread(check):
            return True
        await asyncio.sleep(0.05)
    return False


def test_the_generated_market_drives_the_engine_through_the_adapter() -> None:
    from trading.exchange.sim.market import GeneratedFeed, GeneratorParams
    from trading.exchange.sim.server import CandleFeedAdapter, Credentials, ServerConfig, SimServer

    start = int(time.time() * 1000)
    feed = CandleFeedAdapter(GeneratedFeed(GeneratorParams(symbols=3), seed=11, start_ms=start, warmup_bars=30))
    key, secret = os.environ["BINANCE_API_KEY"], os.environ["BINANCE_API_SECRET"]
    server = SimServer(feed, Credentials(key, secret), ServerConfig(autodrive=False, trade_prints=True,
                                                                    start_ms=start)).start_in_thread()
    try:
        server.advance(90_000)
        client = type("SimClient", (Client,), {"API_URL": server.api_url})(key, secret)
        client.timestamp_offset = client.get_server_time()["serverTime"] - int(time.time() * 1000)
        symbol = feed.symbols()[0].symbol
        rows = client.get_klines(symbol=symbol, interval="1m", limit=5)
        assert len(rows) == 5 and rows[-1][0] > rows[-2][0]
        book = client.get_orderbook_ticker(symbol=symbol)
        assert Decimal(book["bidPrice"]) < Decimal(book["askPrice"])
        ask, step = Decimal(book["askPrice"]), Decimal(feed.symbols()[0].filters[1]["stepSize"])
        qty = ((Decimal(20) / ask) // step + 1) * step  # about 20 USDT, on the lot grid
        order = client.order_market_buy(symbol=symbol, quantity=f"{qty.normalize():f}")
        assert order["status"] in ("FILLED", "EXPIRED") and order["fills"]
        assert client.get_ticker(symbol=symbol)["count"] > 0
    finally:
        server.stop_thread()
