"""AIGateResult: what the AI gate stage hands to risk, for every call, failures included (000 AIGATE_CALL).

The model never sets ids: a MODIFY that passed local validation carries a modified Decision,
built by us, whose decision_id was recomputed from its new content.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from trading.domain.catalog.panel import AIGateVerdict
from trading.domain.catalog.reasons import ReasonCode
from trading.domain.contracts.canonical import (
    ContractViolation,
    fields_dict,
    is_sha256_hex,
    require,
    require_int,
)
from trading.domain.contracts.decision import Decision

_V = AIGateVerdict


@dataclass(frozen=True, slots=True)
class AIGateResult:
    """The outcome of one AI gate call; hashes are 64 lowercase hex, or "" when there was none.

    Invariants:
    - disabled (AI_DEC=0): verdict ALLOW, reasons exactly (AIGATE_DISABLED,), no raw_hash;
    - enabled: input_hash and snapshot_hash are set (computed before the call);
    - ERROR: error_kind and at least one reason; any other verdict: no error_kind;
    - BLOCK: at least one reason;
    - modified_decision is present iff verdict is MODIFY and modify_applied; a MODIFY that was
      not applied must say why with AIGATE_MODIFY_INVALID.
    """

    enabled: bool
    verdict: AIGateVerdict
    reasons: tuple[ReasonCode, ...]
    model: str = ""
    latency_ms: int = 0
    raw_hash: str = ""
    input_hash: str = ""
    snapshot_hash: str = ""
    modified_decision: Decision | None = None
    modify_applied: bool = False
    error_kind: str = ""

    def __post_init__(self) -> None:
        _check_fields(self)
        _check_enabled(self)
        _check_verdict(self)

    @classmethod
    def disabled(cls, *, input_hash: str = "", snapshot_hash: str = "") -> AIGateResult:
        """Return the result of a gate that is off: ALLOW with AIGATE_DISABLED, nothing called."""
        return cls(enabled=False, verdict=_V.ALLOW, reasons=(ReasonCode.AIGATE_DISABLED,),
                   input_hash=input_hash, snapshot_hash=snapshot_hash)

    def decision_for_risk(self, proposed: Decision) -> Decision:
        """Return the Decision risk must judge: the applied modification, else `proposed`."""
        return self.modified_decision if self.modified_decision is not None else proposed

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON-ready form; modified_decision nested via Decision.to_dict()."""
        return fields_dict(self)


def _check_fields(r: AIGateResult) -> None:
    require(isinstance(r.enabled, bool), "enabled must be a bool")
    require(isinstance(r.verdict, AIGateVerdict), "verdict must be an AIGateVerdict")
    require(isinstance(r.reasons, tuple) and all(isinstance(x, ReasonCode) for x in r.reasons),
            "reasons must be a tuple of ReasonCode")
    require(isinstance(r.model, str) and isinstance(r.error_kind, str),
            "model and error_kind must be strings")
    require_int(r.latency_ms, "latency_ms")
    for name in ("raw_hash", "input_hash", "snapshot_hash"):
        value = getattr(r, name)
        if not (value == "" or (isinstance(value, str) and is_sha256_hex(value))):
            raise ContractViolation(f"{name} must be 64 lowercase hex or empty")
    require(isinstance(r.modify_applied, bool), "modify_applied must be a bool")
    require(r.modified_decision is None or isinstance(r.modified_decision, Decision),
            "modified_decision must be a Decision or None")


def _check_enabled(r: AIGateResult) -> None:
    if not r.enabled:
        require(r.verdict is _V.ALLOW and r.reasons == (ReasonCode.AIGATE_DISABLED,),
                "a disabled gate must ALLOW with exactly AIGATE_DISABLED")
        require(r.raw_hash == "", "a disabled gate made no call, so it has no raw_hash")
        return
    require(ReasonCode.AIGATE_DISABLED not in r.reasons, "an enabled gate cannot give AIGATE_DISABLED")
    require(r.input_hash != "" and r.snapshot_hash != "",
            "an enabled gate needs input_hash and snapshot_hash (computed before the call)")


def _check_verdict(r: AIGateResult) -> None:
    is_error = r.verdict is _V.ERROR
    require(bool(r.error_kind) == is_error, "error_kind is set iff the verdict is ERROR")
    if is_error or r.verdict is _V.BLOCK:
        if not (len(r.reasons) > 0):
            raise ContractViolation(f"{r.verdict} needs at least one reason")
    require(not r.modify_applied or r.verdict is _V.MODIFY, "modify_applied needs verdict MODIFY")
    applied = r.verdict is _V.MODIFY and r.modify_applied
    require((r.modified_decision is not None) == applied,
            "modified_decision is present iff verdict is MODIFY and modify_applied")
    if r.verdict is _V.MODIFY and not r.modify_applied:
        require(ReasonCode.AIGATE_MODIFY_INVALID in r.reasons,
                "a MODIFY that was not applied needs AIGATE_MODIFY_INVALID")
