"""Stored vocabularies of the trading tables that the catalog does not define yet.

They follow the catalog's rules (StrEnum, stable stored values, never renamed) and are
candidates to move into `trading/domain/catalog/`; the stored values would not change.
Exchange-side values (order status) are Binance's own wire strings.
"""
from __future__ import annotations

from enum import StrEnum

from trading.domain.catalog import ReasonCode


def enum_choices(enum: type[StrEnum]) -> list[tuple[str, str]]:
    """Return Django choices for a StrEnum: the stored value is also the label."""
    return [(m.value, m.value) for m in enum]


def reason_code_choices() -> list[tuple[str, str]]:
    """Return the ReasonCode choices.

    A callable, so migrations store a reference instead of the list and adding a code
    stays a one-line change in the catalog, with no migration.
    """
    return enum_choices(ReasonCode)


class OrderStatus(StrEnum):
    """Binance Spot order status, as the exchange reports it."""

    NEW = "NEW"
    PENDING_NEW = "PENDING_NEW"  # a pending leg of an order list, not yet on the book
    PARTIALLY_FILLED = "PARTIALLY_FILLED"
    FILLED = "FILLED"
    CANCELED = "CANCELED"
    PENDING_CANCEL = "PENDING_CANCEL"  # documented, unused by Binance
    REJECTED = "REJECTED"
    EXPIRED = "EXPIRED"
    EXPIRED_IN_MATCH = "EXPIRED_IN_MATCH"  # self-trade prevention expired it


class PositionState(StrEnum):
    OPEN = "OPEN"
    CLOSED = "CLOSED"


class ProtectionState(StrEnum):
    """What covers an open position on the exchange (design §7 protection invariant)."""

    NONE = "NONE"  # flat, or not yet covered after the entry fill
    OCO = "OCO"
    STOP = "STOP"  # a plain stop, e.g. when the OCO was refused
    TRAILING = "TRAILING"
    SWAPPING = "SWAPPING"  # between cancelling one protection and the next one confirming


class ReconcileTrigger(StrEnum):
    BOOT = "BOOT"  # mandatory before any entry
    PERIODIC = "PERIODIC"
    AFTER_ACTION = "AFTER_ACTION"  # right after create/cancel OCO, protection swap, trailing
    MANUAL = "MANUAL"


class ReconcileDiffKind(StrEnum):
    """What disagreed between the database and the exchange (REST is the final truth)."""

    BALANCE = "BALANCE"
    ORDER_UNKNOWN = "ORDER_UNKNOWN"  # open on the exchange, absent from the database
    ORDER_MISSING = "ORDER_MISSING"  # open in the database, absent from the exchange
    ORDER_STATUS = "ORDER_STATUS"
    ORDER_QTY = "ORDER_QTY"
    FILL_MISSING = "FILL_MISSING"
    POSITION_QTY = "POSITION_QTY"
    PROTECTION_MISSING = "PROTECTION_MISSING"
    INTENT_UNRESOLVED = "INTENT_UNRESOLVED"


class ControlCommandKind(StrEnum):
    PAUSE = "PAUSE"
    RESUME = "RESUME"
    FLATTEN = "FLATTEN"  # close every position safely, then pause


class CommandSource(StrEnum):
    CLI = "CLI"
    ADMIN = "ADMIN"  # Django admin, outside LIVE only
    KILL_SWITCH = "KILL_SWITCH"  # the kill-switch file, seen by the trader
