"""RISK_VERDICT: one scenario per rule, and the hierarchy (kill switch > forbidden > hard limits >
sanity > AI) ordering the reasons whatever the lower levels say."""
from __future__ import annotations

from decimal import Decimal as D

import pytest

from tests.support.builders import T0, make_decision, make_exit_decision, make_risk_context
from trading.domain.catalog.panel import AIGateVerdict, RiskOutcome, SysMode
from trading.domain.catalog.reasons import ReasonCode
from trading.domain.config.model import TraderConfig
from trading.domain.contracts.decision import Decision, EntryOrderType, EntryPlan
from trading.domain.contracts.gate import AIGateResult
from trading.domain.contracts.risk import RiskVerdict
from trading.domain.risk.context import ClosedTrade, GatePassThrough, KillSwitch, MarketQuote, RiskContext
from trading.domain.risk.engine import RiskEngine
from trading.domain.stages.risk_verdict import risk_verdict
from trading.domain.strategy.base import OpenPosition

R = ReasonCode
CFG = TraderConfig().risk
ENGINE = RiskEngine.from_config(CFG)
H = "a" * 64


def judge(decision: Decision | None = None, gate: GatePassThrough | None = None, **ctx: object) -> RiskVerdict:
    d = decision or make_decision()
    return risk_verdict(ENGINE, gate or GatePassThrough.for_decision(d), make_risk_context(**ctx))


def pos(symbol: str = "BTCUSDT", notional: str = "100", opened_ms: int = T0 - 3_600_000) -> OpenPosition:
    return OpenPosition(symbol, D(notional) / 100, D(100), opened_ms)


def blocked(v: RiskVerdict, reason: ReasonCode) -> bool:
    return v.outcome is RiskOutcome.BLOCK and reason in v.reasons


def test_approves_a_calm_entry_and_lists_every_check() -> None:
    v = judge()
    assert v.approved and v.reasons == (R.RISK_APPROVED,)
    assert {c.name for c in v.checks} >= {"kill_switch", "sys_mode", "daily_loss", "sanity", "ai_verdict"}


# --- level 1: kill switch ---------------------------------------------------------------------

def test_blocks_entry_when_kill_switch_is_close_only() -> None:
    assert blocked(judge(kill_switch=KillSwitch.CLOSE_ONLY), R.KILL_SWITCH_ACTIVE)


def test_allows_exit_when_kill_switch_is_close_only() -> None:
    assert judge(make_exit_decision(), kill_switch=KillSwitch.CLOSE_ONLY).approved


def test_blocks_even_an_exit_when_kill_switch_halts_all() -> None:
    assert blocked(judge(make_exit_decision(), kill_switch=KillSwitch.HALT_ALL), R.KILL_SWITCH_ACTIVE)


# --- level 2: forbidden conditions ------------------------------------------------------------

@pytest.mark.parametrize("mode", [SysMode.DEGRADE, SysMode.PAUSE, SysMode.EXIT])
def test_blocks_entry_when_sys_mode_allows_no_entries(mode: SysMode) -> None:
    assert blocked(judge(sys_mode=mode), R.SYS_MODE_BLOCKS_ENTRY)


def test_allows_exit_in_pause() -> None:
    assert judge(make_exit_decision(), sys_mode=SysMode.PAUSE).approved


def test_blocks_entry_when_symbol_is_halted() -> None:
    assert blocked(judge(halted_symbols=frozenset({"BTCUSDT"})), R.SYMBOL_NOT_TRADING)


# --- level 3: hard limits ---------------------------------------------------------------------

def test_blocks_entry_when_total_exposure_would_exceed_its_limit() -> None:
    positions = {"ETHUSDT": pos("ETHUSDT", "480"), "SOLUSDT": pos("SOLUSDT", "480")}
    assert blocked(judge(positions=positions), R.EXPOSURE_LIMIT_TOTAL)


def test_blocks_entry_when_symbol_exposure_would_exceed_its_limit() -> None:
    assert blocked(judge(positions={"BTCUSDT": pos(notional="450")}), R.EXPOSURE_LIMIT_SYMBOL)


def test_blocks_entry_when_daily_loss_limit_reached() -> None:
    assert blocked(judge(realized_pnl_today=D("-25"), unrealized_pnl_today=D("-5")), R.DAILY_LOSS_LIMIT_REACHED)


