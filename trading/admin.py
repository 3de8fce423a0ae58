"""Admin for the trading tables.

Everything is view-only except adding a control command outside LIVE: append-only rows
are evidence, and intents, orders, positions and the heartbeat change only through trading
services, which audit each change; an edit here would bypass both the state tables and
the audit trail.
"""
from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import admin

from audit.admin import ReadOnlyRecordAdmin, RecordAdmin, reasons_column, shorten
from livespot_site.admin_filters import now_ms, symbol_filter, ts_column, ts_window_filter
from trading.models import (
    ControlCommand,
    DailyReport,
    Decision,
    Fill,
    Heartbeat,
    MarketSnapshot,
    Order,
    OrderIntent,
    Position,
    ReconcileDiff,
    ReconcileRun,
    RiskVerdict,
    TopKSnapshot,
)
from trading.models.choices import CommandSource

TS = ts_column("ts_ms")
UPDATED = ts_column("updated_ts_ms", "updated (UTC)")


@admin.register(MarketSnapshot)
class MarketSnapshotAdmin(ReadOnlyRecordAdmin):
    list_display = (TS, "symbol", "regime", "score_x10000", "spread_current_bps", "spread_p90_bps",
                    "imbalance_x10000", "edge_bps_expected", "costs_bps", "blocked_reason_code")
    list_filter = (ts_window_filter(), "regime", "mode", symbol_filter())
    search_fields = ("=snapshot_id", "=cycle_id")


@admin.register(TopKSnapshot)
class TopKSnapshotAdmin(ReadOnlyRecordAdmin):
    list_display = (TS, "cycle_id", "symbols", "max_pairwise_corr_x10000", "pairs_over_limit_count")
    list_filter = (ts_window_filter(), "mode")
    search_fields = ("=cycle_id",)

    @admin.display(description="items")
    def symbols(self, obj: TopKSnapshot) -> str:
        return shorten(", ".join(str(item.get("symbol", "?")) for item in obj.items if isinstance(item, dict)))

    @admin.display(description="pairs over limit")
    def pairs_over_limit_count(self, obj: TopKSnapshot) -> int:
        return len(obj.pairs_over_limit or [])


@admin.register(Decision)
class DecisionAdmin(ReadOnlyRecordAdmin):
    list_display = (TS, "decision_id", "symbol", "intent", "side", "edge_bps", "costs_bps",
                    "strategy", "strategy_version", reasons_column)
    list_filter = (ts_window_filter(), "intent", "mode", symbol_filter())
    search_fields = ("=decision_id", "=cycle_id")


@admin.register(RiskVerdict)
class RiskVerdictAdmin(ReadOnlyRecordAdmin):
    list_display = (TS, "decision_id", "symbol", "outcome", reasons_column)
    list_filter = (ts_window_filter(), "outcome", "mode", symbol_filter())
    search_fields = ("=decision_id",)


@admin.register(OrderIntent)
class OrderIntentAdmin(ReadOnlyRecordAdmin):
    list_display = (UPDATED, "order_intent_id", "symbol", "kind", "side", "order_type", "qty", "price",
                    "state", "reason", "summary")
    list_filter = (ts_window_filter("updated_ts_ms"), "state", "kind", "mode", symbol_filter("updated_ts_ms"))
    search_fields = ("=order_intent_id", "=client_order_id", "=decision_id", "=cycle_id")
    ordering = ("-updated_ts_ms",)
    readonly_fields = (UPDATED, ts_column("created_ts_ms", "created (UTC)"),
                       ts_column("expires_ts_ms", "expires (UTC)"))


@admin.register(Order)
class OrderAdmin(ReadOnlyRecordAdmin):
    list_display = (UPDATED, "exchange_order_id", "client_order_id", "symbol", "side", "order_type",
                    "status", "price", "stop_price", "orig_qty", "executed_qty")
    list_filter = (ts_window_filter("updated_ts_ms"), "status", "order_type", "side", "mode",
                   symbol_filter("updated_ts_ms"))
    search_fields = ("=client_order_id", "=order_intent_id", "=decision_id", "=exchange_order_id")
    ordering = ("-updated_ts_ms",)
    readonly_fields = (UPDATED, ts_column("created_ts_ms", "created (UTC)"))


