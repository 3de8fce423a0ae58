"""The shape of a risk guard: one rule, its level in the hierarchy, the intents it judges."""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Protocol

from trading.domain.catalog.reasons import ReasonCode
from trading.domain.contracts.decision import Decision, DecisionIntent
from trading.domain.risk.context import GateView, RiskContext, RiskLevel

ENTRY_ONLY = frozenset({DecisionIntent.ENTRY})
ALL_INTENTS = frozenset(DecisionIntent)


@dataclass(frozen=True, slots=True)
class RiskInput:
    """The decision risk judges (after the gate), the gate outcome and the context."""

    decision: Decision
    gate: GateView
    ctx: RiskContext


@dataclass(frozen=True, slots=True)
class Breach:
    """A failed rule: its reasons (usually one) and a key=value detail."""

    reasons: tuple[ReasonCode, ...]
    detail: str


class RiskGuard(Protocol):
    name: ClassVar[str]
    description: ClassVar[str]
    level: ClassVar[RiskLevel]
    intents: ClassVar[frozenset[DecisionIntent]]

    def check(self, inp: RiskInput) -> Breach | None:
        """Return the breach when the rule fails, None when it holds."""
        ...


def breach(reason: ReasonCode, detail: str) -> Breach:
    """Return a one-reason Breach."""
    return Breach((reason,), detail)
