"""User data over the WebSocket API (facts §7): python-binance's user_socket() and raw requests."""
from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import time
from collections.abc import Callable
from typing import Any

import websockets
from binance import AsyncClient
from binance.exceptions import BinanceAPIException

from .aio import in_thread, recv_json, recv_until
from .conftest import Sim


async def place_oco(client: AsyncClient) -> dict[str, Any]:
    return await client.create_oco_order(
        symbol="BTCUSDT", side="SELL", quantity="0.10000", aboveType="LIMIT_MAKER", abovePrice="30500.00",
        belowType="STOP_LOSS_LIMIT", belowStopPrice="29500.00", belowPrice="29400.00", belowTimeInForce="GTC")


async def collect_until_list_done(socket: Any) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []

    def done(event: dict[str, Any]) -> bool:
        events.append(event)
        return event.get("e") == "listStatus" and event.get("L") == "ALL_DONE"
    await recv_until(socket.recv, done)
    return events


def reports(events: list[dict[str, Any]]) -> dict[int, list[tuple[str, str]]]:
    out: dict[int, list[tuple[str, str]]] = {}
    for e in events:
        if e.get("e") == "executionReport":
            out.setdefault(e["i"], []).append((e["x"], e["X"]))
    return out


def test_user_socket_receives_order_and_balance_events(sim: Sim) -> None:
    async def scenario() -> list[dict[str, Any]]:
        client = sim.async_client()
        async with sim.socket_manager(client).user_socket() as socket:
            order = await client.order_limit_buy(symbol="BTCUSDT", quantity="0.01000", price="29000.00")
            report = await recv_until(socket.recv, lambda e: e.get("e") == "executionReport")
            position = await recv_until(socket.recv, lambda e: e.get("e") == "outboundAccountPosition")
        await client.close_connection()
        assert report["i"] == order["orderId"] and (report["x"], report["X"]) == ("NEW", "NEW")
        return position["B"]
    balances = asyncio.run(scenario())
    assert {"a": "USDT", "f": "99710.00000000", "l": "290.00000000"} in balances


def test_cancelling_one_oco_leg_cancels_both_on_the_user_stream(sim: Sim) -> None:
    async def scenario() -> tuple[dict[str, Any], list[dict[str, Any]]]:
        client = sim.async_client()
        async with sim.socket_manager(client).user_socket() as socket:
            oco = await place_oco(client)
            stop_leg = next(r for r in oco["orderReports"] if r["type"] == "STOP_LOSS_LIMIT")
            await client.cancel_order(symbol="BTCUSDT", orderId=stop_leg["orderId"])
            events = await collect_until_list_done(socket)
        await client.close_connection()
        return oco, events
    oco, events = asyncio.run(scenario())
    by_order = reports(events)
    for leg in oco["orders"]:
        assert by_order[leg["orderId"]][-1] == ("CANCELED", "CANCELED")
    final = events[-1]
    assert final["g"] == oco["orderListId"] and (final["l"], final["L"]) == ("ALL_DONE", "ALL_DONE")


def test_an_oco_limit_fill_expires_the_stop_leg(sim: Sim) -> None:
    async def scenario() -> tuple[dict[str, Any], list[dict[str, Any]]]:
        client = sim.async_client()
        async with sim.socket_manager(client).user_socket() as socket:
            oco = await place_oco(client)
            await in_thread(sim.quote, "BTCUSDT", "30600.00", "30601.00")
            events = await collect_until_list_done(socket)
        await client.close_connection()
        return oco, events
    oco, events = asyncio.run(scenario())
    limit_leg, stop_leg = (next(r for r in oco["orderReports"] if r["type"] == t)
                           for t in ("LIMIT_MAKER", "STOP_LOSS_LIMIT"))
    by_order = reports(events)
    assert by_order[limit_leg["orderId"]][-1] == ("TRADE", "FILLED")
    assert by_order[stop_leg["orderId"]][-1] == ("EXPIRED", "EXPIRED")
    expired = next(e for e in events if e.get("i") == stop_leg["orderId"] and e["x"] == "EXPIRED")
    assert expired["eR"] == "OCO_TRIGGER"


