"""The periodic jobs as an operator runs them: a real redis-server, a real `celery worker` and
`celery beat`, a simulator over HTTP, and the database they write; then the in-process fallback
(no broker) against the same simulator, which must leave the same results.
"""
from __future__ import annotations

import datetime as dt
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.support.redis_server import RedisServer, start_redis
from tests.support.standalone_sim import SIM_SYMBOLS, sim_url  # noqa: F401 - the fixture

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow
RUNS = 2  # every job at least twice: the second report run must be skipped, not duplicated
CONFIG = '[universe]\nmin_quote_volume_24h = "0"\n\n[topn]\nn = 10\n'


def _env(tmp: Path, sim_url: str, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    for name in ("CELERY_BROKER_URL", "REDIS_URL"):
        env.pop(name, None)
    (tmp / "trading.toml").write_text(CONFIG)
    env.update({"LIVESPOT_VAR_DIR": str(tmp), "DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite3'}",
                "LIVESPOT_AUDIT_DIR": str(tmp / "audit"), "LIVESPOT_LOCK_DIR": str(tmp / "locks"),
                "LIVESPOT_TRADING_CONFIG": str(tmp / "trading.toml"), "EXCHANGE": "sim",
                "LIVESPOT_SIM_URL": sim_url, "MODE": "PAPER", "PYTHONUNBUFFERED": "1"})
    env.update(extra)
    return env


def _migrate(env: dict[str, str]) -> None:
    result = subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


def job_results(db: Path) -> dict[str, Any]:
    """Return what the jobs left in the database, without times and ids (comparable across runs)."""
    con = sqlite3.connect(db)
    try:
        reconcile = sorted(set(con.execute("SELECT trigger, drift_label, diff_count, stage, event_type "
                                           "FROM reconcile_runs")))
        topn = [(stage, tuple(sorted(i["symbol"] for i in _json(items))), tuple(i["rank"] for i in _json(items)))
                for stage, items in con.execute("SELECT stage, items FROM topk_snapshots")]
        reports = list(con.execute("SELECT day, mode, stage, event_type FROM daily_reports"))
        events = {row[0]: row[1] for row in con.execute(
            "SELECT event_type, count(*) FROM audit_event WHERE event_type IN "
            "('RECONCILE_RUN', 'TOPK_RANKED', 'DAILY_REPORT') GROUP BY event_type")}
        counts = {"reconcile_runs": con.execute("SELECT count(*) FROM reconcile_runs").fetchone()[0],
                  "topn_snapshots": len(topn), "daily_reports": len(reports)}
    finally:
        con.close()
    return {"reconcile": reconcile, "topn": sorted(set(topn)), "daily_reports": reports,
            "events": events, "counts": counts}


def _json(text: str) -> Any:
    import json

    return json.loads(text)


def _count(db: Path, table: str) -> int:
    con = sqlite3.connect(db)
    try:
        return int(con.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    except sqlite3.OperationalError:
        return 0
    finally:
        con.close()


def _stop(proc: subprocess.Popen[str]) -> str:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
    try:
        out, _ = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
    return out


def _expected_day() -> str:
    return (dt.datetime.now(dt.UTC) - dt.timedelta(days=1)).date().isoformat()


def _check_results(r: dict[str, Any]) -> None:
    assert r["reconcile"] == [("PERIODIC", "OK", 0, "RECONCILE_REST", "RECONCILE_RUN")]
    assert len(r["topn"]) == 1
    stage, symbols, ranks = r["topn"][0]
    assert stage == "RANK_TOPN" and len(symbols) == SIM_SYMBOLS and all(s.endswith("USDT") for s in symbols)
    assert ranks == tuple(range(1, SIM_SYMBOLS + 1))
    # The day before today, once: later runs of the job find it stored and skip it.
    assert r["daily_reports"] == [(_expected_day(), "PAPER", "REPORT_DAILY_SUMMARY", "DAILY_REPORT")]
    assert r["events"]["RECONCILE_RUN"] == r["counts"]["reconcile_runs"] >= RUNS
    assert r["events"]["TOPK_RANKED"] == r["counts"]["topn_snapshots"] >= RUNS
    assert r["events"]["DAILY_REPORT"] == 1


def _celery_run(tmp: Path, sim_url: str, redis: RedisServer) -> dict[str, Any]:
    env = _env(tmp, sim_url, CELERY_BROKER_URL=redis.url(0))
    _migrate(env)
    db = tmp / "db.sqlite3"
    celery = [sys.executable, "-m", "celery"]
    worker = subprocess.Popen([*celery, "-A", "livespot_site", "worker", "--pool=solo", "-l", "INFO",
                               "--without-gossip", "--without-mingle", "-n", f"jobs-{os.getpid()}@localhost"],
                              cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    beat = subprocess.Popen([*celery, "-A", "tests.support.celery_fast_beat", "beat", "-l", "INFO",
                             "--schedule", str(tmp / "beat-schedule")],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 90  # a bound for a hung run, not a performance check
        while time.monotonic() < deadline and worker.poll() is None and beat.poll() is None:
            if (_count(db, "reconcile_runs") >= RUNS and _count(db, "topk_snapshots") >= RUNS
                    and _count(db, "audit_event WHERE event_type = 'DAILY_REPORT'") >= 1
                    and _count(db, "daily_reports") >= 1):
                break
            time.sleep(0.2)
    finally:
        beat_out = _stop(beat)
        worker_out = _stop(worker)
    assert "Traceback" not in worker_out, worker_out[-4000:]
    for job in ("reconcile", "topn", "daily_report"):
        assert f"livespot.jobs.{job}" in beat_out, beat_out[-2000:]  # beat sent it
        assert f"Task livespot.jobs.{job}[" in worker_out and "succeeded" in worker_out, worker_out[-4000:]
    return job_results(db)


@pytest.fixture(scope="module")
def celery_results(tmp_path_factory: pytest.TempPathFactory, sim_url: str) -> dict[str, Any]:
    """Run worker + beat once for the module and return what they left in the database."""
    tmp = tmp_path_factory.mktemp("celery")
    (tmp / "redis").mkdir()
    redis = start_redis(tmp / "redis")
    try:
        return _celery_run(tmp, sim_url, redis)
    finally:
        redis.stop()


def test_celery_worker_and_beat_run_the_three_jobs_into_the_database(celery_results: dict[str, Any]) -> None:
    _check_results(celery_results)


def test_in_process_fallback_leaves_the_same_results_as_celery(
        tmp_path: Path, sim_url: str, celery_results: dict[str, Any]) -> None:
    env = _env(tmp_path, sim_url)  # no broker: the in-process scheduler runs the same job functions
    _migrate(env)
    child = subprocess.run([sys.executable, "-m", "tests.support.jobs_child", str(RUNS)], cwd=ROOT, env=env,
                           capture_output=True, text=True, timeout=120)
    assert child.returncode == 0, child.stdout[-3000:] + child.stderr[-3000:]
    fallback = job_results(tmp_path / "db.sqlite3")
    _check_results(fallback)
    for key in ("reconcile", "topn", "daily_reports"):
        assert fallback[key] == celery_results[key]
    assert fallback["events"]["DAILY_REPORT"] == celery_results["events"]["DAILY_REPORT"] == 1
