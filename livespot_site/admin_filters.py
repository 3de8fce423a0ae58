"""Shared admin list tools for tables keyed by integer epoch-ms times and content ids.

- `ts_window_filter`: date navigation over an integer ts column (Django's date_hierarchy
  needs a DateField): the last 15 min / hour / 24 h / 7 days and each of the last 14 UTC days.
- `symbol_filter`: symbols seen in the newest rows only, so building the sidebar reads a
  bounded slice of the ts index instead of a DISTINCT over the whole table.
- `ExactIdSearchMixin`: case-sensitive exact search on id columns, so lookups hit indexes.
- `fmt_ts` / `ts_column`: epoch ms shown as UTC text.
"""
from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.db import models
from django.db.models import Q, QuerySet

from trading.domain.contracts.decision import DECISION_ID_RE
from trading.domain.contracts.ids import ORDER_INTENT_ID_RE, is_our_client_order_id

MINUTE_MS = 60_000
DAY_MS = 86_400_000
DAYS_LISTED = 14
SYMBOL_SAMPLE_ROWS = 5_000
_INT64_MAX = 2**63 - 1


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def fmt_ts(ts_ms: int | None) -> str:
    """Return epoch ms as "YYYY-MM-DD HH:MM:SS.mmm" UTC, or "-" for unset (None or 0)."""
    if not ts_ms:
        return "-"
    moment = datetime.fromtimestamp(ts_ms / 1000, tz=UTC)
    return moment.strftime("%Y-%m-%d %H:%M:%S.") + f"{ts_ms % 1000:03d}"


def ts_column(field: str, label: str = "time (UTC)") -> Callable[[Any], str]:
    """Return a list_display/readonly callable showing `field` as UTC text, sortable by it."""

    @admin.display(description=label, ordering=field)
    def column(obj: Any) -> str:
        return fmt_ts(getattr(obj, field))

    column.__name__ = f"{field}_utc"
    return column


class TsWindowFilter(admin.SimpleListFilter):
    title = "time (UTC)"
    parameter_name = "ts"
    ts_field = "ts_ms"
    windows = {"15m": 15 * MINUTE_MS, "1h": 60 * MINUTE_MS, "24h": DAY_MS, "7d": 7 * DAY_MS}
    labels = {"15m": "Last 15 min", "1h": "Last hour", "24h": "Last 24 h", "7d": "Last 7 days"}

    def lookups(self, request: Any, model_admin: Any) -> list[tuple[str, str]]:
        today = datetime.now(UTC).date()
        days = [today - timedelta(days=n) for n in range(DAYS_LISTED)]
        return [*self.labels.items(), *((f"d{d.isoformat()}", d.isoformat()) for d in days)]

    def queryset(self, request: Any, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if not value:
            return queryset
        low, high = self.bounds(value, now_ms())
        return queryset.filter(**{f"{self.ts_field}__gte": low, f"{self.ts_field}__lt": high})

    def bounds(self, value: str, now: int) -> tuple[int, int]:
        """Return [low, high) epoch ms for a lookup value; any past day works, not only the 14 listed."""
        if value in self.windows:
            return now - self.windows[value], _INT64_MAX
        try:
            day = date.fromisoformat(value.removeprefix("d"))
        except ValueError:
            raise IncorrectLookupParameters(f"unknown time window {value!r}") from None
        start = int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp() * 1000)
        return start, start + DAY_MS


def ts_window_filter(field: str = "ts_ms") -> type[TsWindowFilter]:
    """Return the time-window filter over the epoch-ms column `field`."""
    return type(f"TsWindowFilter_{field}", (TsWindowFilter,), {"ts_field": field})


class SymbolFilter(admin.SimpleListFilter):
    title = "symbol"
    parameter_name = "symbol"
    ts_field = "ts_ms"

    def lookups(self, request: Any, model_admin: Any) -> list[tuple[str, str]]:
        newest = (model_admin.model._default_manager.order_by(f"-{self.ts_field}")
                  .values_list("symbol", flat=True)[:SYMBOL_SAMPLE_ROWS])
        symbols = set(newest) - {""}
        if self.value():
            symbols.add(self.value())  # keep an older, bookmarked choice visible
        return [(s, s) for s in sorted(symbols)]

    def queryset(self, request: Any, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(symbol=self.value()) if self.value() else queryset


def symbol_filter(ts_field: str = "ts_ms") -> type[SymbolFilter]:
    """Return the symbol filter that samples the newest rows by `ts_field`."""
    return type(f"SymbolFilter_{ts_field}", (SymbolFilter,), {"ts_field": ts_field})


_RUN_ID_RE = re.compile(r"^r-\d{8}T\d{6}Z-[0-9a-f]{6}$")  # ids.new_run_id
_CYCLE_ID_RE = re.compile(r"^r-\d{8}T\d{6}Z-[0-9a-f]{6}-c\d+$")  # ids.cycle_id_for
# Ids livespot mints have these shapes: a term of one shape can only be in columns of that id.
_STRICT_SHAPES: dict[str, re.Pattern[str]] = {
    "decision_id": DECISION_ID_RE,
    "order_intent_id": ORDER_INTENT_ID_RE,
    "run_id": _RUN_ID_RE,
    "cycle_id": _CYCLE_ID_RE,
}


def _shape_of(field_name: str) -> re.Pattern[str] | None:
    for suffix, shape in _STRICT_SHAPES.items():
        if field_name == suffix or field_name.endswith("_" + suffix):
            return shape
    return None


class ExactIdSearchMixin:
    """Search `=field` entries with a case-sensitive exact match, narrowed by the term's shape.

    Django turns "=field" into iexact, which SQLite runs as LIKE: no index is used. Here a
    term shaped like an id livespot mints is matched only against the columns of that id
    (a decision id only against *decision_id), digits only against integer ids, so every OR
    branch is an indexed equality; any other term is tried on every text column. `<> ''` is
    added because SQLite uses a partial index (WHERE col <> '') only when the query repeats
    that condition.
    """

    search_fields: tuple[str, ...] = ()

    def get_search_results(self, request: Any, queryset: QuerySet[Any], search_term: str) -> tuple[QuerySet[Any], bool]:
        terms = [t.strip("\"'") for t in search_term.split()]  # a pasted id may come quoted
        if not terms:
            return queryset, False
        fields = [queryset.model._meta.get_field(f.lstrip("=")) for f in self.search_fields]
        for term in filter(None, terms):
            queryset = queryset.filter(_term_query(fields, term))
        return queryset, False


def _term_query(fields: list[Any], term: str) -> Q:
    numeric = [f for f in fields if isinstance(f, models.IntegerField)]
    query = Q(pk__in=[])  # matches nothing: the identity for OR
    for f in _text_fields_for(term, [f for f in fields if f not in numeric]):
        query |= Q(**{f.name: term}) & ~Q(**{f.name: ""})
    if term.isdigit() and int(term) <= _INT64_MAX:
        for f in numeric:
            query |= Q(**{f.name: int(term)})
    return query


def _text_fields_for(term: str, text: list[Any]) -> list[Any]:
    shaped = [f for f in text if (shape := _shape_of(f.name)) is not None and shape.match(term)]
    if shaped:
        return shaped
    if is_our_client_order_id(term):
        return [f for f in text if f.name.endswith("client_order_id")] or text
    # Any other term (a test id, an adopted manual order's client id): every column, slower but complete.
    return text
