"""runtrader on the in-process simulator: boot-time reconcile, then the cycle's stages, through the audit.

Three cycles: the stages up to proposal, position management and reconcile, and that boot
reconciles before the first scan. A complete trade, checked against the simulator's own record,
is in test_trade_e2e.py.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.integration.test_runtrader import _manage

pytestmark = pytest.mark.slow

CYCLE = ["UNIVERSE_SCAN", "RANK_TOPN", "DEEP_SCAN", "WATCHLIST_ATTACH", "STATE_UPDATE", "STRATEGY_PROPOSE",
         "POSITION_MANAGE", "RECONCILE_REST"]


@pytest.fixture
def migrated(tmp_path: Path) -> Path:
    assert _manage(tmp_path, "migrate", "-v", "0").returncode == 0
    return tmp_path


def _rows(tmp: Path, sql: str) -> list[tuple[object, ...]]:
    con = sqlite3.connect(tmp / "db.sqlite3")
    try:
        return list(con.execute(sql))
    finally:
        con.close()


def test_it_reconciles_at_boot_then_runs_the_cycle_stages(migrated: Path) -> None:
    result = _manage(migrated, "runtrader", "--cycles", "3")
    assert result.returncode == 0, result.stderr
    stages = [r[0] for r in _rows(migrated, "SELECT stage FROM audit_stage_event ORDER BY id")]
    assert stages[:3] == ["BOOT", "DOCTOR_CHECKS", "STARTUP_RECOVER"] and stages[-1] == "SHUTDOWN"
    first_scan = stages.index("UNIVERSE_SCAN")
    assert "STARTUP_RECOVER" not in stages[first_scan:]  # reconcile strictly before any scan or entry
    for stage in CYCLE:
        assert stage in stages, stage
    ordered = [s for s in stages if s in CYCLE]
    assert [CYCLE.index(s) for s in ordered[:len(CYCLE)]] == sorted(CYCLE.index(s) for s in ordered[:len(CYCLE)])
    triggers = [r[0] for r in _rows(migrated, "SELECT trigger FROM reconcile_runs ORDER BY id")]
    assert triggers[0] == "BOOT" and len(triggers) >= 2


def test_without_a_broker_the_trader_runs_the_jobs_and_scans_from_their_ranking(migrated: Path) -> None:
    result = _manage(migrated, "runtrader", "--cycles", "6")
    assert result.returncode == 0, result.stderr
    summaries = [r[0] for r in _rows(migrated, "SELECT summary FROM audit_stage_event ORDER BY id")]
    assert "reconcile job (in-process)" in summaries and "topn job (in-process)" in summaries
    job_topn = _rows(migrated, "SELECT ts_ms, items FROM topk_snapshots WHERE stage = 'RANK_TOPN' ORDER BY id")
    assert job_topn, "the TopN job wrote no ranking"
    used = [s for s in summaries if s.startswith("TopN from the job:")]
    assert used, "no scan used the job's ranking"
    periodic = _rows(migrated, "SELECT count(*) FROM reconcile_runs WHERE trigger = 'PERIODIC'")[0][0]
    assert periodic >= 1  # by the job; the cycle itself reconciles only after an action
