"""Parse new-order parameters, for a single order or for one leg of an order list.

Legs use prefixed names (`aboveStopPrice`, `workingPrice`, `pendingAboveTimeInForce`, facts
§2.3), so every leg is read through a name map and errors name the parameter actually sent.
"""
from __future__ import annotations

import functools
from collections.abc import Mapping
from types import MappingProxyType

from . import errors
from .enums import PRICED_TYPES, STOP_TYPES, OrderType, Side, TimeInForce
from .errors import BinanceApiError
from .orders import OrderRequest
from .params import Params
from .symbols import SymbolSpec

FIELDS = ("type", "side", "quantity", "clientOrderId", "price", "stopPrice", "trailingDelta",
          "timeInForce", "icebergQty", "strategyId", "strategyType")
SINGLE_NAMES = {f: f for f in FIELDS} | {"clientOrderId": "newClientOrderId"}
MIN_STRATEGY_TYPE = 1_000_000

Names = Mapping[str, str]


@functools.cache
def leg_names(prefix: str, *, side: str | None = None, quantity: str | None = None) -> Names:
    """Return field -> parameter names for a leg (`prefix` "" = a plain POST /order); read-only, shared."""
    if not prefix:
        return MappingProxyType(SINGLE_NAMES)
    names = {f: prefix + f[0].upper() + f[1:] for f in FIELDS}
    if side is not None:
        names["side"] = side
    if quantity is not None:
        names["quantity"] = quantity
    return MappingProxyType(names)


def parse_order(p: Params, spec: SymbolSpec, names: Names, *, allow_quote_qty: bool = False) -> OrderRequest:
    """Return the request read from `p`; -11xx for malformed, missing or superfluous params."""
    req = OrderRequest(
        symbol=spec.symbol,
        type=p.required_enum(names["type"], OrderType, (-1116, "Invalid orderType.")),
        side=p.required_enum(names["side"], Side, (-1117, "Invalid side.")),
        time_in_force=p.enum(names["timeInForce"], TimeInForce,
                             error=(-1115, "Invalid timeInForce.")),
        quantity=p.decimal(names["quantity"], places=spec.base_precision),
        quote_order_qty=(p.decimal("quoteOrderQty", places=spec.quote_asset_precision)
                         if allow_quote_qty else None),
        price=p.decimal(names["price"], places=spec.quote_precision),
        stop_price=p.decimal(names["stopPrice"], places=spec.quote_precision),
        trailing_delta=p.integer(names["trailingDelta"]),
        iceberg_qty=p.decimal(names["icebergQty"], places=spec.base_precision),
        client_order_id=p.client_id(names["clientOrderId"]),
        strategy_id=p.integer(names["strategyId"]),
        strategy_type=p.integer(names["strategyType"]),
    )
    if req.strategy_type is not None and req.strategy_type < MIN_STRATEGY_TYPE:
        raise BinanceApiError(-1134, "strategyType was less than 1000000.")
    check_mandatory(p, req, names)
    return req


def check_mandatory(p: Params, req: OrderRequest, names: Names) -> None:
    """Raise -1102/-1106 when the type's mandatory parameters are missing or others sent (facts §2.2)."""
    t = req.type
    if t is OrderType.MARKET:
        p.forbid(names["timeInForce"], names["price"], names["stopPrice"], names["trailingDelta"],
                 names["icebergQty"])
        if req.quantity is None and req.quote_order_qty is None:
            raise errors.either_param("quantity", "quoteOrderQty")
        if req.quantity is not None and req.quote_order_qty is not None:
            raise errors.not_required("quoteOrderQty")
        return
    p.forbid("quoteOrderQty")
    _require(req.quantity, names["quantity"])
    if t in PRICED_TYPES:
        _require(req.price, names["price"])
    else:
        p.forbid(names["price"], names["icebergQty"])
    if t is OrderType.LIMIT_MAKER:
        p.forbid(names["timeInForce"])
    elif t in PRICED_TYPES:
        _require(req.time_in_force, names["timeInForce"])
    else:
        p.forbid(names["timeInForce"])
    if t in STOP_TYPES:
        if req.stop_price is None and req.trailing_delta is None:
            raise errors.either_param(names["stopPrice"], names["trailingDelta"])
    else:
        p.forbid(names["stopPrice"], names["trailingDelta"])


def _require(value: object, name: str) -> None:
    if value is None:
        raise errors.mandatory(name)


_UNSUPPORTED_TYPE_MSG = {
    OrderType.LIMIT: "Limit orders are not supported for this symbol.",
    OrderType.MARKET: "Market orders are not supported for this symbol.",
    OrderType.STOP_LOSS: "Stop loss orders are not supported for this symbol.",
    OrderType.STOP_LOSS_LIMIT: "Stop loss limit orders are not supported for this symbol.",
    OrderType.TAKE_PROFIT: "Take profit orders are not supported for this symbol.",
    OrderType.TAKE_PROFIT_LIMIT: "Take profit limit orders are not supported for this symbol.",
    OrderType.LIMIT_MAKER: "Limit maker orders are not supported for this symbol.",
}


def check_features(spec: SymbolSpec, req: OrderRequest) -> None:
    """Raise when the symbol disables what the order uses (errors.md matching-engine messages)."""
    if req.type not in spec.order_types:
        raise errors.not_supported(_UNSUPPORTED_TYPE_MSG[req.type])
    if req.trailing_delta is not None and not spec.allow_trailing_stop:
        raise errors.not_supported("Trailing stop orders are not supported for this symbol.")
    if req.quote_order_qty is not None and not spec.quote_order_qty_market_allowed:
        raise errors.not_supported("Quote order qty market orders are not support for this symbol.")
    if req.iceberg_qty is not None:
        _check_iceberg(spec, req)


def _check_iceberg(spec: SymbolSpec, req: OrderRequest) -> None:
    if not spec.iceberg_allowed:
        raise errors.not_supported("Iceberg orders are not supported for this symbol.")
    gtc = req.time_in_force in (None, TimeInForce.GTC)
    if not gtc:
        raise errors.rejected(errors.Msg.UNSUPPORTED_COMBINATION)
    if req.quantity is not None and req.iceberg_qty is not None and req.iceberg_qty >= req.quantity:
        raise errors.rejected(errors.Msg.ICEBERG_EXCEEDS_QTY)

