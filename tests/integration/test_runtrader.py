"""`manage.py runtrader` as an operator runs it: a real process, real signals, real files."""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def _env(tmp: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"LIVESPOT_VAR_DIR": str(tmp), "DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite3'}",
                "LIVESPOT_AUDIT_DIR": str(tmp / "audit"), "LIVESPOT_LOCK_DIR": str(tmp / "locks")})
    env.update(extra)
    return env


def _manage(tmp: Path, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=_env(tmp, **extra),
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def migrated(tmp_path: Path) -> Path:
    assert _manage(tmp_path, "migrate", "-v", "0").returncode == 0
    return tmp_path


def _stages(tmp: Path) -> list[str]:
    con = sqlite3.connect(tmp / "db.sqlite3")
    rows = [r[0] for r in con.execute("SELECT stage FROM audit_stage_event ORDER BY id")]
    con.close()
    return rows


def test_bounded_run_boots_through_the_writer_and_shuts_down_cleanly(migrated: Path) -> None:
    result = _manage(migrated, "runtrader", "--cycles", "2")
    assert result.returncode == 0, result.stderr
    stages = _stages(migrated)
    assert stages[:3] == ["BOOT", "DOCTOR_CHECKS", "STARTUP_RECOVER"] and stages[-1] == "SHUTDOWN"
    assert stages.count("BOOT") == 1 and stages.count("SHUTDOWN") == 1
    lines = [orjson.loads(x) for p in (migrated / "audit").glob("audit-*.jsonl") for x in p.read_bytes().splitlines()]
    kinds = [x["event_type"] for x in lines]
    assert kinds.count("STAGE_CHANGED") == len(stages) and "CONFIG_LOADED" in kinds and kinds[-1] == "RUN_STOPPED"
    config_event = next(x for x in lines if x["event_type"] == "CONFIG_LOADED")
    assert len(config_event["data"]["config_hash"]) == 64
    con = sqlite3.connect(migrated / "db.sqlite3")
    assert con.execute("SELECT count(*) FROM audit_event").fetchone()[0] == len(lines)
    assert con.execute("SELECT journal_mode FROM pragma_journal_mode").fetchone()[0] == "wal"
    con.close()
    out = result.stdout.splitlines()
    assert [line.split()[1] for line in out if " cycle=" in line] == stages  # one console line per stage


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_signal_stops_the_trader_cleanly_with_exit_zero(migrated: Path, sig: int) -> None:
    proc = subprocess.Popen([sys.executable, "manage.py", "runtrader"], cwd=ROOT, env=_env(migrated),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    for line in proc.stdout:
        if "STARTUP_RECOVER" in line:
            break
    time.sleep(0.3)
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "SHUTDOWN" in out
    assert _stages(migrated)[-1] == "SHUTDOWN"


def test_second_trader_on_the_same_database_and_mode_refuses(migrated: Path) -> None:
    first = subprocess.Popen([sys.executable, "manage.py", "runtrader"], cwd=ROOT, env=_env(migrated),
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert first.stdout is not None
        for line in first.stdout:
            if "BOOT" in line:
                break
        second = _manage(migrated, "runtrader", "--cycles", "1")
        assert second.returncode == 3
        assert "another trader" in second.stderr and "Traceback" not in second.stderr
    finally:
        first.send_signal(signal.SIGTERM)
        first.communicate(timeout=30)
    assert first.returncode == 0


def test_bad_config_value_gives_one_clear_line_and_no_traceback(migrated: Path) -> None:
    bad = migrated / "bad.toml"
    bad.write_text("[risk]\nmax_spread_bps = 5000\n")
    result = _manage(migrated, "runtrader", "--cycles", "1", "--config", str(bad))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "risk.max_spread_bps" in lines[0] and "Traceback" not in result.stderr


def test_bad_environment_value_gives_one_clear_line(migrated: Path) -> None:
    result = _manage(migrated, "runtrader", "--cycles", "1", MODE="YOLO")
    assert result.returncode == 2
    assert result.stderr.strip() == "configuration error: MODE: must be one of PAPER, TESTNET, LIVE (got 'YOLO')"


def test_live_without_confirmation_refuses_to_start(migrated: Path) -> None:
    result = _manage(migrated, "runtrader", "--cycles", "1", MODE="LIVE", EXCHANGE="binance")
    assert result.returncode == 2
    assert "LIVESPOT_LIVE_CONFIRM" in result.stderr and "Traceback" not in result.stderr
    assert _stages(migrated) == []


def test_runstack_serves_the_panel_while_the_trader_runs_and_exits_with_the_trader(migrated: Path) -> None:
    import socket
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "manage.py", "runstack", "--", "--duration", "6s"], cwd=ROOT,
                            env=_env(migrated, WEBUI_PORT=str(port)), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    health = None
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and health is None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1) as resp:
                health = orjson.loads(resp.read())
        except OSError:
            time.sleep(0.2)
    out, err = proc.communicate(timeout=60)
    assert health is not None and health["status"] == "ok", err
    assert proc.returncode == 0, err
    assert _stages(migrated)[-1] == "SHUTDOWN"
