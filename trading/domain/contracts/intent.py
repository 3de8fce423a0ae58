"""OrderIntent: the write-ahead record of one order we mean to send (design §7).

The intent row is committed (state CREATED) before the order is sent. Its ids come from the
decision, the kind and the attempt, so re-sending after a crash reuses the same client order id
and Binance refuses a second order instead of creating one.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from trading.domain.catalog.panel import IntentState
from trading.domain.catalog.reasons import ReasonCode
from trading.domain.contracts.canonical import (
    ContractViolation,
    fields_dict,
    parse_decimal,
    parse_optional_decimal,
    parse_reason_code,
    require,
    require_int,
    require_positive_decimal,
    require_text,
)
from trading.domain.contracts.decision import TRAILING_DELTA_MAX_BPS, TRAILING_DELTA_MIN_BPS, Side
from trading.domain.contracts.ids import CLIENT_ORDER_ID_RE, client_order_id_for, order_intent_id_for
from trading.domain.states import check_intent_transition


class IntentKind(StrEnum):
    ENTRY = "ENTRY"
    PROTECTION_OCO = "PROTECTION_OCO"  # take profit above + stop-limit below, one order list
    PROTECTION_STOP = "PROTECTION_STOP"  # a plain stop, e.g. the fallback when an OCO is refused
    PROTECTION_TRAILING = "PROTECTION_TRAILING"  # the stop that replaces the OCO once the trail activates
    EXIT_MARKET = "EXIT_MARKET"
    CANCEL = "CANCEL"  # cancel target_client_order_id; side/type/qty describe the target


class OrderType(StrEnum):
    LIMIT = "LIMIT"
    LIMIT_MAKER = "LIMIT_MAKER"
    MARKET = "MARKET"
    STOP_LOSS = "STOP_LOSS"
    STOP_LOSS_LIMIT = "STOP_LOSS_LIMIT"
    TAKE_PROFIT = "TAKE_PROFIT"
    TAKE_PROFIT_LIMIT = "TAKE_PROFIT_LIMIT"
    OCO = "OCO"  # an order list, sent through /api/v3/orderList/oco


_T = OrderType
_STOPS = frozenset({_T.STOP_LOSS, _T.STOP_LOSS_LIMIT})
# kind -> (required side or None for any, allowed order types). Spot is long only.
_KIND_RULES: Mapping[IntentKind, tuple[Side | None, frozenset[OrderType]]] = {
    IntentKind.ENTRY: (Side.BUY, frozenset({_T.LIMIT, _T.LIMIT_MAKER, _T.MARKET})),
    IntentKind.PROTECTION_OCO: (Side.SELL, frozenset({_T.OCO})),
    IntentKind.PROTECTION_STOP: (Side.SELL, _STOPS),
    IntentKind.PROTECTION_TRAILING: (Side.SELL, _STOPS),
    IntentKind.EXIT_MARKET: (Side.SELL, frozenset({_T.MARKET})),
    IntentKind.CANCEL: (None, frozenset(OrderType)),
}
# order type -> prices it needs: (price, stop_price, stop_limit_price)
_PRICES_NEEDED: Mapping[OrderType, tuple[bool, bool, bool]] = {
    _T.LIMIT: (True, False, False), _T.LIMIT_MAKER: (True, False, False), _T.MARKET: (False, False, False),
    _T.STOP_LOSS: (False, True, False), _T.STOP_LOSS_LIMIT: (True, True, False),
    _T.TAKE_PROFIT: (False, True, False), _T.TAKE_PROFIT_LIMIT: (True, True, False),
    _T.OCO: (True, True, True),
}


@dataclass(frozen=True, slots=True)
class OrderIntent:
    """One order we intend to have on the exchange, and what we know of its fate (`state`)."""

    order_intent_id: str
    decision_id: str
    attempt: int
    symbol: str
    kind: IntentKind
    side: Side
    order_type: OrderType
    qty: Decimal
    price: Decimal | None
    stop_price: Decimal | None
    stop_limit_price: Decimal | None
    trailing_delta_bps: int | None
    client_order_id: str
    state: IntentState
    created_ts_ms: int
    updated_ts_ms: int
    expires_ts_ms: int | None = None
    reason: ReasonCode | None = None
    target_client_order_id: str = ""

    def __post_init__(self) -> None:
        _check_ids(self)
        _check_kind(self)
        _check_prices(self)
        _check_times(self)

    @classmethod
    def new(cls, *, decision_id: str, kind: IntentKind, symbol: str, side: Side, order_type: OrderType,
            qty: Decimal, ts_ms: int, attempt: int = 0, **optional: Any) -> OrderIntent:
        """Return a CREATED intent with ids derived from (decision_id, kind, attempt).

        `optional` takes price, stop_price, stop_limit_price, trailing_delta_bps, expires_ts_ms,
        reason and target_client_order_id.
        """
        intent_id = order_intent_id_for(decision_id, kind, attempt)
        prices = {name: optional.pop(name, None)
                  for name in ("price", "stop_price", "stop_limit_price", "trailing_delta_bps")}
        return cls(
            order_intent_id=intent_id, decision_id=decision_id, attempt=attempt, symbol=symbol,
            kind=kind, side=side, order_type=order_type, qty=qty, **prices,
            client_order_id=client_order_id_for(intent_id, _leg_of(order_type)),
            state=IntentState.CREATED, created_ts_ms=ts_ms, updated_ts_ms=ts_ms, **optional,
        )

    def leg_client_order_id(self, leg: str) -> str:
        """Return the client order id of one leg of this intent ("above" / "below" for an OCO)."""
        return client_order_id_for(self.order_intent_id, leg)

    def transition(self, new_state: IntentState, ts_ms: int, reason: ReasonCode | None = None) -> OrderIntent:
        """Return this intent moved to `new_state` at `ts_ms`.

        Raises IllegalTransition for an edge the intent table lacks, ContractViolation if
        `ts_ms` is earlier than the last update.
        """
        check_intent_transition(self.state, new_state)
        require(isinstance(ts_ms, int) and ts_ms >= self.updated_ts_ms,
                f"intent time must not go backward: {ts_ms} < {self.updated_ts_ms}")
        return dataclasses.replace(self, state=new_state, updated_ts_ms=ts_ms, reason=reason)

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON-ready form (decimals as strings, enums as values)."""
        return fields_dict(self)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> OrderIntent:
        """Return the intent stored by `to_dict`; ids that do not match the content are refused."""
        fields = dict(d)
        fields.update(
            kind=IntentKind(d["kind"]), side=Side(d["side"]), order_type=OrderType(d["order_type"]),
            state=IntentState(d["state"]), qty=parse_decimal(d["qty"], "qty"),
            reason=None if d.get("reason") is None else parse_reason_code(d["reason"]),
        )
        for name in ("price", "stop_price", "stop_limit_price"):
            fields[name] = parse_optional_decimal(d.get(name), name)
        return cls(**fields)


