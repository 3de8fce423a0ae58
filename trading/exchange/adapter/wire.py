"""Typed requests -> Binance parameters (facts §2.2, §2.3), as python-binance passes them on.

Decimals go out as plain strings without exponent: Binance refuses "1E-5" (-1100, pattern
`^([0-9]{1,20})(\\.[0-9]{1,20})?$`). Only parameters that are set are sent; an unset one
sent empty would be -1105/-1106.
"""
from __future__ import annotations

from decimal import Decimal

from trading.domain.contracts.canonical import dec_str
from trading.domain.ports import OcoLeg, OcoRequest, OrderRequest, OtocoRequest

Params = dict[str, str]
# FULL: fills in the placement answer, so a MARKET's price and commission need no second call.
DEFAULT_RESP_TYPE = "FULL"


def _set(out: Params, name: str, value: Decimal | int | str | None) -> None:
    if value is None:
        return
    out[name] = dec_str(value) if isinstance(value, Decimal) else str(value)


def order_params(r: OrderRequest, resp_type: str = DEFAULT_RESP_TYPE) -> Params:
    """Return POST /api/v3/order parameters."""
    out: Params = {"symbol": r.symbol, "side": r.side.value, "type": r.type.value,
                   "newClientOrderId": r.client_order_id, "newOrderRespType": resp_type}
    _set(out, "quantity", r.quantity)
    _set(out, "quoteOrderQty", r.quote_order_qty)
    _set(out, "price", r.price)
    _set(out, "stopPrice", r.stop_price)
    _set(out, "trailingDelta", r.trailing_delta)
    _set(out, "timeInForce", r.time_in_force.value if r.time_in_force else None)
    _set(out, "icebergQty", r.iceberg_qty)
    return out


def _leg(out: Params, prefix: str, leg: OcoLeg) -> None:
    out[f"{prefix}Type"] = leg.type.value
    _set(out, f"{prefix}Price", leg.price)
    _set(out, f"{prefix}StopPrice", leg.stop_price)
    _set(out, f"{prefix}TrailingDelta", leg.trailing_delta)
    _set(out, f"{prefix}TimeInForce", leg.time_in_force.value if leg.time_in_force else None)
    _set(out, f"{prefix}ClientOrderId", leg.client_order_id)


def oco_params(r: OcoRequest, resp_type: str = DEFAULT_RESP_TYPE) -> Params:
    """Return POST /api/v3/orderList/oco parameters (above*/below*, facts §2.3)."""
    out: Params = {"symbol": r.symbol, "side": r.side.value, "quantity": dec_str(r.quantity),
                   "listClientOrderId": r.list_client_order_id, "newOrderRespType": resp_type}
    _leg(out, "above", r.above)
    _leg(out, "below", r.below)
    return out


def otoco_params(r: OtocoRequest, resp_type: str = DEFAULT_RESP_TYPE) -> Params:
    """Return POST /api/v3/orderList/otoco parameters: working* then pendingAbove*/pendingBelow*."""
    w = r.working
    out: Params = {"symbol": w.symbol, "listClientOrderId": r.list_client_order_id,
                   "newOrderRespType": resp_type, "workingType": w.type.value, "workingSide": w.side.value,
                   "workingClientOrderId": w.client_order_id, "pendingSide": r.pending_side.value,
                   "pendingQuantity": dec_str(r.pending_quantity)}
    _set(out, "workingQuantity", w.quantity)
    _set(out, "workingPrice", w.price)
    _set(out, "workingTimeInForce", w.time_in_force.value if w.time_in_force else None)
    _set(out, "workingIcebergQty", w.iceberg_qty)
    _leg(out, "pendingAbove", r.pending_above)
    _leg(out, "pendingBelow", r.pending_below)
    return out


def cancel_replace_params(symbol: str, cancel_client_order_id: str, new: OrderRequest, *,
                          allow_failure: bool) -> Params:
    """Return POST /api/v3/order/cancelReplace parameters."""
    out = order_params(new)
    out.update({"symbol": symbol, "cancelOrigClientOrderId": cancel_client_order_id,
                "cancelReplaceMode": "ALLOW_FAILURE" if allow_failure else "STOP_ON_FAILURE"})
    return out
