"""The order path: write-ahead intents, the exchange's orders, and fills (design §7).

These rows are written synchronously on the order path, never through the audit queue,
so none can be shed (design §8).
"""
from __future__ import annotations

from django.db import models
from django.db.models import Q

from audit.envelope import ID_MAX, Envelope
from trading.domain.catalog import IntentState
from trading.domain.contracts import IntentKind, OrderType, Side, dec_str
from trading.fields import ZERO, DecimalTextField
from trading.models.base import CLIENT_ORDER_ID_MAX, SUMMARY_MAX, StateRow, id_field
from trading.models.choices import OrderStatus, enum_choices, reason_code_choices


class OrderIntent(StateRow):
    """One order we mean to have on the exchange, committed (CREATED) before it is sent.

    Written only by trading services: created before the send, then moved along the intent
    table (CREATED -> SENT_UNKNOWN -> CONFIRMED | NOT_FOUND | FAILED_TERMINAL) with a
    conditional update on the expected state. Not append-only: every change is recorded as
    an INTENT_CHANGED audit event, which is the history. client_order_id is derived from
    order_intent_id, so a resend after a crash can never create a second order.
    """

    order_intent_id = models.CharField(max_length=ID_MAX, unique=True)
    attempt = models.PositiveIntegerField(default=0)
    kind = models.CharField(max_length=24, choices=enum_choices(IntentKind))
    side = models.CharField(max_length=4, choices=enum_choices(Side))
    order_type = models.CharField(max_length=24, choices=enum_choices(OrderType))
    qty = DecimalTextField()
    price = DecimalTextField(null=True, blank=True)
    stop_price = DecimalTextField(null=True, blank=True)
    stop_limit_price = DecimalTextField(null=True, blank=True)
    trailing_delta_bps = models.IntegerField(null=True, blank=True)
    client_order_id = models.CharField(max_length=CLIENT_ORDER_ID_MAX, unique=True)
    target_client_order_id = models.CharField(max_length=CLIENT_ORDER_ID_MAX, blank=True, default="",
                                              help_text="the order a CANCEL intent cancels")
    state = models.CharField(max_length=16, choices=enum_choices(IntentState), default=IntentState.CREATED.value)
    reason = models.CharField(max_length=48, choices=reason_code_choices, blank=True, default="")
    created_ts_ms = models.BigIntegerField()
    updated_ts_ms = models.BigIntegerField()
    expires_ts_ms = models.BigIntegerField(null=True, blank=True, help_text="entry TTL: cancelled when reached")
    summary = models.CharField(max_length=SUMMARY_MAX, blank=True, default="")
    last_error = models.CharField(max_length=SUMMARY_MAX, blank=True, default="",
                                  help_text="redacted error class and code, never a payload")

    class Meta:
        db_table = "order_intents"
        indexes = [
            models.Index(fields=["state", "-updated_ts_ms"], name="intent_state_updated"),
            models.Index(fields=["-updated_ts_ms"], name="intent_updated"),
            models.Index(fields=["decision_id"], name="intent_decision"),
            models.Index(fields=["symbol", "-updated_ts_ms"], name="intent_symbol_updated"),
            models.Index(fields=["cycle_id"], name="intent_cycle"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.symbol} {self.state} {self.order_intent_id}"


class Order(StateRow):
    """One order as the exchange reports it (REST response, user stream or reconcile).

    Written only by trading services, upserted on (symbol, exchange_order_id) each time the
    exchange reports a change; REST is the final truth. Not append-only: each change is
    recorded as an ORDER_SUBMIT / ORDER_UPDATE audit event. Orders found on the exchange
    that livespot did not place (adopted at startup) have no order_intent_id.
    """

    exchange_order_id = models.BigIntegerField(help_text="Binance orderId")
    client_order_id = models.CharField(max_length=CLIENT_ORDER_ID_MAX)
    order_list_id = models.BigIntegerField(null=True, blank=True, help_text="Binance orderListId (OCO), if any")
    order_intent_id = id_field()
    status = models.CharField(max_length=20, choices=enum_choices(OrderStatus))
    order_type = models.CharField(max_length=24, choices=enum_choices(OrderType))
    side = models.CharField(max_length=4, choices=enum_choices(Side))
    time_in_force = models.CharField(max_length=4, blank=True, default="")
    price = DecimalTextField(null=True, blank=True)
    stop_price = DecimalTextField(null=True, blank=True)
    orig_qty = DecimalTextField()
    executed_qty = DecimalTextField(default=ZERO)
    cummulative_quote_qty = DecimalTextField(default=ZERO, help_text="Binance's spelling")
    created_ts_ms = models.BigIntegerField(help_text="exchange transactTime / time")
    updated_ts_ms = models.BigIntegerField(help_text="exchange updateTime: the panel orders by it")

    class Meta:
        db_table = "orders"
        constraints = [
            models.UniqueConstraint(fields=["symbol", "exchange_order_id"], name="order_symbol_exchange_id_uniq"),
        ]
        indexes = [
            models.Index(fields=["-updated_ts_ms"], name="order_updated"),
            models.Index(fields=["symbol", "-updated_ts_ms"], name="order_symbol_updated"),
            models.Index(fields=["client_order_id"], name="order_client_id"),
            models.Index(fields=["order_intent_id"], name="order_intent"),
            models.Index(fields=["decision_id"], name="order_decision"),
            models.Index(fields=["exchange_order_id"], name="order_exchange_id"),
        ]

    def __str__(self) -> str:
        return f"{self.side} {self.order_type} {self.symbol} #{self.exchange_order_id} {self.status}"


class Fill(Envelope):
    """One trade of one of our orders (Binance myTrades / executionReport), in the order's symbol.

    Written by trading services (event_type FILL) the moment a trade is known, from the
    order response, the user stream or reconcile, whichever comes first: the three can
    report the same trade, so rows are deduplicated by (symbol, trade_id). Append-only.
    """

    trade_id = models.BigIntegerField(help_text="Binance trade id, unique per symbol")
    exchange_order_id = models.BigIntegerField()
    client_order_id = models.CharField(max_length=CLIENT_ORDER_ID_MAX, blank=True, default="")
    order_intent_id = id_field()
    side = models.CharField(max_length=4, choices=enum_choices(Side))
    price = DecimalTextField()
    qty = DecimalTextField()
    quote_qty = DecimalTextField()
    commission = DecimalTextField()
    commission_asset = models.CharField(max_length=16)
    is_maker = models.BooleanField()

    class Meta:
        db_table = "fills"
        constraints = [
            models.UniqueConstraint(fields=["symbol", "trade_id"], name="fill_symbol_trade_uniq"),
            models.CheckConstraint(condition=~Q(symbol=""), name="fill_symbol_set"),
        ]
        indexes = [
            models.Index(fields=["-ts_ms"], name="fill_ts"),
            models.Index(fields=["symbol", "-ts_ms"], name="fill_symbol_ts"),
            models.Index(fields=["exchange_order_id"], name="fill_exchange_order"),
            models.Index(fields=["order_intent_id"], name="fill_intent"),
            models.Index(fields=["decision_id"], name="fill_decision"),
        ]

    def __str__(self) -> str:
        return f"{self.side} {dec_str(self.qty)} {self.symbol} @ {dec_str(self.price)} (trade {self.trade_id})"
