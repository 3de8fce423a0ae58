"""The reference EMA-cross strategy (reference-backtest.md) on hand-made series."""
from __future__ import annotations

from decimal import Decimal as D

from tests.support.builders import T0, make_strategy_input, make_view, synthetic_closes
from trading.domain.catalog.reasons import ReasonCode
from trading.domain.config.model import TraderConfig
from trading.domain.contracts.decision import DecisionIntent, EntryOrderType
from trading.domain.stages.strategy_propose import strategy_propose
from trading.domain.strategy import Cross, EmaCrossStrategy, OpenPosition, ema_cross
from trading.domain.strategy.registry import build_strategy

R = ReasonCode
FLAT = [100.0] * 300


def _input(closes: list[float], seen: int | None = None, position: OpenPosition | None = None):  # type: ignore[no-untyped-def]
    last = D(repr(closes[-1]))
    view = make_view(bid=str(last), ask=str(last + D("0.01")), closes_1m=closes,
                     bars_seen={"1m": len(closes) if seen is None else seen})
    return make_strategy_input(view, position=position)


def test_cross_up_when_the_fast_ema_overtakes_the_slow_one() -> None:
    assert ema_cross([*FLAT, 101.0]) is Cross.UP
    assert ema_cross([*FLAT, 101.0, 102.0]) is None  # already above: no new cross
    assert ema_cross([*FLAT, 99.0]) is Cross.DOWN
    assert ema_cross(FLAT) is None


def test_cross_down_after_a_rise_and_a_fall() -> None:
    rise = [*FLAT, *[100.0 + i for i in range(1, 11)]]
    series = list(rise)
    crosses = []
    for price in [109.0 - 2 * i for i in range(10)]:
        series.append(price)
        crosses.append(ema_cross(series))
    assert Cross.DOWN in crosses and Cross.UP not in crosses


def test_entry_on_cross_up_buys_95_pct_at_the_close_with_2_pct_stop_and_3_pct_target() -> None:
    d = strategy_propose(EmaCrossStrategy(), _input([*FLAT, 101.0])).decision
    assert d is not None and d.intent is DecisionIntent.ENTRY and d.reason_codes == (R.SIGNAL_EMA_CROSS_UP,)
    assert d.entry_plan is not None and d.entry_plan.order_type is EntryOrderType.MARKET
    assert d.entry_plan.price == D("101.00") and d.entry_plan.qty == D("94.05940")  # 9,500 / 101 on the step
    assert d.exit_plan is not None and d.exit_plan.stop_price == D("98.98") and d.exit_plan.take_profit_price == D("104.03")


def test_no_trade_during_the_first_240_candles() -> None:
    proposal = strategy_propose(EmaCrossStrategy(), _input([*FLAT[:239], 101.0], seen=240))
    assert proposal.reasons == (R.WARMUP_INCOMPLETE,)


def test_exit_on_cross_down_while_in_position() -> None:
    pos = OpenPosition("BTCUSDT", D("94.0594"), D("101"), T0 - 3_600_000)
    d = strategy_propose(EmaCrossStrategy(), _input([*FLAT, 99.0], position=pos)).decision
    assert d is not None and d.intent is DecisionIntent.EXIT and d.reason_codes == (R.SIGNAL_EMA_CROSS_DOWN,)
    assert d.exit_plan is not None and d.exit_plan.close_qty == D("94.05940")


def test_no_entry_below_the_minimum_notional() -> None:
    inp = _input([*FLAT, 101.0])
    poor = make_strategy_input(inp.view, free="4")
    assert strategy_propose(EmaCrossStrategy(), poor).reasons == (R.NOTIONAL_BELOW_MINIMUM,)


def test_bounded_ring_gives_the_same_crosses_as_the_full_history() -> None:
    closes = synthetic_closes(1_500, 29_503.59, vol_bps=6.5, seed=42)
    alpha_f, alpha_s = 2 / 13, 2 / 27
    fast = slow = closes[0]
    for i in range(1, len(closes)):
        pf, ps = fast, slow
        fast += alpha_f * (closes[i] - fast)
        slow += alpha_s * (closes[i] - slow)
        full = Cross.UP if pf <= ps and fast > slow else Cross.DOWN if pf >= ps and fast < slow else None
        if i >= 600:
            assert ema_cross(closes[i - 499: i + 1]) is full


def test_registry_knows_the_reference_strategy() -> None:
    cfg = TraderConfig().strategy.model_copy(update={"name": "ema_cross"})
    assert build_strategy(cfg).name == "ema_cross"
