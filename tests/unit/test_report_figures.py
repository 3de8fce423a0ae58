"""Daily/backtest report figures: hand-computed values for a small fixed day."""
from __future__ import annotations

import random
from decimal import Decimal as D

from trading.report.figures import CURVE_POINTS_MAX, build_report
from trading.report.records import GateOutcome, ReportInputs, TradeRecord


def trade(symbol: str, entry_ts: int, exit_ts: int, qty: str, entry: str, exit_: str, fees: str,
          reason: str, **kw: object) -> TradeRecord:
    gross = (D(exit_) - D(entry)) * D(qty)
    return TradeRecord(symbol, entry_ts, exit_ts, D(qty), D(entry), D(exit_), D(fees), gross, gross - D(fees),
                       reason, **kw)  # type: ignore[arg-type]


A = trade("BTCUSDT", 1_000, 5_000, "1", "100", "110", "0.5", "TAKE_PROFIT_HIT", decision_id="a")
B = trade("ETHUSDT", 3_000, 8_000, "2", "50", "45", "0.3", "STOP_LOSS_HIT", decision_id="b")
C = trade("BTCUSDT", 9_000, 12_000, "1", "100", "103", "0.4", "STRATEGY_EXIT", decision_id="c")


def day(*trades: TradeRecord, **kw: object) -> ReportInputs:
    return ReportInputs(0, 100_000, D(1000), trades, **kw)  # type: ignore[arg-type]


def test_totals_win_rate_and_profit_factor_match_hand_computed_values() -> None:
    f = build_report(day(A, B, C)).figures
    assert (f["trades"], f["wins"], f["losses"]) == (3, 2, 1)
    assert f["win_rate_bps"] == 6667  # 2/3
    assert (f["gross_pnl_quote"], f["fees_quote"], f["net_pnl_quote"]) == ("3", "1.2", "1.8")
    assert f["profit_factor"] == "1.1748"  # (9.5 + 2.6) / 10.3
    assert f["final_equity_quote"] == "1001.8"


def test_profit_factor_is_null_without_a_loss() -> None:
    f = build_report(day(A, C)).figures
    assert f["profit_factor"] is None
    assert f["losses"] == 0 and f["win_rate_bps"] == 10000


def test_max_drawdown_is_peak_to_trough_of_the_equity_curve() -> None:
    f = build_report(day(A, B, C)).figures
    # curve 1000 -> 1009.5 -> 999.2 -> 1001.8: fall 10.3 from the 1009.5 peak
    assert f["max_drawdown_quote"] == "10.3"
    assert f["max_drawdown_bps"] == 102  # 10.3 / 1009.5 = 102.03 bps
    assert f["equity_curve"] == [[0, "1000"], [5000, "1009.5"], [8000, "999.2"], [12000, "1001.8"]]


def test_a_given_equity_curve_is_used_instead_of_the_trades() -> None:
    curve = ((0, D(1000)), (10, D(1200)), (20, D(900)), (30, D(1300)), (40, D(1250)))
    f = build_report(ReportInputs(0, 100, D(1000), (A,), equity_curve=curve)).figures
    assert f["max_drawdown_quote"] == "300"
    assert f["max_drawdown_bps"] == 2500  # 300 / 1200
    assert f["final_equity_quote"] == "1250"


def test_exposure_counts_overlapping_holds_once_and_clips_to_the_period() -> None:
    f = build_report(day(A, B, C)).figures
    assert f["exposure_ms"] == 7_000 + 3_000  # [1000, 8000] and [9000, 12000]
    assert f["exposure_pct_bps"] == 1000
    early = trade("BTCUSDT", -5_000, 2_000, "1", "100", "101", "0", "STRATEGY_EXIT")
    assert build_report(day(early)).figures["exposure_ms"] == 2_000


def test_per_symbol_rows_are_sorted_and_add_up() -> None:
    rows = build_report(day(C, B, A)).figures["per_symbol"]
    assert [r["symbol"] for r in rows] == ["BTCUSDT", "ETHUSDT"]
    btc, eth = rows
    assert (btc["trades"], btc["wins"], btc["net_pnl_quote"], btc["fees_quote"], btc["exposure_ms"]) == \
        (2, 2, "12.1", "0.9", 7_000)
    assert btc["profit_factor"] is None
    assert (eth["trades"], eth["losses"], eth["net_pnl_quote"], eth["profit_factor"]) == (1, 1, "-10.3", "0")


