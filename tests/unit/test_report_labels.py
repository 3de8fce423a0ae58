"""Post-trade ("blunder") labels and the replay of blocked decisions on recorded prices."""
from __future__ import annotations

from decimal import Decimal as D

import pytest

from trading.report.hypothetical import PlanSketch, excursions_bps, hypothetical_net_bps
from trading.report.labels import TradeLabel, label_trade
from trading.report.records import TradeRecord


def trade(entry: str, exit_: str, fees: str = "0.1", reason: str = "STRATEGY_EXIT", **kw: object) -> TradeRecord:
    gross = D(exit_) - D(entry)
    return TradeRecord("BTCUSDT", 0, 1000, D(1), D(entry), D(exit_), D(fees), gross, gross - D(fees), reason,
                       **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(("t", "label"), [
    (trade("100", "103", reason="TAKE_PROFIT_HIT"), TradeLabel.GOOD_EXIT),
    (trade("100", "103", mfe_bps=400), TradeLabel.GOOD_EXIT),  # kept 300 of 400
    (trade("100", "100.3", mfe_bps=200), TradeLabel.LATE_EXIT),  # kept 30 of 200
    (trade("100", "99", mfe_bps=80), TradeLabel.LATE_EXIT),  # was +80 bps, closed at a loss
    (trade("100", "100.6", post_exit_mfe_bps=120), TradeLabel.EARLY_EXIT),  # took 60, 120 more followed
    (trade("100", "100.6", post_exit_mfe_bps=40), TradeLabel.GOOD_EXIT),  # what followed is noise
    (trade("100", "100.05", fees="0.1"), TradeLabel.FEES_EXCEEDED_EDGE),
    (trade("100", "98", reason="STOP_LOSS_HIT"), TradeLabel.STOPPED_OUT),
    (trade("100", "98", reason="STOP_LOSS_HIT", mfe_bps=5), TradeLabel.STOPPED_OUT),
    (trade("100", "99", mfe_bps=5), TradeLabel.BAD_ENTRY),  # never went our way
    (trade("100", "99", reason="TIME_STOP"), TradeLabel.LOSS_CUT),  # no path data
])
def test_each_closed_trade_gets_the_label_of_what_went_wrong_or_right(t: TradeRecord, label: TradeLabel) -> None:
    assert label_trade(t).label is label


def test_labelled_trade_carries_captured_and_net_bps() -> None:
    lt = label_trade(trade("100", "101", fees="0.2"))
    assert (lt.captured_bps, lt.net_pnl_bps) == (100, 80)


PLAN = PlanSketch(entry_price=D(100), take_profit_price=D(102), stop_price=D(99), costs_bps=10)


def test_blocked_plan_that_reaches_its_take_profit_would_have_won_tp_minus_costs() -> None:
    path = [(5, D("101")), (10, D("100.5")), (20, D("102.5")), (30, D("98"))]
    assert hypothetical_net_bps(PLAN, 7, path, horizon_ms=1_000) == 200 - 10


def test_blocked_plan_that_hits_its_stop_first_would_have_lost() -> None:
    path = [(10, D("98.9")), (20, D("103"))]
    assert hypothetical_net_bps(PLAN, 0, path, horizon_ms=1_000) == -100 - 10


def test_without_a_hit_the_last_price_in_the_horizon_closes_it() -> None:
    path = [(10, D("101")), (500, D("100.4")), (2_000, D("103"))]
    assert hypothetical_net_bps(PLAN, 0, path, horizon_ms=1_000) == 40 - 10
    timed = PlanSketch(D(100), D(102), D(99), costs_bps=10, time_stop_ms=100)
    assert hypothetical_net_bps(timed, 0, path, horizon_ms=1_000) == 100 - 10


def test_no_recorded_price_after_the_decision_means_unknown_not_zero() -> None:
    assert hypothetical_net_bps(PLAN, 100, [(50, D(103)), (100, D(103))], horizon_ms=1_000) is None
    assert hypothetical_net_bps(PLAN, 100, [], horizon_ms=1_000) is None


def test_excursions_use_only_prices_strictly_inside_the_hold() -> None:
    path = [(0, D(90)), (10, D(101)), (20, D("99.5")), (30, D(120))]
    assert excursions_bps(D(100), 0, 30, path) == (100, 50)
    assert excursions_bps(D(100), 0, 10, path) == (None, None)
