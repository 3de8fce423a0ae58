"""What the risk engine judges a decision against: one immutable snapshot of account and market.

The trader builds a RiskContext per decision from the database and the state store; risk reads
nothing else (no clock call, no I/O), so a verdict replays exactly.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import IntEnum, StrEnum
from typing import Protocol

from trading.domain.catalog.panel import SysMode
from trading.domain.catalog.reasons import ReasonCode
from trading.domain.contracts.decision import Decision
from trading.domain.contracts.gate import AIGateResult
from trading.domain.strategy.base import OpenPosition


class KillSwitch(StrEnum):
    """001's kill-switch modes: CLOSE_ONLY lets exits through, HALT_ALL stops every new order."""

    OFF = "OFF"
    CLOSE_ONLY = "CLOSE_ONLY"
    HALT_ALL = "HALT_ALL"


class RiskLevel(IntEnum):
    """003's hierarchy: a lower number outranks every higher one and is reported first."""

    KILL_SWITCH = 1
    FORBIDDEN = 2
    HARD_LIMIT = 3
    SANITY = 4
    AI = 5


@dataclass(frozen=True, slots=True)
class ClosedTrade:
    symbol: str
    opened_ms: int
    closed_ms: int
    pnl_quote: Decimal  # net of fees


@dataclass(frozen=True, slots=True)
class MarketQuote:
    """The latest touch of a symbol and when it was seen."""

    bid: Decimal
    ask: Decimal
    ts_ms: int

    @property
    def spread_bps(self) -> Decimal:
        """Return (ask - bid) / mid in bps."""
        mid = (self.bid + self.ask) / 2
        return (self.ask - self.bid) / mid * 10_000 if mid > 0 else Decimal(10_000)


@dataclass(frozen=True, slots=True)
class RiskContext:
    """Account, positions, today's PnL, recent trades (oldest first), modes and quotes at `now_ms`."""

    now_ms: int
    sys_mode: SysMode
    equity_quote: Decimal
    free_quote: Decimal
    peak_equity_quote: Decimal
    realized_pnl_today: Decimal = Decimal(0)
    unrealized_pnl_today: Decimal = Decimal(0)
    positions: Mapping[str, OpenPosition] = field(default_factory=dict)
    recent_trades: tuple[ClosedTrade, ...] = ()
    quotes: Mapping[str, MarketQuote] = field(default_factory=dict)
    filters_hash: Mapping[str, str] = field(default_factory=dict)
    halted_symbols: frozenset[str] = frozenset()
    kill_switch: KillSwitch = KillSwitch.OFF
    ai_fail_closed: bool = False  # AI_DEC=2: a gate ERROR blocks

    @property
    def exposure_total(self) -> Decimal:
        """Return the open exposure at cost over every symbol."""
        return sum((p.notional for p in self.positions.values()), Decimal(0))

    def exposure(self, symbol: str) -> Decimal:
        """Return the open exposure at cost on `symbol`."""
        pos = self.positions.get(symbol)
        return Decimal(0) if pos is None else pos.notional


class GateView(Protocol):
    """What risk reads of the AI gate stage (aigate.policy.GateOutcome has this shape)."""

    @property
    def result(self) -> AIGateResult: ...
    @property
    def decision(self) -> Decision: ...
    @property
    def block(self) -> bool: ...
    @property
    def reasons(self) -> tuple[ReasonCode, ...]: ...


@dataclass(frozen=True, slots=True)
class GatePassThrough:
    """The gate stage when the gate is off: ALLOW with AIGATE_DISABLED, the proposal unchanged."""

    result: AIGateResult
    decision: Decision
    block: bool = False
    reasons: tuple[ReasonCode, ...] = ()

    @classmethod
    def for_decision(cls, decision: Decision) -> GatePassThrough:
        """Return the pass-through outcome for `decision`."""
        return cls(result=_GATE_OFF, decision=decision)


# What a gate that is off always says; frozen, so one instance serves every pass-through.
_GATE_OFF = AIGateResult.disabled()
