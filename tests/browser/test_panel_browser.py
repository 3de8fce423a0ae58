"""The panel in headless Chromium: it renders the snapshot, a new alert shows a toast within 2 s,
ack stays in the browser, it falls back to polling without SSE, and it asks nothing of the
network but the panel itself. Screenshots go to test-artifacts/."""
from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from tests.integration.dashboard import cast
from tests.support import factories as f

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def open_panel(browser: Any, panel: Any) -> tuple[Any, Any, list[str], list[tuple[str, str]]]:
    context = browser.new_context(viewport={"width": 1600, "height": 1200})
    page = context.new_page()
    errors: list[str] = []
    requests: list[tuple[str, str]] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("request", lambda r: requests.append((r.method, r.url)))
    return context, page, errors, requests


def test_panel_renders_and_toasts_a_new_alert(browser: Any, panel: Any, artifacts: Path) -> None:
    cast.fill(cast.now_ms_for_tests(), mode=settings.MODE)
    context, page, errors, requests = open_panel(browser, panel)
    page.goto(f"http://127.0.0.1:{panel.port}/dashboard")
    page.wait_for_selector("body[data-snapshot-ts]", timeout=5000)
    assert page.text_content("#mode") == settings.MODE
    assert page.text_content("#sys-mode") == "DEGRADE" and page.text_content("#stage") == "AIGATE_CALL"
    assert "RECONCILE_DRIFT_BAD" in page.text_content("#reasons")
    assert "RECONCILE_DRIFT_BAD" in page.text_content("#alerts")
    assert page.locator("#market tbody tr").count() == 50 and "S69USDT" in page.text_content("#market")
    assert page.locator("#intents tbody tr").count() == 50 and "BAD" in page.text_content("#drift")
    assert page.text_content("#verdict") == "MODIFY" and page.locator("#equity canvas").count() >= 1
    assert page.get_attribute("#reports-link", "href") == "/reports/"  # the daily reports, one click away
    page.wait_for_selector("#orders tbody tr >> nth=49", timeout=7000)
    page.wait_for_function("document.getElementById('transport').textContent.includes('SSE')", timeout=3000)
    assert page.locator(".alert-toast").count() == 0  # alerts present at load are listed, not toasted

    t0 = time.monotonic()
    f.AlertFactory(mode=settings.MODE, reason_code="DISK_LOW_DEGRADE", severity="CRIT", stage="DOCTOR_CHECKS")
    toast = page.locator('.alert-toast[data-reason="DISK_LOW_DEGRADE"]')
    toast.wait_for(state="visible", timeout=2000)
    assert time.monotonic() - t0 < 2.0
    assert "CRIT DISK_LOW_DEGRADE" in toast.text_content()
    page.screenshot(path=str(artifacts / "dashboard.png"), full_page=True)

    toast.locator("button.ack").click()
    toast.wait_for(state="detached", timeout=3000)
    acks = page.evaluate("localStorage.getItem('livespot.ack.v1')")
    assert "DISK_LOW_DEGRADE|CRIT" in acks
    assert "acked" in page.text_content("#alerts")
    assert not errors
    assert all(m == "GET" for m, _ in requests)  # ack never reaches the server
    assert all(u.startswith(f"http://127.0.0.1:{panel.port}/") or u.startswith("data:") for _, u in requests)
    with page.expect_navigation() as nav:  # the header link leads to the daily reports
        page.click("#reports-link")
    assert nav.value.status == 200 and nav.value.url == f"http://127.0.0.1:{panel.port}/reports/"
    context.close()


def test_panel_falls_back_to_polling_without_sse(browser: Any, panel: Any, artifacts: Path) -> None:
    context, page, errors, requests = open_panel(browser, panel)
    page.route("**/api/stream", lambda route: route.abort())
    page.goto(f"http://127.0.0.1:{panel.port}/dashboard")
    page.wait_for_selector("body[data-snapshot-ts]", timeout=5000)
    page.wait_for_function("document.getElementById('transport').textContent === 'polling'", timeout=5000)
    first = page.get_attribute("body", "data-snapshot-ts")
    page.wait_for_function(f"document.body.dataset.snapshotTs !== '{first}'", timeout=4000)
    assert any(u.endswith("/api/dashboard") for _, u in requests)
    page.screenshot(path=str(artifacts / "dashboard-polling.png"))
    context.close()