def test_blocks_entry_when_drawdown_limit_reached() -> None:
    assert blocked(judge(peak_equity_quote=D("10100"), equity_quote=D("10000")), R.DRAWDOWN_LIMIT_REACHED)


def test_blocks_entry_when_max_open_positions_reached() -> None:
    positions = {"ETHUSDT": pos("ETHUSDT"), "SOLUSDT": pos("SOLUSDT")}
    assert blocked(judge(positions=positions), R.MAX_POSITIONS_REACHED)


def test_blocks_entry_when_spread_is_too_wide() -> None:
    quotes = {"BTCUSDT": MarketQuote(D("59900.00"), D("60000.01"), T0)}  # 16.7 bps > 15
    assert blocked(judge(quotes=quotes), R.SPREAD_TOO_WIDE)


def test_blocks_entry_when_edge_after_costs_is_below_minimum() -> None:
    assert blocked(judge(make_decision(edge_bps=4)), R.EDGE_BELOW_COSTS)


def test_blocks_entry_when_free_balance_does_not_cover_it() -> None:
    assert blocked(judge(free_quote=D("60")), R.INSUFFICIENT_BALANCE)


def test_blocks_entry_during_the_symbol_cooldown() -> None:
    trades = (ClosedTrade("BTCUSDT", T0 - 600_000, T0 - 60_000, D("1")),)
    assert blocked(judge(recent_trades=trades), R.COOLDOWN_ACTIVE)


def test_blocks_entry_when_trades_per_hour_limit_reached() -> None:
    trades = tuple(ClosedTrade(f"S{i}USDT", T0 - 3_000_000 + i, T0 - 2_000_000, D("1")) for i in range(6))
    assert blocked(judge(recent_trades=trades), R.TRADES_PER_HOUR_LIMIT)


def test_blocks_entry_after_a_loss_streak() -> None:
    trades = tuple(ClosedTrade(f"S{i}USDT", T0 - 9_000_000, T0 - 8_000_000 + i, D("-1")) for i in range(3))
    assert blocked(judge(recent_trades=trades), R.LOSS_STREAK_LIMIT)


def test_a_win_breaks_the_loss_streak() -> None:
    trades = (*[ClosedTrade("AUSDT", T0 - 9_000_000, T0 - 8_000_000 + i, D("-1")) for i in range(3)],
              ClosedTrade("AUSDT", T0 - 9_000_000, T0 - 7_000_000, D("2")))
    assert judge(recent_trades=trades).approved


def test_blocks_exit_before_the_minimum_hold_time() -> None:
    young = {"BTCUSDT": pos(opened_ms=T0 - 10_000)}
    assert blocked(judge(make_exit_decision(), positions=young), R.MIN_HOLD_TIME_NOT_REACHED)


def test_allows_a_time_stop_exit_before_the_minimum_hold_time() -> None:
    young = {"BTCUSDT": pos(opened_ms=T0 - 10_000)}
    assert judge(make_exit_decision(reason_codes=(R.TIME_STOP,)), positions=young).approved


def test_blocks_manage_past_the_maximum_hold_time() -> None:
    from trading.domain.contracts.decision import DecisionIntent
    old = {"BTCUSDT": pos(opened_ms=T0 - CFG.max_hold_s * 1000 - 1)}
    manage = make_exit_decision(intent=DecisionIntent.MANAGE, reason_codes=(R.TRAIL_ACTIVATED,))
    assert blocked(judge(manage, positions=old), R.MAX_HOLD_TIME_EXCEEDED)


# --- level 4: sanity --------------------------------------------------------------------------

def test_blocks_when_the_quote_is_stale() -> None:
    assert blocked(judge(quotes={"BTCUSDT": MarketQuote(D("60000"), D("60000.01"), T0 - 60_000)}), R.DATA_STALE)


def test_blocks_when_there_is_no_quote() -> None:
    assert blocked(judge(quotes={}), R.DATA_STALE)


def test_blocks_when_the_decision_is_stale() -> None:
    ctx = dict(now_ms=T0 + 60_000, quotes={"BTCUSDT": MarketQuote(D("60000"), D("60000.01"), T0 + 60_000)})
    assert blocked(judge(**ctx), R.DATA_STALE)


