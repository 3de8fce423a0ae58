"""Public data and the account through the adapter, parsed into typed values."""
from __future__ import annotations

from decimal import Decimal

from trading.domain.contracts.quantize import SymbolFilters

from .conftest import Venue

D = Decimal


def test_exchange_info_carries_parsed_filters_and_features(venue: Venue) -> None:
    info = venue.exchange.exchange_info()
    assert set(info.symbols) == {"BTCUSDT", "ETHUSDT"} and info.weight_limit_per_minute == 6000
    btc = info.symbols["BTCUSDT"]
    assert btc.is_trading and btc.oco_allowed and btc.oto_allowed and btc.allow_trailing_stop
    assert isinstance(btc.filters, SymbolFilters) and btc.filters.tick_size == D("0.01")
    assert btc.filters.min_notional == D("5") and btc.max_num_orders == 200
    assert abs(info.server_time_ms - venue.server.clock.now_ms()) < 1000


def test_tickers_for_some_or_all_symbols(venue: Venue) -> None:
    venue.quote("ETHUSDT", "2010.00", "2010.10")
    both = venue.exchange.tickers_24h(["BTCUSDT", "ETHUSDT"])
    assert [t.symbol for t in both] == ["BTCUSDT", "ETHUSDT"] and both[1].last_price == D("2010.05")
    assert {t.symbol for t in venue.exchange.tickers_24h()} == {"BTCUSDT", "ETHUSDT"}
    assert venue.exchange.weight().used >= 2 + 80  # a list of <= 20 weighs 2, all symbols 80


def test_klines_and_the_book_ticker(venue: Venue) -> None:
    venue.quote("BTCUSDT", "30100.00", "30101.00")
    (last,) = venue.exchange.klines("BTCUSDT", "1m", limit=1)
    assert last.close == D("30100.5") and last.close_time_ms - last.open_time_ms == 59_999
    book = venue.exchange.book_ticker("BTCUSDT")
    assert (book.bid_price, book.ask_price, book.mid) == (D("30100"), D("30101"), D("30100.5"))


def test_the_account_and_server_time(venue: Venue) -> None:
    account = venue.exchange.account()
    assert account.can_trade and account.balances["BTC"].free == D(10)
    assert account.maker_commission is not None
    assert abs(venue.exchange.server_time() - venue.server.clock.now_ms()) < 1000
