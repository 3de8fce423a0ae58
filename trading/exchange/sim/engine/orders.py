"""Order, trade and order-list records held by the engine."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from .decimals import ZERO
from .enums import (
    OPEN_STATUSES,
    STOP_TYPES,
    ContingencyType,
    ExpiryReason,
    ListOrderStatus,
    ListStatusType,
    OrderStatus,
    OrderType,
    Side,
    StpMode,
    TimeInForce,
    triggers_on_rise,
)


@dataclass(frozen=True)
class OrderRequest:
    """A parsed, syntactically valid new-order request (one order or one list leg)."""

    symbol: str
    side: Side
    type: OrderType
    time_in_force: TimeInForce | None = None
    quantity: Decimal | None = None
    quote_order_qty: Decimal | None = None
    price: Decimal | None = None
    stop_price: Decimal | None = None
    trailing_delta: int | None = None
    iceberg_qty: Decimal | None = None
    client_order_id: str | None = None
    strategy_id: int | None = None
    strategy_type: int | None = None


@dataclass(eq=False)
class Order:
    """One order's full state; mutated only by the engine's execution functions."""

    symbol: str
    order_id: int
    client_order_id: str
    side: Side
    type: OrderType
    time_in_force: TimeInForce
    orig_qty: Decimal
    price: Decimal
    created_ms: int
    stp_mode: StpMode
    status: OrderStatus = OrderStatus.NEW
    orig_quote_qty: Decimal = ZERO
    stop_price: Decimal | None = None
    trailing_delta: int | None = None
    iceberg_qty: Decimal | None = None
    strategy_id: int | None = None
    strategy_type: int | None = None
    order_list_id: int = -1
    executed_qty: Decimal = ZERO
    cum_quote: Decimal = ZERO
    update_ms: int = 0
    working_ms: int = -1
    triggered: bool = False
    trail_extreme: Decimal | None = None
    trailing_time: int = -1
    expiry_reason: ExpiryReason | None = None
    cancel_client_id: str | None = None
    # Funds this order still holds locked, and how much each unit of quantity releases on a
    # fill (None = release exactly what the fill costs, for quoteOrderQty buys).
    lock_asset: str | None = None
    locked: Decimal = ZERO
    lock_unit: Decimal | None = None

    @property
    def remaining(self) -> Decimal:
        return self.orig_qty - self.executed_qty

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_stop(self) -> bool:
        return self.type in STOP_TYPES

    @property
    def is_pending(self) -> bool:
        return self.status is OrderStatus.PENDING_NEW

    @property
    def acts_as_market(self) -> bool:
        """True for MARKET and for triggered STOP_LOSS/TAKE_PROFIT (facts §4: 'works as MARKET')."""
        return self.type in (OrderType.MARKET, OrderType.STOP_LOSS, OrderType.TAKE_PROFIT)

    @property
    def on_book(self) -> bool:
        """True while the order is open and able to trade (not pending, not an untriggered stop)."""
        return self.is_open and not self.is_pending and (not self.is_stop or self.triggered)

    @property
    def triggers_on_rise(self) -> bool:
        """True when the stop condition is market >= stopPrice (SL BUY, TP SELL; facts §4)."""
        return triggers_on_rise(self.type, self.side)

    @property
    def is_iceberg(self) -> bool:
        return self.iceberg_qty is not None and self.iceberg_qty > 0


@dataclass(frozen=True)
class Fill:
    """One execution of an order, as shown in FULL responses and executionReports."""

    trade_id: int
    price: Decimal
    qty: Decimal
    quote_qty: Decimal
    commission: Decimal
    commission_asset: str
    time: int
    is_maker: bool


@dataclass(frozen=True)
class Trade:
    """One row of GET /api/v3/myTrades."""

    symbol: str
    order_id: int
    order_list_id: int
    is_buyer: bool
    fill: Fill


@dataclass(eq=False)
class OrderList:
    """An OCO, OTO or OTOCO and which of its orders play which role."""

    order_list_id: int
    list_client_id: str
    symbol: str
    contingency: ContingencyType
    order_ids: list[int]
    transaction_ms: int
    oco_pair: tuple[int, int] | None = None
    working_id: int | None = None
    pending_ids: list[int] = field(default_factory=list)
    status_type: ListStatusType = ListStatusType.EXEC_STARTED
    order_status: ListOrderStatus = ListOrderStatus.EXECUTING

    @property
    def is_open(self) -> bool:
        return self.order_status is ListOrderStatus.EXECUTING

    def sibling_of(self, order_id: int) -> int | None:
        """Return the other order of the OCO pair, or None when `order_id` is not in it."""
        if self.oco_pair is None or order_id not in self.oco_pair:
            return None
        first, second = self.oco_pair
        return second if order_id == first else first