def test_gate_counts_verdicts_and_the_outcomes_of_overridden_decisions() -> None:
    gate = (GateOutcome("ALLOW", "d1", "BTCUSDT"), GateOutcome("APPROVE", "d2", "BTCUSDT"),
            GateOutcome("BLOCK", "d3", "ETHUSDT", -30), GateOutcome("BLOCK", "d4", "ETHUSDT", None),
            GateOutcome("MODIFY", "d5", "BTCUSDT", 40))
    g = build_report(day(A, gate_verdicts=gate)).figures["gate"]
    assert list(g["verdicts"].items()) == [("ALLOW", 2), ("BLOCK", 2), ("ERROR", 0), ("MODIFY", 1)]
    assert (g["overridden"], g["outcome_known"], g["outcome_unknown"]) == (3, 2, 1)
    assert (g["would_have_won"], g["would_have_lost"], g["hypothetical_net_pnl_bps_sum"]) == (1, 1, 10)
    assert [o["decision_id"] for o in g["outcomes"]] == ["d3", "d4", "d5"]


def test_risk_blocks_and_alerts_are_sorted_counts_with_totals() -> None:
    f = build_report(day(risk_blocks={"SPREAD_TOO_WIDE": 2, "DAILY_LOSS_LIMIT_REACHED": 1},
                         alerts={"WS_DISCONNECTED": 3})).figures
    assert list(f["risk_blocks"].items()) == [("DAILY_LOSS_LIMIT_REACHED", 1), ("SPREAD_TOO_WIDE", 2)]
    assert (f["risk_blocks_total"], f["alerts_total"]) == (3, 3)


def test_swap_uncovered_max_and_nearest_rank_p99() -> None:
    f = build_report(day(swap_uncovered_ms=tuple(range(100, 0, -1)))).figures
    assert (f["swaps"], f["swap_uncovered_max_ms"], f["swap_uncovered_p99_ms"]) == (100, 100, 99)
    f = build_report(day(swap_uncovered_ms=(5, 50, 7))).figures
    assert (f["swap_uncovered_max_ms"], f["swap_uncovered_p99_ms"], f["swap_uncovered_total_ms"]) == (50, 50, 62)
    f = build_report(day()).figures
    assert (f["swaps"], f["swap_uncovered_max_ms"], f["swap_uncovered_p99_ms"]) == (0, None, None)


def test_empty_day_gives_zeros_not_errors() -> None:
    f = build_report(day()).figures
    assert (f["trades"], f["win_rate_bps"], f["max_drawdown_bps"], f["exposure_ms"]) == (0, 0, 0, 0)
    assert f["profit_factor"] is None and f["final_equity_quote"] == "1000"


def test_one_label_per_trade_in_exit_order() -> None:
    f = build_report(day(C, A, B)).figures
    assert [(r["decision_id"], r["label"]) for r in f["trade_labels"]] == \
        [("a", "GOOD_EXIT"), ("b", "STOPPED_OUT"), ("c", "GOOD_EXIT")]
    assert f["label_counts"] == {"GOOD_EXIT": 2, "STOPPED_OUT": 1}


def test_identical_inputs_give_byte_identical_json_whatever_the_trade_order() -> None:
    trades = [A, B, C]
    first = build_report(day(*trades, swap_uncovered_ms=(3, 1, 2))).to_json_bytes()
    random.Random(7).shuffle(trades)
    second = build_report(day(*trades, swap_uncovered_ms=(2, 3, 1))).to_json_bytes()
    assert first == second
    assert b'"net_pnl_quote":"1.8"' in first


def test_long_curves_are_thinned_for_charts_but_drawdown_uses_every_point() -> None:
    curve = [(i, D(1000 + i)) for i in range(5000)]
    curve[2500] = (2500, D(1))  # one deep dip in the middle
    f = build_report(ReportInputs(0, 5000, D(1000), (), equity_curve=tuple(curve))).figures
    assert len(f["equity_curve"]) <= CURVE_POINTS_MAX
    assert f["equity_curve"][0] == [0, "1000"] and f["equity_curve"][-1] == [4999, "5999"]
    assert [2500, "1"] in f["equity_curve"]
    assert f["max_drawdown_quote"] == "3498"  # peak 3499 at i=2499


def test_drawdown_bps_is_the_worst_ratio_even_when_another_fall_is_larger_in_quote() -> None:
    curve = ((0, D(100)), (1, D(50)), (2, D(1000)), (3, D(900)), (4, D(950)))
    f = build_report(ReportInputs(0, 10, D(100), (), equity_curve=curve)).figures
    assert (f["max_drawdown_quote"], f["max_drawdown_bps"]) == ("100", 5000)
