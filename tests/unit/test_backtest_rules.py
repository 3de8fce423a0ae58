"""The reference rules of reference-backtest.md through the backtest engine, on hand-made candles.

The engine runs the real strategy, risk engine and the simulator's matching; these series are
small enough that every fill price and fee can be written down.
"""
from __future__ import annotations

from array import array
from decimal import Decimal

import pytest

from trading.backtest.data import Series
from trading.backtest.engine import Backtest, BacktestResult
from trading.backtest.profile import backtest_config
from trading.backtest.reference import reference_loop

T0 = 1_700_000_040_000  # a minute boundary
FAST_PARAMS = {"fast": 2, "slow": 4, "warmup_bars": 3}


def make_series(rows: list[tuple[float, float, float, float]]) -> Series:
    """Candles from (open, high, low, close) rows, one minute apart."""
    cols = list(zip(*rows))
    return Series("BTCUSDT", "test", "t" * 64, array("q", [T0 + i * 60_000 for i in range(len(rows))]),
                  array("d", cols[0]), array("d", cols[1]), array("d", cols[2]), array("d", cols[3]),
                  array("d", [10.0] * len(rows)))


def flat(price: float) -> tuple[float, float, float, float]:
    return (price, price, price, price)


# Five flat candles, then a rise: the fast EMA crosses above the slow one at index 5 (close 30,100).
BASE = [flat(30_000.0)] * 5 + [(30_000.0, 30_100.0, 30_000.0, 30_100.0), flat(30_100.0)]


def run(rows: list[tuple[float, float, float, float]], start: str = "10000", **params: int) -> BacktestResult:
    config = backtest_config("ema_cross", {**FAST_PARAMS, **params})
    return Backtest(make_series(rows), config, start_quote=Decimal(start)).run()


def test_cross_up_after_warmup_buys_95_percent_at_the_close() -> None:
    r = run(BASE)
    assert len(r.trades) == 1  # closed at the last close: still open at the end
    t = r.trades[0]
    assert t.entry_price == Decimal("30100")
    assert t.qty == Decimal("0.31561")  # floor(9500 / 30100) on the 0.00001 step
    assert t.entry_ts_ms == T0 + 5 * 60_000 + 59_999  # decided and filled at candle 5's close
    assert t.exit_reason == "ENTER_EXIT"


@pytest.mark.parametrize(("warmup", "trades"), [(5, 1), (6, 0), (240, 0)])
def test_no_trade_inside_the_warmup(warmup: int, trades: int) -> None:
    # The cross is at index 5, i.e. the 6th bar: it trades only when bars_seen (6) > warmup_bars.
    r = run(BASE, warmup_bars=warmup)
    assert len(r.trades) == trades
    assert reference_loop(make_series(BASE), fast=2, slow=4, warmup=warmup).trades == trades


def test_cross_down_exits_at_the_close() -> None:
    r = run(BASE + [(30_100.0, 30_100.0, 29_600.0, 29_600.0), flat(29_600.0)])
    assert [t.exit_reason for t in r.trades] == ["SIGNAL_EMA_CROSS_DOWN"]
    assert r.trades[0].exit_price == Decimal("29600")


def test_stop_is_looked_at_first_when_the_candle_reaches_both_legs() -> None:
    # stop = 30100 * 0.98 = 29,498.00, target = 30100 * 1.03 = 31,003.00; this candle spans both.
    r = run(BASE + [(30_100.0, 31_100.0, 29_400.0, 30_100.0)])
    assert [(t.exit_reason, t.exit_price) for t in r.trades] == [("STOP_LOSS_HIT", Decimal("29498"))]


def test_target_fills_at_its_price_inside_the_candle() -> None:
    r = run(BASE + [(30_100.0, 31_100.0, 30_050.0, 30_200.0)])
    assert [(t.exit_reason, t.exit_price) for t in r.trades] == [("TAKE_PROFIT_HIT", Decimal("31003"))]


