"""Tickers, klines, book tickers and server time from real REST captures."""
from __future__ import annotations

from decimal import Decimal

import pytest

from trading.exchange.adapter.parse import dec, num, parse_book_ticker, parse_kline_row, parse_ticker

from .helpers import load

D = Decimal


def test_a_24h_ticker_with_stringified_ints_parses() -> None:
    t = parse_ticker(load("rest/ticker_24hr_BTCUSDT_20240313_mainnet_ccxt.json"))
    assert (t.symbol, t.last_price, t.high_price, t.low_price) == (
        "BTCUSDT", D("73369.84"), D("73650.25"), D("68620.82"))
    assert t.quote_volume == D("5167027510.68728707") and t.price_change_percent == D("1.647")
    assert (t.open_time_ms, t.close_time_ms, t.count) == (1710241845391, 1710328245391, 3187938)


def test_the_docs_full_ticker_parses_with_int_fields() -> None:
    t = parse_ticker(load("docs-examples/rest/docs_ticker_24hr_FULL.json"))
    assert (t.symbol, t.count, t.open_price) == ("BNBBTC", 76, D("99"))


def test_a_mini_ticker_has_no_percent_change() -> None:
    body = {k: v for k, v in load("docs-examples/rest/docs_ticker_24hr_FULL.json").items()
            if k not in ("priceChange", "priceChangePercent", "weightedAvgPrice", "prevClosePrice")}
    assert parse_ticker(body).price_change_percent is None


@pytest.mark.parametrize("name", ["rest/klines_BTCUSDT_1m_20211022_mainnet.json",
                                  "rest/klines_BTCUSDT_1h_20240130_mainnet_ccxt.json"])
def test_kline_rows_parse_exactly(name: str) -> None:
    rows = load(name)
    klines = [parse_kline_row(r) for r in rows]
    assert len(klines) == len(rows)
    for row, k in zip(rows, klines):
        assert (k.open_time_ms, k.close_time_ms, k.trades) == (row[0], row[6], row[8])
        assert (str(k.open), str(k.close), str(k.volume), str(k.taker_buy_quote)) == (row[1], row[4], row[5], row[10])
        assert k.low <= min(k.open, k.close) <= max(k.open, k.close) <= k.high
    steps = {b.open_time_ms - a.open_time_ms for a, b in zip(klines, klines[1:])}
    assert len(steps) <= 1  # one interval per series


@pytest.mark.parametrize("name", ["rest/ticker_bookTicker_BTCUSDT_20211022_mainnet.json",
                                  "testnet/ticker_bookTicker_BTCUSDT_testnet.json"])
def test_book_tickers_parse(name: str) -> None:
    body = load(name)
    t = parse_book_ticker(body)
    assert t.bid_price == D(body["bidPrice"]) and t.ask_qty == D(body["askQty"]) and t.bid_price < t.ask_price
    assert t.update_id is None and t.mid == (t.bid_price + t.ask_price) / 2


def test_server_time_is_an_int() -> None:
    assert num(load("rest/time_mainnet.json")["serverTime"]) == 1633835466289


def test_floats_are_refused_as_money() -> None:
    with pytest.raises(TypeError):
        dec(0.1)
    with pytest.raises(TypeError):
        num(True)
