"""Placing orders: validation in Binance's order (API checks -11xx/-1013, then the engine's
-2010 checks), funds locking, creation and the NEW events.

The same steps serve POST /order, cancel-replace and every order-list leg.
"""
from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any, Protocol

from . import errors
from .core import Core
from .decimals import ONE, ZERO, div, floor_to_step
from .enums import (
    PRICED_TYPES,
    STOP_TYPES,
    ExecType,
    OrderStatus,
    OrderType,
    RespType,
    Side,
    StpMode,
    SymbolStatus,
    TimeInForce,
)
from .errors import Msg
from .execution import lock_amount, qty_step, report
from .filters import OpenCounts, check_account, check_static
from .matching import would_take, would_trigger_immediately
from .orders import Order, OrderRequest
from .render import render_new
from .requests import check_features
from .symbols import SymbolSpec


class Priced(Protocol):
    """What lock sizing needs of an order or a request."""

    @property
    def side(self) -> Side: ...

    @property
    def type(self) -> OrderType: ...

    @property
    def stop_price(self) -> Decimal | None: ...

    @property
    def price(self) -> Decimal | None: ...


def validate_static(core: Core, spec: SymbolSpec, req: OrderRequest, stp: StpMode | None) -> Decimal:
    """Run the API-level checks (features, STP mode, static filters); return the order quantity.

    A quoteOrderQty MARKET is sized here: the LOT_SIZE-valid quantity its quote buys at the touch.
    """
    check_features(spec, req)
    if stp is not None and stp not in spec.allowed_stp:
        raise errors.invalid_value("selfTradePreventionMode")
    qty = req.quantity if req.quantity is not None else _size_quote_order(core, spec, req)
    market = core.market(spec.symbol)
    check_static(spec, req, qty, lambda mins: market.avg_price(mins, core.now()))
    return qty


def _size_quote_order(core: Core, spec: SymbolSpec, req: OrderRequest) -> Decimal:
    touch, _ = core.market(spec.symbol).touch_for(req.side)
    if touch is None or req.quote_order_qty is None:
        raise errors.rejected(Msg.NO_LIQUIDITY)
    qty = floor_to_step(div(req.quote_order_qty, touch), qty_step(spec))
    if qty <= 0:
        raise errors.filter_failure("LOT_SIZE")
    return qty


def check_engine_rules(core: Core, spec: SymbolSpec, reqs: Sequence[OrderRequest], *,
                       working: Sequence[OrderRequest]) -> None:
    """Raise -2010 for a closed market, a duplicate open client id, a LIMIT_MAKER that would take,
    or a stop that would trigger now (facts §2.2); only `working` legs face the market checks."""
    if spec.status is not SymbolStatus.TRADING:
        raise errors.rejected(Msg.MARKET_CLOSED)
    ids = [r.client_order_id for r in reqs if r.client_order_id is not None]
    if len(set(ids)) != len(ids) or any(core.open_by_client_id(spec.symbol, i) for i in ids):
        raise errors.rejected(Msg.DUPLICATE_ORDER)
    market = core.market(spec.symbol)
    for req in working:
        if req.type is OrderType.LIMIT_MAKER and req.price is not None and would_take(req.side, req.price, market):
            raise errors.rejected(Msg.WOULD_TAKE)
        if would_trigger_immediately(req, market.last):
            raise errors.rejected(Msg.WOULD_TRIGGER)


def check_limits(core: Core, spec: SymbolSpec, reqs: Sequence[OrderRequest], qtys: Sequence[Decimal],
                 *, lists: int = 0) -> None:
    """Raise -2010 "Filter failure: MAX_*" when the new orders break an account limit."""
    added = OpenCounts(
        orders=len(reqs), algo=sum(r.type in STOP_TYPES for r in reqs),
        iceberg=sum(r.iceberg_qty is not None for r in reqs), lists=lists)
    buys = sum((q for r, q in zip(reqs, qtys) if r.side is Side.BUY), ZERO)
    # Exchange-wide counts are read only by EXCHANGE_MAX_* filters: without any, none are taken.
    exchange = open_counts(core, None) if core.exchange_filters else _NOTHING_OPEN
    check_account(spec, core.exchange_filters, open_counts(core, spec.symbol), exchange,
                  added, _position(core, spec) + buys if buys else None)


_NOTHING_OPEN = OpenCounts()


def open_counts(core: Core, symbol: str | None) -> OpenCounts:
    """Return the account's open orders and lists on `symbol` (None = whole exchange)."""
    orders = core.open_orders(symbol)
    return OpenCounts(orders=len(orders), algo=sum(o.is_stop for o in orders),
                      iceberg=sum(o.is_iceberg for o in orders), lists=len(core.open_lists(symbol)))


