"""The test database as another process reaches it (daphne, a trader under test)."""
from __future__ import annotations

from urllib.parse import quote

from django.db import connections


def subprocess_db_url(alias: str = "default") -> str:
    """Return DATABASE_URL for the database the tests use: sqlite:///PATH, or postgres://... of
    the test database pytest-django created (LIVESPOT_TEST_DATABASE_URL runs)."""
    conn = connections[alias]
    db = conn.settings_dict
    if conn.vendor == "postgresql":
        auth = quote(db["USER"], safe="") + (":" + quote(db["PASSWORD"], safe="") if db["PASSWORD"] else "")
        return f"postgres://{auth}@{db['HOST']}:{db['PORT']}/{quote(db['NAME'], safe='')}"
    return f"sqlite:///{db['NAME']}"
