"""Request weight, 429 with Retry-After, 418 bans and the ORDERS limit (facts §5, §10.3–4).

Windows follow the exchange clock, so recovery is a clock jump, not a sleep. After a jump the
client resyncs its timestamp offset from /time, as a bot does after -1021.
"""
from __future__ import annotations

import time

import pytest
from binance import Client
from binance.exceptions import BinanceAPIException

from trading.exchange.sim.server import LimitConfig

from .conftest import SimFactory


def resync(client: Client) -> None:
    client.timestamp_offset = client.get_server_time()["serverTime"] - int(time.time() * 1000)


def test_it_answers_429_with_retry_after_and_recovers_in_the_next_window(sim_factory: SimFactory) -> None:
    sim = sim_factory(limits=LimitConfig(weight_per_minute=50))
    client = sim.client()  # ping: 1
    client.get_exchange_info()  # 21
    client.get_exchange_info()  # 41
    assert client.response.headers["X-MBX-USED-WEIGHT-1M"] == "41"
    with pytest.raises(BinanceAPIException) as info:
        client.get_exchange_info()
    err = info.value
    assert (err.status_code, err.code) == (429, -1003)
    retry_after = int(err.response.headers["Retry-After"])
    assert 1 <= retry_after <= 60
    assert err.response.headers["X-MBX-USED-WEIGHT-1M"] == "41"  # a refused call adds nothing
    sim.server.advance(retry_after * 1000)
    client.get_exchange_info()
    assert client.response.headers["X-MBX-USED-WEIGHT-1M"] == "20"
    resync(client)
    assert client.get_account()["canTrade"] is True


def test_it_bans_an_ip_that_keeps_going_after_429(sim_factory: SimFactory) -> None:
    sim = sim_factory(limits=LimitConfig(weight_per_minute=25, strikes_before_ban=2))
    client = sim.client()
    client.get_exchange_info()
    statuses = []
    for _ in range(4):
        with pytest.raises(BinanceAPIException) as info:
            client.get_exchange_info()
        statuses.append(info.value.status_code)
    assert statuses == [429, 429, 418, 418]
    banned = info.value
    assert banned.code == -1003 and banned.message.startswith("Way too much request weight used; IP banned until")
    assert 119 <= int(banned.response.headers["Retry-After"]) <= 120
    with pytest.raises(BinanceAPIException) as info:
        client.ping()  # even the lightest call is refused while banned
    assert info.value.status_code == 418
    sim.server.advance(121_000)
    assert client.ping() == {}


def test_it_limits_new_orders_per_10_seconds(sim_factory: SimFactory) -> None:
    sim = sim_factory(limits=LimitConfig(orders_per_10s=2))
    client = sim.client()
    for price in ("29000.00", "29001.00"):
        client.order_limit_buy(symbol="BTCUSDT", quantity="0.01000", price=price)
    assert client.response.headers["X-MBX-ORDER-COUNT-10S"] == "2"
    assert client.response.headers["X-MBX-USED-WEIGHT-1M"] == "1"  # successful orders weigh 0
    with pytest.raises(BinanceAPIException) as info:
        client.order_limit_buy(symbol="BTCUSDT", quantity="0.01000", price="29002.00")
    assert (info.value.status_code, info.value.code) == (429, -1015)
    assert info.value.message == "Too many new orders; current limit is 2 orders per 10 SECOND."
    assert len(client.get_open_orders(symbol="BTCUSDT")) == 2
    sim.server.advance(int(info.value.response.headers["Retry-After"]) * 1000)
    resync(client)
    client.order_limit_buy(symbol="BTCUSDT", quantity="0.01000", price="29002.00")
    assert client.response.headers["X-MBX-ORDER-COUNT-10S"] == "1"


def test_fills_take_orders_off_the_unfilled_count(sim_factory: SimFactory) -> None:
    sim = sim_factory(limits=LimitConfig(orders_per_10s=1))
    client = sim.client()
    client.order_market_buy(symbol="BTCUSDT", quantity="0.01000")  # filled at once: count back to 0
    client.order_market_buy(symbol="BTCUSDT", quantity="0.01000")
    assert client.response.headers["X-MBX-ORDER-COUNT-10S"] == "0"
