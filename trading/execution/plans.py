"""Intent -> exchange request, pure. The client order ids all come from the intent (design §5)."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from trading.domain.catalog import ReasonCode
from trading.domain.contracts import IntentKind, OrderIntent, OrderType
from trading.domain.ports import OcoLeg, OcoRequest, OrderRequest, OtocoRequest, TimeInForce

GTC = TimeInForce.GTC


@dataclass(frozen=True, slots=True)
class ProtectionPlan:
    """The exits of a long: take profit above, stop (stop-limit) below, optionally trailing.

    With `trailing_delta_bps` the OCO's stop leg trails from placement (no stopPrice: with one,
    Binance would only start trailing once the market fell to it, facts §4), so no later
    OCO -> trailing swap is needed; `stop_price` is then the initial trigger, for the local guard.
    """

    take_profit: Decimal
    stop_price: Decimal
    stop_limit_price: Decimal
    trailing_delta_bps: int | None = None


def order_request(intent: OrderIntent) -> OrderRequest:
    """Return the single order of an ENTRY / PROTECTION_STOP / PROTECTION_TRAILING / EXIT_MARKET intent."""
    t = intent.order_type
    if t is OrderType.OCO or intent.kind is IntentKind.CANCEL:
        raise ValueError(f"{intent.kind} {t} is not a single order")
    needs_tif = t in (OrderType.LIMIT, OrderType.STOP_LOSS_LIMIT, OrderType.TAKE_PROFIT_LIMIT)
    return OrderRequest(intent.symbol, intent.side, t, intent.client_order_id, quantity=intent.qty,
                        price=intent.price, stop_price=intent.stop_price,
                        trailing_delta=intent.trailing_delta_bps, time_in_force=GTC if needs_tif else None)


def _legs(intent: OrderIntent, trailing_delta_bps: int | None) -> tuple[OcoLeg, OcoLeg]:
    above = OcoLeg(OrderType.LIMIT_MAKER, price=intent.price, client_order_id=intent.leg_client_order_id("above"))
    below = OcoLeg(OrderType.STOP_LOSS_LIMIT, price=intent.stop_limit_price,
                   stop_price=None if trailing_delta_bps else intent.stop_price,
                   trailing_delta=trailing_delta_bps, time_in_force=GTC,
                   client_order_id=intent.leg_client_order_id("below"))
    return above, below


def oco_request(intent: OrderIntent, trailing_delta_bps: int | None = None) -> OcoRequest:
    """Return the SELL OCO of a PROTECTION_OCO intent: LIMIT_MAKER above, STOP_LOSS_LIMIT below."""
    above, below = _legs(intent, trailing_delta_bps)
    return OcoRequest(intent.symbol, intent.side, intent.qty, intent.client_order_id, above=above, below=below)


def otoco_request(entry: OrderIntent, oco: OrderIntent, trailing_delta_bps: int | None = None) -> OtocoRequest:
    """Return an OTOCO: the LIMIT entry working, the protection OCO pending; list id = the OCO intent's."""
    above, below = _legs(oco, trailing_delta_bps)
    return OtocoRequest(working=order_request(entry), pending_quantity=oco.qty, pending_above=above,
                        pending_below=below, list_client_order_id=oco.client_order_id)


def exit_reason_for_leg(client_order_id: str) -> str | None:
    """Return which protection leg an order id names: "above" (take profit), "below" (stop) or None."""
    for leg in ("above", "below"):
        if client_order_id.endswith(f"_{leg}"):
            return leg
    return None


LEG_REASON = {"above": ReasonCode.TAKE_PROFIT_HIT, "below": ReasonCode.STOP_LOSS_HIT}


def leg_exit_reason(client_order_id: str) -> ReasonCode | None:
    """Return TAKE_PROFIT_HIT / STOP_LOSS_HIT for a fill of a protection leg, else None."""
    leg = exit_reason_for_leg(client_order_id)
    return LEG_REASON[leg] if leg else None
