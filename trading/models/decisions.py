"""What the strategy proposed and what risk ruled (the AI gate's ruling is aigate.AIGateEvent)."""
from __future__ import annotations

from django.db import models

from audit.envelope import ID_MAX, Envelope
from trading.domain.catalog.panel import RiskOutcome
from trading.domain.contracts import DecisionIntent, Side
from trading.models.base import hash_field, id_field
from trading.models.choices import enum_choices


class Decision(Envelope):
    """One Decision as STRATEGY_PROPOSE built it, or as an applied AI MODIFY rebuilt it.

    Written by the trader (event_type DECISION_PROPOSED) before the AI gate is called. Columns
    follow `Decision.to_dict()`: the plans and constraints are its JSON (decimal strings), the
    envelope `reasons` are its reason_codes. decision_id is derived from the content, so a
    replayed decision lands on the same row. snapshot_hash is the SHA-256 of the canonical
    reduced market snapshot the proposal was made on, input_hash that of the AI gate's payload
    (empty when the gate is off); both match the proposal's ai_gate_events row. Append-only.
    """

    decision_id = models.CharField(max_length=ID_MAX, unique=True)
    parent_decision_id = id_field(help_text="the proposal an applied AI MODIFY was derived from")
    intent = models.CharField(max_length=8, choices=enum_choices(DecisionIntent))
    side = models.CharField(max_length=4, choices=enum_choices(Side))
    entry_plan = models.JSONField(null=True, blank=True)
    exit_plan = models.JSONField(null=True, blank=True)
    constraints = models.JSONField(default=dict, blank=True)
    edge_bps = models.IntegerField(default=0)
    fees_bps = models.IntegerField(default=0)
    spread_bps = models.IntegerField(default=0)
    slippage_bps = models.IntegerField(default=0)
    costs_bps = models.IntegerField(default=0, help_text="fees + spread + slippage")
    strategy = models.CharField(max_length=64)
    strategy_version = models.CharField(max_length=32)
    input_hash = hash_field()
    snapshot_hash = hash_field()

    class Meta:
        db_table = "decisions"
        indexes = [
            models.Index(fields=["-ts_ms"], name="decision_ts"),
            models.Index(fields=["symbol", "-ts_ms"], name="decision_symbol_ts"),
            models.Index(fields=["cycle_id"], name="decision_cycle"),
        ]

    def __str__(self) -> str:
        return f"{self.intent} {self.symbol} {self.decision_id}"


class RiskVerdict(Envelope):
    """The deterministic final word on one decision (RISK_VERDICT), with the checks it ran.

    Written by the trader (event_type RISK_VERDICT). `reasons` holds RISK_APPROVED for an
    approval, else the blocking ReasonCodes; `checks` lists {name, passed, detail}. Append-only.
    """

    outcome = models.CharField(max_length=8, choices=enum_choices(RiskOutcome))
    checks = models.JSONField(default=list, blank=True)

    class Meta:
        db_table = "risk_verdicts"
        indexes = [
            models.Index(fields=["-ts_ms"], name="risk_verdict_ts"),
            models.Index(fields=["decision_id"], name="risk_verdict_decision"),
            models.Index(fields=["symbol", "-ts_ms"], name="risk_verdict_symbol_ts"),
        ]

    def __str__(self) -> str:
        return f"{self.outcome} {self.decision_id}"
