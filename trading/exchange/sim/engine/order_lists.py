"""Placing order lists: OCO (POST /orderList/oco and the deprecated /order/oco), OTO and OTOCO.

Steps for every list: parse the legs (-11xx), check the OCO shape (-1158/-1165/-1166/-1168/
-1196..-1199) and static filters (-1013), then the engine checks (-2010), lock funds, create
the orders with consecutive ids, emit executionReports and listStatus, and let the working
legs meet the market.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from . import errors
from .arrival import start_working
from .core import Core
from .enums import ContingencyType, ExecType, OrderType, RespType, Side, StpMode, TimeInForce
from .errors import BinanceApiError
from .events import list_status
from .execution import publish_balances, report
from .oco_rules import check_oco_prices, check_oco_shape, oco_order
from .orders import Order, OrderList, OrderRequest
from .params import Params
from .placement import check_engine_rules, check_funds, check_limits, create, lock_order, lock_plan, validate_static
from .render import render_list, render_new
from .requests import leg_names, parse_order
from .symbols import SymbolSpec


@dataclass
class ListRequest:
    """A parsed order list: the working legs act now, the pending ones after the working fills."""

    contingency: ContingencyType
    working: list[OrderRequest]
    pending: list[OrderRequest] = field(default_factory=list)
    oco_pending: bool = False  # True when the OCO pair is the pending part (OTOCO)
    list_client_id: str | None = None
    resp_type: RespType | None = None
    stp: StpMode | None = None


def parse_oco(p: Params, spec: SymbolSpec) -> ListRequest:
    """Return an OCO from POST /orderList/oco's above*/below* parameters (facts §2.3)."""
    p.enum("side", Side, required=True, error=(-1117, "Invalid side."))
    p.decimal("quantity", required=True, places=spec.base_precision)
    above = parse_order(p, spec, leg_names("above", side="side", quantity="quantity"))
    below = parse_order(p, spec, leg_names("below", side="side", quantity="quantity"))
    check_oco_shape(above, below)
    return ListRequest(ContingencyType.OCO, oco_order(above, below))


def parse_legacy_oco(p: Params, spec: SymbolSpec) -> ListRequest:
    """Return an OCO from POST /order/oco (deprecated): a LIMIT_MAKER plus a STOP_LOSS(_LIMIT)."""
    side = p.required_enum("side", Side, (-1117, "Invalid side."))
    qty = p.decimal("quantity", required=True, places=spec.base_precision)
    assert qty is not None  # required
    limit = OrderRequest(
        spec.symbol, side, OrderType.LIMIT_MAKER, quantity=qty,
        price=p.decimal("price", required=True, places=spec.quote_precision),
        iceberg_qty=p.decimal("limitIcebergQty", places=spec.base_precision),
        client_order_id=p.client_id("limitClientOrderId"),
        strategy_id=p.integer("limitStrategyId"), strategy_type=p.integer("limitStrategyType"))
    stop_limit = p.decimal("stopLimitPrice", places=spec.quote_precision)
    tif = p.enum("stopLimitTimeInForce", TimeInForce, error=(-1115, "Invalid timeInForce."))
    if stop_limit is not None and tif is None:
        raise errors.mandatory("stopLimitTimeInForce")
    if stop_limit is None and tif is not None:
        raise errors.not_required("stopLimitTimeInForce")
    stop = OrderRequest(
        spec.symbol, side, OrderType.STOP_LOSS_LIMIT if stop_limit is not None else OrderType.STOP_LOSS,
        quantity=qty, price=stop_limit, time_in_force=tif,
        stop_price=p.decimal("stopPrice", required=True, places=spec.quote_precision),
        trailing_delta=p.integer("trailingDelta"),
        iceberg_qty=p.decimal("stopIcebergQty", places=spec.base_precision),
        client_order_id=p.client_id("stopClientOrderId"),
        strategy_id=p.integer("stopStrategyId"), strategy_type=p.integer("stopStrategyType"))
    above, below = (limit, stop) if side is Side.SELL else (stop, limit)
    check_oco_shape(above, below)
    return ListRequest(ContingencyType.OCO, oco_order(above, below))


def parse_oto(p: Params, spec: SymbolSpec, *, with_oco: bool) -> ListRequest:
    """Return an OTO (working + pending) or OTOCO (working + pending above/below pair)."""
    working = parse_order(p, spec, leg_names("working"))
    if working.type not in (OrderType.LIMIT, OrderType.LIMIT_MAKER):
        raise errors.invalid_value("workingType")
    if not with_oco:
        return ListRequest(ContingencyType.OTO, [working], [parse_order(p, spec, leg_names("pending"))])
    p.enum("pendingSide", Side, required=True, error=(-1117, "Invalid side."))
    p.decimal("pendingQuantity", required=True, places=spec.base_precision)
    shared = {"side": "pendingSide", "quantity": "pendingQuantity"}
    above = parse_order(p, spec, leg_names("pendingAbove", **shared))
    below = parse_order(p, spec, leg_names("pendingBelow", **shared))
    check_oco_shape(above, below)
    return ListRequest(ContingencyType.OTO, [working], oco_order(above, below), oco_pending=True)


