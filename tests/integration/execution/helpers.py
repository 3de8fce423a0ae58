"""Intent builders for the execution tests."""
from __future__ import annotations

import itertools
from decimal import Decimal

from tests.support.sim_exchange import Stack
from trading.domain.contracts import IntentKind, OrderIntent, OrderType, Side

D = Decimal
_n = itertools.count(1)


def entry(stack: Stack, qty: str = "0.10000", price: str | None = None, *, ttl_ms: int | None = None,
          symbol: str = "BTCUSDT") -> OrderIntent:
    """A BUY entry: MARKET without `price`, else a GTC LIMIT (with an optional TTL)."""
    now = stack.ctx.now_ms()
    extra: dict[str, object] = {"price": D(price)} if price else {}
    if ttl_ms is not None:
        extra["expires_ts_ms"] = now + ttl_ms
    return OrderIntent.new(decision_id=f"d-test-{next(_n):06d}-{now}", kind=IntentKind.ENTRY, symbol=symbol,
                           side=Side.BUY, order_type=OrderType.LIMIT if price else OrderType.MARKET,
                           qty=D(qty), ts_ms=now, **extra)


def oco_for(stack: Stack, e: OrderIntent, qty: str, tp: str, stop: str, stop_limit: str) -> OrderIntent:
    """The PROTECTION_OCO intent that rides an OTOCO entry (same decision)."""
    return OrderIntent.new(decision_id=e.decision_id, kind=IntentKind.PROTECTION_OCO, symbol=e.symbol,
                           side=Side.SELL, order_type=OrderType.OCO, qty=D(qty), ts_ms=stack.ctx.now_ms(),
                           price=D(tp), stop_price=D(stop), stop_limit_price=D(stop_limit))
