"""run_decision_pipeline: STRATEGY_PROPOSE -> gate -> RISK_VERDICT for one symbol; and the bench."""
from __future__ import annotations

from decimal import Decimal as D

from tests.support.builders import make_risk_context, make_strategy_input
from trading.domain.catalog.panel import AIGateVerdict, SysMode
from trading.domain.catalog.reasons import ReasonCode
from trading.domain.catalog.stages import StageName
from trading.domain.config.model import TraderConfig
from trading.domain.contracts.decision import Decision
from trading.domain.contracts.gate import AIGateResult
from trading.domain.pipeline import run_decision_pipeline
from trading.domain.pipeline_bench import bench_pipeline
from trading.domain.risk.context import GatePassThrough, GateView, MarketQuote
from trading.domain.risk.engine import RiskEngine
from trading.domain.state.store import MarketView
from trading.domain.strategy import BaselineStrategy

R = ReasonCode
S = StageName


def _setup(fee_bps: int = 2):  # type: ignore[no-untyped-def]
    cfg = TraderConfig()
    cfg = cfg.model_copy(update={"risk": cfg.risk.model_copy(update={"fee_bps": fee_bps})})
    inp = make_strategy_input(config=cfg)
    ctx = make_risk_context(quotes={"BTCUSDT": MarketQuote(inp.view.bid, inp.view.ask, inp.view.ts_ms)})
    return inp, RiskEngine.from_config(cfg.risk), ctx


def test_gate_off_passes_through_to_an_approved_decision() -> None:
    inp, engine, ctx = _setup()
    result = run_decision_pipeline(BaselineStrategy(), inp, engine, ctx)
    assert result.stages == (S.STRATEGY_PROPOSE, S.AIGATE_CALL, S.RISK_VERDICT)
    assert result.gate is not None and result.gate.result.reasons == (R.AIGATE_DISABLED,)
    assert result.verdict is not None and result.verdict.approved
    assert result.approved_decision == result.proposal.decision


def test_no_trade_stops_after_the_strategy() -> None:
    inp, engine, ctx = _setup(fee_bps=50)
    result = run_decision_pipeline(BaselineStrategy(), inp, engine, ctx)
    assert result.stages == (S.STRATEGY_PROPOSE,) and result.verdict is None
    assert result.proposal.reasons == (R.EDGE_BELOW_COSTS,) and result.approved_decision is None


def test_the_gate_callable_is_called_and_its_block_is_kept() -> None:
    inp, engine, ctx = _setup()
    seen: list[str] = []

    def gate(decision: Decision, view: MarketView) -> GateView:
        seen.append(view.symbol)
        result = AIGateResult(enabled=True, verdict=AIGateVerdict.BLOCK, reasons=(R.AIGATE_BLOCK,),
                              input_hash="a" * 64, snapshot_hash="b" * 64)
        return GatePassThrough(result=result, decision=decision, block=True, reasons=(R.AIGATE_BLOCK,))

    result = run_decision_pipeline(BaselineStrategy(), inp, engine, ctx, gate)
    assert seen == ["BTCUSDT"] and result.verdict is not None and not result.verdict.approved
    assert R.AIGATE_BLOCKED in result.verdict.reasons and result.approved_decision is None


def test_risk_blocks_in_degrade_what_the_strategy_proposed() -> None:
    inp, engine, ctx = _setup()
    degraded = make_risk_context(sys_mode=SysMode.DEGRADE, quotes=ctx.quotes)
    result = run_decision_pipeline(BaselineStrategy(), inp, engine, degraded)
    assert result.verdict is not None and result.verdict.reasons == (R.SYS_MODE_BLOCKS_ENTRY,)


def test_pipeline_is_deterministic() -> None:
    inp, engine, ctx = _setup()
    a = run_decision_pipeline(BaselineStrategy(), inp, engine, ctx)
    b = run_decision_pipeline(BaselineStrategy(), inp, engine, ctx)
    assert a == b


def test_bench_reports_every_figure() -> None:
    figures = bench_pipeline(symbols=200, events=4_000, decisions=20)
    assert set(figures) >= {"state_update_us", "pipeline_p50_us", "pipeline_p99_us", "sustained_events_per_s",
                            "rss_mb"}
    assert figures["decisions_reaching_risk"] == 20 and figures["sustained_events_per_s"] > 0
    assert D(str(figures["pipeline_p99_us"])) >= D(str(figures["pipeline_p50_us"]))
