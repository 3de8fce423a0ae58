"""SIGNED request checks over HTTP: keys, HMAC over the raw params, timestamps against the sim clock."""
from __future__ import annotations

import time

import pytest
from binance.exceptions import BinanceAPIException

from .conftest import Sim
from .raw import signed


def test_it_rejects_a_bad_signature(sim: Sim) -> None:
    client = sim.client(api_secret="not-the-secret")
    with pytest.raises(BinanceAPIException) as info:
        client.get_account()
    assert (info.value.status_code, info.value.code) == (400, -1022)


def test_it_rejects_unknown_and_missing_keys_with_401(sim: Sim) -> None:
    with pytest.raises(BinanceAPIException) as info:
        sim.client(api_key="someone-else").get_account()
    assert (info.value.status_code, info.value.code) == (401, -2015)
    response = signed(sim, "GET", "account", api_key="")
    assert response.status_code == 401 and response.json()["code"] == -2014


def test_it_signs_query_and_body_together(sim: Sim) -> None:
    response = signed(sim, "POST", "order", {"symbol": "BTCUSDT", "side": "BUY"},
                      {"type": "LIMIT", "timeInForce": "GTC", "quantity": "0.01000", "price": "29000.00"})
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "NEW"
    assert response.headers["X-MBX-ORDER-COUNT-10S"] == "1"


def test_it_lets_the_query_win_over_the_body(sim: Sim) -> None:
    response = signed(sim, "POST", "order", {"symbol": "BTCUSDT", "side": "SELL"},
                      {"side": "BUY", "type": "LIMIT", "timeInForce": "GTC", "quantity": "0.01000",
                       "price": "31000.00"})
    assert response.status_code == 200, response.text
    assert response.json()["side"] == "SELL"


@pytest.mark.parametrize(("skew_ms", "msg"), [
    (15_000, "Timestamp for this request is outside of the recvWindow."),
    (-5_000, "Timestamp for this request was 1000ms ahead of the server's time."),
])
def test_it_answers_clock_skew_with_1021_until_the_client_resyncs(sim: Sim, skew_ms: int, msg: str) -> None:
    client = sim.client()
    sim.server.faults.clock_skew_ms = skew_ms
    with pytest.raises(BinanceAPIException) as info:
        client.get_account()
    assert (info.value.code, info.value.message) == (-1021, msg)
    # What a bot does on -1021: measure the offset from /time and stamp requests with it.
    client.timestamp_offset = client.get_server_time()["serverTime"] - int(time.time() * 1000)
    assert client.get_account()["accountType"] == "SPOT"


def test_it_enforces_recv_window_bounds(sim: Sim) -> None:
    too_long = signed(sim, "GET", "account", {"recvWindow": "60001"})
    assert too_long.status_code == 400 and too_long.json()["code"] == -1102
    stale = signed(sim, "GET", "account", {"recvWindow": "1000"}, timestamp=int(time.time() * 1000) - 2000)
    assert stale.json()["code"] == -1021
    missing = signed(sim, "GET", "account")
    assert missing.status_code == 200


def test_it_checks_the_timestamp_again_after_queueing_latency(sim: Sim) -> None:
    sim.server.faults.latency_ms = 300
    late = signed(sim, "GET", "account", {"recvWindow": "200"})
    assert late.json() == {"code": -1021, "msg": "Timestamp for this request is outside of the recvWindow."}
