"""pause / resume / flatten and the kill-switch file as an operator uses them: real processes, one database."""
from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.integration.test_runtrader import ROOT, _env, _manage
from trading.live_guard import LIVE_CONFIRM_VALUE

pytestmark = pytest.mark.slow


@pytest.fixture
def migrated(tmp_path: Path) -> Path:
    assert _manage(tmp_path, "migrate", "-v", "0").returncode == 0
    return tmp_path


def _one(tmp: Path, sql: str) -> tuple[object, ...]:
    con = sqlite3.connect(tmp / "db.sqlite3")
    try:
        row = con.execute(sql).fetchone()
        assert row is not None, sql
        return tuple(row)
    finally:
        con.close()


def test_a_pending_pause_is_applied_by_the_next_trader_and_shows_in_its_heartbeat(migrated: Path) -> None:
    asked = _manage(migrated, "pause", "--note", "maintenance")
    assert asked.returncode == 0 and "PAUSE requested for the PAPER trader" in asked.stdout
    run = _manage(migrated, "runtrader", "--cycles", "2")
    assert run.returncode == 0, run.stderr
    applied, run_id, result, note = _one(migrated, "SELECT applied_ts_ms, applied_run_id, result, operator_note "
                                                   "FROM control_commands")
    assert applied is not None and result == "paused" and note == "maintenance"
    assert _one(migrated, "SELECT run_id FROM heartbeats WHERE mode='PAPER'") == (run_id,)
    # The heartbeat keeps the last state of the run: EXIT after the clean stop, PAUSE before it.
    modes = [json.loads(r[0])["to"] for r in sqlite3.connect(migrated / "db.sqlite3").execute(
        "SELECT data FROM audit_event WHERE event_type='SYS_MODE_CHANGED' ORDER BY seq")]
    assert modes == ["PAUSE", "EXIT"]
    assert _one(migrated, "SELECT count(*) FROM order_intents WHERE kind='ENTRY'") == (0,)


def test_wait_without_a_trader_says_so_and_exits_non_zero(migrated: Path) -> None:
    result = _manage(migrated, "resume", "--wait", "0.3")
    assert result.returncode == 1
    assert "not applied within 0.3 s: is `runtrader` running for MODE=PAPER" in result.stderr
    assert "Traceback" not in result.stderr


def test_flatten_against_a_running_trader_reports_what_it_did(migrated: Path) -> None:
    trader = subprocess.Popen([sys.executable, "manage.py", "runtrader"], cwd=ROOT, env=_env(migrated),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert trader.stdout is not None
        for line in trader.stdout:
            if "UNIVERSE_SCAN" in line:
                break
        result = _manage(migrated, "flatten", "--wait", "30")
        assert result.returncode == 0, result.stderr
        assert "applied by run r-" in result.stdout and "paused" in result.stdout
    finally:
        trader.send_signal(signal.SIGTERM)
        trader.communicate(timeout=60)
    assert trader.returncode == 0
    assert _one(migrated, "SELECT count(*) FROM positions WHERE state='OPEN'") == (0,)


def test_the_kill_switch_file_pauses_without_django_tools(migrated: Path) -> None:
    (migrated / "KILL_SWITCH").write_text("halt_all\n")
    run = _manage(migrated, "runtrader", "--cycles", "2", LIVESPOT_KILL_SWITCH_FILE=str(migrated / "KILL_SWITCH"))
    assert run.returncode == 0, run.stderr
    assert "KILL_SWITCH_ACTIVE" in run.stdout  # the console shows the alert
    (source, data) = _one(migrated, "SELECT json_extract(data, '$.source'), data FROM audit_event "
                                    "WHERE event_type='OPERATOR_COMMAND'")
    assert source == "KILL_SWITCH" and json.loads(str(data))["command"] == "halt_all"
    assert _one(migrated, "SELECT count(*) FROM order_intents WHERE kind='ENTRY'") == (0,)


def test_live_boot_runs_the_whole_doctor_and_refuses_on_a_failure(migrated: Path) -> None:
    result = _manage(migrated, "runtrader", "--cycles", "1", MODE="LIVE", EXCHANGE="binance",
                     LIVESPOT_LIVE_CONFIRM=LIVE_CONFIRM_VALUE, BINANCE_API_KEY="", BINANCE_API_SECRET="")
    assert result.returncode == 2, result.stderr
    assert "refusing to start in LIVE:" in result.stderr and "doctor check(s) failed" in result.stderr
    assert "LS005" in result.stderr and "Traceback" not in result.stderr
    assert _one(migrated, "SELECT count(*) FROM audit_event") == (0,)  # refused before anything ran
