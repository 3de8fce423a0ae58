"""SimEngine: the simulator's matching engine behind one small facade.

Requests come in as Binance parameters (a dict of strings, as they arrive in a query or form)
and go out as Binance JSON bodies; failures raise `BinanceApiError` with Binance's code,
message and HTTP status. State changes emit user-data events to the registered listeners in
order, after the call's changes are complete. Not thread-safe by design: the server
serialises calls (one thread at a time).
"""
from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterable
from decimal import Decimal
from typing import Any, TypeVar

from trading.domain.clock import Clock

from . import cancels, matcher, order_lists, queries
from .arrival import start_working
from .balances import FeeSchedule
from .core import Core
from .decimals import fmt
from .enums import RespType, StpMode, SymbolStatus
from .errors import BinanceApiError
from .events import Listener, Subscription, balance_update
from .execution import publish_balances
from .list_rules import ListRules
from .params import Params
from .placement import admit, respond, validate_static
from .requests import leg_names, parse_order
from .symbols import Filter, SymbolSpec, render_exchange_info

Body = dict[str, Any]
Raw = dict[str, Any]
T = TypeVar("T")


class SimEngine:
    """A Binance Spot matching engine for one account, driven by book tickers (and trades).

    Args:
        clock: source of server time (epoch ms), e.g. ManualClock in tests.
        symbols: the tradable symbols.
        fees: commission rates; commission is taken in the received asset by default.
        seed: seeds generated client order ids, so runs replay identically.
        last_price_from_book: treat each book ticker's mid as the last price (stops trigger on
            the last price, facts §4); turn off when a trade feed calls `on_trade`.
        uid: the account uid shown by GET /account.
    """

    def __init__(self, clock: Clock, symbols: Iterable[SymbolSpec] = (), fees: FeeSchedule | None = None,
                 *, seed: int = 0, last_price_from_book: bool = True, uid: int = 100000001) -> None:
        self._core = Core(clock, fees or FeeSchedule(), seed=seed)
        self._core.hooks = ListRules(self._core)
        self._last_from_book = last_price_from_book
        self._uid = uid
        for spec in symbols:
            self.add_symbol(spec)

    # -- wiring, funding and fault hooks -------------------------------------------------

    def subscribe(self, listener: Listener, events: Collection[str] | None = None) -> Callable[[], None]:
        """Register a user-data listener; return a function that unregisters it.

        `events` narrows what it gets: event names ("executionReport", "listStatus",
        "outboundAccountPosition", "balanceUpdate") or one execution type of executionReport
        ("executionReport:TRADE"); None (the default) is every event. Events no subscriber takes
        are not built at all.
        """
        sub = Subscription(listener, None if events is None else frozenset(events))
        self._core.subscribe(sub)
        return lambda: self._core.unsubscribe(sub)

    def add_symbol(self, spec: SymbolSpec) -> None:
        """Add (or replace) a tradable symbol."""
        self._core.specs[spec.symbol] = spec

    def set_symbol_status(self, symbol: str, status: SymbolStatus | str) -> None:
        """Fault hook: change a symbol's status; new orders on a non-TRADING symbol get -2010."""
        self._core.spec(symbol).status = SymbolStatus(status)

    def set_filter(self, symbol: str, new_filter: Filter) -> None:
        """Fault hook: replace (or add) one filter of a symbol, as exchangeInfo shows it."""
        self._core.spec(symbol).set_filter(new_filter)

    def remove_filter(self, symbol: str, filter_type: str) -> None:
        """Fault hook: drop one filter of a symbol."""
        self._core.spec(symbol).remove_filter(filter_type)

    def set_exchange_filters(self, filters: list[Filter]) -> None:
        """Set the EXCHANGE_MAX_* filters shown in exchangeInfo.exchangeFilters."""
        self._core.exchange_filters = [dict(f) for f in filters]

    def deposit(self, asset: str, amount: Decimal | str) -> None:
        """Credit free balance, emitting balanceUpdate and outboundAccountPosition."""
        value = Decimal(str(amount))
        self._call(lambda: self._move_funds(asset, value))

    def withdraw(self, asset: str, amount: Decimal | str) -> None:
        """Debit free balance (ValueError when short), emitting the same events as a deposit."""
        value = Decimal(str(amount))
        if self._core.balances.free(asset) < value:
            raise ValueError(f"only {self._core.balances.free(asset)} {asset} free")
        self._call(lambda: self._move_funds(asset, -value))

    def _move_funds(self, asset: str, delta: Decimal) -> None:
        core = self._core
        if delta >= 0:
            core.balances.credit(asset, delta)
        else:
            core.balances.debit(asset, -delta)
        if core.wants("balanceUpdate"):
            core.emit(balance_update(asset, fmt(delta, 8), core.now()))
        publish_balances(core)

    # -- market feed ---------------------------------------------------------------------

    def on_book_ticker(self, symbol: str, bid: Decimal | str | None, bid_qty: Decimal | str,
                       ask: Decimal | str | None, ask_qty: Decimal | str, ts_ms: int) -> None:
        """Apply a new best bid/ask: stops may trigger, marketable resting orders fill."""
        self._call(lambda: matcher.on_book_ticker(
            self._core, symbol, _dec(bid), Decimal(str(bid_qty)), _dec(ask), Decimal(str(ask_qty)), ts_ms,
            last_from_book=self._last_from_book))

    def on_trade(self, symbol: str, price: Decimal | str, qty: Decimal | str, ts_ms: int) -> None:
        """Apply a market trade: it sets the last price and fills resting orders it trades through."""
        self._call(lambda: matcher.on_trade(self._core, symbol, Decimal(str(price)), Decimal(str(qty)), ts_ms))

    # -- public endpoints ----------------------------------------------------------------

    def server_time(self) -> Body:
        """GET /api/v3/time."""
        return {"serverTime": self._core.now()}

    def exchange_info(self, raw: Raw | None = None) -> Body:
        """GET /api/v3/exchangeInfo, optionally narrowed by `symbol` or `symbols` (JSON array)."""
        return self._call(lambda: _exchange_info(self._core, raw or {}))

    # -- trading endpoints ---------------------------------------------------------------

    def new_order(self, raw: Raw) -> Body:
        """POST /api/v3/order: place an order; return ACK/RESULT/FULL."""
        return self._call(lambda: _new_order(self._core, raw, test=False))

    def test_order(self, raw: Raw) -> Body:
        """POST /api/v3/order/test: validate like new_order without the engine; return {}."""
        return self._call(lambda: _new_order(self._core, raw, test=True))

    def cancel_order(self, raw: Raw) -> Body:
        """DELETE /api/v3/order."""
        return self._call(lambda: cancels.cancel_order(self._core, raw))

    def cancel_open_orders(self, raw: Raw) -> list[Body]:
        """DELETE /api/v3/openOrders."""
        return self._call(lambda: cancels.cancel_open_orders(self._core, raw))

    def cancel_replace(self, raw: Raw) -> Body:
        """POST /api/v3/order/cancelReplace (raises -2021/-2022 with `data` on failure)."""
        return self._call(lambda: cancels.cancel_replace(self._core, raw))

    def new_oco(self, raw: Raw) -> Body:
        """POST /api/v3/orderList/oco."""
        return self._call(lambda: _new_list(self._core, raw, order_lists.parse_oco))

    def new_oco_legacy(self, raw: Raw) -> Body:
        """POST /api/v3/order/oco (deprecated, still served)."""
        return self._call(lambda: _new_list(self._core, raw, order_lists.parse_legacy_oco))

    def new_oto(self, raw: Raw) -> Body:
        """POST /api/v3/orderList/oto."""
        return self._call(lambda: _new_list(self._core, raw, lambda p, s: order_lists.parse_oto(p, s, with_oco=False)))

    def new_otoco(self, raw: Raw) -> Body:
        """POST /api/v3/orderList/otoco."""
        return self._call(lambda: _new_list(self._core, raw, lambda p, s: order_lists.parse_oto(p, s, with_oco=True)))

    def cancel_order_list(self, raw: Raw) -> Body:
        """DELETE /api/v3/orderList."""
        return self._call(lambda: cancels.cancel_order_list(self._core, raw))

    # -- queries -------------------------------------------------------------------------

    def get_order(self, raw: Raw) -> Body:
        """GET /api/v3/order."""
        return self._call(lambda: queries.get_order(self._core, raw))

    def open_orders(self, raw: Raw | None = None) -> list[Body]:
        """GET /api/v3/openOrders."""
        return self._call(lambda: queries.open_orders(self._core, raw or {}))

    def all_orders(self, raw: Raw) -> list[Body]:
        """GET /api/v3/allOrders."""
        return self._call(lambda: queries.all_orders(self._core, raw))

    def my_trades(self, raw: Raw) -> list[Body]:
        """GET /api/v3/myTrades."""
        return self._call(lambda: queries.my_trades(self._core, raw))

    def account(self, raw: Raw | None = None) -> Body:
        """GET /api/v3/account."""
        return self._call(lambda: queries.account(self._core, raw or {}, self._uid))

    def get_order_list(self, raw: Raw) -> Body:
        """GET /api/v3/orderList."""
        return self._call(lambda: queries.get_order_list(self._core, raw))

    def open_order_lists(self, raw: Raw | None = None) -> list[Body]:
        """GET /api/v3/openOrderList."""
        return self._call(lambda: queries.open_order_lists(self._core, raw or {}))

    def all_order_lists(self, raw: Raw | None = None) -> list[Body]:
        """GET /api/v3/allOrderList."""
        return self._call(lambda: queries.all_order_lists(self._core, raw or {}))

    def _call(self, action: Callable[[], T]) -> T:
        # Events queued by the action reach listeners only after it finished (or failed).
        try:
            return action()
        finally:
            self._core.flush()


