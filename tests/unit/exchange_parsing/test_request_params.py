"""Typed requests are validated on construction and become Binance's parameter names."""
from __future__ import annotations

from decimal import Decimal

import pytest

from trading.domain.contracts.canonical import ContractViolation
from trading.domain.contracts.intent import OrderType
from trading.domain.ports import OcoLeg, OcoRequest, OrderRequest, OtocoRequest, Side, TimeInForce
from trading.exchange.adapter.wire import cancel_replace_params, oco_params, order_params, otoco_params

D = Decimal
GTC = TimeInForce.GTC


def test_a_limit_order_goes_out_with_plain_decimals_and_our_client_id() -> None:
    r = OrderRequest("BTCUSDT", Side.BUY, OrderType.LIMIT, "ls0123abc", quantity=D("1E-5"),
                     price=D("30000.10"), time_in_force=GTC)
    assert order_params(r) == {"symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT", "newClientOrderId": "ls0123abc",
                               "newOrderRespType": "FULL", "quantity": "0.00001", "price": "30000.1",
                               "timeInForce": "GTC"}


def test_a_trailing_stop_and_a_quote_market_order() -> None:
    stop = OrderRequest("BTCUSDT", Side.SELL, OrderType.STOP_LOSS_LIMIT, "ls-s", quantity=D("0.1"),
                        price=D("29000"), trailing_delta=150, time_in_force=GTC)
    assert order_params(stop)["trailingDelta"] == "150" and "stopPrice" not in order_params(stop)
    quote = OrderRequest("BTCUSDT", Side.BUY, OrderType.MARKET, "ls-q", quote_order_qty=D("100"))
    assert order_params(quote)["quoteOrderQty"] == "100" and "quantity" not in order_params(quote)


@pytest.mark.parametrize("kwargs", [
    {"type": OrderType.LIMIT, "quantity": D(1), "price": D(1)},  # no timeInForce
    {"type": OrderType.LIMIT_MAKER, "quantity": D(1), "price": D(1), "time_in_force": GTC},
    {"type": OrderType.MARKET, "quantity": D(1), "quote_order_qty": D(1)},
    {"type": OrderType.MARKET, "quantity": D(1), "price": D(1)},
    {"type": OrderType.STOP_LOSS_LIMIT, "quantity": D(1), "price": D(1), "time_in_force": GTC},  # no stop
    {"type": OrderType.LIMIT, "quantity": D(0), "price": D(1), "time_in_force": GTC},
    {"type": OrderType.LIMIT, "quantity": D(1), "price": D(-1), "time_in_force": GTC},
    {"type": OrderType.OCO, "quantity": D(1)},
])
def test_an_order_binance_would_refuse_cannot_be_built(kwargs: dict[str, object]) -> None:
    with pytest.raises(ContractViolation):
        OrderRequest("BTCUSDT", Side.BUY, client_order_id="ls-x", **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize("cid", ["", "has space", "x" * 37, "bad/char"])
def test_client_order_ids_follow_binance_pattern(cid: str) -> None:
    with pytest.raises(ContractViolation):
        OrderRequest("BTCUSDT", Side.BUY, OrderType.MARKET, cid, quantity=D(1))


def test_the_protection_oco_uses_the_order_list_form() -> None:
    oco = OcoRequest("BTCUSDT", Side.SELL, D("0.5"), "ls-list",
                     above=OcoLeg(OrderType.LIMIT_MAKER, price=D("31000"), client_order_id="ls-tp"),
                     below=OcoLeg(OrderType.STOP_LOSS_LIMIT, price=D("28900"), stop_price=D("29000"),
                                  trailing_delta=100, time_in_force=GTC, client_order_id="ls-sl"))
    assert oco_params(oco) == {
        "symbol": "BTCUSDT", "side": "SELL", "quantity": "0.5", "listClientOrderId": "ls-list",
        "newOrderRespType": "FULL", "aboveType": "LIMIT_MAKER", "abovePrice": "31000", "aboveClientOrderId": "ls-tp",
        "belowType": "STOP_LOSS_LIMIT", "belowPrice": "28900", "belowStopPrice": "29000", "belowTrailingDelta": "100",
        "belowTimeInForce": "GTC", "belowClientOrderId": "ls-sl"}
    with pytest.raises(ContractViolation):
        OcoLeg(OrderType.LIMIT, price=D(1), time_in_force=GTC)


def test_an_otoco_has_working_and_pending_legs() -> None:
    req = OtocoRequest(
        working=OrderRequest("BTCUSDT", Side.BUY, OrderType.LIMIT, "ls-in", quantity=D("0.1"), price=D("29000"),
                             time_in_force=GTC), pending_quantity=D("0.1"),
        pending_above=OcoLeg(OrderType.LIMIT_MAKER, price=D("31000")),
        pending_below=OcoLeg(OrderType.STOP_LOSS, stop_price=D("28000")), list_client_order_id="ls-oto")
    params = otoco_params(req)
    assert (params["workingType"], params["workingSide"], params["pendingSide"]) == ("LIMIT", "BUY", "SELL")
    assert (params["pendingAboveType"], params["pendingBelowStopPrice"]) == ("LIMIT_MAKER", "28000")


def test_cancel_replace_names_the_order_to_cancel() -> None:
    new = OrderRequest("BTCUSDT", Side.BUY, OrderType.LIMIT, "ls-new", quantity=D(1), price=D(1), time_in_force=GTC)
    params = cancel_replace_params("BTCUSDT", "ls-old", new, allow_failure=False)
    assert (params["cancelOrigClientOrderId"], params["cancelReplaceMode"], params["newClientOrderId"]) == (
        "ls-old", "STOP_ON_FAILURE", "ls-new")