def _leg_of(order_type: OrderType) -> str:
    # An OCO's own client id is its list id; its two orders get the "above" and "below" legs.
    return "list" if order_type is OrderType.OCO else ""


def _check_ids(i: OrderIntent) -> None:
    for name in ("decision_id", "symbol"):
        require_text(getattr(i, name), name)
    require(isinstance(i.kind, IntentKind), "kind must be an IntentKind")
    require(isinstance(i.order_type, OrderType), "order_type must be an OrderType")
    require(isinstance(i.state, IntentState), "state must be an IntentState")
    require_int(i.attempt, "attempt")
    require(i.order_intent_id == order_intent_id_for(i.decision_id, i.kind, i.attempt),
            "order_intent_id does not match (decision_id, kind, attempt)")
    require(bool(CLIENT_ORDER_ID_RE.match(i.client_order_id)), "client_order_id breaks the Binance format")
    require(i.client_order_id == client_order_id_for(i.order_intent_id, _leg_of(i.order_type)),
            "client_order_id does not match order_intent_id")
    require(i.reason is None or isinstance(i.reason, ReasonCode), "reason must be a ReasonCode or None")


def _check_kind(i: OrderIntent) -> None:
    side, types = _KIND_RULES[i.kind]
    require(isinstance(i.side, Side), "side must be a Side")
    if not (side is None or i.side is side):
        raise ContractViolation(f"{i.kind} must be {side} (spot is long only)")
    if not (i.order_type in types):
        raise ContractViolation(f"{i.kind} cannot use order type {i.order_type}")
    require_positive_decimal(i.qty, "qty")
    is_cancel = i.kind is IntentKind.CANCEL
    require(bool(i.target_client_order_id) == is_cancel, "target_client_order_id is set iff kind is CANCEL")
    trailing = i.kind is IntentKind.PROTECTION_TRAILING
    require((i.trailing_delta_bps is not None) == trailing,
            "trailing_delta_bps is set iff kind is PROTECTION_TRAILING")
    if trailing:
        require_int(i.trailing_delta_bps, "trailing_delta_bps", TRAILING_DELTA_MIN_BPS)
        require(i.trailing_delta_bps is not None and i.trailing_delta_bps <= TRAILING_DELTA_MAX_BPS,
                f"trailing_delta_bps must be <= {TRAILING_DELTA_MAX_BPS}")


def _check_prices(i: OrderIntent) -> None:
    given = (i.price, i.stop_price, i.stop_limit_price)
    if i.kind is IntentKind.CANCEL:
        require(given == (None, None, None), "a CANCEL intent carries no prices")
        return
    # A trailing stop without a stop price trails from the moment it is placed (Binance).
    optional_stop = i.kind is IntentKind.PROTECTION_TRAILING
    names = ("price", "stop_price", "stop_limit_price")
    for name, value, need in zip(names, given, _PRICES_NEEDED[i.order_type]):
        if value is None:
            if not (not need or (optional_stop and name == "stop_price")):
                raise ContractViolation(f"{i.order_type} needs {name}")
        else:
            if not (need):
                raise ContractViolation(f"{i.order_type} takes no {name}")
            require_positive_decimal(value, name)
    if i.order_type is OrderType.OCO:
        assert i.price is not None and i.stop_price is not None and i.stop_limit_price is not None
        require(i.stop_limit_price <= i.stop_price < i.price, "an OCO sell needs stop_limit <= stop < price")


def _check_times(i: OrderIntent) -> None:
    require_int(i.created_ts_ms, "created_ts_ms")
    require_int(i.updated_ts_ms, "updated_ts_ms", i.created_ts_ms)
    if i.expires_ts_ms is not None:
        require_int(i.expires_ts_ms, "expires_ts_ms", i.created_ts_ms + 1)