def place_list(core: Core, spec: SymbolSpec, req: ListRequest) -> dict[str, Any]:
    """Validate, create and start an order list; return the placement body with orderReports."""
    legs = req.working + req.pending
    _check_list_features(spec, req)
    qtys = [validate_static(core, spec, leg, req.stp) for leg in legs]
    if req.contingency is ContingencyType.OCO or req.oco_pending:
        pair = req.working if req.contingency is ContingencyType.OCO else req.pending
        last = core.market(spec.symbol).last if req.contingency is ContingencyType.OCO else None
        check_oco_prices(pair, last)
    _check_list_rules(core, spec, req, legs)
    check_limits(core, spec, legs, qtys, lists=1)
    plans = [lock_plan(core, spec, leg, q) for leg, q in zip(req.working, qtys)]
    is_oco = req.contingency is ContingencyType.OCO
    need = max(a for a, _ in plans) if is_oco else sum((a for a, _ in plans), Decimal(0))
    check_funds(core, spec, req.working[0].side, need)
    lst, orders = _create(core, spec, req, qtys)
    for i, (order, (amount, unit)) in enumerate(zip(orders, plans)):
        lock_order(core, order, (need if i == 0 else Decimal(0)) if is_oco else amount, unit)
    return _announce_and_start(core, spec, req, lst, orders)


def _check_list_features(spec: SymbolSpec, req: ListRequest) -> None:
    if (req.contingency is ContingencyType.OCO or req.oco_pending) and not spec.oco_allowed:
        raise errors.not_supported("OCO orders are not supported for this symbol")
    if req.contingency is ContingencyType.OTO and not spec.oto_allowed:
        raise errors.not_supported("OTO orders are not supported for this symbol.")


def _check_list_rules(core: Core, spec: SymbolSpec, req: ListRequest, legs: list[OrderRequest]) -> None:
    # The OCO price rule replaces the would-trigger check for its stop leg (facts §2.3).
    working_checks = [r for r in req.working if r.type is OrderType.LIMIT_MAKER or r.type is OrderType.LIMIT]
    check_engine_rules(core, spec, legs, working=working_checks)
    if req.list_client_id and any(x.list_client_id == req.list_client_id for x in core.open_lists()):
        raise errors.rejected(errors.Msg.DUPLICATE_ORDER)


def _create(core: Core, spec: SymbolSpec, req: ListRequest, qtys: list[Decimal]) -> tuple[OrderList, list[Order]]:
    list_id = core.next_id("list")
    n_working = len(req.working)
    orders = [create(core, spec, leg, q, req.stp, list_id=list_id, pending=i >= n_working)
              for i, (leg, q) in enumerate(zip(req.working + req.pending, qtys))]
    ids = [o.order_id for o in orders]
    pair = None
    if req.contingency is ContingencyType.OCO:
        pair = (ids[0], ids[1])
    elif req.oco_pending:
        pair = (ids[1], ids[2])
    lst = OrderList(
        order_list_id=list_id, list_client_id=req.list_client_id or core.new_client_id(),
        symbol=spec.symbol, contingency=req.contingency, order_ids=ids, transaction_ms=core.now(),
        oco_pair=pair, working_id=ids[0] if req.contingency is ContingencyType.OTO else None,
        pending_ids=ids[n_working:])
    core.lists[list_id] = lst
    return lst, orders


def _announce_and_start(core: Core, spec: SymbolSpec, req: ListRequest, lst: OrderList,
                        orders: list[Order]) -> dict[str, Any]:
    for order in orders:
        report(core, order, ExecType.NEW)
    if core.wants("listStatus"):
        core.emit(list_status(lst, orders, lst.transaction_ms))
    resp_type = req.resp_type or RespType.RESULT
    # The list and its pending legs are reported as placed, even if the working leg fills at
    # once (Binance docs, OTO: "the pending order will still appear as PENDING_NEW").
    body = render_list(lst, orders)
    pending = {o.order_id: render_new(o, spec, resp_type, lst.transaction_ms, []) for o in orders if o.is_pending}
    for order in orders:
        if not order.is_pending:
            start_working(core, order)
    publish_balances(core)
    body["orderReports"] = [pending.get(o.order_id) or render_new(o, spec, resp_type, lst.transaction_ms,
                                                                  core.fills.get(o.order_id, [])) for o in orders]
    return body
