"""Hard limits (003 rulebook): each guard reads its limit from RiskSection, declared once there."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar

from trading.domain.catalog.reasons import ReasonCode
from trading.domain.contracts.decision import DecisionIntent
from trading.domain.guards.risk_base import ENTRY_ONLY, Breach, RiskInput, breach
from trading.domain.risk.context import RiskLevel

R = ReasonCode
HOUR_MS = 3_600_000
_HARD = RiskLevel.HARD_LIMIT


def _entry_notional(inp: RiskInput) -> Decimal:
    plan = inp.decision.entry_plan
    return Decimal(0) if plan is None else plan.notional


@dataclass(frozen=True, slots=True)
class ExposureTotalGuard:
    limit_quote: Decimal
    name: ClassVar[str] = "exposure_total"
    description: ClassVar[str] = "Open exposure plus the entry stays within risk.max_exposure_total_quote."
    level: ClassVar[RiskLevel] = _HARD
    intents: ClassVar[frozenset[DecisionIntent]] = ENTRY_ONLY

    def check(self, inp: RiskInput) -> Breach | None:
        after = inp.ctx.exposure_total + _entry_notional(inp)
        return breach(R.EXPOSURE_LIMIT_TOTAL, f"after_quote={after:.2f}") if after > self.limit_quote else None


@dataclass(frozen=True, slots=True)
class ExposureSymbolGuard:
    limit_quote: Decimal
    name: ClassVar[str] = "exposure_symbol"
    description: ClassVar[str] = "Exposure on the symbol plus the entry stays within risk.max_exposure_symbol_quote."
    level: ClassVar[RiskLevel] = _HARD
    intents: ClassVar[frozenset[DecisionIntent]] = ENTRY_ONLY

    def check(self, inp: RiskInput) -> Breach | None:
        after = inp.ctx.exposure(inp.decision.symbol) + _entry_notional(inp)
        return breach(R.EXPOSURE_LIMIT_SYMBOL, f"after_quote={after:.2f}") if after > self.limit_quote else None


@dataclass(frozen=True, slots=True)
class DailyLossGuard:
    limit_quote: Decimal
    name: ClassVar[str] = "daily_loss"
    description: ClassVar[str] = "Today's realized + unrealized PnL is above -risk.daily_loss_limit_quote."
    level: ClassVar[RiskLevel] = _HARD
    intents: ClassVar[frozenset[DecisionIntent]] = ENTRY_ONLY

    def check(self, inp: RiskInput) -> Breach | None:
        pnl = inp.ctx.realized_pnl_today + inp.ctx.unrealized_pnl_today
        return breach(R.DAILY_LOSS_LIMIT_REACHED, f"pnl_today={pnl:.2f}") if pnl <= -self.limit_quote else None


@dataclass(frozen=True, slots=True)
class DrawdownGuard:
    limit_quote: Decimal
    name: ClassVar[str] = "drawdown"
    description: ClassVar[str] = "Peak equity minus equity is below risk.max_drawdown_quote."
    level: ClassVar[RiskLevel] = _HARD
    intents: ClassVar[frozenset[DecisionIntent]] = ENTRY_ONLY

    def check(self, inp: RiskInput) -> Breach | None:
        dd = inp.ctx.peak_equity_quote - inp.ctx.equity_quote
        return breach(R.DRAWDOWN_LIMIT_REACHED, f"drawdown_quote={dd:.2f}") if dd >= self.limit_quote else None


@dataclass(frozen=True, slots=True)
class MaxPositionsGuard:
    limit: int
    name: ClassVar[str] = "max_open_positions"
    description: ClassVar[str] = "A new position keeps the count within risk.max_open_positions."
    level: ClassVar[RiskLevel] = _HARD
    intents: ClassVar[frozenset[DecisionIntent]] = ENTRY_ONLY

    def check(self, inp: RiskInput) -> Breach | None:
        open_n = len(inp.ctx.positions)
        is_new = inp.decision.symbol not in inp.ctx.positions
        return breach(R.MAX_POSITIONS_REACHED, f"open={open_n}") if is_new and open_n >= self.limit else None


@dataclass(frozen=True, slots=True)
class SpreadGuard:
    max_bps: int
    name: ClassVar[str] = "max_spread"
    description: ClassVar[str] = "The live spread is within risk.max_spread_bps."
    level: ClassVar[RiskLevel] = _HARD
    intents: ClassVar[frozenset[DecisionIntent]] = ENTRY_ONLY

    def check(self, inp: RiskInput) -> Breach | None:
        quote = inp.ctx.quotes.get(inp.decision.symbol)
        if quote is None:
            return None  # no quote is the sanity level's finding, not a spread
        spread = quote.spread_bps
        return breach(R.SPREAD_TOO_WIDE, f"spread_bps={spread:.1f}") if spread > self.max_bps else None


@dataclass(frozen=True, slots=True)
class MinEdgeGuard:
    min_bps: int
    name: ClassVar[str] = "min_edge"
    description: ClassVar[str] = "The edge net of costs reaches risk.min_edge_bps_after_costs."
    level: ClassVar[RiskLevel] = _HARD
    intents: ClassVar[frozenset[DecisionIntent]] = ENTRY_ONLY

    def check(self, inp: RiskInput) -> Breach | None:
        edge = inp.decision.edge_bps
        return breach(R.EDGE_BELOW_COSTS, f"edge_bps={edge}") if edge < self.min_bps else None


@dataclass(frozen=True, slots=True)
class BalanceGuard:
    fee_bps: int
    name: ClassVar[str] = "balance"
    description: ClassVar[str] = "Free quote covers the entry notional and its fee."
    level: ClassVar[RiskLevel] = _HARD
    intents: ClassVar[frozenset[DecisionIntent]] = ENTRY_ONLY

    def check(self, inp: RiskInput) -> Breach | None:
        need = _entry_notional(inp) * (1 + Decimal(self.fee_bps) / 10_000)
        return breach(R.INSUFFICIENT_BALANCE, f"need_quote={need:.2f}") if need > inp.ctx.free_quote else None


@dataclass(frozen=True, slots=True)
class CooldownGuard:
    cooldown_s: int
    name: ClassVar[str] = "cooldown"
    description: ClassVar[str] = "risk.cooldown_s has passed since the symbol's last closed trade."
    level: ClassVar[RiskLevel] = _HARD
    intents: ClassVar[frozenset[DecisionIntent]] = ENTRY_ONLY

    def check(self, inp: RiskInput) -> Breach | None:
        closes = [t.closed_ms for t in inp.ctx.recent_trades if t.symbol == inp.decision.symbol]
        until = max(closes, default=None)
        if until is None or inp.ctx.now_ms >= until + self.cooldown_s * 1000:
            return None
        return breach(R.COOLDOWN_ACTIVE, f"until_ms={until + self.cooldown_s * 1000}")


@dataclass(frozen=True, slots=True)
class TradesPerHourGuard:
    """Counts entries over every symbol: the limit protects the account, not one pair."""

    limit: int
    name: ClassVar[str] = "trades_per_hour"
    description: ClassVar[str] = "Entries in the last hour (all symbols) stay under risk.max_trades_per_hour."
    level: ClassVar[RiskLevel] = _HARD
    intents: ClassVar[frozenset[DecisionIntent]] = ENTRY_ONLY

    def check(self, inp: RiskInput) -> Breach | None:
        since = inp.ctx.now_ms - HOUR_MS
        opened = [t.opened_ms for t in inp.ctx.recent_trades] + [p.opened_ms for p in inp.ctx.positions.values()]
        n = sum(1 for ts in opened if ts > since)
        return breach(R.TRADES_PER_HOUR_LIMIT, f"last_hour={n}") if n >= self.limit else None


@dataclass(frozen=True, slots=True)
class LossStreakGuard:
    limit: int
    name: ClassVar[str] = "loss_streak"
    description: ClassVar[str] = "Fewer than risk.max_loss_streak consecutive losing trades (newest first)."
    level: ClassVar[RiskLevel] = _HARD
    intents: ClassVar[frozenset[DecisionIntent]] = ENTRY_ONLY

    def check(self, inp: RiskInput) -> Breach | None:
        streak = 0
        for trade in sorted(inp.ctx.recent_trades, key=lambda t: t.closed_ms, reverse=True):
            if trade.pnl_quote >= 0:
                break
            streak += 1
        return breach(R.LOSS_STREAK_LIMIT, f"streak={streak}") if streak >= self.limit else None


@dataclass(frozen=True, slots=True)
class HoldTimeGuard:
    """An EXIT waits for the minimum hold (003: no flickering), unless it is a stop or a time stop;
    a position past the maximum hold is closed, never re-protected (MANAGE)."""

    min_hold_s: int
    max_hold_s: int
    forced_exit_reasons: ClassVar[frozenset[ReasonCode]] = frozenset(
        {R.TIME_STOP, R.STOP_LOSS_HIT, R.PROTECTION_SWAP_GUARD_FIRED, R.OPERATOR_FLATTEN, R.KILL_SWITCH_ACTIVE})
    name: ClassVar[str] = "hold_time"
    description: ClassVar[str] = "EXIT after risk.min_hold_s; no MANAGE past risk.max_hold_s."
    level: ClassVar[RiskLevel] = _HARD
    intents: ClassVar[frozenset[DecisionIntent]] = frozenset({DecisionIntent.EXIT, DecisionIntent.MANAGE})

    def check(self, inp: RiskInput) -> Breach | None:
        pos = inp.ctx.positions.get(inp.decision.symbol)
        if pos is None:
            return None
        age_ms = inp.ctx.now_ms - pos.opened_ms
        d = inp.decision
        if d.intent is DecisionIntent.EXIT and age_ms < self.min_hold_s * 1000 \
                and not self.forced_exit_reasons.intersection(d.reason_codes):
            return breach(R.MIN_HOLD_TIME_NOT_REACHED, f"age_ms={age_ms}")
        if d.intent is DecisionIntent.MANAGE and age_ms > self.max_hold_s * 1000:
            return breach(R.MAX_HOLD_TIME_EXCEEDED, f"age_ms={age_ms}")
        return None
