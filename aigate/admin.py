"""Admin for the AI gate's audit rows: read-only in every mode, like every audit table."""
from __future__ import annotations

from django.contrib import admin

from aigate.models import AIGateEvent
from audit.admin import ReadOnlyRecordAdmin, reasons_column
from livespot_site.admin_filters import symbol_filter, ts_column, ts_window_filter


@admin.register(AIGateEvent)
class AIGateEventAdmin(ReadOnlyRecordAdmin):
    list_display = (ts_column("ts_ms"), "verdict", "decision_id", "symbol", "model", "latency_ms",
                    "modify_applied", "error_kind", reasons_column)
    list_filter = (ts_window_filter(), "verdict", "enabled", "modify_applied", "mode", symbol_filter())
    search_fields = ("=decision_id", "=cycle_id")