def _position(core: Core, spec: SymbolSpec) -> Decimal:
    # MAX_POSITION: base balance plus open BUY quantity (Binance filters.md).
    b = core.balances
    open_buys = sum((o.remaining for o in core.open_orders(spec.symbol) if o.side is Side.BUY), ZERO)
    return b.free(spec.base_asset) + b.locked(spec.base_asset) + open_buys


def lock_plan(core: Core, spec: SymbolSpec, leg: Priced, qty: Decimal,
              quote_qty: Decimal | None = None) -> tuple[Decimal, Decimal | None]:
    """Return (amount to lock, amount released per unit filled) for an order.

    SELL locks its base quantity. BUY locks price*qty; a MARKET at the ask; a stop-market at
    its stop price (else the ask or last), topping up from free funds if it fills higher.
    """
    if leg.side is Side.SELL:
        return qty, ONE
    if quote_qty is not None:
        return quote_qty, None
    market = core.market(spec.symbol)
    if leg.type in PRICED_TYPES and leg.price is not None:
        unit = leg.price
    elif leg.type is OrderType.MARKET:
        unit = market.ask or ZERO
    else:
        unit = leg.stop_price or market.ask or market.last or ZERO
    return lock_amount(spec, unit, qty), unit


def check_funds(core: Core, spec: SymbolSpec, side: Side, amount: Decimal) -> None:
    """Raise -2010 insufficient balance when free funds cannot cover `amount`."""
    asset = spec.quote_asset if side is Side.BUY else spec.base_asset
    if core.balances.free(asset) < amount:
        raise errors.rejected(Msg.INSUFFICIENT_BALANCE)


def create(core: Core, spec: SymbolSpec, req: OrderRequest, qty: Decimal, stp: StpMode | None, *,
           list_id: int = -1, pending: bool = False) -> Order:
    """Return a new stored order (no funds locked, no event yet); ids are taken only here."""
    now = core.now()
    order = Order(
        symbol=spec.symbol, order_id=core.next_id("order"),
        client_order_id=req.client_order_id or core.new_client_id(), side=req.side, type=req.type,
        time_in_force=req.time_in_force or TimeInForce.GTC, orig_qty=qty, price=req.price or ZERO,
        created_ms=now, update_ms=now, stp_mode=stp or spec.default_stp,
        orig_quote_qty=req.quote_order_qty or ZERO, stop_price=req.stop_price,
        trailing_delta=req.trailing_delta, iceberg_qty=req.iceberg_qty, strategy_id=req.strategy_id,
        strategy_type=req.strategy_type, order_list_id=list_id,
        status=OrderStatus.PENDING_NEW if pending else OrderStatus.NEW,
        working_ms=-1 if pending or req.type in STOP_TYPES else now,
    )
    core.store(order)
    return order


def lock_order(core: Core, order: Order, amount: Decimal, unit: Decimal | None) -> None:
    """Lock funds already checked by `check_funds` and attach them to `order`."""
    spec = core.spec(order.symbol)
    asset = spec.quote_asset if order.side is Side.BUY else spec.base_asset
    core.balances.lock(asset, amount)
    order.lock_asset, order.locked, order.lock_unit = asset, amount, unit


def admit(core: Core, spec: SymbolSpec, req: OrderRequest, qty: Decimal, stp: StpMode | None) -> Order:
    """Run the engine checks, lock funds, create the order and emit NEW; return the order.

    The caller then calls `arrival.start_working` (so NEW precedes any TRADE) and
    `publish_balances`: an order that fills at once shows one account update, as on Binance.
    """
    check_engine_rules(core, spec, [req], working=[req])
    check_limits(core, spec, [req], [qty])
    amount, unit = lock_plan(core, spec, req, qty, req.quote_order_qty)
    check_funds(core, spec, req.side, amount)
    order = create(core, spec, req, qty, stp)
    lock_order(core, order, amount, unit)
    report(core, order, ExecType.NEW)
    return order


def default_resp_type(order_type: OrderType) -> RespType:
    """Return Binance's default newOrderRespType: FULL for MARKET and LIMIT, else ACK (facts §2.2)."""
    return RespType.FULL if order_type in (OrderType.MARKET, OrderType.LIMIT) else RespType.ACK


def respond(core: Core, spec: SymbolSpec, order: Order, resp_type: RespType | None,
            transact_ms: int) -> dict[str, Any]:
    """Return the placement response of the requested (or default) type."""
    chosen = resp_type or default_resp_type(order.type)
    return render_new(order, spec, chosen, transact_ms, core.fills.get(order.order_id, []))
