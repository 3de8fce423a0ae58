"""What order lists do at runtime (facts §4): OCO siblings expire, OTO pending legs activate,
lists finish with listStatus ALL_DONE.

An OCO pair holds one shared lock (both legs sell the same base, or buy with the larger of the
two quote amounts); it sits on the first leg and moves to whichever leg becomes active.
"""
from __future__ import annotations

from decimal import Decimal

from .arrival import start_working
from .core import Core
from .enums import ExecType, ExpiryReason, ListOrderStatus, ListStatusType, OrderStatus, Side
from .events import list_status
from .execution import close, publish_balances, report
from .orders import Order, OrderList
from .placement import lock_order, lock_plan


class ListRules:
    """The engine's list hooks: called by fills, triggers and closes of list orders."""

    def __init__(self, core: Core) -> None:
        self.core = core

    def before_activity(self, order: Order) -> None:
        """Expire the OCO sibling (OCO_TRIGGER) and take over the pair's lock."""
        lst = self._list_of(order)
        sibling_id = lst.sibling_of(order.order_id) if lst else None
        if lst is None or sibling_id is None:
            return
        sibling = self.core.orders[sibling_id]
        if not sibling.is_open or sibling.is_pending:
            return
        order.locked += sibling.locked
        order.lock_asset = order.lock_asset or sibling.lock_asset
        sibling.locked = Decimal(0)
        close(self.core, sibling, OrderStatus.EXPIRED, reason=ExpiryReason.OCO_TRIGGER, notify=False)

    def pair_lock(self, order: Order) -> Decimal:
        """Return what the open OCO sibling holds locked for the pair (moved on activity)."""
        lst = self._list_of(order)
        sibling_id = lst.sibling_of(order.order_id) if lst else None
        sibling = self.core.orders[sibling_id] if sibling_id is not None else None
        return sibling.locked if sibling is not None and sibling.is_open else Decimal(0)

    def on_closed(self, order: Order) -> None:
        """Activate or retire the rest of the list after `order` reached a final status."""
        lst = self._list_of(order)
        if lst is None or not lst.is_open:
            return
        if order.order_id == lst.working_id:
            if order.status is OrderStatus.FILLED:
                self._activate_pending(lst)
            else:
                self._retire_pending(lst, order.status)
        else:
            self._retire_sibling(lst, order)
        settle(self.core, lst)

    def _list_of(self, order: Order) -> OrderList | None:
        return self.core.lists.get(order.order_list_id) if order.order_list_id != -1 else None

    def _retire_pending(self, lst: OrderList, status: OrderStatus) -> None:
        # The working order ended unfilled: pending legs go with it (OTO_PHASE_ONE_EXPIRED).
        for leg in self._pending_legs(lst):
            if status is OrderStatus.CANCELED:
                close(self.core, leg, OrderStatus.CANCELED, notify=False)
            else:
                close(self.core, leg, OrderStatus.EXPIRED, reason=ExpiryReason.OTO_PHASE_ONE_EXPIRED,
                      notify=False)

    def _retire_sibling(self, lst: OrderList, order: Order) -> None:
        # An OCO leg rejected or expired without trading leaves its sibling alone in the book.
        sibling_id = lst.sibling_of(order.order_id)
        if sibling_id is None or order.status is OrderStatus.FILLED:
            return
        sibling = self.core.orders[sibling_id]
        if sibling.is_open and order.executed_qty == 0 and order.status is OrderStatus.REJECTED:
            close(self.core, sibling, OrderStatus.EXPIRED, reason=ExpiryReason.REJECTED, notify=False)

    def _pending_legs(self, lst: OrderList) -> list[Order]:
        return [self.core.orders[i] for i in lst.pending_ids if self.core.orders[i].is_pending]

    def _activate_pending(self, lst: OrderList) -> None:
        """Place the pending legs once the working order is fully filled (facts §4 OTO)."""
        core, legs = self.core, self._pending_legs(lst)
        if not legs:
            return
        spec = core.spec(lst.symbol)
        plans = [lock_plan(core, spec, leg, leg.orig_qty) for leg in legs]
        shared = lst.oco_pair is not None and len(legs) == 2
        need = max(p[0] for p in plans) if shared else sum((p[0] for p in plans), Decimal(0))
        asset = spec.quote_asset if legs[0].side is Side.BUY else spec.base_asset
        if core.balances.free(asset) < need:
            for leg in legs:  # the stream's `r` carries why (facts §7)
                close(core, leg, OrderStatus.REJECTED, notify=False, reject_reason="INSUFFICIENT_BALANCES")
            return
        now = core.now()
        for i, (leg, (amount, unit)) in enumerate(zip(legs, plans)):
            leg.status = OrderStatus.NEW
            leg.update_ms = now
            leg.working_ms = -1 if leg.is_stop else now
            lock_order(core, leg, (need if i == 0 else Decimal(0)) if shared else amount, unit)
            report(core, leg, ExecType.NEW)
        if core.wants("listStatus"):
            core.emit(list_status(lst, core.list_orders(lst), now))
        publish_balances(core)
        for leg in legs:
            start_working(core, leg)


def settle(core: Core, lst: OrderList) -> None:
    """Mark the list ALL_DONE and emit listStatus once every order is final."""
    if not lst.is_open or any(o.is_open for o in core.list_orders(lst)):
        return
    lst.status_type = ListStatusType.ALL_DONE
    lst.order_status = ListOrderStatus.ALL_DONE
    if core.wants("listStatus"):
        core.emit(list_status(lst, core.list_orders(lst), core.now()))


def cancel_list(core: Core, lst: OrderList, cancel_client_id: str) -> list[Order]:
    """Cancel every open order of the list (facts §2.2: one leg cancels the list); return them."""
    canceled = []
    for order in core.list_orders(lst):
        if order.is_open:
            order.cancel_client_id = cancel_client_id
            close(core, order, OrderStatus.CANCELED, notify=False)
            canceled.append(order)
    settle(core, lst)
    return canceled
