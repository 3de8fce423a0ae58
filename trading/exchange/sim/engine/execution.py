"""Primitive order transitions shared by every path: lock, fill, close, and their events.

Each transition moves balances exactly (no rounding except the commission, which is debited
exactly as reported), emits the executionReport, then outboundAccountPosition for the
assets that changed (facts §7, §10.7).
"""
from __future__ import annotations

from decimal import Decimal

from .balances import bnb_commission, commission_in
from .core import Core
from .decimals import ONE, ZERO, div, floor_to_step, fmt, mul
from .enums import ExecType, ExpiryReason, OrderStatus, Side
from .events import account_position, execution_report
from .orders import Fill, Order, Trade
from .symbols import SymbolSpec

_CLOSING_EXEC = {
    OrderStatus.CANCELED: ExecType.CANCELED,
    OrderStatus.EXPIRED: ExecType.EXPIRED,
    OrderStatus.REJECTED: ExecType.REJECTED,
}


def report(core: Core, order: Order, exec_type: ExecType, fill: Fill | None = None,
           reject_reason: str = "NONE") -> None:
    """Queue the executionReport of `order`'s current state."""
    exec_id = core.next_id("exec")  # taken even when nobody listens: ids do not depend on subscribers
    if core.wants("executionReport", exec_type.value):
        core.emit(execution_report(order, core.spec(order.symbol), exec_type=exec_type, event_ms=core.now(),
                                   exec_id=exec_id, fill=fill, reject_reason=reject_reason))


def publish_balances(core: Core) -> None:
    """Queue outboundAccountPosition for the assets changed since the last one, if any."""
    assets = core.balances.drain_touched()
    if not assets:
        return
    b = core.balances
    core.account_update_ms = core.now()
    if not core.wants("outboundAccountPosition"):
        return
    rows = [(a, fmt(b.free(a), 8), fmt(b.locked(a), 8)) for a in assets]
    core.emit(account_position(rows, core.account_update_ms))


def release(core: Core, order: Order) -> None:
    """Return whatever `order` still holds locked to free."""
    if order.locked > 0 and order.lock_asset is not None:
        core.balances.unlock(order.lock_asset, order.locked)
    order.locked = ZERO


def affordable_qty(core: Core, order: Order, price: Decimal, qty: Decimal) -> Decimal:
    """Return how much of `qty` the order can pay for: its lock (or its OCO pair's) plus, for a
    BUY, free funds. Only stop-market buys can run short: their lock was estimated at the stop.
    """
    held = order.locked + core.hooks.pair_lock(order)
    if order.side is Side.SELL:
        return min(qty, held)
    spec = core.spec(order.symbol)
    budget = held + core.balances.free(spec.quote_asset)
    if cost_of(spec, price, qty) <= budget:
        return qty
    return min(qty, floor_to_step(div(budget, price), qty_step(spec)))


def cost_of(spec: SymbolSpec, price: Decimal, qty: Decimal) -> Decimal:
    """Return the quote a fill of `qty` at `price` moves: exact, never rounded, so balances
    carry no drift (rendering rounds for display only)."""
    return mul(price, qty)


def lock_amount(spec: SymbolSpec, unit: Decimal, qty: Decimal) -> Decimal:
    """Return the quote a BUY locks for `qty` at `unit` (exact)."""
    return mul(unit, qty)


def qty_step(spec: SymbolSpec) -> Decimal:
    """Return the LOT_SIZE step, or the base precision's unit when the step is off."""
    f = spec.filter("LOT_SIZE")
    step = Decimal(str(f["stepSize"])) if f else ZERO
    return step if step > 0 else ONE.scaleb(-spec.base_precision)


def fill(core: Core, order: Order, price: Decimal, qty: Decimal, *, maker: bool) -> Fill:
    """Execute `qty` of `order` at `price`: move balances, record the trade, emit events."""
    core.hooks.before_activity(order)
    spec, now = core.spec(order.symbol), core.now()
    quote_qty = cost_of(spec, price, qty)
    commission, commission_asset = _pay_and_receive(core, spec, order, qty, quote_qty, maker)
    order.executed_qty += qty
    order.cum_quote += quote_qty
    order.update_ms = now
    order.status = OrderStatus.FILLED if order.remaining <= 0 else OrderStatus.PARTIALLY_FILLED
    core.refresh(order)
    done = Fill(core.next_id("trade"), price, qty, quote_qty, commission, commission_asset, now, maker)
    core.fills[order.order_id].append(done)
    core.trades.append(Trade(order.symbol, order.order_id, order.order_list_id, order.side is Side.BUY, done))
    if order.status is OrderStatus.FILLED:
        release(core, order)  # e.g. the unspent part of a quoteOrderQty budget
    report(core, order, ExecType.TRADE, done)
    publish_balances(core)
    if order.status is OrderStatus.FILLED:
        core.hooks.on_closed(order)
    return done


def _pay_and_receive(core: Core, spec: SymbolSpec, order: Order, qty: Decimal, quote_qty: Decimal,
                     maker: bool) -> tuple[Decimal, str]:
    b = core.balances
    if order.side is Side.BUY:
        unit_release = lock_amount(spec, order.lock_unit, qty) if order.lock_unit is not None else quote_qty
        freed = min(order.locked, unit_release)
        b.unlock(spec.quote_asset, freed)
        order.locked -= freed
        b.debit(spec.quote_asset, quote_qty)
        received, received_asset, places = qty, spec.base_asset, spec.base_commission_precision
    else:
        b.spend_locked(spec.base_asset, qty)
        order.locked -= qty
        received, received_asset, places = quote_qty, spec.quote_asset, spec.quote_commission_precision
    rate = core.fees.rate(maker)
    bnb = _bnb_fee(core, spec, quote_qty, rate)
    if bnb is not None:
        b.debit("BNB", bnb)
        b.credit(received_asset, received)
        return bnb, "BNB"
    commission = commission_in(received, rate, places)
    b.credit(received_asset, received - commission)
    return commission, received_asset


def _bnb_fee(core: Core, spec: SymbolSpec, quote_qty: Decimal, rate: Decimal) -> Decimal | None:
    # Binance charges the received asset when BNB is off, unpriced or short (facts §2.2).
    if not core.fees.pay_in_bnb or rate == 0:
        return None
    if spec.quote_asset == "BNB":
        price: Decimal | None = ONE
    else:
        bnb_market = core.markets.get(f"BNB{spec.quote_asset}")
        price = bnb_market.last if bnb_market else None
    if price is None or price <= 0:
        return None
    fee = bnb_commission(quote_qty, rate, core.fees.bnb_discount, price)
    return fee if core.balances.free("BNB") >= fee else None


def close(core: Core, order: Order, status: OrderStatus, *, reason: ExpiryReason | None = None,
          notify: bool = True, reject_reason: str = "NONE") -> None:
    """Move an open order to CANCELED, EXPIRED or REJECTED, releasing its locked funds."""
    release(core, order)
    order.status = status
    core.refresh(order)
    order.update_ms = core.now()
    if reason is not None:
        order.expiry_reason = reason
    report(core, order, _CLOSING_EXEC[status], reject_reason=reject_reason)
    publish_balances(core)
    if notify:
        core.hooks.on_closed(order)
