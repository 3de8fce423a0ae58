"""`python manage.py backtest`: the live strategy, risk and execution code over recorded candles.

Thin: the work is in trading/backtest (data, engine, run). Writes report.json, report.html,
summary.json and audit.jsonl into --out (one sub-folder per side with --walk-forward) and prints
the summary. Same data + config + seed -> byte-identical files.
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from trading.backtest.data import load_series
from trading.backtest.profile import backtest_config
from trading.backtest.run import RunOutput, run_one, split_walk_forward, write_run
from trading.domain.strategy.registry import BUILTIN


class Command(BaseCommand):
    help = "Backtest a strategy over real, synthetic or CSV 1m candles; write the report (JSON + HTML)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--data", default="real",
                            help="real (BTCUSDT 1m, 32,027 candles), synthetic (seeded), or a CSV(.gz) path")
        parser.add_argument("--strategy", default="ema_cross", choices=sorted(BUILTIN))
        parser.add_argument("--config", type=Path, default=None,
                            help="a trading TOML (strategy + risk); default: the reference profile")
        parser.add_argument("--seed", type=int, default=42, help="seed of the synthetic series (and the run id)")
        parser.add_argument("--candles", type=int, default=None,
                            help="synthetic length (default 1,000,000), or keep the first N candles")
        parser.add_argument("--walk-forward", type=float, default=None, metavar="FRACTION",
                            help="split: the first FRACTION in-sample, the rest out-of-sample; report both")
        parser.add_argument("--out", type=Path, default=None, help="output folder (default var/backtest/<run id>)")
        parser.add_argument("--no-audit", action="store_true", help="count audit events without keeping them")

    def handle(self, *args: Any, **o: Any) -> None:
        if o["candles"] is not None and o["candles"] < 2:
            raise CommandError("--candles must be at least 2")
        try:
            series = load_series(o["data"], seed=o["seed"], candles=o["candles"])
            config = backtest_config(o["strategy"], path=o["config"])
            sides = [("full", series)]
            if o["walk_forward"] is not None:
                ins, oos = split_walk_forward(series, o["walk_forward"])
                sides = [("in_sample", ins), ("out_of_sample", oos)]
        except (ValueError, OSError) as exc:
            raise CommandError(str(exc)) from None
        outputs: list[RunOutput] = []
        started = time.perf_counter()
        for name, part in sides:
            outputs.append(self._run(name, part, config, o))
        elapsed = time.perf_counter() - started
        root = o["out"] or Path(settings.VAR_DIR) / "backtest" / outputs[0].result.run_id
        for out in outputs:
            folder = root if len(outputs) == 1 else root / out.name
            write_run(out, folder, f"Backtest {out.summary['strategy']['name']} on {out.summary['data']['source']}"
                                   f" ({out.name})")
            self._print(out)
        total = sum(len(out.result.series) for out in outputs)
        self.stdout.write(f"{total:,} candles in {elapsed:.2f} s ({total / elapsed:,.0f} candles/s)")
        self.stdout.write(f"wrote {root}")

    def _run(self, name: str, series: Any, config: Any, o: dict[str, Any]) -> RunOutput:
        columns = (TextColumn(f"{name}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(*columns, console=None, transient=False, disable=not self.stdout.isatty()) as bar:
            task = bar.add_task(name, total=len(series))
            return run_one(name, series, config, seed=o["seed"], audit=not o["no_audit"],
                           progress=lambda i, n: bar.update(task, completed=i))

    def _print(self, out: RunOutput) -> None:
        s, f = out.summary, out.report.figures
        pf = f.get("profit_factor")
        self.stdout.write(
            f"[{out.name}] {s['data']['source']}: {s['data']['candles']:,} candles, {s['trades']} trades "
            f"({f['wins']} won, win rate {f['win_rate_bps'] / 100:.2f} %), net PnL {f['net_pnl_quote']} USDT, "
            f"fees {f['fees_quote']} USDT, profit factor {pf if pf is not None else '-'}, "
            f"max drawdown {f['max_drawdown_bps'] / 100:.2f} %")
        ref = s["reference_loop"]
        self.stdout.write(f"[{out.name}] final {s['final_quote']} USDT (+{s['final_base']} base)" + (
            f"; the plain reference loop: {ref['trades']} trades, {ref['final_quote']} USDT" if ref else ""))
