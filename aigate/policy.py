"""The AI_DEC x MODE x SysMode policy of the gate (design §6, 000 AIGATE_CALL): one table, two
functions. Pure: no Django, no I/O.

- AI_DEC=0 off: no call; enabled=0 (ALLOW, AIGATE_DISABLED); the decision goes on to risk.
- AI_DEC=1 advisory: BLOCK and a valid MODIFY are honoured; a failure (ERROR, or a MODIFY that
  failed local enforcement) is audited and alerted, and the proposal goes on to risk unchanged.
- AI_DEC=2 mandatory, fail-closed: a failure requests PAUSE (no new entries), alerts, blocks an
  ENTRY and lets EXIT/MANAGE go on to risk (manage-only: never strand an open position).
- SysMode DEGRADE/PAUSE/EXIT: no gate call for a new ENTRY; it is blocked with
  AIGATE_SKIPPED_SYS_MODE. EXIT/MANAGE are still judged.
- MODE changes only how loud an advisory failure is: the same rules run in PAPER, TESTNET and
  LIVE, so paper rehearses live; in LIVE an advisory failure is CRIT (real money went on without
  its second opinion). A fail-closed failure is CRIT everywhere.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from trading.domain.catalog.panel import AIGateVerdict, Mode, Severity, SysMode
from trading.domain.catalog.reasons import ReasonCode
from trading.domain.contracts.decision import Decision, DecisionIntent
from trading.domain.contracts.gate import AIGateResult


class OnFailure(StrEnum):
    NOT_CALLED = "NOT_CALLED"  # gate off: there is nothing to fail
    PROCEED_ALERT = "PROCEED_ALERT"
    FAIL_CLOSED = "FAIL_CLOSED"


@dataclass(frozen=True, slots=True)
class PolicyRow:
    call_model: bool
    honour_block: bool
    honour_modify: bool
    on_failure: OnFailure
    failure_severity: Severity | None


_OFF = PolicyRow(False, False, False, OnFailure.NOT_CALLED, None)
_ADVISORY = PolicyRow(True, True, True, OnFailure.PROCEED_ALERT, Severity.WARN)
_ADVISORY_LIVE = PolicyRow(True, True, True, OnFailure.PROCEED_ALERT, Severity.CRIT)
_MANDATORY = PolicyRow(True, True, True, OnFailure.FAIL_CLOSED, Severity.CRIT)

_M = Mode
POLICY_TABLE: Mapping[tuple[int, Mode], PolicyRow] = MappingProxyType({
    (0, _M.PAPER): _OFF,          (0, _M.TESTNET): _OFF,          (0, _M.LIVE): _OFF,
    (1, _M.PAPER): _ADVISORY,     (1, _M.TESTNET): _ADVISORY,     (1, _M.LIVE): _ADVISORY_LIVE,
    (2, _M.PAPER): _MANDATORY,    (2, _M.TESTNET): _MANDATORY,    (2, _M.LIVE): _MANDATORY,
})
# 000: "if in DEGRADE/PAUSE: AIGATE_CALL must not generate (be called for) new ENTRY".
NO_ENTRY_SYS_MODES = frozenset({SysMode.DEGRADE, SysMode.PAUSE, SysMode.EXIT})


class CallPlan(StrEnum):
    OFF = "OFF"  # AI_DEC=0: disabled result, decision goes on
    SKIP_SYS_MODE = "SKIP_SYS_MODE"  # a new ENTRY while entries are not allowed: blocked, no call
    CALL = "CALL"


@dataclass(frozen=True, slots=True)
class GateAlert:
    reason: ReasonCode
    severity: Severity
    summary: str


@dataclass(frozen=True, slots=True)
class GateOutcome:
    """What the pipeline does with one gate result.

    `decision` is what RISK_VERDICT judges (the applied modification, else the proposal);
    `block` says risk must block it, with `reasons`; `pause_requested` asks SysMode for PAUSE.
    """

    result: AIGateResult
    decision: Decision
    block: bool
    reasons: tuple[ReasonCode, ...]
    pause_requested: bool = False
    alert: GateAlert | None = None
    failed: bool = False


def policy_row(ai_dec: int, mode: Mode) -> PolicyRow:
    """Return the table row for this AI_DEC level and mode; KeyError for an unknown level."""
    return POLICY_TABLE[(ai_dec, Mode(mode))]


def plan_call(ai_dec: int, mode: Mode, sys_mode: SysMode, intent: DecisionIntent) -> CallPlan:
    """Return whether the gate calls the model for this decision, skips it, or is off."""
    if not policy_row(ai_dec, mode).call_model:
        return CallPlan.OFF
    if intent is DecisionIntent.ENTRY and sys_mode in NO_ENTRY_SYS_MODES:
        return CallPlan.SKIP_SYS_MODE
    return CallPlan.CALL


def is_failure(result: AIGateResult) -> bool:
    """Return True for ERROR and for a MODIFY that failed local enforcement (000 failure policy)."""
    return result.verdict is AIGateVerdict.ERROR or (
        result.verdict is AIGateVerdict.MODIFY and not result.modify_applied)


def decide(ai_dec: int, mode: Mode, proposed: Decision, result: AIGateResult) -> GateOutcome:
    """Return the outcome of `result` under the policy row of (ai_dec, mode)."""
    row = policy_row(ai_dec, mode)
    if not result.enabled:
        return GateOutcome(result, proposed, block=False, reasons=())
    if ReasonCode.AIGATE_SKIPPED_SYS_MODE in result.reasons:
        return GateOutcome(result, proposed, block=True, reasons=(ReasonCode.AIGATE_SKIPPED_SYS_MODE,))
    if is_failure(result):
        return _on_failure(row, proposed, result)
    if result.verdict is AIGateVerdict.BLOCK and row.honour_block:
        return GateOutcome(result, proposed, block=True, reasons=(ReasonCode.AIGATE_BLOCK,))
    if result.verdict is AIGateVerdict.MODIFY and row.honour_modify:
        return GateOutcome(result, result.decision_for_risk(proposed), block=False,
                           reasons=(ReasonCode.AIGATE_MODIFY_APPLIED,))
    return GateOutcome(result, proposed, block=False, reasons=())


def _on_failure(row: PolicyRow, proposed: Decision, result: AIGateResult) -> GateOutcome:
    cause = result.reasons[0]
    severity = row.failure_severity or Severity.WARN
    if row.on_failure is OnFailure.FAIL_CLOSED:
        is_entry = proposed.intent is DecisionIntent.ENTRY
        summary = (f"AI gate failed ({cause.value}) under AI_DEC=2: fail-closed, PAUSE requested, "
                   + ("entry blocked" if is_entry else f"{proposed.intent.value} goes on (manage-only)"))
        return GateOutcome(result, proposed, block=is_entry,
                           reasons=(ReasonCode.AIGATE_FAIL_CLOSED, cause), pause_requested=True,
                           alert=GateAlert(ReasonCode.AIGATE_FAIL_CLOSED, severity, summary), failed=True)
    summary = f"AI gate failed ({cause.value}) under AI_DEC=1: advisory, decision goes on to risk"
    return GateOutcome(result, proposed, block=False, reasons=(cause,),
                       alert=GateAlert(cause, severity, summary), failed=True)
