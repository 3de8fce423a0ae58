"""The database-backed integration tests, run a second time on a real PostgreSQL server.

The multi-host layout (design §10, README "Beyond one machine") puts the trader, the Celery
workers and the panel on PostgreSQL. test_postgres.py drives the jobs there; this runs the
integration tests of everything that reads or writes the database — execution against the
simulator, the AI gate, operator control, the panel's API and SSE on daphne, the daily report,
the admin (its id searches must use indexes there too), the audit writer under lock pressure
and the trail repair — in a nested pytest session whose test database is PostgreSQL
(LIVESPOT_TEST_DATABASE_URL, see tests/support/session_env.py). test_db_vendor.py proves the
session really ran there. Tests of SQLite itself are marked `sqlite_only` and left out.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.postgres_server import PostgresServer, postgres_server  # noqa: F401 - fixture

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow

ON_POSTGRES = [
    "tests/integration/test_db_vendor.py",
    "tests/integration/execution",
    "tests/integration/aigate",
    "tests/integration/control/test_operator_control.py",
    "tests/integration/dashboard/test_snapshot_contract.py",
    "tests/integration/dashboard/test_orders_api.py",
    "tests/integration/dashboard/test_live_routes.py",
    "tests/integration/dashboard/test_stream_sse.py",
    "tests/integration/test_daily_report.py",
    "tests/integration/test_admin.py",
    "tests/integration/test_audit_writer.py",
    "tests/integration/test_audit_redaction.py",
    "tests/integration/test_trail_repair.py",
    "tests/integration/test_sysmode_and_console.py",
    "tests/integration/test_settings.py",
]


def test_the_database_integration_tests_pass_on_postgresql(postgres_server: PostgresServer) -> None:  # noqa: F811
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_XDIST") and k != "PYTEST_CURRENT_TEST"}
    env["LIVESPOT_TEST_DATABASE_URL"] = postgres_server.url
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-n", "2", "--dist", "loadfile", "-m", "not sqlite_only", *ON_POSTGRES],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    out = result.stdout[-8000:] + result.stderr[-2000:]
    assert result.returncode == 0, out
    summary = out.strip().splitlines()[-1]
    passed = re.search(r"(\d+) passed", summary)
    assert passed and int(passed.group(1)) >= 250, summary  # the whole selection ran, not a corner of it
    assert not re.search(r"\b(failed|error|errors|skipped)\b", summary), summary