def test_a_dropped_ws_api_connection_needs_a_new_subscription(sim: Sim) -> None:
    async def scenario() -> None:
        client = sim.async_client()
        bsm = sim.socket_manager(client)
        old = bsm.user_socket()
        await old.__aenter__()
        assert await in_thread(sim.server.disconnect_user_streams) == 1
        assert (await asyncio.wait_for(old.recv(), 3))["e"] == "error"
        # python-binance reconnects the WS API but never re-subscribes (facts §9): the bot must,
        # once the connection is back.
        await until(lambda: sim.server.ws_api_connection_count() == 1 and client.ws_api.ws_state.value == "Streaming")
        assert await in_thread(sim.server.user_subscription_count) == 0
        async with bsm.user_socket() as fresh:
            assert await in_thread(sim.server.user_subscription_count) == 1
            await client.order_limit_buy(symbol="BTCUSDT", quantity="0.01000", price="29000.00")
            assert (await recv_until(fresh.recv, lambda e: e.get("e") == "executionReport"))["X"] == "NEW"
        with contextlib.suppress(BinanceAPIException):
            await old.__aexit__(None, None, None)  # its subscription died with the old connection
        await client.close_connection()
    asyncio.run(scenario())


def test_a_silently_lost_subscription_stops_events(sim: Sim) -> None:
    async def scenario() -> None:
        client = sim.async_client()
        socket = sim.socket_manager(client).user_socket()
        await socket.__aenter__()
        assert await in_thread(sim.server.lose_user_subscriptions) == 1
        await client.order_limit_buy(symbol="BTCUSDT", quantity="0.01000", price="29000.00")
        status = await client.ws_api.request("s1", {"id": "s1", "method": "session.status"})
        assert status["userDataStream"] is False
        try:
            event = await asyncio.wait_for(socket.recv(), 0.5)
        except asyncio.TimeoutError:
            event = None
        assert event is None  # nothing says the stream is gone: only silence
        with contextlib.suppress(BinanceAPIException):
            await socket.__aexit__(None, None, None)  # -2036: nothing left to unsubscribe
        await client.close_connection()
    asyncio.run(scenario())


async def until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.05)


def ws_api_signed(sim: Sim, method: str, req_id: int, *, secret: str | None = None) -> str:
    params: dict[str, Any] = {"apiKey": sim.api_key, "timestamp": int(time.time() * 1000)}
    payload = "&".join(f"{k}={v}" for k, v in sorted(params.items()))
    params["signature"] = hmac.new((secret or sim.api_secret).encode(), payload.encode(), hashlib.sha256).hexdigest()
    return json.dumps({"id": req_id, "method": method, "params": params})


def test_ws_api_subscription_rules(sim: Sim) -> None:
    async def scenario() -> None:
        async with websockets.connect(sim.server.ws_api_url) as ws:
            await ws.send(ws_api_signed(sim, "session.logon", 1))
            assert (await recv_json(ws))["error"]["code"] == -4056  # HMAC keys cannot log on
            await ws.send(ws_api_signed(sim, "userDataStream.subscribe.signature", 2, secret="wrong"))
            reply = await recv_json(ws)
            assert (reply["status"], reply["error"]["code"]) == (400, -1022)
            await ws.send(ws_api_signed(sim, "userDataStream.subscribe.signature", 3))
            assert await recv_json(ws) == {"id": 3, "status": 200, "result": {"subscriptionId": 0}}
            await ws.send(ws_api_signed(sim, "userDataStream.subscribe.signature", 4))
            assert (await recv_json(ws))["error"]["code"] == -2035
            await in_thread(sim.server.deposit, "USDT", "5")
            update = await recv_json(ws)
            assert update["subscriptionId"] == 0 and update["event"]["e"] == "balanceUpdate"
            await ws.send(json.dumps({"id": 5, "method": "userDataStream.unsubscribe", "params": {}}))
            replies = [await recv_json(ws) for _ in range(2)]  # the deposit's outboundAccountPosition, then ours
            assert {"id": 5, "status": 200, "result": {}} in replies
            await ws.send(json.dumps({"id": 6, "method": "userDataStream.unsubscribe", "params": {}}))
            assert (await recv_json(ws))["error"]["code"] == -2036
    asyncio.run(scenario())


def test_user_event_frames_can_be_dropped_or_garbled(sim: Sim) -> None:
    async def scenario() -> None:
        async with websockets.connect(sim.server.ws_api_url) as ws:
            await ws.send(ws_api_signed(sim, "userDataStream.subscribe.signature", 1))
            assert (await recv_json(ws))["status"] == 200
            sim.server.faults.drop_frames(1, target="user")
            await in_thread(sim.server.deposit, "USDT", "5")  # balanceUpdate lost, the position update arrives
            assert (await recv_json(ws))["event"]["e"] == "outboundAccountPosition"
            sim.server.faults.garble_frames(1, target="user")
            await in_thread(sim.server.deposit, "USDT", "5")
            raw = await asyncio.wait_for(ws.recv(), 3)
            assert isinstance(raw, str) and not raw.endswith("}")  # truncated JSON
            assert (await recv_json(ws))["event"]["e"] == "outboundAccountPosition"
    asyncio.run(scenario())
