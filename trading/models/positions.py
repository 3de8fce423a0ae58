"""Positions: what we hold per symbol, and what protects it on the exchange."""
from __future__ import annotations

from django.db import models
from django.db.models import Q

from trading.domain.contracts import dec_str
from trading.fields import ZERO, DecimalTextField
from trading.models.base import CLIENT_ORDER_ID_MAX, StateRow
from trading.models.choices import PositionState, ProtectionState, enum_choices, reason_code_choices


class Position(StateRow):
    """One long position in one symbol, from the entry fill until it is flat (spot is long only).

    Written only by trading services (POSITION_MANAGE, reconcile, startup recovery): quantity,
    average entry, fees and realized PnL change with every fill, and the protection columns
    with every OCO / stop / trailing swap. Not append-only: every change is recorded as a
    POSITION_UPDATE or PROTECTION_SWAP audit event. At most one OPEN row per (mode, symbol).
    Amounts in the quote asset (USDT); decision_id is the entry decision.
    """

    state = models.CharField(max_length=8, choices=enum_choices(PositionState), default=PositionState.OPEN.value)
    qty = DecimalTextField(help_text="base asset held now")
    avg_entry_price = DecimalTextField()
    realized_pnl_quote = DecimalTextField(default=ZERO)
    fees_quote = DecimalTextField(default=ZERO, help_text="commissions converted to the quote asset")
    opened_ts_ms = models.BigIntegerField()
    closed_ts_ms = models.BigIntegerField(null=True, blank=True)
    updated_ts_ms = models.BigIntegerField()
    exit_reason = models.CharField(max_length=48, choices=reason_code_choices, blank=True, default="")
    protection_state = models.CharField(max_length=10, choices=enum_choices(ProtectionState),
                                        default=ProtectionState.NONE.value)
    protection_client_order_id = models.CharField(
        max_length=CLIENT_ORDER_ID_MAX, blank=True, default="",
        help_text="the OCO's list client id, or the stop's client order id")
    protection_order_list_id = models.BigIntegerField(null=True, blank=True)
    unprotected_ms_total = models.BigIntegerField(
        default=0, help_text="time spent uncovered during protection swaps (design §7)")

    class Meta:
        db_table = "positions"
        constraints = [
            models.UniqueConstraint(fields=["mode", "symbol"], condition=Q(state="OPEN"),
                                    name="position_one_open_per_symbol"),
        ]
        indexes = [
            models.Index(fields=["state", "-updated_ts_ms"], name="position_state_updated"),
            models.Index(fields=["symbol", "-opened_ts_ms"], name="position_symbol_opened"),
            models.Index(fields=["-updated_ts_ms"], name="position_updated"),
            models.Index(fields=["state", "-closed_ts_ms"], name="position_state_closed"),
            models.Index(fields=["decision_id"], name="position_decision"),
        ]

    def __str__(self) -> str:
        return f"{self.symbol} {self.state} {dec_str(self.qty)} @ {dec_str(self.avg_entry_price)}"
