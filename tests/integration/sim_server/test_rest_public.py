"""Public REST endpoints through the real python-binance Client over HTTP on 127.0.0.1."""
from __future__ import annotations

import time

import pytest
import requests
from binance.exceptions import BinanceAPIException

from .conftest import Sim


def test_it_answers_ping_time_and_exchange_info(sim: Sim) -> None:
    client = sim.client()  # the constructor pings the simulator
    assert client.ping() == {}
    server_time = client.get_server_time()["serverTime"]
    assert abs(server_time - time.time() * 1000) < 2000
    info = client.get_exchange_info()
    assert info["timezone"] == "UTC"
    assert [s["symbol"] for s in info["symbols"]] == ["BTCUSDT", "ETHUSDT"]
    btc = client.get_symbol_info("BTCUSDT")
    assert {f["filterType"] for f in btc["filters"]} >= {"PRICE_FILTER", "LOT_SIZE", "NOTIONAL"}
    assert client.response.headers["X-MBX-USED-WEIGHT-1M"] == str(1 + 1 + 1 + 20 + 20)
    assert client.response.headers["Content-Type"].startswith("application/json")


def test_it_serves_book_ticker_price_depth_and_avg_price(sim: Sim) -> None:
    client = sim.client()
    assert client.get_orderbook_ticker(symbol="BTCUSDT") == {
        "symbol": "BTCUSDT", "bidPrice": "30000.00000000", "bidQty": "5.00000000",
        "askPrice": "30001.00000000", "askQty": "5.00000000"}
    assert client.get_symbol_ticker(symbol="ETHUSDT") == {"symbol": "ETHUSDT", "price": "2000.05000000"}
    book = client.get_order_book(symbol="BTCUSDT", limit=5)
    assert book["bids"] == [["30000.00000000", "5.00000000"]] and book["asks"] == [["30001.00000000", "5.00000000"]]
    assert client.get_avg_price(symbol="BTCUSDT")["mins"] == 5
    assert len(client.get_orderbook_tickers()) == 2


def test_it_serves_klines_and_24h_tickers(sim: Sim) -> None:
    client = sim.client()
    sim.server.advance(120_000)
    sim.quote("BTCUSDT", "30100.00", "30101.00")
    rows = client.get_klines(symbol="BTCUSDT", interval="1m", limit=10)
    assert len(rows) == 3 and len(rows[0]) == 12
    assert rows[-1][4] == "30100.50000000"
    full = client.get_ticker(symbol="BTCUSDT")
    assert full["lastPrice"] == "30100.50000000" and full["bidPrice"] == "30100.00000000"
    mini = client.get_ticker(symbols='["BTCUSDT","ETHUSDT"]', type="MINI")
    assert [t["symbol"] for t in mini] == ["BTCUSDT", "ETHUSDT"] and "bidPrice" not in mini[0]


@pytest.mark.parametrize(("params", "code"), [
    ({"symbol": "NOPEUSDT", "interval": "1m"}, -1121),
    ({"symbol": "BTCUSDT", "interval": "7m"}, -1120),
    ({"symbol": "BTCUSDT", "interval": "1m", "limit": "1001"}, -1130),
])
def test_it_rejects_bad_kline_requests(sim: Sim, params: dict[str, str], code: int) -> None:
    client = sim.client()
    with pytest.raises(BinanceAPIException) as info:
        client.get_klines(**params)
    assert info.value.code == code and info.value.status_code == 400


def test_it_no_longer_serves_listen_keys(sim: Sim) -> None:
    # listenKey management was removed in 2026 (facts §7): user data comes from the WS API.
    response = requests.post(f"{sim.server.api_url}/v3/userDataStream", headers={"X-MBX-APIKEY": sim.api_key},
                             timeout=5)
    assert response.status_code == 410
