"""The common event envelope (design.md §8) as an abstract model, plus append-only guards.

Every audit table carries: ts_ms, run_id, cycle_id, snapshot_id, decision_id, mode,
stage, event_type, reasons, symbol ("" when none).
"""
from __future__ import annotations

from typing import Any

from django.db import models

from trading.domain.catalog import AuditEventType, Mode, ReasonCode, StageName

ID_MAX = 64


# Choices are callables so migrations store a reference, not the list: adding a catalog
# member stays a one-line change with no migration.
def stage_choices() -> list[tuple[str, str]]:
    return [(m.value, m.value) for m in StageName]


def event_type_choices() -> list[tuple[str, str]]:
    return [(m.value, m.value) for m in AuditEventType]


def reason_choices() -> list[tuple[str, str]]:
    return [(m.value, m.value) for m in ReasonCode]


def mode_choices() -> list[tuple[str, str]]:
    return [(m.value, m.value) for m in Mode]


class AppendOnlyError(RuntimeError):
    """Raised on any attempt to change or delete an audit row."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError(f"{self.model.__name__} rows are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(f"{self.model.__name__} rows are append-only")


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} rows are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(f"{type(self).__name__} rows are append-only")


class Envelope(AppendOnlyModel):
    ts_ms = models.BigIntegerField(help_text="epoch milliseconds, UTC")
    run_id = models.CharField(max_length=ID_MAX)
    cycle_id = models.CharField(max_length=ID_MAX, blank=True, default="")
    snapshot_id = models.CharField(max_length=ID_MAX, blank=True, default="")
    decision_id = models.CharField(max_length=ID_MAX, blank=True, default="")
    mode = models.CharField(max_length=8, choices=mode_choices)
    stage = models.CharField(max_length=32, choices=stage_choices)
    event_type = models.CharField(max_length=32, choices=event_type_choices)
    reasons = models.JSONField(default=list, blank=True)
    symbol = models.CharField(max_length=32, blank=True, default="")

    class Meta:
        abstract = True
