"""The multi-host layout's database: a real PostgreSQL server (a private cluster started here).

Processes configured only by DATABASE_URL=postgres://... run the migrations, then the jobs
(through the audit writer's raw multi-row INSERTs on psycopg 3 and the trading services) and
the trader, against the simulator; the rows and the JSONL trail must agree as they do on SQLite.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from tests.support.postgres_server import PostgresServer, postgres_server  # noqa: F401 - fixture
from tests.support.standalone_sim import SIM_SYMBOLS, sim_url  # noqa: F401 - the fixture

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def _env(tmp: Path, pg: PostgresServer, sim_url: str) -> dict[str, str]:
    env = dict(os.environ)
    for name in ("CELERY_BROKER_URL", "REDIS_URL"):
        env.pop(name, None)
    (tmp / "trading.toml").write_text('[universe]\nmin_quote_volume_24h = "0"\n')
    env.update({"DATABASE_URL": pg.url, "LIVESPOT_VAR_DIR": str(tmp), "LIVESPOT_AUDIT_DIR": str(tmp / "audit"),
                "LIVESPOT_LOCK_DIR": str(tmp / "locks"), "LIVESPOT_TRADING_CONFIG": str(tmp / "trading.toml"),
                "EXCHANGE": "sim", "LIVESPOT_SIM_URL": sim_url, "MODE": "PAPER"})
    return env


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)


def _query(pg: PostgresServer, sql: str) -> list[tuple[object, ...]]:
    import psycopg

    with psycopg.connect(pg.url) as conn:
        return list(conn.execute(sql).fetchall())


def test_migrations_writer_services_and_jobs_work_on_postgresql(
        tmp_path: Path, postgres_server: PostgresServer, sim_url: str) -> None:  # noqa: F811
    pg = postgres_server
    env = _env(tmp_path, pg, sim_url)
    migrate = _run(env, "manage.py", "migrate", "-v", "0")
    assert migrate.returncode == 0, migrate.stderr
    assert _query(pg, "SELECT count(*) FROM django_migrations WHERE app = 'trading'")[0][0] >= 1

    child = _run(env, "-m", "tests.support.jobs_child", "2")
    assert child.returncode == 0, child.stdout[-3000:] + child.stderr[-3000:]

    runs = _query(pg, "SELECT trigger, drift_label, diff_count FROM reconcile_runs")
    assert len(runs) >= 2 and set(runs) == {("PERIODIC", "OK", 0)}
    capitals = {c for (c,) in _query(pg, "SELECT capital_quote FROM reconcile_runs")}  # exact decimal text
    assert len(capitals) == 1 and Decimal(capitals.pop()) > 0  # no trade between the runs: the same account
    snaps = _query(pg, "SELECT stage, items FROM topk_snapshots")
    assert len(snaps) >= 2
    for stage, items in snaps:  # jsonb comes back decoded
        assert stage == "RANK_TOPN" and [i["rank"] for i in items] == list(range(1, SIM_SYMBOLS + 1))
    yesterday = (dt.datetime.now(dt.UTC) - dt.timedelta(days=1)).date()
    assert _query(pg, "SELECT day, mode FROM daily_reports") == [(yesterday, "PAPER")]

    # The audit writer's batches (raw multi-row INSERT, %s placeholders on psycopg 3) and the trail.
    rows = _query(pg, "SELECT seq, event_type, reasons FROM audit_event ORDER BY run_id, seq")
    lines = [json.loads(x) for p in (tmp_path / "audit").glob("audit-*.jsonl") for x in p.read_text().splitlines()]
    assert len(rows) == len(lines) > 0
    kinds = [r[1] for r in rows]
    assert kinds.count("RECONCILE_RUN") == len(runs) and kinds.count("TOPK_RANKED") == len(snaps)
    assert kinds.count("DAILY_REPORT") == 1
    assert all(isinstance(r[2], list) for r in rows)  # reasons stored as jsonb arrays, not strings
    committed = _query(pg, "SELECT committed_seq FROM audit_writer_checkpoint")
    assert committed and max(c[0] for c in committed) == max(r[0] for r in rows)


def test_a_unix_socket_database_url_reaches_the_same_server(
        tmp_path: Path, postgres_server: PostgresServer, sim_url: str) -> None:  # noqa: F811
    from urllib.parse import quote

    pg = postgres_server
    env = _env(tmp_path, pg, sim_url)
    env["DATABASE_URL"] = f"postgres://livespot@{quote(str(pg.data_dir), safe='')}:{pg.port}/livespot"
    probe = _run(env, "manage.py", "shell", "-c",
                 "from django.db import connection as c; c.ensure_connection(); "
                 "print(c.vendor, c.settings_dict['HOST'], c.cursor().connection.info.host)")
    assert probe.returncode == 0, probe.stderr[-2000:]
    vendor, host, server_host = probe.stdout.splitlines()[-1].split()
    assert vendor == "postgresql" and host == str(pg.data_dir) == server_host


def test_the_trader_trades_on_postgresql(tmp_path: Path, postgres_server: PostgresServer) -> None:  # noqa: F811
    """`runtrader` with DATABASE_URL=postgres://... on the in-process simulator: the trade's rows
    (intents, orders, fills, positions, decisions, verdicts) land there and agree with the
    simulator's own record, as they do on SQLite (tests/integration/trader/test_trade_e2e.py)."""
    pg = postgres_server
    env = dict(os.environ)
    for name in ("CELERY_BROKER_URL", "REDIS_URL", "LIVESPOT_SIM_URL"):
        env.pop(name, None)
    env.update({"DATABASE_URL": pg.url, "LIVESPOT_VAR_DIR": str(tmp_path), "LIVESPOT_AUDIT_DIR": str(tmp_path / "audit"),
                "LIVESPOT_LOCK_DIR": str(tmp_path / "locks"), "EXCHANGE": "sim", "MODE": "PAPER"})
    assert _run(env, "manage.py", "migrate", "-v", "0").returncode == 0
    record = tmp_path / "sim-record.json"
    run = _run(env, str(ROOT / "tests" / "integration" / "trader" / "sim_record_run.py"), str(record),
               "--duration", "30s")
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    sim = json.loads(record.read_text())

    fills = _query(pg, "SELECT symbol, trade_id, qty, price, commission, decision_id FROM fills")
    assert fills, run.stdout[-3000:]
    trades = {(t["symbol"], t["id"]): t for t in sim["trades"]}
    for symbol, trade_id, qty, price, commission, decision_id in fills:  # exact decimal text, every one
        t = trades[(symbol, trade_id)]
        assert (Decimal(qty), Decimal(price), Decimal(commission)) == (
            Decimal(t["qty"]), Decimal(t["price"]), Decimal(t["commission"]))
        assert decision_id
    sim_ids = {o["clientOrderId"] for o in sim["orders"]}
    orders = _query(pg, "SELECT client_order_id FROM orders")
    assert orders and all(c in sim_ids for (c,) in orders)
    positions = _query(pg, "SELECT decision_id, state, qty FROM positions")
    decisions = {d for (d,) in _query(pg, "SELECT decision_id FROM decisions")}
    assert positions and all(d in decisions for d, _, _ in positions)
    verdicts = _query(pg, "SELECT decision_id, outcome, checks FROM risk_verdicts")
    assert all(d in decisions and isinstance(checks, list) and checks for d, _, checks in verdicts)
    assert {d for d, outcome, _ in verdicts if outcome == "APPROVE"} >= {d for d, _, _ in positions}
