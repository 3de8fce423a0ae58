"""pytest plugin loaded with `-p` (before Django settings are read).

1. Sets every secret setting to a canary value and points all state (DB, audit trail,
   locks) at a session temp folder, before settings.py parses the environment
   (LIVESPOT_TEST_DATABASE_URL, when set, is the database instead).
2. Fails any test whose captured output contains a canary, and fails the session if a
   canary is found in any file the run left behind (JSONL, SQLite + WAL, logs).
3. When LIVESPOT_STRICT_SKIPS=1 or CI=true, a skipped test is a failure: CI must never
   count a test that needs a missing binary as passing.
"""
from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path

import pytest

CANARY = "LSCANARY" + secrets.token_hex(10)
SECRET_VARS = ("DJANGO_SECRET_KEY", "BINANCE_API_KEY", "BINANCE_API_SECRET", "OPENAI_API_KEY")
SESSION_DIR = Path(tempfile.mkdtemp(prefix="livespot-tests-"))

for _name in SECRET_VARS:
    os.environ[_name] = f"{CANARY}-{_name.lower()}"
os.environ["LIVESPOT_VAR_DIR"] = str(SESSION_DIR / "var")
os.environ["LIVESPOT_TEST_DB"] = str(SESSION_DIR / "var" / "test-db.sqlite3")
# The suite's database is SQLite unless LIVESPOT_TEST_DATABASE_URL names another (the PostgreSQL
# run of tests/integration/test_suite_on_postgres.py); an operator's DATABASE_URL is never used.
os.environ.pop("DATABASE_URL", None)
if os.environ.get("LIVESPOT_TEST_DATABASE_URL"):
    os.environ["DATABASE_URL"] = os.environ["LIVESPOT_TEST_DATABASE_URL"]
os.environ.setdefault("MODE", "PAPER")

STRICT_SKIPS = os.environ.get("LIVESPOT_STRICT_SKIPS") == "1" or os.environ.get("CI", "").lower() == "true"
_canary_bytes = CANARY.encode()


def _leaks(text: str) -> bool:
    return CANARY in text


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" and report.passed:
        leaked = [name for name, content in report.sections if _leaks(content)]
        if leaked:
            report.outcome = "failed"
            report.longrepr = f"secret canary leaked into captured output: {', '.join(leaked)}"
    if STRICT_SKIPS and report.skipped:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"skip is a failure under LIVESPOT_STRICT_SKIPS/CI: {reason}"


def scan_for_canary(*roots: Path) -> list[Path]:
    """Return every file under `roots` whose bytes contain the canary."""
    hits = []
    for root in roots:
        if not root.exists():
            continue
        for path in root.rglob("*"):
            if path.is_file() and not path.is_symlink():
                try:
                    if _canary_bytes in path.read_bytes():
                        hits.append(path)
                except OSError:
                    continue
    return hits


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    roots = [SESSION_DIR]
    basetemp = getattr(session.config, "_tmp_path_factory", None)
    if basetemp is not None:
        try:
            roots.append(basetemp.getbasetemp())
        except (OSError, ValueError):
            pass
    hits = scan_for_canary(*roots)
    if hits:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(f"SECRET CANARY FOUND in {len(hits)} file(s):", red=True)
            for path in hits[:20]:
                reporter.write_line(f"  {path}", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    elif exitstatus == 0:
        import shutil

        shutil.rmtree(SESSION_DIR, ignore_errors=True)
