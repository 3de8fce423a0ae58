"""Market streams over real WebSockets: python-binance's BinanceSocketManager and a raw client."""
from __future__ import annotations

import asyncio
import json

import websockets

from trading.exchange.sim.server import WsConfig

from .aio import in_thread, recv_json, recv_until
from .conftest import Sim, SimFactory, quick_exit


def test_book_ticker_frames_reach_binance_socket_manager(sim: Sim) -> None:
    async def scenario() -> None:
        client = sim.async_client()
        async with quick_exit(sim.socket_manager(client).symbol_book_ticker_socket("BTCUSDT")) as socket:
            await in_thread(sim.quote, "BTCUSDT", "30010.00", "30011.00", "1.5", "2.5")
            frame = await asyncio.wait_for(socket.recv(), 3)
        await client.close_connection()
        assert frame["s"] == "BTCUSDT" and set(frame) == {"u", "s", "b", "B", "a", "A"}
        assert (frame["b"], frame["B"], frame["a"], frame["A"]) == (
            "30010.00000000", "1.50000000", "30011.00000000", "2.50000000")
    asyncio.run(scenario())


def test_combined_streams_carry_klines_and_mini_tickers(sim: Sim) -> None:
    async def scenario() -> list[dict]:
        client = sim.async_client()
        seen: list[dict] = []
        streams = ["btcusdt@kline_1m", "ethusdt@miniTicker"]
        async with quick_exit(sim.socket_manager(client).multiplex_socket(streams)) as s:
            await in_thread(sim.server.drive)
            seen.append(await asyncio.wait_for(s.recv(), 3))
            seen.append(await asyncio.wait_for(s.recv(), 3))
            await in_thread(sim.server.advance, 60_000)  # the minute closes
            closed = await recv_until(s.recv, lambda m: m["stream"] == "btcusdt@kline_1m" and m["data"]["k"]["x"])
            seen.append(closed)
        await client.close_connection()
        return seen
    first, second, closed = asyncio.run(scenario())
    assert {first["stream"], second["stream"]} == {"btcusdt@kline_1m", "ethusdt@miniTicker"}
    mini = next(m["data"] for m in (first, second) if m["stream"] == "ethusdt@miniTicker")
    assert mini["e"] == "24hrMiniTicker" and mini["c"] == "2000.05000000"
    k = closed["data"]["k"]
    assert k["i"] == "1m" and k["T"] - k["t"] == 59_999 and k["c"] == "30000.50000000"


def test_live_subscribe_unsubscribe_and_list(sim: Sim) -> None:
    async def scenario() -> None:
        async with websockets.connect(sim.server.stream_url + "ws") as ws:
            await ws.send(json.dumps({"method": "SUBSCRIBE", "params": ["btcusdt@bookTicker", "!miniTicker@arr"],
                                      "id": 1}))
            assert await recv_json(ws) == {"result": None, "id": 1}
            await ws.send(json.dumps({"method": "LIST_SUBSCRIPTIONS", "id": 2}))
            assert await recv_json(ws) == {"result": ["btcusdt@bookTicker", "!miniTicker@arr"], "id": 2}
            await in_thread(sim.quote, "BTCUSDT", "30002.00", "30003.00")
            frames = [await recv_json(ws), await recv_json(ws)]
            assert any(isinstance(f, list) and f[0]["e"] == "24hrMiniTicker" for f in frames)
            assert any(isinstance(f, dict) and f.get("b") == "30002.00000000" for f in frames)
            await ws.send(json.dumps({"method": "UNSUBSCRIBE", "params": ["btcusdt@bookTicker"], "id": 3}))
            assert await recv_json(ws) == {"result": None, "id": 3}
            await ws.send(json.dumps({"method": "SUBSCRIBE", "params": ["!ticker@arr"], "id": 4}))
            reply = await recv_json(ws)
            assert reply["id"] == 4 and reply["error"]["code"] == 2  # retired stream (facts §6)
    asyncio.run(scenario())


def test_disconnected_streams_reconnect_and_resume(sim: Sim) -> None:
    async def scenario() -> None:
        client = sim.async_client()
        async with quick_exit(sim.socket_manager(client).symbol_book_ticker_socket("BTCUSDT")) as socket:
            assert await in_thread(sim.server.disconnect_streams) == 1
            error = await asyncio.wait_for(socket.recv(), 3)
            assert error["e"] == "error"  # python-binance reports the close, then reconnects
            prices = iter(range(30_020, 30_200))

            def poke() -> None:
                bid = next(prices)
                sim.quote("BTCUSDT", f"{bid}.00", f"{bid + 1}.00")
            frame = await recv_until(socket.recv, lambda m: m.get("s") == "BTCUSDT", timeout=8, poke=poke)
            assert frame["b"].startswith("300")
        await client.close_connection()
    asyncio.run(scenario())


def test_dropped_and_malformed_frames(sim: Sim) -> None:
    async def scenario() -> None:
        async with websockets.connect(sim.server.stream_url + "ws/btcusdt@bookTicker") as ws:
            sim.server.faults.drop_frames(1)
            await in_thread(sim.quote, "BTCUSDT", "30001.00", "30002.00")
            await in_thread(sim.quote, "BTCUSDT", "30003.00", "30004.00")
            assert (await recv_json(ws))["b"] == "30003.00000000"  # the first frame never came
            sim.server.faults.garble_frames(1)
            await in_thread(sim.quote, "BTCUSDT", "30005.00", "30006.00")
            raw = await asyncio.wait_for(ws.recv(), 3)
            try:
                json.loads(raw)
            except ValueError:
                pass
            else:
                raise AssertionError("expected a malformed frame")
    asyncio.run(scenario())


def test_connection_rules_ping_rate_and_lifetime(sim_factory: SimFactory) -> None:
    # Margins for a loaded machine: a pong may come late by a scheduler hiccup, not by a second.
    sim = sim_factory(ws=WsConfig(ping_interval_s=0.2, pong_timeout_s=1.0, max_lifetime_s=10.0))
    short = sim_factory(ws=WsConfig(max_lifetime_s=0.3))

    async def closed_within(url: str, seconds: float, *, pong: bool = True, chatter: int = 0) -> bool:
        import aiohttp
        async with aiohttp.ClientSession() as http:
            async with http.ws_connect(url, autoping=pong) as ws:
                for i in range(chatter):
                    await ws.send_str(json.dumps({"method": "LIST_SUBSCRIPTIONS", "id": i}))
                try:
                    async with asyncio.timeout(seconds):
                        async for _ in ws:
                            pass
                except TimeoutError:
                    return False
                return True

    async def scenario() -> None:
        url = sim.server.stream_url + "ws/btcusdt@bookTicker"
        assert await closed_within(url, 4.0, pong=False)  # no pong for 1 s: dropped
        assert not await closed_within(url, 2.0, pong=True)  # answering pings keeps it open (10 pings)
        assert await closed_within(url, 4.0, chatter=6)  # > 5 messages a second
        assert await closed_within(short.server.stream_url + "ws/btcusdt@bookTicker", 4.0)  # 24 h, shortened
    asyncio.run(scenario())


def test_clients_hear_server_shutdown(sim: Sim) -> None:
    async def scenario() -> None:
        async with websockets.connect(sim.server.stream_url + "ws/btcusdt@bookTicker") as ws:
            await in_thread(sim.server.stop_thread)
            notice = await recv_json(ws)
            assert notice["e"] == "serverShutdown"
    asyncio.run(scenario())
