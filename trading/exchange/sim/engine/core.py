"""The engine's state: symbols, markets, balances, orders, lists, trades, ids and the event queue."""
from __future__ import annotations

import logging
import random
import string
from collections import defaultdict, deque
from decimal import Decimal
from typing import Protocol

from trading.domain.clock import Clock

from . import errors
from .balances import Balances, FeeSchedule
from .events import Event, Subscription
from .market import MarketState
from .orders import Fill, Order, OrderList, Trade
from .symbols import Filter, SymbolSpec

_ID_ALPHABET = string.ascii_letters + string.digits
# byte -> one of the 62 id characters (bytes 248-255 wrap onto the first 8: a simulator's ids need
# Binance's shape, not a perfectly even spread)
_ID_TABLE = bytes(ord(_ID_ALPHABET[b % len(_ID_ALPHABET)]) for b in range(256))
log = logging.getLogger(__name__)


class ListHooks(Protocol):
    """What order-list logic must do when one of its orders acts (see order_lists.ListRules)."""

    def before_activity(self, order: Order) -> None:
        """Run before an order's first fill or its trigger: an OCO sibling expires."""

    def on_closed(self, order: Order) -> None:
        """Run after an order reached a final status: OTO legs activate, lists finish."""

    def pair_lock(self, order: Order) -> Decimal:
        """Return funds locked for `order` on its open OCO sibling (the pair shares one lock)."""


class _NoLists:
    def before_activity(self, order: Order) -> None:
        return None

    def pair_lock(self, order: Order) -> Decimal:
        return Decimal(0)

    def on_closed(self, order: Order) -> None:
        return None


class Core:
    """Everything the engine knows, plus id sequences and the ordered event queue.

    Events are queued while a call mutates state and delivered by `flush()` once the call is
    done, so a listener that calls back into the engine never sees a half-applied change.
    """

    def __init__(self, clock: Clock, fees: FeeSchedule, *, seed: int = 0) -> None:
        self.clock = clock
        self.fees = fees
        self.specs: dict[str, SymbolSpec] = {}
        self.markets: dict[str, MarketState] = {}
        self.balances = Balances()
        self.orders: dict[int, Order] = {}
        self.lists: dict[int, OrderList] = {}
        self.trades: list[Trade] = []
        self.fills: dict[int, list[Fill]] = defaultdict(list)
        self.exchange_filters: list[Filter] = []
        self.subscriptions: list[Subscription] = []
        self._wanted: frozenset[str] | None = frozenset()  # what any subscriber takes; None: all
        self.hooks: ListHooks = _NoLists()
        self.account_update_ms = 0
        self._ids = {"order": 1, "trade": 1, "list": 0, "exec": 1}
        self._rng = random.Random(seed)
        self._open: dict[int, Order] = {}  # open orders by id: matching runs on every tick
        # (symbol, clientOrderId) -> the latest order using it: a query or cancel by client id
        # must not scan a long-running simulator's whole history.
        self._by_client: dict[tuple[str, str], Order] = {}
        self._queue: deque[Event] = deque()
        self._flushing = False

    def now(self) -> int:
        """Return the clock's time in epoch ms."""
        return self.clock.now_ms()

    def next_id(self, kind: str) -> int:
        """Return the next id of `kind` (order, trade, list, exec); each is monotonic."""
        value = self._ids[kind]
        self._ids[kind] = value + 1
        return value

    def new_client_id(self) -> str:
        """Return a 22-character id like Binance's generated ones (facts §2.2), seeded."""
        return self._rng.randbytes(22).translate(_ID_TABLE).decode()

    def spec(self, symbol: str) -> SymbolSpec:
        """Return the symbol's spec; -1121 when unknown."""
        spec = self.specs.get(symbol)
        if spec is None:
            raise errors.invalid_symbol()
        return spec

    def market(self, symbol: str) -> MarketState:
        """Return the symbol's market state, created empty on first use."""
        if symbol not in self.markets:
            self.markets[symbol] = MarketState(symbol)
        return self.markets[symbol]

    def store(self, order: Order) -> None:
        """Add a new order to the book of record."""
        self.orders[order.order_id] = order
        self._by_client[(order.symbol, order.client_order_id)] = order
        self.refresh(order)

    def refresh(self, order: Order) -> None:
        """Re-index `order` after a status change (open orders are kept apart for matching)."""
        if order.is_open:
            self._open[order.order_id] = order
        else:
            self._open.pop(order.order_id, None)

    def open_orders(self, symbol: str | None = None) -> list[Order]:
        """Return open orders (PENDING_NEW included), oldest first."""
        return [o for o in self._open.values() if symbol is None or o.symbol == symbol]

    def open_lists(self, symbol: str | None = None) -> list[OrderList]:
        """Return executing order lists, oldest first.

        An executing list has an open (or pending) order, so only the lists of open orders are
        looked at: the cost follows what is open, not the whole history (backtests place thousands).
        """
        ids = sorted({o.order_list_id for o in self._open.values() if o.order_list_id in self.lists})
        lists = (self.lists[i] for i in ids)
        return [lst for lst in lists if lst.is_open and (symbol is None or lst.symbol == symbol)]

    def open_by_client_id(self, symbol: str, client_id: str) -> Order | None:
        """Return the open order of `symbol` using `client_id`, if any."""
        return next((o for o in self.open_orders(symbol) if o.client_order_id == client_id), None)

    def find_order(self, symbol: str, order_id: int | None, client_id: str | None) -> Order | None:
        """Return the order by id (checked against `client_id` if both given) or the latest by client id."""
        if order_id is not None:
            order = self.orders.get(order_id)
            if order is None or order.symbol != symbol:
                return None
            if client_id is not None and order.client_order_id != client_id:
                return None
            return order
        return None if client_id is None else self._by_client.get((symbol, client_id))

    def list_orders(self, lst: OrderList) -> list[Order]:
        """Return the orders of a list in list order."""
        return [self.orders[i] for i in lst.order_ids]

    def subscribe(self, sub: Subscription) -> None:
        """Add a subscriber (see SimEngine.subscribe)."""
        self.subscriptions.append(sub)
        self._rewant()

    def unsubscribe(self, sub: Subscription) -> None:
        """Remove a subscriber added by `subscribe`."""
        self.subscriptions.remove(sub)
        self._rewant()

    def _rewant(self) -> None:
        names: set[str] = set()
        for sub in self.subscriptions:
            if sub.names is None:
                self._wanted = None
                return
            names |= sub.names
        self._wanted = frozenset(names)

    def wants(self, name: str, exec_type: str | None = None) -> bool:
        """Return True when some subscriber takes events named `name` (an executionReport: of
        `exec_type`); an event nobody takes is not even built."""
        wanted = self._wanted
        if wanted is None or name in wanted:
            return True
        return exec_type is not None and f"{name}:{exec_type}" in wanted

    def emit(self, event: Event) -> None:
        """Queue an event for the subscribers."""
        self._queue.append(event)

    def flush(self) -> None:
        """Deliver queued events in order; re-entrant calls just add to the same queue."""
        if self._flushing:
            return
        self._flushing = True
        try:
            while self._queue:
                event = self._queue.popleft()
                for sub in list(self.subscriptions):
                    if not sub.accepts(event):
                        continue
                    try:
                        sub.listener(event)
                    except Exception:  # a broken subscriber must not undo a done trade
                        log.exception("user-data listener failed on %s", event.get("e"))
        finally:
            self._flushing = False
