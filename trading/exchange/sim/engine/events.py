"""User-data events (facts §7): executionReport, listStatus, outboundAccountPosition, balanceUpdate.

Events are bare payloads; the server wraps them as `{"subscriptionId", "event"}` on the WS API.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from .decimals import ZERO, fmt
from .enums import ExecType
from .orders import Fill, Order, OrderList
from .render import commission_places
from .symbols import SymbolSpec

Event = dict[str, Any]
Listener = Callable[[Event], None]


@dataclass(frozen=True)
class Subscription:
    """A listener and the events it takes: event names ("listStatus"), or an executionReport
    narrowed to one execution type ("executionReport:TRADE"); `names` None takes everything."""

    listener: Listener
    names: frozenset[str] | None = None

    def accepts(self, event: Event) -> bool:
        """Return True when this subscriber takes `event`."""
        names = self.names
        if names is None or event["e"] in names:
            return True
        return event["e"] == "executionReport" and f"executionReport:{event['x']}" in names


def execution_report(order: Order, spec: SymbolSpec, *, exec_type: ExecType, event_ms: int,
                     exec_id: int, fill: Fill | None = None, reject_reason: str = "NONE") -> Event:
    """Return the executionReport for one state change of `order`.

    On a cancel `c` is the cancel request's id and `C` the order's own (facts §7).
    """
    canceled = exec_type is ExecType.CANCELED and order.cancel_client_id is not None
    qp, bp, ap = spec.quote_precision, spec.base_precision, spec.quote_asset_precision
    event: Event = {
        "e": "executionReport", "E": event_ms, "s": order.symbol,
        "c": order.cancel_client_id if canceled else order.client_order_id,
        "S": order.side.value, "o": order.type.value, "f": order.time_in_force.value,
        "q": fmt(order.orig_qty, bp), "p": fmt(order.price, qp), "P": fmt(order.stop_price, qp),
        "F": fmt(order.iceberg_qty, bp), "g": order.order_list_id,
        "C": order.client_order_id if canceled else "",
        "x": exec_type.value, "X": order.status.value, "r": reject_reason, "i": order.order_id,
        "l": fmt(fill.qty if fill else ZERO, bp), "z": fmt(order.executed_qty, bp),
        "L": fmt(fill.price if fill else ZERO, qp),
        "n": fmt(fill.commission, commission_places(spec, fill.commission_asset)) if fill else "0",
        "N": fill.commission_asset if fill else None,
        "T": fill.time if fill else event_ms, "t": fill.trade_id if fill else -1, "I": exec_id,
        "w": order.on_book, "m": fill.is_maker if fill else False,
        "M": fill is not None,  # "ignore" per the docs, yet live TRADE events carry true

        "O": order.created_ms, "Z": fmt(order.cum_quote, ap),
        "Y": fmt(fill.quote_qty if fill else ZERO, ap),
        "Q": fmt(order.orig_quote_qty, ap),
    }
    _add_optional(event, order)
    return event


def _add_optional(event: Event, order: Order) -> None:
    if order.working_ms != -1:  # "only visible if the order has been placed on the book"
        event["W"] = order.working_ms
    event["V"] = order.stp_mode.value
    if order.trailing_delta is not None:
        event["d"] = order.trailing_delta
        if order.trailing_time != -1:
            event["D"] = order.trailing_time
    if order.strategy_id is not None:
        event["j"] = order.strategy_id
    if order.strategy_type is not None:
        event["J"] = order.strategy_type
    if order.expiry_reason is not None:
        event["eR"] = order.expiry_reason.value


def list_status(lst: OrderList, orders: Sequence[Order], event_ms: int) -> Event:
    """Return the listStatus event for the list's current state."""
    return {
        "e": "listStatus", "E": event_ms, "s": lst.symbol, "g": lst.order_list_id,
        "c": lst.contingency.value, "l": lst.status_type.value, "L": lst.order_status.value,
        "r": "NONE", "C": lst.list_client_id, "T": event_ms,
        "O": [{"s": o.symbol, "i": o.order_id, "c": o.client_order_id} for o in orders],
    }


def account_position(balances: Sequence[tuple[str, str, str]], event_ms: int) -> Event:
    """Return outboundAccountPosition for the changed assets: (asset, free, locked) strings."""
    return {"e": "outboundAccountPosition", "E": event_ms, "u": event_ms,
            "B": [{"a": a, "f": f, "l": lk} for a, f, lk in balances]}


def balance_update(asset: str, delta: str, event_ms: int) -> Event:
    """Return balanceUpdate for a deposit or withdrawal."""
    return {"e": "balanceUpdate", "E": event_ms, "a": asset, "d": delta, "T": event_ms}
