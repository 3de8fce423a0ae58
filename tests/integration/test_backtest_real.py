"""The reference EMA-cross backtest on the real BTCUSDT 1m series, and the proof of no look-ahead."""
from __future__ import annotations

from array import array
from decimal import Decimal

import pytest

from trading.backtest.data import Series, real_series
from trading.backtest.engine import Backtest, BacktestResult
from trading.backtest.profile import backtest_config
from trading.backtest.reference import reference_loop
from trading.domain.strategy.ema_cross import Cross, ema_cross


@pytest.fixture(scope="module")
def real() -> Series:
    return real_series()


RUN_ID = "bt-lookahead"  # one run id for every run here, so decision ids compare content only


@pytest.fixture(scope="module")
def full(real: Series) -> BacktestResult:
    return Backtest(real, backtest_config(), run_id=RUN_ID).run()


def entries(result: BacktestResult, before: int | None = None) -> list[tuple[int, str, str]]:
    return [d for d in result.decision_log if before is None or d[0] < before]


def test_594_trades_and_the_peers_final_balance(full: BacktestResult) -> None:
    assert abs(len(full.trades) - 594) <= 6  # 594 +- 1 %
    assert Decimal("3130") <= full.final_quote <= Decimal("3150")  # peers: 3,138.29 .. 3,140.27
    assert full.trigger_mismatches == 0 and not full.risk_blocks and not full.alerts and full.stuck_positions == 0


def test_entries_are_the_reference_loops_candles(real: Series, full: BacktestResult) -> None:
    ref = reference_loop(real)
    assert ref.trades == 594 and round(ref.final_quote, 2) == 3138.29  # the plain loop of the doc
    assert [i for i, intent, _ in full.decision_log if intent == "ENTRY"] == list(ref.entries)


def test_a_decision_at_t_reads_no_candle_after_t(real: Series, full: BacktestResult) -> None:
    cut = 16_000
    run_id = RUN_ID
    truncated = Backtest(real.slice(0, cut), backtest_config(), run_id=run_id).run()
    # Poison everything after the cut: the future jumps 50 % and its wicks go wild.
    n = len(real)

    def poison(col: array, factor: float) -> array:
        return array("d", list(col[:cut]) + [x * factor for x in col[cut:]])

    poisoned_series = Series(real.symbol, "poisoned", "p" * 64, real.open_time, poison(real.open, 1.5),
                             poison(real.high, 1.6), poison(real.low, 1.2), poison(real.close, 1.5), real.volume)
    poisoned = Backtest(poisoned_series, backtest_config(), run_id=run_id).run()
    assert len(entries(poisoned)) != len(entries(full)) or poisoned.trades != full.trades  # the future differs
    base = entries(full, before=cut)
    assert len(base) > 500
    # Same decisions (ids hash the whole decision: prices, quantities, plans) up to the cut, whatever follows.
    assert entries(truncated, before=cut) == base
    assert entries(poisoned, before=cut) == base
    closed_before = [t for t in full.trades if t.exit_ts_ms < real.open_time[cut]]
    assert truncated.trades[: len(closed_before)] == closed_before
    assert poisoned.trades[: len(closed_before)] == closed_before
    assert n > cut


def test_the_trigger_agrees_with_the_strategys_own_cross(real: Series) -> None:
    """The engine asks the strategy only when its incremental EMAs cross; the strategy recomputes the
    cross on its 500-bar window. Show the two never disagree on this series."""
    closes = real.close
    af, aslow = 2 / 13, 2 / 27
    fast = slow = closes[0]
    full_cross: list[Cross | None] = [None]
    gaps: list[float] = [0.0]
    for c in closes[1:]:
        pf, ps = fast, slow
        fast += af * (c - fast)
        slow += aslow * (c - slow)
        full_cross.append(Cross.UP if pf <= ps and fast > slow else Cross.DOWN if pf >= ps and fast < slow else None)
        gaps.append(min(abs(fast - slow), abs(pf - ps)))
    # Where the full-history EMAs are far from equal, float noise cannot flip the sign: the window's
    # EMAs differ from them by far less than the gap. Measure that difference on a sample...
    worst = 0.0
    for i in range(600, len(closes), 97):
        w = closes[i - 499: i + 1]
        f = s = w[0]
        for c in w[1:]:
            f += af * (c - f)
            s += aslow * (c - s)
        fast = slow = closes[0]
        for c in closes[1: i + 1]:
            fast += af * (c - fast)
            slow += aslow * (c - slow)
        worst = max(worst, abs((f - s) - (fast - slow)))
    assert worst < 1e-6
    # ...and check every candle near a cross, and every cross, with the strategy's own function.
    near = [i for i in range(240, len(closes)) if full_cross[i] is not None or gaps[i] < 1e-3]
    assert len(near) > 1000
    for i in near:
        assert ema_cross(closes[max(0, i - 499): i + 1]) == full_cross[i], i
