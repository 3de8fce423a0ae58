"""REST response bodies for orders, trades and order lists, key for key as Binance sends them.

Shapes follow facts §2.2/§2.3 and the official examples (docs-examples/rest): ACK < RESULT <
FULL for placement, the query shape (no transactTime, plus time/updateTime/isWorking), and the
cancel shape (origClientOrderId, no workingTime).
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .decimals import fmt
from .enums import RespType
from .orders import Fill, Order, OrderList, Trade
from .symbols import SymbolSpec

Body = dict[str, Any]


def commission_places(spec: SymbolSpec, asset: str) -> int:
    """Return the decimals Binance shows for a commission paid in `asset`."""
    if asset == spec.base_asset:
        return spec.base_commission_precision
    if asset == spec.quote_asset:
        return spec.quote_commission_precision
    return 8


def _amounts(order: Order, spec: SymbolSpec, *, quote_first: bool = True) -> Body:
    body: Body = {
        "price": fmt(order.price, spec.quote_precision),
        "origQty": fmt(order.orig_qty, spec.base_precision),
        "executedQty": fmt(order.executed_qty, spec.base_precision),
    }
    if quote_first:
        body["origQuoteOrderQty"] = fmt(order.orig_quote_qty, spec.quote_asset_precision)
    body["cummulativeQuoteQty"] = fmt(order.cum_quote, spec.quote_asset_precision)  # sic (facts §0)
    body.update(status=order.status.value, timeInForce=order.time_in_force.value,
                type=order.type.value, side=order.side.value)
    return body


def _conditional(order: Order, spec: SymbolSpec) -> Body:
    # "Conditional fields in order responses": present only when the order uses the feature.
    body: Body = {}
    if order.trailing_delta is not None:
        body["trailingDelta"] = order.trailing_delta
        body["trailingTime"] = order.trailing_time
    if order.strategy_id is not None:
        body["strategyId"] = order.strategy_id
    if order.strategy_type is not None:
        body["strategyType"] = order.strategy_type
    if order.expiry_reason is not None:
        body["expiryReason"] = order.expiry_reason.value
    return body


def render_ack(order: Order, transact_ms: int) -> Body:
    """Return the ACK placement response."""
    return {"symbol": order.symbol, "orderId": order.order_id, "orderListId": order.order_list_id,
            "clientOrderId": order.client_order_id, "transactTime": transact_ms}


def render_result(order: Order, spec: SymbolSpec, transact_ms: int) -> Body:
    """Return the RESULT placement response."""
    body = render_ack(order, transact_ms) | _amounts(order, spec)
    if order.stop_price is not None:
        body["stopPrice"] = fmt(order.stop_price, spec.quote_precision)
    body["workingTime"] = order.working_ms
    if order.is_iceberg:
        body["icebergQty"] = fmt(order.iceberg_qty, spec.base_precision)
    body |= _conditional(order, spec)
    body["selfTradePreventionMode"] = order.stp_mode.value
    return body


def render_fill(fill: Fill, spec: SymbolSpec) -> Body:
    """Return one entry of a FULL response's `fills`."""
    return {"price": fmt(fill.price, spec.quote_precision), "qty": fmt(fill.qty, spec.base_precision),
            "commission": fmt(fill.commission, commission_places(spec, fill.commission_asset)),
            "commissionAsset": fill.commission_asset, "tradeId": fill.trade_id}


def render_new(order: Order, spec: SymbolSpec, resp_type: RespType, transact_ms: int,
               fills: Sequence[Fill]) -> Body:
    """Return the placement response of the requested type."""
    if resp_type is RespType.ACK:
        return render_ack(order, transact_ms)
    body = render_result(order, spec, transact_ms)
    if resp_type is RespType.FULL:
        body["fills"] = [render_fill(f, spec) for f in fills]
    return body


def render_query(order: Order, spec: SymbolSpec) -> Body:
    """Return the GET /order (and openOrders/allOrders) shape."""
    body: Body = {"symbol": order.symbol, "orderId": order.order_id, "orderListId": order.order_list_id,
                  "clientOrderId": order.client_order_id}
    body |= _amounts(order, spec, quote_first=False)
    body.update(
        stopPrice=fmt(order.stop_price, spec.quote_precision),
        icebergQty=fmt(order.iceberg_qty, spec.base_precision),
        time=order.created_ms, updateTime=order.update_ms, isWorking=order.working_ms != -1,
        workingTime=order.working_ms,
        origQuoteOrderQty=fmt(order.orig_quote_qty, spec.quote_asset_precision),
    )
    body |= _conditional(order, spec)
    body["selfTradePreventionMode"] = order.stp_mode.value
    return body


def render_cancel(order: Order, spec: SymbolSpec, transact_ms: int) -> Body:
    """Return the DELETE /order shape: clientOrderId is the cancel's own id (facts §2.2)."""
    body: Body = {"symbol": order.symbol, "origClientOrderId": order.client_order_id,
                  "orderId": order.order_id, "orderListId": order.order_list_id,
                  "clientOrderId": order.cancel_client_id or order.client_order_id,
                  "transactTime": transact_ms}
    body |= _amounts(order, spec)
    if order.stop_price is not None:
        body["stopPrice"] = fmt(order.stop_price, spec.quote_precision)
    if order.is_iceberg:
        body["icebergQty"] = fmt(order.iceberg_qty, spec.base_precision)
    body |= _conditional(order, spec)
    body["selfTradePreventionMode"] = order.stp_mode.value
    return body


def render_trade(trade: Trade, spec: SymbolSpec) -> Body:
    """Return one GET /myTrades row."""
    f = trade.fill
    return {
        "symbol": trade.symbol, "id": f.trade_id, "orderId": trade.order_id,
        "orderListId": trade.order_list_id, "price": fmt(f.price, spec.quote_precision),
        "qty": fmt(f.qty, spec.base_precision), "quoteQty": fmt(f.quote_qty, spec.quote_asset_precision),
        "commission": fmt(f.commission, commission_places(spec, f.commission_asset)),
        "commissionAsset": f.commission_asset, "time": f.time, "isBuyer": trade.is_buyer,
        "isMaker": f.is_maker, "isBestMatch": True,
    }


def render_list(lst: OrderList, orders: Sequence[Order], reports: Sequence[Body] | None = None) -> Body:
    """Return an order list; `reports` adds `orderReports` (placement and cancel only, facts §2.3)."""
    body: Body = {
        "orderListId": lst.order_list_id, "contingencyType": lst.contingency.value,
        "listStatusType": lst.status_type.value, "listOrderStatus": lst.order_status.value,
        "listClientOrderId": lst.list_client_id, "transactionTime": lst.transaction_ms,
        "symbol": lst.symbol,
        "orders": [{"symbol": o.symbol, "orderId": o.order_id, "clientOrderId": o.client_order_id}
                   for o in orders],
    }
    if reports is not None:
        body["orderReports"] = list(reports)
    return body
