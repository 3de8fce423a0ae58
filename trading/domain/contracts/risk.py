"""RiskVerdict: the deterministic final word on a decision (000: risk may block what the AI allowed)."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import repeat
from operator import attrgetter
from typing import Any

from trading.domain.catalog.panel import RiskOutcome
from trading.domain.catalog.reasons import ReasonCode
from trading.domain.contracts.canonical import fields_dict, require, require_int, require_text


@dataclass(frozen=True, slots=True)
class RiskCheck:
    """One rule the risk engine ran: its name, whether it passed, and a short key=value detail."""

    name: str
    passed: bool
    detail: str = ""

    def __post_init__(self) -> None:
        require_text(self.name, "check name")
        require(isinstance(self.passed, bool), "check passed must be a bool")
        require(isinstance(self.detail, str), "check detail must be a string")

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON-ready form."""
        return {"name": self.name, "passed": self.passed, "detail": self.detail}


_NAME = attrgetter("name")
_PASSED = attrgetter("passed")


def _all_instances(items: tuple[Any, ...], kind: type) -> bool:
    """Return True when every item is a `kind` (the loop runs in C: a verdict lists ~17 checks)."""
    return all(map(isinstance, items, repeat(kind)))


@dataclass(frozen=True, slots=True)
class RiskVerdict:
    """APPROVE carries exactly (RISK_APPROVED,) and only passed checks; BLOCK carries >= 1 reason
    (never RISK_APPROVED) and, when checks are listed, at least one that failed.
    """

    decision_id: str
    ts_ms: int
    outcome: RiskOutcome
    reasons: tuple[ReasonCode, ...]
    checks: tuple[RiskCheck, ...] = ()

    def __post_init__(self) -> None:
        require_text(self.decision_id, "decision_id")
        require_int(self.ts_ms, "ts_ms")
        require(isinstance(self.outcome, RiskOutcome), "outcome must be a RiskOutcome")
        require(isinstance(self.reasons, tuple) and _all_instances(self.reasons, ReasonCode),
                "reasons must be a tuple of ReasonCode")
        require(isinstance(self.checks, tuple) and _all_instances(self.checks, RiskCheck),
                "checks must be a tuple of RiskCheck")
        require(len(set(map(_NAME, self.checks))) == len(self.checks), "check names must be unique")
        all_passed = all(map(_PASSED, self.checks))
        if self.outcome is RiskOutcome.APPROVE:
            require(self.reasons == (ReasonCode.RISK_APPROVED,), "APPROVE carries exactly RISK_APPROVED")
            require(all_passed, "APPROVE with a failed check")
        else:
            require(len(self.reasons) > 0, "BLOCK needs at least one reason")
            require(ReasonCode.RISK_APPROVED not in self.reasons, "BLOCK cannot carry RISK_APPROVED")
            require(not self.checks or not all_passed, "BLOCK with every listed check passed")

    @classmethod
    def approve(cls, decision_id: str, ts_ms: int, checks: Iterable[RiskCheck] = ()) -> RiskVerdict:
        """Return an APPROVE verdict with reason RISK_APPROVED."""
        return cls(decision_id, ts_ms, RiskOutcome.APPROVE, (ReasonCode.RISK_APPROVED,), tuple(checks))

    @classmethod
    def block(cls, decision_id: str, ts_ms: int, reasons: Iterable[ReasonCode],
              checks: Iterable[RiskCheck] = ()) -> RiskVerdict:
        """Return a BLOCK verdict with `reasons` (at least one)."""
        return cls(decision_id, ts_ms, RiskOutcome.BLOCK, tuple(reasons), tuple(checks))

    @property
    def approved(self) -> bool:
        """Return True when the decision may be executed."""
        return self.outcome is RiskOutcome.APPROVE

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON-ready form."""
        return fields_dict(self)
