"""Every filter rejection comes back as ExchangeRejected with Binance's code and the filter name.

Static filters are -1013 from the API layer; account-state filters are -2010 from the engine
(facts §3). Either way the order was NOT executed.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from trading.domain.ports import ExchangeRejected, OrderRequest, Side

from .conftest import Venue
from .helpers import limit, market, protection_oco, stop_limit

STATIC_CASES: list[tuple[str, OrderRequest]] = [
    ("PRICE_FILTER", limit("ls-f-price", Side.BUY, "0.01000", "29000.005")),
    ("PERCENT_PRICE_BY_SIDE", limit("ls-f-pct", Side.BUY, "0.01000", "1000.00")),
    ("LOT_SIZE", limit("ls-f-lot", Side.BUY, "0.000015", "29000.00")),
    ("MARKET_LOT_SIZE", market("ls-f-mlot", Side.BUY, qty="150.00000")),
    ("NOTIONAL", limit("ls-f-notional", Side.BUY, "0.00010", "29000.00")),
    ("ICEBERG_PARTS", limit("ls-f-ice", Side.BUY, "0.10000", "29000.00", iceberg="0.00010")),
    ("TRAILING_DELTA", stop_limit("ls-f-trail", Side.SELL, "0.10000", None, "29400.00", delta=5)),
]


@pytest.mark.parametrize(("name", "request_"), STATIC_CASES, ids=[c[0] for c in STATIC_CASES])
def test_a_static_filter_failure_is_a_1013_rejection(venue: Venue, name: str, request_: OrderRequest) -> None:
    with pytest.raises(ExchangeRejected) as info:
        venue.exchange.place_order(request_)
    err = info.value
    assert (err.code, err.msg, err.filter_name, err.http_status) == (-1013, f"Filter failure: {name}", name, 400)
    assert not err.may_have_executed
    assert venue.exchange.open_orders() == []


LEGACY: list[tuple[dict[str, Any], OrderRequest]] = [
    ({"filterType": "MIN_NOTIONAL", "minNotional": "10", "applyToMarket": True, "avgPriceMins": 5},
     limit("ls-f-minn", Side.BUY, "0.00010", "29000.00")),
    ({"filterType": "PERCENT_PRICE", "multiplierUp": "1.1", "multiplierDown": "0.9", "avgPriceMins": 5},
     limit("ls-f-pp", Side.BUY, "0.01000", "20000.00")),
]


@pytest.mark.parametrize(("new_filter", "request_"), LEGACY, ids=["MIN_NOTIONAL", "PERCENT_PRICE"])
def test_legacy_filters_are_rejected_by_name(venue: Venue, new_filter: dict[str, Any],
                                             request_: OrderRequest) -> None:
    venue.server.remove_filter("BTCUSDT", "NOTIONAL")
    venue.server.remove_filter("BTCUSDT", "PERCENT_PRICE_BY_SIDE")
    venue.server.set_filter("BTCUSDT", new_filter)
    with pytest.raises(ExchangeRejected) as info:
        venue.exchange.place_order(request_)
    assert (info.value.code, info.value.filter_name) == (-1013, new_filter["filterType"])


def _two_limits(v: Venue) -> None:
    v.exchange.place_order(limit("ls-a-1", Side.BUY, "0.01000", "29000.00"))
    v.exchange.place_order(limit("ls-a-2", Side.BUY, "0.01000", "29001.00"))


def _two_stops(v: Venue) -> None:
    v.exchange.place_order(stop_limit("ls-a-s1", Side.SELL, "0.01000", "29500.00", "29400.00"))
    v.exchange.place_order(stop_limit("ls-a-s2", Side.SELL, "0.01000", "29501.00", "29400.00"))


def _two_ocos(v: Venue) -> None:
    v.exchange.place_oco(protection_oco("ls-a-o1"))
    v.exchange.place_oco(protection_oco("ls-a-o2"))


ACCOUNT_CASES: list[tuple[dict[str, Any], Callable[[Venue], None]]] = [
    ({"filterType": "MAX_NUM_ORDERS", "maxNumOrders": 1}, _two_limits),
    ({"filterType": "MAX_NUM_ALGO_ORDERS", "maxNumAlgoOrders": 1}, _two_stops),
    ({"filterType": "MAX_NUM_ORDER_LISTS", "maxNumOrderLists": 1}, _two_ocos),
]


@pytest.mark.parametrize(("new_filter", "act"), ACCOUNT_CASES, ids=[c[0]["filterType"] for c in ACCOUNT_CASES])
def test_an_account_filter_failure_is_a_2010_rejection(venue: Venue, new_filter: dict[str, Any],
                                                       act: Callable[[Venue], None]) -> None:
    venue.server.set_filter("BTCUSDT", new_filter)
    with pytest.raises(ExchangeRejected) as info:
        act(venue)
    assert (info.value.code, info.value.filter_name) == (-2010, new_filter["filterType"])
    assert not info.value.may_have_executed


def test_filter_changes_show_in_exchange_info_as_a_new_hash(venue: Venue) -> None:
    before = venue.exchange.exchange_info(["BTCUSDT"]).symbols["BTCUSDT"].filters
    venue.server.set_filter("BTCUSDT", {"filterType": "NOTIONAL", "minNotional": "1000", "applyMinToMarket": True,
                                        "maxNotional": "9000000", "applyMaxToMarket": False, "avgPriceMins": 5})
    after = venue.exchange.exchange_info(["BTCUSDT"]).symbols["BTCUSDT"].filters
    assert str(after.min_notional) == "1000" and after.filters_hash != before.filters_hash
