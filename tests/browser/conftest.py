"""Browser tests need Debian's chromium (apt-get install chromium) and the playwright package."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    if not CHROMIUM.exists():
        pytest.skip("BROWSER TESTS NOT RUN: /usr/bin/chromium is missing (apt-get install chromium)")
    playwright_api = pytest.importorskip("playwright.sync_api", reason="BROWSER TESTS NOT RUN: pip install playwright")
    # Playwright's sync API keeps an event loop running in this thread, which makes Django
    # refuse the tests' own ORM calls; they are plain sync calls, so allow them here only.
    # Module scope: the loop must be gone before other tests call asyncio.run().
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with playwright_api.sync_playwright() as p:
            b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS)
            yield b
            b.close()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def panel(django_db_setup: None, tmp_path: Path):  # type: ignore[no-untyped-def]
    """A daphne serving the panel on the test DB (snapshot every 400 ms)."""
    from tests.integration.dashboard.panel_server import PanelServer
    from tests.support.db_url import subprocess_db_url

    server = PanelServer(tmp_path, subprocess_db_url(), interval_ms=400).start()
    yield server
    server.stop()
