"""Risk guards above and below the hard limits: kill switch, forbidden conditions, sanity, AI."""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from trading.domain.catalog.panel import AIGateVerdict, SysMode
from trading.domain.catalog.reasons import ReasonCode
from trading.domain.contracts.decision import DecisionIntent
from trading.domain.guards.risk_base import ALL_INTENTS, ENTRY_ONLY, Breach, RiskInput, breach
from trading.domain.risk.context import KillSwitch, RiskLevel

R = ReasonCode
NO_ENTRY_MODES = frozenset({SysMode.DEGRADE, SysMode.PAUSE, SysMode.EXIT})


@dataclass(frozen=True, slots=True)
class KillSwitchGuard:
    name: ClassVar[str] = "kill_switch"
    description: ClassVar[str] = "CLOSE_ONLY blocks entries and re-protection; HALT_ALL blocks every order."
    level: ClassVar[RiskLevel] = RiskLevel.KILL_SWITCH
    intents: ClassVar[frozenset[DecisionIntent]] = ALL_INTENTS

    def check(self, inp: RiskInput) -> Breach | None:
        mode = inp.ctx.kill_switch
        if mode is KillSwitch.HALT_ALL or (mode is KillSwitch.CLOSE_ONLY
                                            and inp.decision.intent is not DecisionIntent.EXIT):
            return breach(R.KILL_SWITCH_ACTIVE, f"kill_switch={mode}")
        return None


@dataclass(frozen=True, slots=True)
class SysModeGuard:
    name: ClassVar[str] = "sys_mode"
    description: ClassVar[str] = "DEGRADE, PAUSE and EXIT allow no new entry; management goes on."
    level: ClassVar[RiskLevel] = RiskLevel.FORBIDDEN
    intents: ClassVar[frozenset[DecisionIntent]] = ENTRY_ONLY

    def check(self, inp: RiskInput) -> Breach | None:
        mode = inp.ctx.sys_mode
        return breach(R.SYS_MODE_BLOCKS_ENTRY, f"sys_mode={mode}") if mode in NO_ENTRY_MODES else None


@dataclass(frozen=True, slots=True)
class SymbolHaltedGuard:
    name: ClassVar[str] = "symbol_halted"
    description: ClassVar[str] = "No entry on a symbol whose status is not TRADING."
    level: ClassVar[RiskLevel] = RiskLevel.FORBIDDEN
    intents: ClassVar[frozenset[DecisionIntent]] = ENTRY_ONLY

    def check(self, inp: RiskInput) -> Breach | None:
        symbol = inp.decision.symbol
        return breach(R.SYMBOL_NOT_TRADING, f"symbol={symbol}") if symbol in inp.ctx.halted_symbols else None


@dataclass(frozen=True, slots=True)
class SanityGuard:
    """Prices near the market, a fresh quote and decision, filters unchanged since the proposal."""

    max_price_deviation_bps: int = 100
    max_quote_age_ms: int = 5_000
    max_decision_age_ms: int = 5_000
    name: ClassVar[str] = "sanity"
    description: ClassVar[str] = "Entry price near the touch, quote and decision fresh, filters unchanged."
    level: ClassVar[RiskLevel] = RiskLevel.SANITY
    intents: ClassVar[frozenset[DecisionIntent]] = ALL_INTENTS

    def check(self, inp: RiskInput) -> Breach | None:
        d, ctx = inp.decision, inp.ctx
        quote = ctx.quotes.get(d.symbol)
        if quote is None or ctx.now_ms - quote.ts_ms > self.max_quote_age_ms:
            return breach(R.DATA_STALE, "quote_age_ms=" + ("none" if quote is None else str(ctx.now_ms - quote.ts_ms)))
        if ctx.now_ms - d.ts_ms > self.max_decision_age_ms:
            return breach(R.DATA_STALE, f"decision_age_ms={ctx.now_ms - d.ts_ms}")
        current = ctx.filters_hash.get(d.symbol)
        if current is not None and current != d.constraints.filters_hash:
            return breach(R.FILTERS_HASH_DRIFT, f"symbol={d.symbol}")
        if d.entry_plan is not None:
            deviation = abs(d.entry_plan.price - quote.ask) / quote.ask * 10_000
            if deviation > self.max_price_deviation_bps:
                return breach(R.SANITY_CHECK_FAILED, f"entry_vs_ask_bps={int(deviation)}")
        return None


@dataclass(frozen=True, slots=True)
class AIVerdictGuard:
    name: ClassVar[str] = "ai_verdict"
    description: ClassVar[str] = "The gate's BLOCK is kept; a gate ERROR blocks when the policy is fail-closed."
    level: ClassVar[RiskLevel] = RiskLevel.AI
    intents: ClassVar[frozenset[DecisionIntent]] = ALL_INTENTS

    def check(self, inp: RiskInput) -> Breach | None:
        gate = inp.gate
        if gate.block or gate.result.verdict is AIGateVerdict.BLOCK:
            return Breach(tuple(dict.fromkeys((R.AIGATE_BLOCKED, *gate.reasons))), f"verdict={gate.result.verdict}")
        if gate.result.verdict is AIGateVerdict.ERROR and inp.ctx.ai_fail_closed:
            return breach(R.AIGATE_FAIL_CLOSED, f"error_kind={gate.result.error_kind}")
        return None
