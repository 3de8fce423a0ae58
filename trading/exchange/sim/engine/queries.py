"""Read-only endpoints: orders, trades, order lists and the account (facts §2.2, §2.3)."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from . import errors
from .cancels import find_list
from .core import Core
from .decimals import ZERO, fmt
from .orders import Order, OrderList
from .params import Params
from .render import render_list, render_query, render_trade

T = TypeVar("T")
DAY_MS = 24 * 60 * 60 * 1000
Body = dict[str, Any]


def get_order(core: Core, raw: dict[str, Any]) -> Body:
    """GET /api/v3/order: return the order; -2013 when unknown."""
    p = Params(raw)
    spec = core.spec(p.text("symbol", required=True) or "")
    order_id, client_id = p.integer("orderId"), p.text("origClientOrderId")
    p.finish()
    if order_id is None and client_id is None:
        raise errors.either_param("origClientOrderId", "orderId")
    order = core.find_order(spec.symbol, order_id, client_id)
    if order is None:
        raise errors.no_such_order()
    return render_query(order, spec)


def open_orders(core: Core, raw: dict[str, Any]) -> list[Body]:
    """GET /api/v3/openOrders: return open orders of one symbol, or of all when none is given."""
    p = Params(raw)
    symbol = p.text("symbol")
    p.finish()
    if symbol is not None:
        core.spec(symbol)
    return [render_query(o, core.spec(o.symbol)) for o in core.open_orders(symbol)]


def _window(p: Params) -> tuple[int | None, int | None, int]:
    start, end, limit = p.integer("startTime"), p.integer("endTime"), p.integer("limit")
    if start is not None and end is not None and end - start > DAY_MS:
        raise errors.BinanceApiError(-1127, "More than 24 hours between startTime and endTime.")
    limit = 500 if limit is None else limit
    if not 1 <= limit <= 1000:
        raise errors.invalid_value("limit")
    return start, end, limit


def _select(rows: Sequence[T], key: Callable[[T], int], time: Callable[[T], int], from_id: int | None,
            start: int | None, end: int | None, limit: int) -> list[T]:
    # From an id: the first `limit` at or after it; otherwise the most recent `limit` (Binance).
    chosen = [r for r in rows if (start is None or time(r) >= start) and (end is None or time(r) <= end)]
    if from_id is not None:
        return [r for r in chosen if key(r) >= from_id][:limit]
    return chosen[-limit:]


def all_orders(core: Core, raw: dict[str, Any]) -> list[Body]:
    """GET /api/v3/allOrders: return the symbol's orders, oldest first."""
    p = Params(raw)
    spec = core.spec(p.text("symbol", required=True) or "")
    from_id = p.integer("orderId")
    start, end, limit = _window(p)
    p.finish()
    rows = [o for o in core.orders.values() if o.symbol == spec.symbol]
    picked = _select(rows, lambda o: o.order_id, lambda o: o.created_ms, from_id, start, end, limit)
    return [render_query(o, spec) for o in picked]


def my_trades(core: Core, raw: dict[str, Any]) -> list[Body]:
    """GET /api/v3/myTrades: return the symbol's trades, oldest first."""
    p = Params(raw)
    spec = core.spec(p.text("symbol", required=True) or "")
    order_id, from_id = p.integer("orderId"), p.integer("fromId")
    start, end, limit = _window(p)
    p.finish()
    rows = [t for t in core.trades if t.symbol == spec.symbol and order_id in (None, t.order_id)]
    picked = _select(rows, lambda t: t.fill.trade_id, lambda t: t.fill.time, from_id, start, end, limit)
    return [render_trade(t, spec) for t in picked]


def account(core: Core, raw: dict[str, Any], uid: int) -> Body:
    """GET /api/v3/account: return commissions, permissions and balances."""
    p = Params(raw)
    omit_zero = p.text("omitZeroBalances") == "true"
    p.finish()
    b, fees = core.balances, core.fees
    balances = [{"asset": a, "free": fmt(b.free(a), 8), "locked": fmt(b.locked(a), 8)} for a in b.assets()
                if not (omit_zero and b.free(a) == 0 and b.locked(a) == 0)]
    return {
        "makerCommission": fees.as_bips(True), "takerCommission": fees.as_bips(False),
        "buyerCommission": 0, "sellerCommission": 0,
        "commissionRates": {"maker": fmt(fees.maker, 8), "taker": fmt(fees.taker, 8),
                            "buyer": fmt(ZERO, 8), "seller": fmt(ZERO, 8)},
        "canTrade": True, "canWithdraw": True, "canDeposit": True, "brokered": False,
        "requireSelfTradePrevention": False, "preventSor": False,
        "updateTime": core.account_update_ms, "accountType": "SPOT", "balances": balances,
        "permissions": ["SPOT"], "uid": uid,
    }


def get_order_list(core: Core, raw: dict[str, Any]) -> Body:
    """GET /api/v3/orderList: return the list without orderReports; -2013 when unknown."""
    p = Params(raw)
    list_id, list_cid = p.signed_integer("orderListId"), p.text("origClientOrderId")
    p.finish()
    if list_id is None and list_cid is None:
        raise errors.either_param("origClientOrderId", "orderListId")
    lst = find_list(core, None, list_id, list_cid)
    if lst is None:
        raise errors.no_such_order(errors.Msg.NO_SUCH_LIST)
    return _list_body(core, lst)


def open_order_lists(core: Core, raw: dict[str, Any]) -> list[Body]:
    """GET /api/v3/openOrderList: return executing lists."""
    Params(raw).finish()
    return [_list_body(core, lst) for lst in core.open_lists()]


def all_order_lists(core: Core, raw: dict[str, Any]) -> list[Body]:
    """GET /api/v3/allOrderList: return lists, oldest first."""
    p = Params(raw)
    from_id = p.integer("fromId")
    start, end, limit = _window(p)
    p.finish()
    rows = list(core.lists.values())
    picked = _select(rows, lambda x: x.order_list_id, lambda x: x.transaction_ms, from_id, start, end, limit)
    return [_list_body(core, lst) for lst in picked]


def _list_body(core: Core, lst: OrderList) -> Body:
    orders: list[Order] = core.list_orders(lst)
    return render_list(lst, orders)