def _dec(value: Decimal | str | None) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _new_order(core: Core, raw: Raw, *, test: bool) -> Body:
    p = Params(raw)
    spec = core.spec(p.text("symbol", required=True) or "")
    req = parse_order(p, spec, leg_names(""), allow_quote_qty=True)
    resp_type = p.enum("newOrderRespType", RespType)
    stp = p.enum("selfTradePreventionMode", StpMode)
    p.finish()
    qty = validate_static(core, spec, req, stp)
    if test:
        return {}
    order = admit(core, spec, req, qty, stp)
    transact_ms = core.now()
    start_working(core, order)
    publish_balances(core)
    return respond(core, spec, order, resp_type, transact_ms)


def _new_list(core: Core, raw: Raw, parse: Callable[[Params, SymbolSpec], order_lists.ListRequest]) -> Body:
    p = Params(raw)
    spec = core.spec(p.text("symbol", required=True) or "")
    req = parse(p, spec)
    req.list_client_id = p.client_id("listClientOrderId")
    req.resp_type = p.enum("newOrderRespType", RespType)
    req.stp = p.enum("selfTradePreventionMode", StpMode)
    p.finish()
    return order_lists.place_list(core, spec, req)


def _exchange_info(core: Core, raw: Raw) -> Body:
    p = Params(raw)
    one, many = p.text("symbol"), p.text("symbols")
    status = p.enum("symbolStatus", SymbolStatus, error=(-1122, "Invalid symbolStatus."))
    p.text("permissions"), p.text("showPermissionSets")  # every simulated symbol is SPOT
    p.finish()
    names: list[str] | None = [one] if one else None
    if many:
        try:
            names = [str(s) for s in json.loads(many)]
        except ValueError:
            raise BinanceApiError(-1100, "Illegal characters found in parameter 'symbols'; legal range is "
                                  "'^\\[(\"[A-Z0-9-_.]{1,20}\"(,\"[A-Z0-9-_.]{1,20}\"){0,}){0,1}\\]$'.") from None
    specs = [core.spec(n) for n in names] if names is not None else list(core.specs.values())
    if status is not None:
        specs = [s for s in specs if s.status is status]
    return render_exchange_info(specs, core.now(), core.exchange_filters)
