"""Cancels: one order, one order list, all open orders of a symbol, and cancel-replace.

Cancelling any order of a list cancels the whole list (facts §2.2). Cancel-replace answers
with Binance's combined shape: -2021 when one half failed, -2022 when both did or when
STOP_ON_FAILURE skipped the new order (rest-api.md, "Cancel an Existing Order and Send a New
Order"); static filters of the new order are checked first and fail the request outright.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from . import errors
from .arrival import start_working
from .core import Core
from .enums import OrderStatus, RespType, StpMode
from .errors import BinanceApiError, Msg
from .execution import close, publish_balances
from .list_rules import cancel_list
from .orders import Order, OrderList, OrderRequest
from .params import Params
from .placement import admit, respond, validate_static
from .render import render_cancel, render_list
from .requests import leg_names, parse_order
from .symbols import SymbolSpec


class CancelRestriction(StrEnum):
    ONLY_NEW = "ONLY_NEW"
    ONLY_PARTIALLY_FILLED = "ONLY_PARTIALLY_FILLED"


class CancelReplaceMode(StrEnum):
    STOP_ON_FAILURE = "STOP_ON_FAILURE"
    ALLOW_FAILURE = "ALLOW_FAILURE"


_RESTRICTION_ERROR = (-1145, "cancelRestrictions has to be either ONLY_NEW or ONLY_PARTIALLY_FILLED.")
_REQUIRED_STATUS = {
    CancelRestriction.ONLY_NEW: OrderStatus.NEW,
    CancelRestriction.ONLY_PARTIALLY_FILLED: OrderStatus.PARTIALLY_FILLED,
}


def cancel_one(core: Core, spec: SymbolSpec, order_id: int | None, client_id: str | None,
               cancel_id: str | None, restriction: CancelRestriction | None) -> Order:
    """Cancel an open order (its whole list, if any); return it. -2011 when unknown or closed."""
    if order_id is None and client_id is None:
        raise errors.either_param("origClientOrderId", "orderId")
    order = core.find_order(spec.symbol, order_id, client_id)
    if order is None or not order.is_open:
        raise errors.cancel_rejected(Msg.UNKNOWN_ORDER)
    if restriction is not None and order.status is not _REQUIRED_STATUS[restriction]:
        raise errors.cancel_rejected(Msg.CANCEL_RESTRICTIONS)
    cid = cancel_id or core.new_client_id()
    if order.order_list_id != -1:
        cancel_list(core, core.lists[order.order_list_id], cid)
    else:
        order.cancel_client_id = cid
        close(core, order, OrderStatus.CANCELED, notify=False)
    return order


def cancel_order(core: Core, raw: dict[str, Any]) -> dict[str, Any]:
    """DELETE /api/v3/order: return the cancel body (clientOrderId = the cancel's id)."""
    p = Params(raw)
    spec = core.spec(p.text("symbol", required=True) or "")
    order_id, client_id = p.integer("orderId"), p.text("origClientOrderId")
    cancel_id = p.client_id("newClientOrderId")
    restriction = p.enum("cancelRestrictions", CancelRestriction, error=_RESTRICTION_ERROR)
    p.finish()
    order = cancel_one(core, spec, order_id, client_id, cancel_id, restriction)
    return render_cancel(order, spec, core.now())


def cancel_order_list(core: Core, raw: dict[str, Any]) -> dict[str, Any]:
    """DELETE /api/v3/orderList: cancel an executing list; return it with CANCELED reports."""
    p = Params(raw)
    spec = core.spec(p.text("symbol", required=True) or "")
    list_id, list_cid = p.signed_integer("orderListId"), p.text("listClientOrderId")
    cancel_id = p.client_id("newClientOrderId")
    p.finish()
    if list_id is None and list_cid is None:
        raise errors.either_param("listClientOrderId", "orderListId")
    lst = find_list(core, spec.symbol, list_id, list_cid)
    if lst is None or not lst.is_open:
        raise errors.cancel_rejected(Msg.UNKNOWN_ORDER)  # list wording unsettled (facts §11)
    return _render_canceled_list(core, spec, lst, cancel_list(core, lst, cancel_id or core.new_client_id()))


def find_list(core: Core, symbol: str | None, list_id: int | None, list_cid: str | None) -> OrderList | None:
    """Return the list by id, else the latest with that listClientOrderId."""
    if list_id is not None:
        lst = core.lists.get(list_id)
        return lst if lst is not None and (symbol is None or lst.symbol == symbol) else None
    found = [x for x in core.lists.values() if x.list_client_id == list_cid and symbol in (None, x.symbol)]
    return found[-1] if found else None


def _render_canceled_list(core: Core, spec: SymbolSpec, lst: OrderList, canceled: list[Order]) -> dict[str, Any]:
    now = core.now()
    return render_list(lst, core.list_orders(lst), [render_cancel(o, spec, now) for o in canceled])


def cancel_open_orders(core: Core, raw: dict[str, Any]) -> list[dict[str, Any]]:
    """DELETE /api/v3/openOrders: cancel everything open on the symbol; lists appear as lists."""
    p = Params(raw)
    spec = core.spec(p.text("symbol", required=True) or "")
    p.finish()
    targets = core.open_orders(spec.symbol)
    if not targets:
        raise errors.cancel_rejected(Msg.UNKNOWN_ORDER)  # Binance answers -2011 when nothing is open
    out: list[dict[str, Any]] = []
    cid = core.new_client_id()
    for order in targets:
        if not order.is_open:
            continue  # closed earlier in this loop with its list
        if order.order_list_id == -1:
            order.cancel_client_id = cid
            close(core, order, OrderStatus.CANCELED, notify=False)
            out.append(render_cancel(order, spec, core.now()))
        else:
            lst = core.lists[order.order_list_id]
            out.append(_render_canceled_list(core, spec, lst, cancel_list(core, lst, cid)))
    return out


@dataclass(frozen=True)
class _Replace:
    spec: SymbolSpec
    mode: CancelReplaceMode
    order_id: int | None
    client_id: str | None
    cancel_id: str | None
    restriction: CancelRestriction | None
    req: OrderRequest
    resp_type: RespType | None
    stp: StpMode | None


def _parse_replace(core: Core, raw: dict[str, Any]) -> _Replace:
    p = Params(raw)
    spec = core.spec(p.text("symbol", required=True) or "")
    mode = p.required_enum("cancelReplaceMode", CancelReplaceMode)
    order_id, client_id = p.integer("cancelOrderId"), p.text("cancelOrigClientOrderId")
    cancel_id = p.client_id("cancelNewClientOrderId")
    restriction = p.enum("cancelRestrictions", CancelRestriction, error=_RESTRICTION_ERROR)
    p.text("orderRateLimitExceededMode")  # unfilled-order counts are the server's business
    req = parse_order(p, spec, leg_names(""), allow_quote_qty=True)
    parsed = _Replace(spec, mode, order_id, client_id, cancel_id, restriction, req,
                      p.enum("newOrderRespType", RespType), p.enum("selfTradePreventionMode", StpMode))
    p.finish()
    if not spec.cancel_replace_allowed:
        raise errors.not_supported("Order cancel-replace is not supported for this symbol.")
    if order_id is None and client_id is None:
        raise errors.either_param("cancelOrigClientOrderId", "cancelOrderId")
    return parsed


def cancel_replace(core: Core, raw: dict[str, Any]) -> dict[str, Any]:
    """POST /api/v3/order/cancelReplace: return both results, or raise -2021/-2022 with `data`.

    Steps: parse; static checks of the new order (failing the request outright); cancel; unless
    STOP_ON_FAILURE stops there, place the new order on the freed funds; combine the results.
    """
    r = _parse_replace(core, raw)
    qty = validate_static(core, r.spec, r.req, r.stp)
    try:
        canceled = cancel_one(core, r.spec, r.order_id, r.client_id, r.cancel_id, r.restriction)
        cancel_ok, cancel_body = True, render_cancel(canceled, r.spec, core.now())
    except BinanceApiError as e:
        cancel_ok, cancel_body = False, e.to_dict()
    if not cancel_ok and r.mode is CancelReplaceMode.STOP_ON_FAILURE:
        raise _combined(-2022, Msg.CR_FAILED, 400, "FAILURE", "NOT_ATTEMPTED", cancel_body, None)
    try:
        new_ok, new_body = True, _place(core, r, qty)
    except BinanceApiError as e:
        new_ok, new_body = False, e.to_dict()
    results = ("SUCCESS" if cancel_ok else "FAILURE", "SUCCESS" if new_ok else "FAILURE")
    if cancel_ok and new_ok:
        return {"cancelResult": results[0], "newOrderResult": results[1],
                "cancelResponse": cancel_body, "newOrderResponse": new_body}
    if not cancel_ok and not new_ok:
        raise _combined(-2022, Msg.CR_FAILED, 400, *results, cancel_body, new_body)
    raise _combined(-2021, Msg.CR_PARTIAL, 409, *results, cancel_body, new_body)


def _place(core: Core, r: _Replace, qty: Decimal) -> dict[str, Any]:
    order = admit(core, r.spec, r.req, qty, r.stp)
    transact_ms = core.now()
    start_working(core, order)
    publish_balances(core)
    return respond(core, r.spec, order, r.resp_type, transact_ms)


def _combined(code: int, msg: str, status: int, cancel_result: str, new_result: str,
              cancel_body: dict[str, Any], new_body: dict[str, Any] | None) -> BinanceApiError:
    return BinanceApiError(code, msg, status, data={
        "cancelResult": cancel_result, "newOrderResult": new_result,
        "cancelResponse": cancel_body, "newOrderResponse": new_body})
