"""STRATEGY_PROPOSE with the baseline strategy: valid contracts always, determinism, reasons."""
from __future__ import annotations

from decimal import Decimal as D

from hypothesis import event, given, settings
from hypothesis import strategies as st

from tests.support.builders import T0, make_filters, make_strategy_input, make_view
from trading.domain.catalog.reasons import ReasonCode
from trading.domain.config.model import TraderConfig
from trading.domain.contracts.decision import Decision, DecisionIntent, EntryOrderType
from trading.domain.contracts.quantize import check_order
from trading.domain.stages.strategy_propose import strategy_propose
from trading.domain.strategy import BaselineStrategy, OpenPosition
from trading.domain.strategy.registry import build_strategy
from trading.domain.strategy.sizing import SizingInput, size_entry

R = ReasonCode


def _cfg(fee_bps: int = 2, entry: str = "LIMIT", trailing: bool = True) -> TraderConfig:
    cfg = TraderConfig()
    execution = cfg.execution.model_copy(update={
        "entry_order_type": entry, "trailing": cfg.execution.trailing.model_copy(update={"enabled": trailing})})
    return cfg.model_copy(update={"risk": cfg.risk.model_copy(update={"fee_bps": fee_bps}), "execution": execution})


def test_proposes_a_quantized_entry_in_a_clean_uptrend() -> None:
    proposal = strategy_propose(BaselineStrategy(), make_strategy_input(config=_cfg()))
    d = proposal.decision
    assert d is not None and d.intent is DecisionIntent.ENTRY and d.strategy == "baseline"
    assert d.edge_bps >= 5 and R.SIGNAL_TREND_LONG in d.reason_codes
    assert d.entry_plan is not None and d.exit_plan is not None and d.exit_plan.trailing_delta_bps == 40
    assert d.exit_plan.stop_price < d.entry_plan.price < d.exit_plan.take_profit_price


def test_same_inputs_give_the_same_decision_id() -> None:
    a = strategy_propose(BaselineStrategy(), make_strategy_input(config=_cfg())).decision
    b = strategy_propose(BaselineStrategy(), make_strategy_input(config=_cfg())).decision
    assert a is not None and b is not None and a.decision_id == b.decision_id


def test_no_trade_when_edge_does_not_cover_the_costs() -> None:
    proposal = strategy_propose(BaselineStrategy(), make_strategy_input(config=_cfg(fee_bps=40)))
    assert proposal.decision is None and proposal.reasons == (R.EDGE_BELOW_COSTS,)


def test_no_trade_in_a_range_regime() -> None:
    proposal = strategy_propose(BaselineStrategy(), make_strategy_input(make_view(trend=0.1), config=_cfg()))
    assert proposal.reasons == (R.NO_SIGNAL,)


def test_no_trade_before_the_bars_exist() -> None:
    view = make_view()
    bare = type(view)(**{**{f: getattr(view, f) for f in view.__dataclass_fields__}, "bars": {}})
    assert strategy_propose(BaselineStrategy(), make_strategy_input(bare, config=_cfg())).reasons == \
        (R.WARMUP_INCOMPLETE,)


def test_no_trade_when_the_size_is_below_the_minimum_notional() -> None:
    proposal = strategy_propose(BaselineStrategy(), make_strategy_input(config=_cfg(), free="5", equity="5"))
    assert proposal.reasons == (R.NOTIONAL_BELOW_MINIMUM,)


def test_time_stop_exit_when_the_position_is_past_the_max_hold() -> None:
    cfg = _cfg()
    pos = OpenPosition("BTCUSDT", D("0.00123"), D("59000"), T0 - cfg.risk.max_hold_s * 1000 - 1)
    d = strategy_propose(BaselineStrategy(), make_strategy_input(config=cfg, position=pos)).decision
    assert d is not None and d.intent is DecisionIntent.EXIT and d.reason_codes == (R.TIME_STOP,)
    assert d.exit_plan is not None and d.exit_plan.close_qty == D("0.00123")


def test_unknown_param_is_reported_as_a_no_trade_not_a_crash() -> None:
    proposal = strategy_propose(BaselineStrategy(), make_strategy_input(config=_cfg(), params={"bogus": 1}))
    assert proposal.reasons == (R.SANITY_CHECK_FAILED,) and "bogus" in (proposal.no_trade.detail if proposal.no_trade else "")


def test_registry_builds_the_configured_strategy() -> None:
    assert build_strategy(TraderConfig().strategy).name == "baseline"


def test_no_trade_band_skips_a_small_resize() -> None:
    s = SizingInput(D(10_000), D(10_000), D(100), D(99), D("0.5"), D(5000), D(4900), D(5), 10, D("0.1"))
    assert getattr(size_entry(s), "reasons", None) == (R.SIZE_IN_NO_TRADE_BAND,)


_TICKS = ["0.00000001", "0.0001", "0.01", "0.1", "1"]
_STEPS = ["0.00000001", "0.001", "0.1", "1"]


@settings(max_examples=200, deadline=None)
@given(tick=st.sampled_from(_TICKS), step=st.sampled_from(_STEPS), units=st.integers(50, 10**7),
       spread_ticks=st.integers(1, 5), min_notional=st.sampled_from(["1", "5", "10", "100"]),
       trend=st.floats(0.28, 1.0), momentum=st.floats(-2, 80), vwap=st.floats(-2, 85),
       atr_range=st.floats(0.001, 0.05), equity=st.integers(1, 200_000), free_pct=st.integers(0, 100),
       fee=st.integers(0, 6), entry=st.sampled_from(["LIMIT", "MARKET"]), trailing=st.booleans())
def test_every_proposed_decision_is_a_valid_contract_on_its_filters(
        tick: str, step: str, units: int, spread_ticks: int, min_notional: str, trend: float, momentum: float,
        vwap: float, atr_range: float, equity: int, free_pct: int, fee: int, entry: str, trailing: bool) -> None:
    filters = make_filters(tick=tick, step=step, min_qty=step, min_notional=min_notional, max_notional=None,
                           max_price=D("10000000"))
    bid = D(tick) * units
    view = make_view(bid=str(bid), ask=str(bid + D(tick) * spread_ticks), trend=trend, momentum_bps=momentum,
                     vwap_bps=vwap, atr_range=atr_range, spread_bps=1)
    cfg = _cfg(fee, entry, trailing)
    inp = make_strategy_input(view, filters, cfg, equity=str(equity), free=str(D(equity) * free_pct / 100))
    proposal = strategy_propose(BaselineStrategy(), inp)
    assert proposal.reasons and all(isinstance(r, ReasonCode) for r in proposal.reasons)
    d = proposal.decision
    event("decision" if d is not None else f"no trade: {proposal.reasons[0]}")
    if d is None:
        assert proposal.no_trade is not None
        return
    assert Decision.from_dict(d.to_dict()) == d
    assert d.entry_plan is not None and d.exit_plan is not None
    market = d.entry_plan.order_type is EntryOrderType.MARKET
    assert check_order(d.entry_plan.price, d.entry_plan.qty, filters, market=market) == []
    for leg in (d.exit_plan.stop_limit_price, d.exit_plan.take_profit_price):
        assert check_order(leg, d.entry_plan.qty, filters) == []
    assert d.entry_plan.notional <= inp.free_quote and d.entry_plan.notional <= cfg.risk.max_exposure_symbol_quote
    assert d.edge_bps >= cfg.risk.min_edge_bps_after_costs
    assert strategy_propose(BaselineStrategy(), inp).decision == d  # deterministic
