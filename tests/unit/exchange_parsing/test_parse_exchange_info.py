"""exchangeInfo from real captures: 2021 mainnet filters (MIN_NOTIONAL, PERCENT_PRICE) and the
current testnet set (NOTIONAL, TRAILING_DELTA, MAX_NUM_*)."""
from __future__ import annotations

from decimal import Decimal

from trading.domain.contracts.quantize import SymbolFilters
from trading.exchange.adapter.parse import parse_exchange_info

from .helpers import load

D = Decimal


def test_mainnet_2021_exchange_info_parses_every_symbol_with_legacy_filters() -> None:
    body = load("rest/exchangeInfo_20211012_mainnet_20symbols.json")
    info = parse_exchange_info(body)
    assert len(info.symbols) == len(body["symbols"]) == 20
    assert info.server_time_ms == body["serverTime"] and info.weight_limit_per_minute == 1200
    btc = info.symbols["BTCUSDT"]
    assert (btc.status, btc.base_asset, btc.quote_asset, btc.is_trading) == ("TRADING", "BTC", "USDT", True)
    assert btc.filters.tick_size == D("0.01") and btc.filters.step_size == D("0.00001")
    assert btc.filters.min_notional == D("10") and btc.filters.apply_min_to_market  # MIN_NOTIONAL (legacy)
    assert btc.oco_allowed and "STOP_LOSS_LIMIT" in btc.order_types and btc.max_num_algo_orders == 5
    assert btc.filters == SymbolFilters.from_exchange_info(next(s for s in body["symbols"]
                                                                if s["symbol"] == "BTCUSDT"))


def test_a_symbol_subset_is_kept_in_order() -> None:
    info = parse_exchange_info(load("rest/exchangeInfo_20211012_mainnet_20symbols.json"), ["ETHUSDT", "NKNUSDT"])
    assert list(info.symbols) == ["ETHUSDT", "NKNUSDT"]


def test_testnet_exchange_info_has_the_current_filter_set() -> None:
    body = load("testnet/exchangeInfo_TESTNET_2026_BNBBTC_BNBUSDT_BTCUSDT.json")
    info = parse_exchange_info(body)
    assert set(info.symbols) == {"BNBBTC", "BNBUSDT", "BTCUSDT"} and info.weight_limit_per_minute == 6000
    f = info.symbols["BTCUSDT"].filters
    entry = next(s for s in body["symbols"] if s["symbol"] == "BTCUSDT")
    raw = {x["filterType"]: x for x in entry["filters"]}
    assert f.min_notional == D(raw["NOTIONAL"]["minNotional"]) and f.max_notional == D(raw["NOTIONAL"]["maxNotional"])
    assert (f.min_trailing_below_delta, f.max_trailing_below_delta) == (
        raw["TRAILING_DELTA"]["minTrailingBelowDelta"], raw["TRAILING_DELTA"]["maxTrailingBelowDelta"])
    btc = info.symbols["BTCUSDT"]
    assert btc.max_num_orders == raw["MAX_NUM_ORDERS"]["maxNumOrders"]
    assert btc.oto_allowed == entry["otoAllowed"] and btc.allow_trailing_stop == entry["allowTrailingStop"]
    assert btc.permissions  # from permissionSets when `permissions` is empty


def test_the_two_symbol_capture_parses() -> None:
    info = parse_exchange_info(load("rest/exchangeInfo_20211022_mainnet_BTCUSDT_ETHUSDT.json"))
    assert set(info.symbols) == {"BTCUSDT", "ETHUSDT"}
    assert all(s.filters.tick_size is not None for s in info.symbols.values())


def test_a_symbol_without_a_price_filter_is_skipped_not_fatal() -> None:
    body = load("testnet/exchangeInfo_TESTNET_2026_BNBBTC_BNBUSDT_BTCUSDT.json")
    broken = dict(body["symbols"][0], filters=[f for f in body["symbols"][0]["filters"]
                                               if f["filterType"] != "PRICE_FILTER"])
    info = parse_exchange_info(dict(body, symbols=[broken, *body["symbols"][1:]]))
    assert broken["symbol"] not in info.symbols and len(info.symbols) == 2
