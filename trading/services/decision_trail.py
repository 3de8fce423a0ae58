"""The decision trail: what the strategy proposed and what risk ruled, as rows and JSONL events.

Each Decision that reaches the AI gate gets a `decisions` row and a DECISION_PROPOSED event
(before the gate is called); an AI MODIFY that was applied gets its own row, linked to the
proposal by parent_decision_id. Each risk ruling gets a `risk_verdicts` row with every check
it ran ({name, passed, detail}) and a RISK_VERDICT event naming the checks that failed. So a
blocked or approved decision can be explained from the database alone.

A decision's id is derived from its content, so a replayed proposal lands on its existing row.
Nothing here holds a secret: plans, constraints and checks are numbers, names and codes.
"""
from __future__ import annotations

from typing import Any

from trading.domain.catalog import AuditEventType, StageName
from trading.domain.contracts.decision import Decision
from trading.domain.contracts.risk import RiskVerdict
from trading.models import Decision as DecisionRow
from trading.models import RiskVerdict as RiskVerdictRow
from trading.services.context import ServiceContext


def record_decision(ctx: ServiceContext, d: Decision, *, parent_decision_id: str = "", input_hash: str = "",
                    snapshot_hash: str = "") -> bool:
    """Write `d`'s row and DECISION_PROPOSED event unless it is already recorded; return True if new.

    `parent_decision_id` names the proposal an applied AI MODIFY was derived from. `snapshot_hash`
    is the canonical market snapshot's hash and `input_hash` the AI gate payload's (empty when
    the gate is off); both equal those of the proposal's `ai_gate_events` row.
    """
    if DecisionRow.objects.filter(decision_id=d.decision_id).exists():
        return False
    stage = StageName.AIGATE_CALL if parent_decision_id else StageName.STRATEGY_PROPOSE
    plain = d.to_dict()
    DecisionRow.objects.create(
        ts_ms=d.ts_ms, run_id=d.run_id, cycle_id=d.cycle_id, snapshot_id=d.snapshot_id, decision_id=d.decision_id,
        mode=ctx.mode, stage=stage.value, event_type=AuditEventType.DECISION_PROPOSED.value,
        reasons=[r.value for r in d.reason_codes], symbol=d.symbol, parent_decision_id=parent_decision_id,
        intent=d.intent.value, side=d.side.value, entry_plan=plain["entry_plan"], exit_plan=plain["exit_plan"],
        constraints=plain["constraints"], edge_bps=d.edge_bps, fees_bps=d.costs.fees_bps,
        spread_bps=d.costs.spread_bps, slippage_bps=d.costs.slippage_bps, costs_bps=d.costs.total_bps,
        strategy=d.strategy, strategy_version=d.strategy_version, input_hash=input_hash,
        snapshot_hash=snapshot_hash)
    ctx.writer.emit(AuditEventType.DECISION_PROPOSED.value, stage=stage.value, symbol=d.symbol,
                    cycle_id=d.cycle_id, snapshot_id=d.snapshot_id, decision_id=d.decision_id,
                    reasons=tuple(r.value for r in d.reason_codes),
                    data=_decision_fields(plain, parent_decision_id, input_hash, snapshot_hash))
    return True


def record_verdict(ctx: ServiceContext, verdict: RiskVerdict, judged: Decision) -> None:
    """Write the `risk_verdicts` row (every check) and the RISK_VERDICT event (the failed ones)."""
    reasons = [r.value for r in verdict.reasons]
    RiskVerdictRow.objects.create(
        ts_ms=verdict.ts_ms, run_id=judged.run_id, cycle_id=judged.cycle_id, snapshot_id=judged.snapshot_id,
        decision_id=verdict.decision_id, mode=ctx.mode, stage=StageName.RISK_VERDICT.value,
        event_type=AuditEventType.RISK_VERDICT.value, reasons=reasons, symbol=judged.symbol,
        outcome=verdict.outcome.value, checks=[c.to_dict() for c in verdict.checks])
    failed = [c.to_dict() for c in verdict.checks if not c.passed]
    ctx.writer.emit(AuditEventType.RISK_VERDICT.value, stage=StageName.RISK_VERDICT.value, symbol=judged.symbol,
                    cycle_id=judged.cycle_id, snapshot_id=judged.snapshot_id, decision_id=verdict.decision_id,
                    reasons=tuple(reasons), data={"outcome": verdict.outcome.value, "intent": judged.intent.value,
                                                  "checks_run": len(verdict.checks), "failed_checks": failed})


def _decision_fields(plain: dict[str, Any], parent_decision_id: str, input_hash: str,
                     snapshot_hash: str) -> dict[str, Any]:
    fields = {k: plain[k] for k in ("intent", "side", "entry_plan", "exit_plan", "edge_bps", "costs",
                                    "strategy", "strategy_version")}
    for name, value in (("parent_decision_id", parent_decision_id), ("input_hash", input_hash),
                        ("snapshot_hash", snapshot_hash)):
        if value:
            fields[name] = value
    return fields
