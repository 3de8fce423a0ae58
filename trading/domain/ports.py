"""Ports: what the trading domain needs from the outside world, without the SDKs.

`Exchange` is the one interface to Binance Spot (simulator, testnet and production share it).
Everything it returns is a frozen value: money is Decimal, times are int epoch ms, ids are int.
Its errors say whether an order MAY have been executed (design §7): only `ExecutionUnknown`
does, and it is resolved by querying the order by its client id. Pure: no Django, no
python-binance; the adapter lives in `trading.exchange.adapter`.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import ClassVar, Protocol

from trading.domain.catalog.reasons import ReasonCode
from trading.domain.contracts.canonical import require
from trading.domain.contracts.decision import Side
from trading.domain.contracts.ids import CLIENT_ORDER_ID_RE
from trading.domain.contracts.intent import OrderType
from trading.domain.contracts.quantize import SymbolFilters

__all__ = [
    "AccountPosition", "AccountSnapshot", "Balance", "BalanceDelta", "BookTicker", "CancelReplaceResult",
    "ClockSkew", "EventStream", "Exchange", "ExchangeError", "ExchangeInfo", "ExchangeRejected",
    "ExchangeUnavailable", "ExecutionReport", "ExecutionUnknown", "Fill", "IpBanned", "Kline", "KlineUpdate",
    "ListStatus", "MarketEventStream", "MarketStream", "OcoLeg", "OcoRequest", "OrderListState", "OrderNotFound",
    "OrderRef", "OrderRequest", "OrderState", "OrderStatus", "OtocoRequest", "RateLimited", "Side",
    "StreamEvent", "StreamState", "StreamStats", "StreamStatus", "SymbolInfo", "Ticker24h", "TimeInForce",
    "Trade", "WeightStatus",
]


class TimeInForce(StrEnum):
    GTC = "GTC"
    IOC = "IOC"
    FOK = "FOK"


class OrderStatus(StrEnum):
    """Binance order status (facts §4). PENDING_NEW: an OTO leg waiting for its working order."""

    NEW = "NEW"
    PENDING_NEW = "PENDING_NEW"
    PARTIALLY_FILLED = "PARTIALLY_FILLED"
    FILLED = "FILLED"
    CANCELED = "CANCELED"
    PENDING_CANCEL = "PENDING_CANCEL"
    REJECTED = "REJECTED"
    EXPIRED = "EXPIRED"
    EXPIRED_IN_MATCH = "EXPIRED_IN_MATCH"

    @property
    def is_open(self) -> bool:
        """Return True while the order can still trade (or wait for its OTO trigger)."""
        return self in (OrderStatus.NEW, OrderStatus.PENDING_NEW, OrderStatus.PARTIALLY_FILLED,
                        OrderStatus.PENDING_CANCEL)


# ---- errors: each says whether the request may have had an effect ---------------------------


class ExchangeError(Exception):
    """Base of every adapter error. `may_have_executed` is the only thing a caller must read."""

    may_have_executed: ClassVar[bool] = False
    reason: ReasonCode = ReasonCode.EXCHANGE_UNREACHABLE


class ExchangeRejected(ExchangeError):
    """Binance answered with an error body: the request was NOT executed (code/msg are Binance's)."""

    def __init__(self, code: int, msg: str, http_status: int = 400) -> None:
        super().__init__(f"{code}: {msg}")
        self.code, self.msg, self.http_status = code, msg, http_status
        self.reason = _rejection_reason(code, msg)

    @property
    def filter_name(self) -> str | None:
        """Return NAME of "Filter failure: NAME" (-1013 static, -2010 account filters), else None."""
        prefix = "Filter failure: "
        return self.msg[len(prefix):] if self.msg.startswith(prefix) else None

    @property
    def is_duplicate(self) -> bool:
        """Return True when the client order id belongs to an order that is still open."""
        return self.reason is ReasonCode.DUPLICATE_CLIENT_ORDER_ID


class OrderNotFound(ExchangeRejected):
    """-2013 on a query, -2011 "Unknown order sent." on a cancel: no such (open) order."""


class ExecutionUnknown(ExchangeError):
    """The request was sent but its outcome is unknown (timeout, 5xx, connection lost, -1007).

    The order may exist: resolve by querying it by client order id (design §7 SENT_UNKNOWN).
    A query that finds nothing is final only once `recv_window_ms` has passed since sending:
    until then a delayed request can still reach the engine (facts §1).
    """

    may_have_executed = True

    def __init__(self, detail: str, *, http_status: int | None = None, code: int | None = None) -> None:
        super().__init__(detail)
        self.detail, self.http_status, self.code = detail, http_status, code
        self.reason = ReasonCode.EXCHANGE_5XX if http_status is not None else ReasonCode.EXCHANGE_UNREACHABLE


class ExchangeUnavailable(ExchangeError):
    """Nothing was executed: the request could not be sent, or it was a read that failed."""

    def __init__(self, detail: str, *, http_status: int | None = None) -> None:
        super().__init__(detail)
        self.detail, self.http_status = detail, http_status
        self.reason = ReasonCode.EXCHANGE_5XX if http_status and http_status >= 500 else \
            ReasonCode.EXCHANGE_UNREACHABLE


class RateLimited(ExchangeError):
    """429 (or refused locally to stay under the budget, `sent=False`): retry after `retry_after_ms`."""

    def __init__(self, retry_after_ms: int, *, sent: bool, code: int | None = None,
                 reason: ReasonCode = ReasonCode.RATE_LIMIT_429) -> None:
        super().__init__(f"{reason.value}: retry after {retry_after_ms} ms" + ("" if sent else " (not sent)"))
        self.retry_after_ms, self.sent, self.code, self.reason = retry_after_ms, sent, code, reason


class IpBanned(RateLimited):
    """418: the IP is banned until `until_ms` (local clock); no REST call may be sent before."""

    def __init__(self, until_ms: int, retry_after_ms: int, *, sent: bool) -> None:
        super().__init__(retry_after_ms, sent=sent, code=-1003, reason=ReasonCode.RATE_LIMIT_418_BAN)
        self.until_ms = until_ms


class ClockSkew(ExchangeError):
    """-1021 persisted after a resync of the timestamp offset: not executed."""

    reason = ReasonCode.CLOCK_SKEW

    def __init__(self, msg: str, offset_ms: int) -> None:
        super().__init__(msg)
        self.offset_ms = offset_ms


def _rejection_reason(code: int, msg: str) -> ReasonCode:
    if code == -2010 and msg == "Duplicate order sent.":
        return ReasonCode.DUPLICATE_CLIENT_ORDER_ID
    if code == -2010 and msg.startswith("Account has insufficient balance"):
        return ReasonCode.INSUFFICIENT_BALANCE
    if code == -2010 and msg == "Market is closed.":
        return ReasonCode.SYMBOL_NOT_TRADING
    return ReasonCode.INTENT_REJECTED


# ---- market data ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SymbolInfo:
    """One exchangeInfo symbol: status, assets, allowed features and the parsed static filters."""

    symbol: str
    status: str
    base_asset: str
    quote_asset: str
    order_types: frozenset[str]
    filters: SymbolFilters
    oco_allowed: bool = False
    oto_allowed: bool = False
    allow_trailing_stop: bool = False
    cancel_replace_allowed: bool = False
    quote_order_qty_market_allowed: bool = False
    is_spot_trading_allowed: bool = True
    permissions: tuple[str, ...] = ()
    max_num_orders: int | None = None
    max_num_algo_orders: int | None = None

    @property
    def is_trading(self) -> bool:
        """Return True when new orders are accepted (status TRADING)."""
        return self.status == "TRADING"


@dataclass(frozen=True, slots=True)
class ExchangeInfo:
    server_time_ms: int
    weight_limit_per_minute: int | None  # REQUEST_WEIGHT / 1 MINUTE from rateLimits
    symbols: Mapping[str, SymbolInfo]


@dataclass(frozen=True, slots=True)
class Ticker24h:
    symbol: str
    last_price: Decimal
    open_price: Decimal
    high_price: Decimal
    low_price: Decimal
    volume: Decimal
    quote_volume: Decimal
    price_change_percent: Decimal | None
    open_time_ms: int
    close_time_ms: int
    count: int


@dataclass(frozen=True, slots=True)
class Kline:
    open_time_ms: int
    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal
    volume: Decimal
    close_time_ms: int
    quote_volume: Decimal
    trades: int
    taker_buy_base: Decimal
    taker_buy_quote: Decimal


@dataclass(frozen=True, slots=True)
class BookTicker:
    """The touch; `update_id`/`event_time_ms` are None where Binance does not send them."""

    symbol: str
    bid_price: Decimal
    bid_qty: Decimal
    ask_price: Decimal
    ask_qty: Decimal
    update_id: int | None = None
    event_time_ms: int | None = None

    @property
    def mid(self) -> Decimal:
        return (self.bid_price + self.ask_price) / 2


# ---- account and orders ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Balance:
    asset: str
    free: Decimal
    locked: Decimal


@dataclass(frozen=True, slots=True)
class AccountSnapshot:
    can_trade: bool
    update_time_ms: int
    balances: Mapping[str, Balance]  # assets with a zero balance included as Binance sends them
    maker_commission: Decimal | None = None
    taker_commission: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Fill:
    price: Decimal
    qty: Decimal
    commission: Decimal
    commission_asset: str
    trade_id: int


@dataclass(frozen=True, slots=True)
class OrderState:
    """One order as Binance reports it (placement, query, cancel or list report).

    ACK responses carry only ids and time: `status` is then None. `order_list_id` is None
    outside a list (Binance -1); `working_time_ms` is None for an untriggered stop (-1).
    """

    symbol: str
    order_id: int
    client_order_id: str
    time_ms: int
    status: OrderStatus | None = None
    side: Side | None = None
    type: OrderType | None = None
    time_in_force: TimeInForce | None = None
    price: Decimal = Decimal(0)
    orig_qty: Decimal = Decimal(0)
    executed_qty: Decimal = Decimal(0)
    cumulative_quote_qty: Decimal = Decimal(0)
    stop_price: Decimal | None = None
    trailing_delta: int | None = None
    order_list_id: int | None = None
    orig_client_order_id: str | None = None  # cancels: the id of the order that was cancelled
    update_time_ms: int | None = None
    working_time_ms: int | None = None
    expiry_reason: str | None = None
    fills: tuple[Fill, ...] = ()

    @property
    def is_open(self) -> bool:
        return self.status is not None and self.status.is_open

    @property
    def avg_price(self) -> Decimal | None:
        """Return cumulative quote / executed qty, None before any fill."""
        return self.cumulative_quote_qty / self.executed_qty if self.executed_qty else None


@dataclass(frozen=True, slots=True)
class OrderRef:
    symbol: str
    order_id: int
    client_order_id: str


@dataclass(frozen=True, slots=True)
class OrderListState:
    """An order list (OCO, OTO); `reports` only on placement and cancel (GETs omit them)."""

    order_list_id: int
    list_client_order_id: str
    contingency_type: str
    list_status_type: str
    list_order_status: str
    transaction_time_ms: int
    symbol: str
    orders: tuple[OrderRef, ...]
    reports: tuple[OrderState, ...] = ()

    @property
    def is_done(self) -> bool:
        return self.list_order_status == "ALL_DONE"

    def report(self, client_order_id: str) -> OrderState | None:
        """Return the report of the leg with that client order id, if the response had reports."""
        return next((r for r in self.reports if r.client_order_id == client_order_id), None)


@dataclass(frozen=True, slots=True)
class Trade:
    symbol: str
    trade_id: int
    order_id: int
    order_list_id: int | None
    price: Decimal
    qty: Decimal
    quote_qty: Decimal
    commission: Decimal
    commission_asset: str
    time_ms: int
    is_buyer: bool
    is_maker: bool


@dataclass(frozen=True, slots=True)
class CancelReplaceResult:
    """Both halves of a cancel-replace; a half that failed carries its rejection instead."""

    cancel: OrderState | None
    new: OrderState | None
    cancel_error: ExchangeRejected | None = None
    new_error: ExchangeRejected | None = None


# ---- requests (validated on construction: a bad one never reaches the wire) -----------------

_NEEDS_TIF = {OrderType.LIMIT, OrderType.STOP_LOSS_LIMIT, OrderType.TAKE_PROFIT_LIMIT}
_NEEDS_PRICE = _NEEDS_TIF | {OrderType.LIMIT_MAKER}
_STOPS = {OrderType.STOP_LOSS, OrderType.STOP_LOSS_LIMIT, OrderType.TAKE_PROFIT, OrderType.TAKE_PROFIT_LIMIT}


def _check_order_shape(otype: OrderType, price: Decimal | None, stop: Decimal | None, delta: int | None,
                       tif: TimeInForce | None, where: str) -> None:
    # Mandatory parameters per type (facts §2.2); Binance would answer -1102/-1106 otherwise.
    require(otype is not OrderType.OCO, f"{where}: OCO is an order list, use OcoRequest")
    require((price is not None) == (otype in _NEEDS_PRICE), f"{where}: price is required iff {otype} has one")
    require((tif is not None) == (otype in _NEEDS_TIF), f"{where}: timeInForce is required iff {otype} has one")
    is_stop = otype in _STOPS
    require(not is_stop or stop is not None or delta is not None, f"{where}: a stop needs stop_price or delta")
    require(is_stop or (stop is None and delta is None), f"{where}: only stops take stop_price/trailing_delta")
    for name, value in (("price", price), ("stop_price", stop)):
        require(value is None or (value.is_finite() and value > 0), f"{where}: {name} must be > 0")
    require(delta is None or delta > 0, f"{where}: trailing_delta must be > 0 (BIPS)")


def _check_client_id(value: str | None, name: str, *, optional: bool = False) -> None:
    if value is None and optional:
        return
    require(value is not None and bool(CLIENT_ORDER_ID_RE.match(value)),
            f"{name} must match {CLIENT_ORDER_ID_RE.pattern}")


@dataclass(frozen=True, slots=True)
class OrderRequest:
    """One order. `client_order_id` is mandatory: livespot derives it from the intent (design §5)."""

    symbol: str
    side: Side
    type: OrderType
    client_order_id: str
    quantity: Decimal | None = None
    quote_order_qty: Decimal | None = None  # MARKET only, instead of quantity
    price: Decimal | None = None
    stop_price: Decimal | None = None
    trailing_delta: int | None = None
    time_in_force: TimeInForce | None = None
    iceberg_qty: Decimal | None = None

    def __post_init__(self) -> None:
        _check_client_id(self.client_order_id, "client_order_id")
        _check_order_shape(self.type, self.price, self.stop_price, self.trailing_delta, self.time_in_force,
                           f"{self.symbol} {self.type}")
        has_qty, has_quote = self.quantity is not None, self.quote_order_qty is not None
        require(has_qty != has_quote if self.type is OrderType.MARKET else has_qty and not has_quote,
                "quantity (or, for MARKET only, quote_order_qty) is required, not both")
        amount = self.quantity if has_qty else self.quote_order_qty
        require(amount is not None and amount.is_finite() and amount > 0, "quantity must be > 0")


@dataclass(frozen=True, slots=True)
class OcoLeg:
    """One leg of an OCO: LIMIT_MAKER / TAKE_PROFIT(_LIMIT) or STOP_LOSS(_LIMIT) (facts §2.3)."""

    type: OrderType
    price: Decimal | None = None
    stop_price: Decimal | None = None
    trailing_delta: int | None = None
    time_in_force: TimeInForce | None = None
    client_order_id: str | None = None

    def __post_init__(self) -> None:
        _check_order_shape(self.type, self.price, self.stop_price, self.trailing_delta, self.time_in_force,
                           f"OCO leg {self.type}")
        require(self.type not in (OrderType.LIMIT, OrderType.MARKET), "an OCO leg cannot be LIMIT or MARKET")
        _check_client_id(self.client_order_id, "leg client_order_id", optional=True)


@dataclass(frozen=True, slots=True)
class OcoRequest:
    """An OCO via POST /api/v3/orderList/oco. SELL protection: above = take profit, below = stop."""

    symbol: str
    side: Side
    quantity: Decimal
    list_client_order_id: str
    above: OcoLeg
    below: OcoLeg

    def __post_init__(self) -> None:
        _check_client_id(self.list_client_order_id, "list_client_order_id")
        require(self.quantity.is_finite() and self.quantity > 0, "quantity must be > 0")


@dataclass(frozen=True, slots=True)
class OtocoRequest:
    """An OTOCO: a working LIMIT/LIMIT_MAKER entry that, once filled, places its OCO pair."""

    working: OrderRequest
    pending_quantity: Decimal
    pending_above: OcoLeg
    pending_below: OcoLeg
    list_client_order_id: str

    def __post_init__(self) -> None:
        _check_client_id(self.list_client_order_id, "list_client_order_id")
        require(self.working.type in (OrderType.LIMIT, OrderType.LIMIT_MAKER), "the working order must be a limit")

    @property
    def pending_side(self) -> Side:
        return Side.SELL if self.working.side is Side.BUY else Side.BUY


# ---- streams ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MarketStream:
    """A market stream by Binance name, e.g. `MarketStream.book_ticker("BTCUSDT")`."""

    name: str

    @classmethod
    def book_ticker(cls, symbol: str) -> MarketStream:
        return cls(f"{symbol.lower()}@bookTicker")

    @classmethod
    def kline(cls, symbol: str, interval: str) -> MarketStream:
        return cls(f"{symbol.lower()}@kline_{interval}")


@dataclass(frozen=True, slots=True)
class KlineUpdate:
    symbol: str
    interval: str
    kline: Kline
    closed: bool
    event_time_ms: int


@dataclass(frozen=True, slots=True)
class ExecutionReport:
    """A user-stream `executionReport` (facts §7); -1 ids and "" strings become None."""

    symbol: str
    order_id: int
    client_order_id: str
    side: Side
    type: OrderType
    exec_type: str
    status: OrderStatus
    quantity: Decimal
    price: Decimal
    stop_price: Decimal
    last_qty: Decimal
    last_price: Decimal
    cum_qty: Decimal
    cum_quote_qty: Decimal
    commission: Decimal
    commission_asset: str | None
    trade_id: int | None
    order_list_id: int | None
    orig_client_order_id: str | None
    reject_reason: str
    expiry_reason: str | None
    is_maker: bool
    event_time_ms: int
    transaction_time_ms: int
    time_in_force: str | None = None
    trailing_delta: int | None = None


@dataclass(frozen=True, slots=True)
class AccountPosition:
    event_time_ms: int
    update_time_ms: int
    balances: tuple[Balance, ...]


@dataclass(frozen=True, slots=True)
class BalanceDelta:
    asset: str
    delta: Decimal
    event_time_ms: int
    clear_time_ms: int


@dataclass(frozen=True, slots=True)
class ListStatus:
    symbol: str
    order_list_id: int
    contingency_type: str
    list_status_type: str
    list_order_status: str
    list_reject_reason: str
    list_client_order_id: str
    transaction_time_ms: int
    event_time_ms: int
    orders: tuple[OrderRef, ...]


class StreamState(StrEnum):
    CONNECTED = "CONNECTED"  # market stream (re)connected; its streams are subscribed again
    SUBSCRIBED = "SUBSCRIBED"  # user stream subscribed; after a gap `needs_reconcile` is True
    DISCONNECTED = "DISCONNECTED"  # lost; the client reconnects by itself
    CLOSED = "CLOSED"  # closed by us


@dataclass(frozen=True, slots=True)
class StreamStatus:
    """A control event in the stream: events may have been missed when `needs_reconcile` is True."""

    stream: str  # "market" | "user"
    state: StreamState
    at_ms: int
    reason: ReasonCode | None = None
    detail: str = ""
    needs_reconcile: bool = False


StreamEvent = BookTicker | KlineUpdate | ExecutionReport | AccountPosition | BalanceDelta | ListStatus | StreamStatus


@dataclass(frozen=True, slots=True)
class StreamStats:
    frames: int = 0
    events: int = 0
    malformed: int = 0  # not JSON: dropped (ReasonCode.WS_FRAME_INVALID)
    invalid: int = 0  # JSON of the wrong shape: dropped
    dropped: int = 0  # delivered late: the consumer queue was full (market data only)
    reconnects: int = 0
    resubscriptions: int = 0
    connected: bool = False


@dataclass(frozen=True, slots=True)
class WeightStatus:
    """Request weight as last reported by X-MBX-USED-WEIGHT-1M, and the active back-offs (ms)."""

    used: int
    limit: int
    window_start_ms: int
    retry_after_until_ms: int | None = None
    banned_until_ms: int | None = None
    orders_blocked_until_ms: int | None = None
    order_count_10s: int | None = None


class EventStream(Protocol):
    def get(self, timeout_s: float | None = None) -> StreamEvent | None:
        """Return the next event, or None after `timeout_s` (None: don't wait)."""
        ...

    def drain(self, max_events: int = 10_000) -> list[StreamEvent]:
        """Return every event already queued (up to `max_events`) without waiting."""
        ...

    def stats(self) -> StreamStats: ...

    def close(self) -> None: ...


class MarketEventStream(EventStream, Protocol):
    @property
    def streams(self) -> frozenset[MarketStream]: ...

    def subscribe(self, streams: Sequence[MarketStream]) -> None: ...

    def unsubscribe(self, streams: Sequence[MarketStream]) -> None: ...


# ---- the port ---------------------------------------------------------------------------------


class Exchange(Protocol):
    """Binance Spot, blocking REST calls plus streams delivered through thread-safe queues.

    Every call raises only `ExchangeError` subclasses. Orders are addressed by client id.
    """

    def server_time(self) -> int: ...
    def sync_clock(self) -> int:
        """Re-measure the timestamp offset from /time; return it (ms, exchange minus local)."""
        ...
    def exchange_info(self, symbols: Sequence[str] | None = None) -> ExchangeInfo: ...
    def tickers_24h(self, symbols: Sequence[str] | None = None) -> list[Ticker24h]: ...
    def klines(self, symbol: str, interval: str, *, limit: int = 500, start_ms: int | None = None,
               end_ms: int | None = None) -> list[Kline]: ...
    def book_ticker(self, symbol: str) -> BookTicker: ...
    def account(self) -> AccountSnapshot: ...
    def place_order(self, request: OrderRequest) -> OrderState: ...
    def cancel_order(self, symbol: str, client_order_id: str) -> OrderState: ...
    def get_order(self, symbol: str, client_order_id: str) -> OrderState: ...
    def cancel_replace(self, symbol: str, cancel_client_order_id: str, new: OrderRequest, *,
                       allow_failure: bool = False) -> CancelReplaceResult: ...
    def place_oco(self, request: OcoRequest) -> OrderListState: ...
    def place_otoco(self, request: OtocoRequest) -> OrderListState: ...
    def cancel_order_list(self, symbol: str, list_client_order_id: str) -> OrderListState: ...
    def get_order_list(self, list_client_order_id: str) -> OrderListState: ...
    def open_orders(self, symbol: str | None = None) -> list[OrderState]: ...
    def open_order_lists(self) -> list[OrderListState]: ...
    def my_trades(self, symbol: str, *, order_id: int | None = None, start_ms: int | None = None,
                  limit: int = 500) -> list[Trade]: ...
    def market_stream(self, streams: Sequence[MarketStream]) -> MarketEventStream: ...
    def user_stream(self) -> EventStream: ...
    def weight(self) -> WeightStatus: ...
    @property
    def clock_offset_ms(self) -> int: ...
    @property
    def recv_window_ms(self) -> int: ...
    def close(self) -> None: ...

