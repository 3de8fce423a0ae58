"""Symbol specifications and their exchangeInfo rendering (facts §2.1).

Filters are kept exactly as exchangeInfo shows them (dicts of strings, ints and bools) so that
the fault hooks can replace one at runtime and the change is visible on the next exchangeInfo.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from .enums import ALL_TYPES, OrderType, StpMode, SymbolStatus

Filter = dict[str, Any]

# Production rate limits (facts §2.1 [obs]); RAW_REQUESTS is 300000 since 2026-04-02.
DEFAULT_RATE_LIMITS: list[dict[str, Any]] = [
    {"rateLimitType": "REQUEST_WEIGHT", "interval": "MINUTE", "intervalNum": 1, "limit": 6000},
    {"rateLimitType": "ORDERS", "interval": "SECOND", "intervalNum": 10, "limit": 100},
    {"rateLimitType": "ORDERS", "interval": "DAY", "intervalNum": 1, "limit": 200000},
    {"rateLimitType": "RAW_REQUESTS", "interval": "MINUTE", "intervalNum": 5, "limit": 300000},
]


@dataclass
class SymbolSpec:
    """One tradable symbol: assets, precisions, permissions and filters."""

    symbol: str
    base_asset: str
    quote_asset: str
    filters: list[Filter] = field(default_factory=list)
    status: SymbolStatus = SymbolStatus.TRADING
    base_precision: int = 8
    quote_precision: int = 8
    quote_asset_precision: int = 8
    base_commission_precision: int = 8
    quote_commission_precision: int = 8
    order_types: tuple[OrderType, ...] = ALL_TYPES
    iceberg_allowed: bool = True
    oco_allowed: bool = True
    oto_allowed: bool = True
    quote_order_qty_market_allowed: bool = True
    allow_trailing_stop: bool = True
    cancel_replace_allowed: bool = True
    default_stp: StpMode = StpMode.EXPIRE_MAKER
    allowed_stp: tuple[StpMode, ...] = tuple(StpMode)

    def __post_init__(self) -> None:
        # Accept plain strings from callers and fault hooks; store the enums.
        self.status = SymbolStatus(self.status)
        self.order_types = tuple(OrderType(t) for t in self.order_types)
        self.default_stp = StpMode(self.default_stp)
        self.allowed_stp = tuple(StpMode(m) for m in self.allowed_stp)

    def filter(self, filter_type: str) -> Filter | None:
        """Return the filter of that type, or None when the symbol has none."""
        for f in self.filters:
            if f["filterType"] == filter_type:
                return f
        return None

    def set_filter(self, new: Filter) -> None:
        """Replace the filter of the same filterType, or add it."""
        self.remove_filter(new["filterType"])
        self.filters.append(dict(new))

    def remove_filter(self, filter_type: str) -> None:
        """Drop the filter of that type if present."""
        self.filters = [f for f in self.filters if f["filterType"] != filter_type]


def typical_filters(tick: str = "0.01", step: str = "0.00001", min_notional: str = "5") -> list[Filter]:
    """Return the BTCUSDT filter set observed on Binance (facts §2.1 [obs], testnet capture)."""
    return [
        {"filterType": "PRICE_FILTER", "minPrice": tick, "maxPrice": "1000000.00000000", "tickSize": tick},
        {"filterType": "LOT_SIZE", "minQty": step, "maxQty": "9000.00000000", "stepSize": step},
        {"filterType": "ICEBERG_PARTS", "limit": 100},
        {"filterType": "MARKET_LOT_SIZE", "minQty": "0.00000000", "maxQty": "100.00000000",
         "stepSize": "0.00000000"},
        {"filterType": "TRAILING_DELTA", "minTrailingAboveDelta": 10, "maxTrailingAboveDelta": 2000,
         "minTrailingBelowDelta": 10, "maxTrailingBelowDelta": 2000},
        {"filterType": "PERCENT_PRICE_BY_SIDE", "bidMultiplierUp": "5", "bidMultiplierDown": "0.2",
         "askMultiplierUp": "5", "askMultiplierDown": "0.2", "avgPriceMins": 5},
        {"filterType": "NOTIONAL", "minNotional": min_notional, "applyMinToMarket": True,
         "maxNotional": "9000000.00000000", "applyMaxToMarket": False, "avgPriceMins": 5},
        {"filterType": "MAX_NUM_ORDERS", "maxNumOrders": 200},
        {"filterType": "MAX_NUM_ORDER_LISTS", "maxNumOrderLists": 20},
        {"filterType": "MAX_NUM_ALGO_ORDERS", "maxNumAlgoOrders": 5},
    ]


def typical_spec(symbol: str = "BTCUSDT", base: str = "BTC", quote: str = "USDT", **kw: Any) -> SymbolSpec:
    """Return a spec shaped like Binance's BTCUSDT; keyword args override dataclass fields."""
    return SymbolSpec(symbol=symbol, base_asset=base, quote_asset=quote, filters=typical_filters(), **kw)


def render_symbol(spec: SymbolSpec) -> dict[str, Any]:
    """Return the exchangeInfo entry of one symbol, keys in Binance's order."""
    return {
        "symbol": spec.symbol,
        "status": spec.status.value,
        "baseAsset": spec.base_asset,
        "baseAssetPrecision": spec.base_precision,
        "quoteAsset": spec.quote_asset,
        "quotePrecision": spec.quote_precision,
        "quoteAssetPrecision": spec.quote_asset_precision,
        "baseCommissionPrecision": spec.base_commission_precision,
        "quoteCommissionPrecision": spec.quote_commission_precision,
        "orderTypes": [t.value for t in spec.order_types],
        "icebergAllowed": spec.iceberg_allowed,
        "ocoAllowed": spec.oco_allowed,
        "otoAllowed": spec.oto_allowed,
        "opoAllowed": False,
        "quoteOrderQtyMarketAllowed": spec.quote_order_qty_market_allowed,
        "allowTrailingStop": spec.allow_trailing_stop,
        "cancelReplaceAllowed": spec.cancel_replace_allowed,
        "amendAllowed": False,
        "pegInstructionsAllowed": False,
        "isSpotTradingAllowed": True,
        "isMarginTradingAllowed": False,
        "filters": copy.deepcopy(spec.filters),
        "permissions": [],
        "permissionSets": [["SPOT"]],
        "defaultSelfTradePreventionMode": spec.default_stp.value,
        "allowedSelfTradePreventionModes": [m.value for m in spec.allowed_stp],
    }


def render_exchange_info(
    specs: list[SymbolSpec], server_time: int, exchange_filters: list[Filter],
    rate_limits: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Return the GET /api/v3/exchangeInfo body for `specs`."""
    return {
        "timezone": "UTC",
        "serverTime": server_time,
        "rateLimits": copy.deepcopy(rate_limits if rate_limits is not None else DEFAULT_RATE_LIMITS),
        "exchangeFilters": copy.deepcopy(exchange_filters),
        "symbols": [render_symbol(s) for s in specs],
    }