@admin.register(Fill)
class FillAdmin(ReadOnlyRecordAdmin):
    list_display = (TS, "symbol", "side", "price", "qty", "quote_qty", "commission", "commission_asset",
                    "is_maker", "trade_id", "exchange_order_id")
    list_filter = (ts_window_filter(), "side", "is_maker", "mode", symbol_filter())
    search_fields = ("=decision_id", "=order_intent_id", "=exchange_order_id")


@admin.register(Position)
class PositionAdmin(ReadOnlyRecordAdmin):
    list_display = (UPDATED, "symbol", "state", "qty", "avg_entry_price", "realized_pnl_quote", "fees_quote",
                    "protection_state", ts_column("opened_ts_ms", "opened (UTC)"), "exit_reason")
    list_filter = (ts_window_filter("updated_ts_ms"), "state", "protection_state", "mode",
                   symbol_filter("updated_ts_ms"))
    search_fields = ("=decision_id",)
    ordering = ("-updated_ts_ms",)
    readonly_fields = (UPDATED, ts_column("opened_ts_ms", "opened (UTC)"), ts_column("closed_ts_ms", "closed (UTC)"))


@admin.register(ReconcileRun)
class ReconcileRunAdmin(ReadOnlyRecordAdmin):
    list_display = (TS, "trigger", "drift_label", "drift_score_x10000", "diff_count", "duration_ms", "cycle_id")
    list_filter = (ts_window_filter(), "drift_label", "trigger", "mode")
    # A few rows a minute: no index needed for these.
    search_fields = ("=cycle_id", "=run_id")


@admin.register(ReconcileDiff)
class ReconcileDiffAdmin(ReadOnlyRecordAdmin):
    list_display = (TS, "symbol", "kind", "summary", "action", "run", "decision_id")
    list_filter = (ts_window_filter(), "kind", "mode", symbol_filter())
    search_fields = ("=decision_id",)

    @admin.display(description="reconcile run", ordering="reconcile_run_id")
    def run(self, obj: ReconcileDiff) -> int:
        return obj.reconcile_run_id  # the raw id: no query per row


@admin.register(DailyReport)
class DailyReportAdmin(ReadOnlyRecordAdmin):
    list_display = ("day", "mode", TS, "figures_short", "html_path")
    list_filter = (ts_window_filter(), "mode")
    ordering = ("-day", "mode")

    @admin.display(description="figures")
    def figures_short(self, obj: DailyReport) -> str:
        return shorten(obj.figures)


@admin.register(Heartbeat)
class HeartbeatAdmin(ReadOnlyRecordAdmin):
    list_display = ("mode", "sys_mode", ts_column("sys_mode_since_ts_ms", "sys mode since (UTC)"), "stage",
                    ts_column("ts_ms", "last beat (UTC)"), ts_column("last_cycle_ts_ms", "last cycle (UTC)"),
                    "run_id", "active", "last_error")
    list_filter = ("sys_mode", "mode")
    search_fields = ("=run_id",)
    ordering = ("mode",)
    readonly_fields = (ts_column("ts_ms", "last beat (UTC)"), ts_column("started_ts_ms", "started (UTC)"))

    @admin.display(description="active reasons")
    def active(self, obj: Heartbeat) -> str:
        return shorten(", ".join(obj.active_reasons or []))


@admin.register(ControlCommand)
class ControlCommandAdmin(RecordAdmin):
    """Outside LIVE an operator may add a command here, as the CLI does; nothing else is editable.

    In LIVE the admin site removes the add permission too: control is by CLI only.
    """

    list_display = (ts_column("requested_ts_ms", "requested (UTC)"), "command", "mode", "source",
                    "requested_by", ts_column("applied_ts_ms", "applied (UTC)"), "result", "operator_note")
    list_filter = (ts_window_filter("requested_ts_ms"), "command", "source", "mode")
    ordering = ("-requested_ts_ms",)
    readonly_fields = (ts_column("requested_ts_ms", "requested (UTC)"), ts_column("applied_ts_ms", "applied (UTC)"))
    actions = None

    def get_fields(self, request: Any, obj: Any = None) -> Any:
        return ("command", "operator_note") if obj is None else super().get_fields(request, obj)

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def save_model(self, request: Any, obj: ControlCommand, form: Any, change: bool) -> None:
        obj.mode = settings.MODE
        obj.source = CommandSource.ADMIN.value
        obj.requested_by = request.user.get_username()[:64]
        obj.requested_ts_ms = now_ms()
        super().save_model(request, obj, form, change)

