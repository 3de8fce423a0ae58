"""Admin for the audit tables, and the base admin classes of every livespot record table.

Audit rows are evidence: they can be browsed in every mode and never added, changed or
deleted here. In LIVE the admin site makes every model view-only on top of this
(livespot_site.admin_site); nothing here overrides that.
"""
from __future__ import annotations

import json
from typing import Any

from django.contrib import admin

from audit.models import Alert, AuditEvent, StageEvent, WriterCheckpoint
from livespot_site.admin_filters import ExactIdSearchMixin, symbol_filter, ts_column, ts_window_filter
from trading.fields import DecimalTextField

SHORT = 80


def shorten(value: Any, limit: int = SHORT) -> str:
    """Return `value` (text, or JSON data shown as compact JSON) cut to `limit` characters."""
    text = value if isinstance(value, str) else json.dumps(value, separators=(",", ":"), default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"


@admin.display(description="reasons")
def reasons_column(obj: Any) -> str:
    return shorten(", ".join(obj.reasons or []))


class RecordAdmin(ExactIdSearchMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    """A list that stays fast on big tables: newest first, no full count, no per-row queries.

    list_display never follows a relation (raw *_id columns instead), so each page is one
    query. The time column comes first on the change page too.
    """

    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER  # facet counts are one COUNT per filter choice
    list_per_page = 100
    ordering = ("-ts_ms",)
    readonly_fields: tuple[Any, ...] = (ts_column("ts_ms"),)

    def get_sortable_by(self, request: Any) -> Any:
        # Decimal text sorts as text ("10" < "9"), so those columns are not sortable.
        return [name for name in self.get_list_display(request) if not _is_decimal_text(self.model, name)]

    def get_fields(self, request: Any, obj: Any = None) -> Any:
        fields = list(super().get_fields(request, obj))
        front = [f for f in self.get_readonly_fields(request, obj) if f in fields]
        return [*front, *(f for f in fields if f not in front)]


class ReadOnlyRecordAdmin(RecordAdmin):
    """For append-only tables and rows only trading services may write: view only, in every mode."""

    actions = None

    def has_add_permission(self, request: Any, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


def _is_decimal_text(model: Any, name: Any) -> bool:
    if not isinstance(name, str):
        return False
    field = next((f for f in model._meta.concrete_fields if f.name == name), None)
    return isinstance(field, DecimalTextField)


ENVELOPE_FILTERS = (ts_window_filter(), "stage", "mode", symbol_filter())
ENVELOPE_SEARCH = ("=decision_id", "=cycle_id", "=run_id")


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyRecordAdmin):
    list_display = (ts_column("ts_ms"), "event_type", "stage", "severity", "symbol", "decision_id",
                    "cycle_id", reasons_column, "data_short")
    list_filter = (ts_window_filter(), "event_type", "stage", "severity", "mode", symbol_filter())
    search_fields = (*ENVELOPE_SEARCH, "=order_intent_id")

    @admin.display(description="data")
    def data_short(self, obj: AuditEvent) -> str:
        return shorten(obj.data)


@admin.register(StageEvent)
class StageEventAdmin(ReadOnlyRecordAdmin):
    list_display = (ts_column("ts_ms"), "stage", "symbol", "cycle_id", "decision_id", "summary")
    list_filter = ENVELOPE_FILTERS
    search_fields = ENVELOPE_SEARCH


@admin.register(Alert)
class AlertAdmin(ReadOnlyRecordAdmin):
    list_display = (ts_column("ts_ms"), "severity", "reason_code", "stage", "symbol", "summary",
                    "decision_id", "order_intent_id")
    list_filter = (ts_window_filter(), "severity", "reason_code", "stage", "mode", symbol_filter())
    search_fields = (*ENVELOPE_SEARCH, "=order_intent_id")


@admin.register(WriterCheckpoint)
class WriterCheckpointAdmin(ReadOnlyRecordAdmin):
    list_display = ("run_id", "committed_seq", "trailed_seq", ts_column("updated_ts_ms", "updated (UTC)"))
    list_filter = (ts_window_filter("updated_ts_ms"),)
    search_fields = ("=run_id",)
    ordering = ("-updated_ts_ms",)
    readonly_fields = (ts_column("updated_ts_ms", "updated (UTC)"),)


__all__ = ["ENVELOPE_SEARCH", "ReadOnlyRecordAdmin", "RecordAdmin", "reasons_column", "shorten"]