@pytest.mark.parametrize(("candle", "reason", "price"), [
    ((29_000.0, 29_100.0, 28_900.0, 29_050.0), "STOP_LOSS_HIT", Decimal("29000")),  # opened below the stop
    ((31_500.0, 31_600.0, 31_400.0, 31_500.0), "TAKE_PROFIT_HIT", Decimal("31500")),  # opened above the target
])
def test_a_gap_through_a_leg_fills_at_the_open(candle: tuple[float, float, float, float], reason: str,
                                               price: Decimal) -> None:
    r = run(BASE + [candle])
    assert [(t.exit_reason, t.exit_price) for t in r.trades] == [(reason, price)]
    assert r.trades[0].exit_ts_ms == T0 + 7 * 60_000  # at the candle's open


def test_fees_are_a_tenth_of_a_percent_of_what_each_side_receives() -> None:
    r = run(BASE + [(30_100.0, 31_100.0, 29_400.0, 30_100.0)])
    qty, entry, stop = Decimal("0.31561"), Decimal("30100"), Decimal("29498")
    base_fee = qty * Decimal("0.001")  # the buy receives BTC: its fee is BTC
    sold = Decimal("0.31529")  # (qty - base_fee) floored to the step: the OCO's quantity
    quote_fee = sold * stop * Decimal("0.001")  # the sell receives USDT
    assert r.final_quote == Decimal(10_000) - qty * entry + sold * stop - quote_fee
    assert r.final_base == qty - base_fee - sold  # dust below one step stays
    t = r.trades[0]
    assert t.fees_quote == (base_fee * entry + quote_fee).quantize(Decimal("1e-8"))
    assert t.net_pnl_quote == t.gross_pnl_quote - t.fees_quote


@pytest.mark.parametrize(("start", "entered"), [("5.2", False), ("6", True)])
def test_no_entry_below_the_5_usdt_notional(start: str, entered: bool) -> None:
    r = run(BASE, start=start)
    assert bool(r.trades) is entered
    assert r.unaffordable_signals == (0 if entered else 1)
    assert reference_loop(make_series(BASE), fast=2, slow=4, warmup=3, start_quote=float(start)).trades == int(entered)


def test_every_order_and_fill_is_audited_once() -> None:
    r = run(BASE + [(30_100.0, 31_100.0, 29_400.0, 30_100.0)])
    counts = r.audit.counts
    # entry decision + verdict; entry order, OCO; fills: the buy and the stop leg
    assert counts["DECISION_PROPOSED"] == 1 and counts["RISK_VERDICT"] == 1
    assert counts["ORDER_SUBMIT"] == 2 and counts["FILL"] == 2
    kinds = [rec[3].get("kind") for rec in r.audit.records if rec[1] == "ORDER_SUBMIT"]
    assert [k.value for k in kinds] == ["ENTRY", "PROTECTION_OCO"]


def test_a_strategy_without_a_trigger_is_asked_at_every_candle() -> None:
    from trading.backtest.data import real_series
    series = real_series().slice(0, 400)
    r = Backtest(series, backtest_config("baseline")).run()
    assert r.decisions == len(series) - 1  # candles 1..n-1, each through the whole pipeline
    assert sum(r.no_trades.values()) >= r.decisions - 2 * len(r.trades)


def test_the_audit_trail_is_the_same_bytes_on_a_rerun() -> None:
    rows = BASE + [(30_100.0, 31_100.0, 30_050.0, 30_200.0)]
    a, b = run(rows), run(rows)
    assert a.audit.lines() == b.audit.lines() and len(a.audit.lines()) > 5
    fills = [rec for rec in a.audit.records if rec[1] == "FILL"]
    assert [(f[3]["side"].value, f[3]["price"], f[3]["commission_asset"]) for f in fills] == [
        ("BUY", Decimal("30100.00"), "BTC"), ("SELL", Decimal("31003.00"), "USDT")]


def test_the_strategy_refuses_an_entry_the_lot_step_rounds_below_5_usdt() -> None:
    # 95 % of 5.27 = 5.0065 USDT passes the engine's pre-check, but 0.00016 BTC (the step floor) at
    # 30,100 is 4.82 USDT: the strategy's own plan is refused by the NOTIONAL filter.
    r = run(BASE, start="5.27")
    assert r.trades == [] and r.unaffordable_signals == 0
    assert r.decisions == 1 and r.no_trades == {"NOTIONAL_BELOW_MINIMUM": 1}
