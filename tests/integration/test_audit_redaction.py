"""A secret handed to the audit layer reaches no row, no JSONL line and no console line."""
from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from audit.redaction import REDACTED
from tests.support.audit import WriterFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_secret_in_payload_summary_and_ids_is_redacted_everywhere(
    writer_factory: WriterFactory, audit_dir: Path
) -> None:
    secret = settings.BINANCE_API_SECRET
    writer = writer_factory()
    reporter, alerts, stream = writer_factory.reporting(writer)
    writer.emit("ORDER_SUBMIT", stage="EXECUTE_INTENT", cycle_id="c-1",
                data={"headers": {"X-MBX-APIKEY": settings.BINANCE_API_KEY}, "note": f"sig {secret}"})
    reporter.enter("BOOT", f"loaded key {settings.OPENAI_API_KEY}")
    alerts.raise_alert("DOCTOR_CHECK_FAILED", "WARN", f"bad secret {secret}", metadata={"v": secret})
    assert writer.flush()
    assert writer.metrics().redacted_total == 3

    with connection.cursor() as cur:
        dump = []
        for table in ("audit_event", "audit_stage_event", "audit_alert"):
            cur.execute(f"SELECT * FROM {table}")
            dump.extend(repr(row) for row in cur.fetchall())
    text = "\n".join(dump)
    trail = "".join(p.read_text() for p in audit_dir.glob("*.jsonl"))
    console = stream.getvalue()
    for blob in (text, trail, console):
        for name in settings.SECRET_SETTING_NAMES:
            assert getattr(settings, name) not in blob
        assert REDACTED in blob


@pytest.mark.django_db
def test_orm_written_rows_are_redacted_before_they_reach_the_database() -> None:
    from aigate.models import AIGateEvent
    from tests.support.factories import AIGateEventFactory, OrderIntentFactory
    from trading.models import OrderIntent

    secret = settings.OPENAI_API_KEY
    intent = OrderIntentFactory(last_error=f"auth failed for {settings.BINANCE_API_KEY}")
    gate = AIGateEventFactory(request_redacted=f'{{"authorization": "Bearer {secret}"}}')
    with connection.cursor() as cur:
        cur.execute("SELECT last_error FROM order_intents WHERE id = %s", [intent.pk])
        (stored_error,) = cur.fetchone()
        cur.execute("SELECT request_redacted FROM ai_gate_events WHERE id = %s", [gate.pk])
        (stored_request,) = cur.fetchone()
    assert settings.BINANCE_API_KEY not in stored_error and REDACTED in stored_error
    assert secret not in stored_request and REDACTED in stored_request
    assert OrderIntent.objects.get(pk=intent.pk).last_error.endswith(REDACTED)
    assert AIGateEvent.objects.count() == 1
