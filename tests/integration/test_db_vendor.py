"""The suite runs on the database it was given: SQLite by default, PostgreSQL when
LIVESPOT_TEST_DATABASE_URL names one (tests/integration/test_suite_on_postgres.py)."""
from __future__ import annotations

import os

import pytest
from django.db import connection


@pytest.mark.django_db
def test_the_suite_runs_on_the_database_it_was_given() -> None:
    expected = "postgresql" if os.environ.get("LIVESPOT_TEST_DATABASE_URL") else "sqlite"
    assert connection.vendor == expected
    with connection.cursor() as cur:  # a real round trip, not just the configured engine
        cur.execute("SELECT version()" if expected == "postgresql" else "SELECT sqlite_version()")
        assert cur.fetchone()[0]
