"""Run a backtest (or a walk-forward pair) and turn it into the daily report's figures and files.

Files of one run in `out`: `report.json` (the report's canonical RFC 8785 JSON), `report.html`,
`summary.json` (what ran on which data, and the run's own counters; canonical too) and
`audit.jsonl`. Nothing in them depends on the clock or the machine: the same data, config and
seed give byte-identical files. Timings go to the console only.
"""
from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from trading.backtest.data import Series
from trading.backtest.engine import Backtest, BacktestResult
from trading.backtest.reference import reference_loop
from trading.domain.config.model import TraderConfig
from trading.domain.contracts.canonical import canonical_json, dec_str
from trading.domain.strategy.ema_cross import EmaCrossParams
from trading.domain.strategy.params import read_params
from trading.report.figures import Report, build_report
from trading.report.html import render_html
from trading.report.records import ReportInputs, TradeRecord

POST_EXIT_WINDOW = 60  # candles after an exit looked at for the EARLY_EXIT label (one hour of 1m)
NOTES = (
    "Backtest: the live strategy, risk engine, intents and position arithmetic; orders matched by the "
    "simulator's engine in process under a simulated clock.",
    "Fills: market orders at the candle's close; the protection legs (take profit above, stop below) fill at "
    "their price, or at the open when the candle gapped through; the stop is looked at first.",
    "Fees as Binance charges them: 0.1 % of the asset received (BTC on a buy, USDT on a sell).",
)


@dataclass(frozen=True)
class RunOutput:
    """One run's result, its report and the summary written next to it."""

    name: str
    result: BacktestResult
    report: Report
    summary: dict[str, Any]


def with_post_exit(trades: list[TradeRecord], series: Series, window: int = POST_EXIT_WINDOW) -> list[TradeRecord]:
    """Return the trades with `post_exit_mfe_bps`: the best high within `window` candles after each
    exit, in bps of the exit price. Post-trade analysis only: no decision reads it."""
    out = []
    times, highs = series.open_time, series.high
    for t in trades:
        k = bisect.bisect_right(times, t.exit_ts_ms)  # first candle opening after the exit
        after = highs[k:k + window]
        if not after or t.exit_price <= 0:
            out.append(t)
            continue
        best = Decimal(repr(max(after)))
        bps = int(((best - t.exit_price) * 10_000 / t.exit_price).to_integral_value())
        out.append(replace(t, post_exit_mfe_bps=max(bps, 0)))
    return out


def report_of(result: BacktestResult) -> Report:
    """Return the report figures of a run (the daily report's builder, fed by the backtest)."""
    s = result.series
    inputs = ReportInputs(
        period_start_ms=s.open_time[0], period_end_ms=s.open_time[-1] + s.interval_ms,
        start_equity_quote=result.start_quote, trades=tuple(with_post_exit(result.trades, s)),
        risk_blocks=dict(result.risk_blocks), alerts=dict(result.alerts), notes=NOTES)
    return build_report(inputs)


def summary_of(name: str, result: BacktestResult, config: TraderConfig, seed: int) -> dict[str, Any]:
    """Return the run's own figures (JSON-ready, no floats) next to the report's."""
    s = result.series
    return {
        "name": name,
        "run_id": result.run_id,
        "data": {"source": s.source, "digest": s.digest, "symbol": s.symbol, "candles": len(s),
                 "first_open_ms": s.open_time[0], "last_open_ms": s.open_time[-1]},
        "seed": seed,
        "strategy": {"name": config.strategy.name, "version": config.strategy.version,
                     "params": dict(config.strategy.params)},
        "config_hash": config.config_hash,
        "trades": len(result.trades),
        "start_quote": dec_str(result.start_quote),
        "final_quote": dec_str(result.final_quote),
        "final_base": dec_str(result.final_base),
        "final_equity_quote": dec_str(result.final_equity.quantize(Decimal("1e-8"))),
        "decisions": result.decisions,
        "no_trades": dict(sorted(result.no_trades.items())),
        "risk_blocks": dict(sorted(result.risk_blocks.items())),
        "alerts": dict(sorted(result.alerts.items())),
        "unaffordable_signals": result.unaffordable_signals,
        "trigger_mismatches": result.trigger_mismatches,
        "stuck_positions": result.stuck_positions,
        "unfilled_entries": result.unfilled_entries,
        "audit_events": dict(sorted(result.audit.counts.items())),
        "exit_reasons": _count(t.exit_reason for t in result.trades),
        "reference_loop": _reference(result, config),
    }


def _reference(result: BacktestResult, config: TraderConfig) -> dict[str, Any] | None:
    """The bare float arithmetic of reference-backtest.md on the same candles (EMA-cross only)."""
    if config.strategy.name != "ema_cross":
        return None
    p = read_params(EmaCrossParams, config.strategy.params)
    ref = reference_loop(result.series, fast=p.fast, slow=p.slow, warmup=p.warmup_bars, stake=float(p.stake_pct),
                         stop_pct=float(p.stop_pct), target_pct=float(p.target_pct),
                         fee=config.risk.fee_bps / 10_000, start_quote=float(result.start_quote))
    return {"trades": ref.trades, "final_quote": f"{ref.final_quote:.2f}"}


def _count(values: Any) -> dict[str, int]:
    out: dict[str, int] = {}
    for v in values:
        out[v] = out.get(v, 0) + 1
    return dict(sorted(out.items()))


def run_one(name: str, series: Series, config: TraderConfig, *, seed: int = 42, audit: bool = True,
            progress: Callable[[int, int], None] | None = None) -> RunOutput:
    """Run one backtest and build its report and summary."""
    result = Backtest(series, config, seed=seed, audit=audit, progress=progress).run()
    return RunOutput(name, result, report_of(result), summary_of(name, result, config, seed))


def split_walk_forward(series: Series, fraction: float) -> tuple[Series, Series]:
    """Return (in-sample, out-of-sample): the first `fraction` of the candles, then the rest."""
    if not 0.0 < fraction < 1.0:
        raise ValueError("--walk-forward must be a fraction between 0 and 1, e.g. 0.7")
    cut = int(len(series) * fraction)
    if cut < 2 or len(series) - cut < 2:
        raise ValueError(f"--walk-forward {fraction} leaves a side with fewer than 2 candles")
    return series.slice(0, cut), series.slice(cut)


def write_run(out: RunOutput, directory: Path, title: str) -> list[Path]:
    """Write report.json, report.html, summary.json and audit.jsonl of one run; return the paths."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = [directory / "report.json", directory / "report.html", directory / "summary.json",
             directory / "audit.jsonl"]
    paths[0].write_bytes(out.report.to_json_bytes())
    paths[1].write_text(render_html(out.report, title), encoding="utf-8")
    paths[2].write_bytes(canonical_json(out.summary))
    out.result.audit.write_jsonl(paths[3])
    return paths
