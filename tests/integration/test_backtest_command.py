"""`manage.py backtest` and `manage.py bench backtest`: files, determinism, walk-forward."""
from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

from django.core.management import call_command

from trading.backtest.bench import child_1m
from trading.management.commands.bench import BENCHMARKS

FILES = ("report.json", "report.html", "summary.json", "audit.jsonl")


def backtest(out: Path, *args: str) -> str:
    buf = io.StringIO()
    call_command("backtest", *args, "--out", str(out), stdout=buf)
    return buf.getvalue()


ROOT = Path(__file__).resolve().parents[2]


def test_same_seed_and_data_give_byte_identical_files(tmp_path: Path) -> None:
    args = ("--data", "synthetic", "--candles", "30000", "--seed", "7")
    backtest(tmp_path / "a", *args)
    # The second run in another process with another hash seed: no set or dict order leaks in.
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    subprocess.run([sys.executable, str(ROOT / "manage.py"), "backtest", *args, "--out", str(tmp_path / "b")],
                   env=env, cwd=ROOT, check=True, capture_output=True, timeout=120)
    backtest(tmp_path / "c", "--data", "synthetic", "--candles", "30000", "--seed", "8")
    for name in FILES:
        a, b = (tmp_path / "a" / name).read_bytes(), (tmp_path / "b" / name).read_bytes()
        assert a == b, name
    report = json.loads((tmp_path / "a" / "report.json").read_bytes())
    assert report["trades"] > 100
    assert (tmp_path / "c" / "report.json").read_bytes() != (tmp_path / "a" / "report.json").read_bytes()


def test_command_writes_the_report_and_prints_the_summary(tmp_path: Path) -> None:
    text = backtest(tmp_path, "--candles", "5000")
    summary = json.loads((tmp_path / "summary.json").read_bytes())
    report = json.loads((tmp_path / "report.json").read_bytes())
    assert summary["data"]["candles"] == 5000 and summary["data"]["source"] == "real:BTCUSDT-1m[0:5000]"
    assert summary["trades"] == report["trades"] == summary["reference_loop"]["trades"] > 50
    assert len(report["trade_labels"]) == report["trades"]
    html = (tmp_path / "report.html").read_text()
    assert html.startswith("<!doctype html>") and "<svg" in html
    audit = (tmp_path / "audit.jsonl").read_bytes().splitlines()
    assert sum(json.loads(line)["event_type"] == "FILL" for line in audit) == 2 * report["trades"]
    assert f"{report['trades']} trades" in text and "candles/s" in text


def test_walk_forward_reports_in_and_out_of_sample(tmp_path: Path) -> None:
    text = backtest(tmp_path, "--candles", "8000", "--walk-forward", "0.75")
    ins = json.loads((tmp_path / "in_sample" / "summary.json").read_bytes())
    oos = json.loads((tmp_path / "out_of_sample" / "summary.json").read_bytes())
    assert (ins["data"]["candles"], oos["data"]["candles"]) == (6000, 2000)
    assert ins["data"]["last_open_ms"] + 60_000 == oos["data"]["first_open_ms"]
    assert ins["trades"] > 0 and oos["trades"] > 0
    assert "[in_sample]" in text and "[out_of_sample]" in text


def test_bench_backtest_is_registered_and_its_long_run_counts_trades() -> None:
    assert BENCHMARKS["backtest"] == "trading.backtest.bench:run"
    figures = child_1m(20_000)
    assert figures["candles"] == 20_000
    assert figures["trades"] == figures["baseline_trades"] > 100
    assert figures["rss_mb"] > 0
