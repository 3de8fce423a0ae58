"""Reconcile: each comparison of the database with the exchange, and what disagreed."""
from __future__ import annotations

from django.db import models

from audit.envelope import Envelope
from trading.domain.catalog import DriftLabel
from trading.fields import DecimalTextField
from trading.models.base import SUMMARY_MAX
from trading.models.choices import ReconcileDiffKind, ReconcileTrigger, enum_choices


class ReconcileRun(Envelope):
    """One RECONCILE_REST pass: when it started (ts_ms), how long it took, and the drift it scored.

    Written by the reconcile job (event_type RECONCILE_RUN) with its diffs, in one
    transaction. `counts` holds what was compared, e.g. {"orders": 3, "fills": 12,
    "balances": 2}. Feeds the panel's ReconcileSnapshot. Append-only.
    """

    trigger = models.CharField(max_length=16, choices=enum_choices(ReconcileTrigger))
    duration_ms = models.BigIntegerField(default=0)
    drift_score_x10000 = models.IntegerField(default=0)
    drift_label = models.CharField(max_length=4, choices=enum_choices(DriftLabel))
    diff_count = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict, blank=True)
    capital_quote = DecimalTextField(
        null=True, blank=True,
        help_text="the quote asset on the exchange (free + locked) plus the open positions at cost, as this "
                  "run saw them: the daily report's start equity; null when unknown")

    class Meta:
        db_table = "reconcile_runs"
        indexes = [
            models.Index(fields=["-ts_ms"], name="reconcile_run_ts"),
            models.Index(fields=["drift_label", "-ts_ms"], name="reconcile_run_label_ts"),
        ]

    def __str__(self) -> str:
        return f"reconcile {self.trigger} {self.drift_label} @{self.ts_ms}"


class ReconcileDiff(Envelope):
    """One disagreement a reconcile run found, with both sides and what was done about it.

    Written with its ReconcileRun (event_type RECONCILE_DIFF); `expected` is the database's
    view, `actual` the exchange's (decimals as strings). Feeds the panel's ReconcileDiffRow.
    Append-only.
    """

    reconcile_run = models.ForeignKey(ReconcileRun, on_delete=models.PROTECT, related_name="diffs")
    kind = models.CharField(max_length=24, choices=enum_choices(ReconcileDiffKind))
    summary = models.CharField(max_length=SUMMARY_MAX, blank=True, default="")
    expected = models.JSONField(default=dict, blank=True)
    actual = models.JSONField(default=dict, blank=True)
    action = models.CharField(max_length=64, blank=True, default="", help_text="e.g. adopted, closed, none")

    class Meta:
        db_table = "reconcile_diffs"
        indexes = [
            models.Index(fields=["-ts_ms"], name="reconcile_diff_ts"),
            models.Index(fields=["symbol", "-ts_ms"], name="reconcile_diff_symbol_ts"),
            models.Index(fields=["decision_id"], name="reconcile_diff_decision"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.symbol or '-'} {self.summary}"