def test_blocks_an_entry_priced_far_from_the_market() -> None:
    far = make_decision(entry_plan=EntryPlan(EntryOrderType.LIMIT, D("59000.00"), D("0.00100"), 20_000),
                        exit_plan=make_decision().exit_plan.__class__(  # type: ignore[union-attr]
                            take_profit_price=D("61200.00"), stop_price=D("58400.00"), stop_limit_price=D("58350.00")))
    assert blocked(judge(far), R.SANITY_CHECK_FAILED)


def test_blocks_when_the_filters_changed_since_the_proposal() -> None:
    assert blocked(judge(filters_hash={"BTCUSDT": "b" * 64}), R.FILTERS_HASH_DRIFT)


# --- level 5: AI verdict ----------------------------------------------------------------------

def _gate(d: Decision, verdict: AIGateVerdict, *reasons: ReasonCode, block: bool = False, **kw: object) -> GatePassThrough:
    result = AIGateResult(enabled=True, verdict=verdict, reasons=reasons, input_hash=H, snapshot_hash=H, **kw)  # type: ignore[arg-type]
    return GatePassThrough(result=result, decision=kw.get("modified_decision") or d, block=block,  # type: ignore[arg-type]
                           reasons=reasons if block else ())


def test_keeps_the_ai_gate_block() -> None:
    d = make_decision()
    v = judge(d, _gate(d, AIGateVerdict.BLOCK, R.AIGATE_BLOCK, block=True))
    assert blocked(v, R.AIGATE_BLOCKED) and R.AIGATE_BLOCK in v.reasons


def test_blocks_on_gate_error_when_fail_closed() -> None:
    d = make_decision()
    assert blocked(judge(d, _gate(d, AIGateVerdict.ERROR, R.AIGATE_TIMEOUT, error_kind="timeout"),
                         ai_fail_closed=True), R.AIGATE_FAIL_CLOSED)


def test_gate_error_is_advisory_when_not_fail_closed() -> None:
    d = make_decision()
    assert judge(d, _gate(d, AIGateVerdict.ERROR, R.AIGATE_TIMEOUT, error_kind="timeout")).approved


def test_judges_the_modified_decision_after_an_applied_modify() -> None:
    d = make_decision()
    smaller = d.with_changes(entry_plan=EntryPlan(EntryOrderType.LIMIT, D("60000.00"), D("0.00050"), 20_000))
    v = judge(d, _gate(d, AIGateVerdict.MODIFY, R.AIGATE_MODIFY_APPLIED, modified_decision=smaller,
                       modify_applied=True))
    assert v.approved and v.decision_id == smaller.decision_id


# --- the hierarchy ----------------------------------------------------------------------------

def test_a_higher_level_block_is_reported_first_even_when_lower_ones_pass() -> None:
    v = judge(kill_switch=KillSwitch.CLOSE_ONLY)
    assert v.reasons == (R.KILL_SWITCH_ACTIVE,)
    assert [c.name for c in v.checks if not c.passed] == ["kill_switch"]


def test_every_failed_rule_is_named_in_hierarchy_order() -> None:
    d = make_decision(edge_bps=1)
    v = judge(d, _gate(d, AIGateVerdict.BLOCK, R.AIGATE_BLOCK, block=True), sys_mode=SysMode.PAUSE,
              kill_switch=KillSwitch.CLOSE_ONLY, realized_pnl_today=D("-100"))
    assert v.reasons[:4] == (R.KILL_SWITCH_ACTIVE, R.SYS_MODE_BLOCKS_ENTRY, R.DAILY_LOSS_LIMIT_REACHED,
                             R.EDGE_BELOW_COSTS)
    assert v.reasons[-2:] == (R.AIGATE_BLOCKED, R.AIGATE_BLOCK)


def test_risk_blocks_what_the_ai_allowed() -> None:
    d = make_decision()
    allow = _gate(d, AIGateVerdict.ALLOW, R.AIGATE_ALLOW)
    assert blocked(judge(d, allow, sys_mode=SysMode.DEGRADE), R.SYS_MODE_BLOCKS_ENTRY)


def test_context_is_immutable() -> None:
    ctx: RiskContext = make_risk_context()
    with pytest.raises(AttributeError):
        ctx.sys_mode = SysMode.PAUSE  # type: ignore[misc]
