"""Injected faults over real HTTP: lost responses after execution, 5xx, rejections, market changes."""
from __future__ import annotations

import pytest
import requests
from binance.exceptions import BinanceAPIException

from .conftest import Sim


def test_a_dropped_response_hides_an_order_that_was_placed(sim: Sim) -> None:
    client = sim.client()
    sim.server.faults.timeout_after_execution(path="/api/v3/order", method="POST")
    with pytest.raises(requests.exceptions.ConnectionError):
        client.order_limit_buy(symbol="BTCUSDT", quantity="0.01000", price="29000.00", newClientOrderId="intent-7")
    # Status unknown (facts §0): the bot resolves it by querying the client id it chose.
    found = client.get_order(symbol="BTCUSDT", origClientOrderId="intent-7")
    assert found["status"] == "NEW" and found["origQty"] == "0.01000000"
    assert [o["clientOrderId"] for o in client.get_open_orders(symbol="BTCUSDT")] == ["intent-7"]


@pytest.mark.parametrize(("withhold", "status", "code"), [("503", 503, 0), ("-1007", 503, -1007)])
def test_a_5xx_after_execution_leaves_the_fill_in_place(sim: Sim, withhold: str, status: int, code: int) -> None:
    client = sim.client()
    sim.server.faults.timeout_after_execution(withhold=withhold)
    with pytest.raises(BinanceAPIException) as info:
        client.order_market_buy(symbol="BTCUSDT", quantity="0.01000", newClientOrderId="mkt-1")
    assert (info.value.status_code, info.value.code) == (status, code)
    assert client.get_order(symbol="BTCUSDT", origClientOrderId="mkt-1")["status"] == "FILLED"
    assert len(client.get_my_trades(symbol="BTCUSDT")) == 1


def test_a_plain_5xx_executes_nothing(sim: Sim) -> None:
    client = sim.client()
    rule = sim.server.faults.fail_next(2, status=502, path="/api/v3/order")
    for _ in range(2):
        with pytest.raises(BinanceAPIException) as info:
            client.order_limit_buy(symbol="BTCUSDT", quantity="0.01000", price="29000.00")
        assert info.value.status_code == 502 and info.value.code == 0  # HTML body, like a gateway
    assert rule.remaining == 0
    assert client.get_open_orders(symbol="BTCUSDT") == []
    client.order_limit_buy(symbol="BTCUSDT", quantity="0.01000", price="29000.00")


def test_an_injected_rejection_looks_like_binance(sim: Sim) -> None:
    client = sim.client()
    sim.server.faults.reject_next(-1008, "Server is currently overloaded with other requests. Please try again "
                                  "in a few minutes.", status=503, method="POST")
    with pytest.raises(BinanceAPIException) as info:
        client.order_market_buy(symbol="BTCUSDT", quantity="0.01000")
    assert (info.value.status_code, info.value.code) == (503, -1008)
    assert client.get_all_orders(symbol="BTCUSDT") == []


def test_a_halted_symbol_rejects_new_orders(sim: Sim) -> None:
    client = sim.client()
    sim.server.set_symbol_status("BTCUSDT", "HALT")
    assert client.get_symbol_info("BTCUSDT")["status"] == "HALT"
    with pytest.raises(BinanceAPIException) as info:
        client.order_market_buy(symbol="BTCUSDT", quantity="0.01000")
    assert (info.value.code, info.value.message) == (-2010, "Market is closed.")
    sim.server.set_symbol_status("BTCUSDT", "TRADING")
    assert client.order_market_buy(symbol="BTCUSDT", quantity="0.01000")["status"] == "FILLED"


def test_a_filter_change_is_published_and_enforced(sim: Sim) -> None:
    client = sim.client()
    sim.server.set_filter("BTCUSDT", {"filterType": "NOTIONAL", "minNotional": "1000", "applyMinToMarket": True,
                                      "maxNotional": "9000000", "applyMaxToMarket": False, "avgPriceMins": 5})
    notional = next(f for f in client.get_symbol_info("BTCUSDT")["filters"] if f["filterType"] == "NOTIONAL")
    assert notional["minNotional"] == "1000"
    with pytest.raises(BinanceAPIException) as info:
        client.order_limit_buy(symbol="BTCUSDT", quantity="0.01000", price="29000.00")
    assert (info.value.code, info.value.message) == (-1013, "Filter failure: NOTIONAL")


def test_latency_delays_responses(sim: Sim) -> None:
    client = sim.client()
    sim.server.faults.latency_ms = 200
    response = requests.get(f"{sim.server.api_url}/v3/ping", timeout=5)
    assert response.elapsed.total_seconds() >= 0.2
    sim.server.faults.clear()
    assert client.ping() == {}
