"""Settings from the environment: SQLite pragmas on every connection, PostgreSQL by URL."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.db import connections

ROOT = Path(__file__).resolve().parents[2]


def _pragmas() -> tuple[str, int, int]:
    conn = connections["default"]
    with conn.cursor() as cur:
        cur.execute("PRAGMA journal_mode")
        journal = cur.fetchone()[0]
        cur.execute("PRAGMA synchronous")
        sync = cur.fetchone()[0]
        cur.execute("PRAGMA busy_timeout")
        busy = cur.fetchone()[0]
    return journal, sync, busy


@pytest.mark.sqlite_only
@pytest.mark.django_db(transaction=True)
def test_every_sqlite_connection_gets_wal_normal_sync_and_busy_timeout() -> None:
    results = [_pragmas()]

    def other_thread() -> None:
        results.append(_pragmas())
        connections["default"].close()

    t = threading.Thread(target=other_thread)
    t.start()
    t.join()
    assert results == [("wal", 1, 5000), ("wal", 1, 5000)]  # synchronous=1 is NORMAL


def _settings_in_subprocess(**env: str) -> dict[str, object]:
    code = ("import django, json; django.setup(); from django.conf import settings as s; "
            "print(json.dumps({'db': s.DATABASES['default'], 'extra': list(s.EXTRA_SECRET_VALUES)}, default=str))")
    full = dict(os.environ, DJANGO_SETTINGS_MODULE="livespot_site.settings", **env)
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=full, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_database_url_switches_to_postgresql_without_code_changes() -> None:
    secret_pw = os.environ["BINANCE_API_SECRET"] + "-dbpw"  # a canary: must never be printed elsewhere
    got = _settings_in_subprocess(DATABASE_URL=f"postgres://trader:{secret_pw}@db.internal:5433/livespot")
    db = got["db"]
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["NAME"], db["HOST"], int(db["PORT"]), db["USER"]) == ("livespot", "db.internal", 5433, "trader")
    assert "init_command" not in db.get("OPTIONS", {})  # the SQLite pragmas are SQLite-only
    assert got["extra"] == [secret_pw]  # the password joins the redactor's secrets


def test_malformed_database_url_is_one_clear_line() -> None:
    full = dict(os.environ, DATABASE_URL="nosuchdb://x")
    out = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=full, capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 2
    assert out.stderr.strip().startswith("configuration error: DATABASE_URL:")
    assert "Traceback" not in out.stderr
