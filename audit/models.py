"""Audit tables written by the audit writer: envelope events, stage events, alerts.

The writer inserts these rows with batched raw SQL (see audit/store.py); the column
lists there are derived from these models, so the models stay the single definition.
"""
from __future__ import annotations

from django.db import models
from django.db.models import Q

from audit.envelope import ID_MAX, Envelope, reason_choices
from trading.domain.catalog import Severity


def _choices(enum: type) -> list[tuple[str, str]]:
    return [(m.value, m.value) for m in enum]


class AuditEvent(Envelope):
    """Every audit event, mirrored line by line in the daily JSONL trail.

    Indexes are what the panel and admin filter on; each one costs insert throughput
    (measured by `manage.py bench audit`), so (run_id, seq) is deliberately not indexed:
    only crash repair reads by it, once. Time indexes are ascending: they serve
    "ORDER BY ts_ms DESC" by a backward scan, and since ts_ms only grows, rows append at the
    right edge of the B-tree (a DESC index inserts at the left edge: measured ~20% slower
    and 15% larger).
    """

    seq = models.BigIntegerField(help_text="per-run sequence number, assigned at emit")
    order_intent_id = models.CharField(max_length=ID_MAX, blank=True, default="")
    severity = models.CharField(max_length=4, choices=_choices(Severity), blank=True, default="")
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        db_table = "audit_event"
        indexes = [
            models.Index(fields=["ts_ms"], name="audit_event_ts"),
            models.Index(fields=["event_type", "ts_ms"], name="audit_event_type_ts"),
            models.Index(fields=["symbol", "ts_ms"], name="audit_event_symbol_ts", condition=~Q(symbol="")),
            models.Index(fields=["decision_id"], name="audit_event_decision", condition=~Q(decision_id="")),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} {self.stage} {self.symbol or '-'} @{self.ts_ms}"


class StageEvent(Envelope):
    """One row per stage change (000 STAGE STATUS); feeds the panel's stage_history."""

    seq = models.BigIntegerField()
    summary = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        db_table = "audit_stage_event"
        indexes = [
            models.Index(fields=["ts_ms"], name="audit_stage_ts"),
            models.Index(fields=["stage", "ts_ms"], name="audit_stage_stage_ts"),
        ]

    def __str__(self) -> str:
        return f"{self.stage} {self.summary}"


class Alert(Envelope):
    """One row per ALERT_RAISED; the panel aggregates them by reason_code."""

    seq = models.BigIntegerField()
    reason_code = models.CharField(max_length=48, choices=reason_choices)
    severity = models.CharField(max_length=4, choices=_choices(Severity))
    summary = models.CharField(max_length=200, blank=True, default="")
    order_intent_id = models.CharField(max_length=ID_MAX, blank=True, default="")
    metadata = models.JSONField(default=dict, blank=True)

    class Meta:
        db_table = "audit_alert"
        indexes = [
            models.Index(fields=["ts_ms"], name="audit_alert_ts"),
            models.Index(fields=["reason_code", "ts_ms"], name="audit_alert_reason_ts"),
            models.Index(fields=["severity", "ts_ms"], name="audit_alert_severity_ts"),
            # The panel's alerts_active: a 24 h range grouped by (reason_code, severity), index-only.
            models.Index(fields=["ts_ms", "mode", "reason_code", "severity"], name="audit_alert_ts_cover"),
        ]

    def __str__(self) -> str:
        return f"{self.severity} {self.reason_code} {self.summary}"


class WriterCheckpoint(models.Model):
    """Per-run watermarks: the last seq committed to the DB and the last mirrored to JSONL.

    After a crash, rows with committed_seq >= seq > trailed_seq are appended to the trail.
    """

    run_id = models.CharField(max_length=ID_MAX, primary_key=True)
    committed_seq = models.BigIntegerField(default=0)
    trailed_seq = models.BigIntegerField(default=0)
    updated_ts_ms = models.BigIntegerField(default=0)

    class Meta:
        db_table = "audit_writer_checkpoint"

    def __str__(self) -> str:
        return f"{self.run_id}: db={self.committed_seq} jsonl={self.trailed_seq}"
