"""The AI gate's audit table: exactly one row per gate call, failures included (design §6)."""
from __future__ import annotations

from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual

from audit.envelope import Envelope
from trading.domain.catalog import AIGateVerdict
from trading.models.base import hash_field, id_field
from trading.models.choices import enum_choices

# The gate stores at most this much redacted request/response text (000: "truncated").
REDACTED_TEXT_MAX = 4000


class AIGateEvent(Envelope):
    """One AIGATE_CALL: 000 "SQLite ai_gate_events (REDACTED)".

    Written by the AI gate stage for every decision it sees, enabled or not, ERROR included,
    next to the JSONL AIGATE_CALL event. Holds hashes, the verdict, the ReasonCodes (column
    reasons_json), model, latency and the error kind; request and response only redacted and
    truncated, never a key, header or full URL. decision_id is the proposal judged;
    applied_decision_id the recomputed id of an applied MODIFY. Append-only.
    """

    # Same ORM name as every envelope, stored under the column name 000 gives it.
    reasons = models.JSONField(default=list, blank=True, db_column="reasons_json")
    enabled = models.BooleanField(default=True)
    verdict = models.CharField(max_length=8, choices=enum_choices(AIGateVerdict))
    model = models.CharField(max_length=100, blank=True, default="")
    latency_ms = models.IntegerField(default=0)
    input_hash = hash_field()
    snapshot_hash = hash_field()
    raw_hash = hash_field()
    modify_applied = models.BooleanField(default=False)
    applied_decision_id = id_field()
    error_kind = models.CharField(max_length=64, blank=True, default="")
    request_redacted = models.TextField(blank=True, default="")
    response_redacted = models.TextField(blank=True, default="")
    modified_decision = models.JSONField(null=True, blank=True, help_text="redacted Decision.to_dict()")

    class Meta:
        db_table = "ai_gate_events"
        constraints = [
            models.CheckConstraint(condition=LessThanOrEqual(Length("request_redacted"), REDACTED_TEXT_MAX),
                                   name="aigate_request_truncated"),
            models.CheckConstraint(condition=LessThanOrEqual(Length("response_redacted"), REDACTED_TEXT_MAX),
                                   name="aigate_response_truncated"),
        ]
        indexes = [
            models.Index(fields=["-ts_ms"], name="aigate_ts"),
            models.Index(fields=["decision_id"], name="aigate_decision"),
            models.Index(fields=["verdict", "-ts_ms"], name="aigate_verdict_ts"),
            models.Index(fields=["symbol", "-ts_ms"], name="aigate_symbol_ts"),
            models.Index(fields=["cycle_id"], name="aigate_cycle"),
        ]
        verbose_name = "AI gate event"

    def __str__(self) -> str:
        return f"{self.verdict} {self.decision_id} ({self.latency_ms} ms)"
