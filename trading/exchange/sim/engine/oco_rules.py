"""OCO leg rules (facts §2.3): which leg types go where, and how their prices must relate."""
from __future__ import annotations

from decimal import Decimal

from . import errors
from .enums import STOP_LOSS_TYPES, OrderType, Side
from .errors import BinanceApiError, Msg
from .orders import OrderRequest

ABOVE_TYPES = frozenset(OrderType) - {OrderType.LIMIT, OrderType.MARKET}
# The docs omit LIMIT_MAKER from belowType, yet a BUY OCO needs its limit leg below (facts §2.3,
# §11): accept it.
BELOW_TYPES = ABOVE_TYPES


def check_oco_shape(above: OrderRequest, below: OrderRequest) -> None:
    """Raise the -11xx error for a leg type not allowed, or on the wrong side of the market."""
    if above.type not in ABOVE_TYPES or below.type not in BELOW_TYPES:
        raise BinanceApiError(-1158, "Order type not supported in OCO.")
    stops = [leg for leg in (above, below) if leg.type in STOP_LOSS_TYPES]
    if not stops:
        raise BinanceApiError(-1168, "At least one OCO order must be contingent.")
    if len(stops) == 2:
        raise BinanceApiError(-1158, "Order type not supported in OCO.")
    # The stop-loss leg sits below a SELL and above a BUY.
    if above.side is Side.SELL and above.type in STOP_LOSS_TYPES:
        raise BinanceApiError(-1197, "A stop loss order in a sell OCO must be below.")
    if above.side is Side.BUY and below.type in STOP_LOSS_TYPES:
        raise BinanceApiError(-1196, "A stop loss order in a buy OCO must be above.")


def oco_order(above: OrderRequest, below: OrderRequest) -> list[OrderRequest]:
    """Return the legs in Binance's id order: the stop-loss leg first (docs examples, facts §2.3)."""
    return [above, below] if above.type in STOP_LOSS_TYPES else [below, above]


def _limit_side_price(leg: OrderRequest) -> Decimal | None:
    # LIMIT_MAKER and TAKE_PROFIT_LIMIT are judged by their limit price, TAKE_PROFIT by its stop.
    return leg.stop_price if leg.type is OrderType.TAKE_PROFIT else leg.price


_WRONG_SIDE = {
    (Side.SELL, True): (-1166, "A limit order in a sell OCO must be above."),
    (Side.SELL, False): (-1199, "A take profit order in a sell OCO must be above."),
    (Side.BUY, True): (-1165, "A limit order in a buy OCO must be below."),
    (Side.BUY, False): (-1198, "A take profit order in a buy OCO must be below."),
}


def check_oco_prices(pair: list[OrderRequest], last: Decimal | None) -> None:
    """Raise unless SELL: limit > last > stop, BUY: limit < last < stop (facts §2.3).

    `pair` is [stop-loss leg, other leg]. The limit-side leg priced on the wrong side of the
    stop gets its -1165/-1166/-1198/-1199 (the codes the deprecated endpoint, which has no
    above/below, can only mean by price); an order against the last price gets -2010. `last`
    None skips the market comparison (OTOCO pending legs, or no price yet); a trailing stop
    without stopPrice has no price to compare.
    """
    stop, other = pair
    sign = 1 if stop.side is Side.SELL else -1
    limit_price = _limit_side_price(other)
    if limit_price is not None and stop.stop_price is not None and sign * (limit_price - stop.stop_price) <= 0:
        raise BinanceApiError(*_WRONG_SIDE[(stop.side, other.type is OrderType.LIMIT_MAKER)])
    points = [p for p in (limit_price, last, stop.stop_price) if p is not None]
    if any(sign * (hi - lo) <= 0 for hi, lo in zip(points, points[1:])):
        raise errors.rejected(Msg.OCO_PRICES)
