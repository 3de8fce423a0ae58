"""The audit writer on the real (file) test database with a real JSONL trail."""
from __future__ import annotations

import sqlite3
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

from audit.models import Alert, AuditEvent, StageEvent, WriterCheckpoint
from audit.writer import AuditWriterError
from tests.support.audit import WriterFactory, db_events, trail_records
from trading.domain.catalog import WriterPressure

pytestmark = pytest.mark.django_db(transaction=True)


def _wait_until(predicate, timeout: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        time.sleep(0.005)


def test_four_producers_each_critical_event_is_committed_exactly_once(
    writer_factory: WriterFactory, audit_dir: Path
) -> None:
    # A small queue forces producers through the reserve and into blocking.
    writer = writer_factory(capacity=2_000, batch_max=1_000)
    per_thread, threads = 50_000, []

    def produce(p: int) -> None:
        kinds = ("ORDER_SUBMIT", "ORDER_UPDATE", "FILL", "INTENT_CHANGED")
        for i in range(per_thread):
            writer.emit(kinds[i % 4], stage="EXECUTE_INTENT", symbol="BTCUSDT", data={"p": p, "i": i})

    for p in range(4):
        threads.append(threading.Thread(target=produce, args=(p,)))
        threads[-1].start()
    for t in threads:
        t.join()
    assert writer.flush(timeout=120)
    assert writer.metrics().shed_total == 0

    with connection.cursor() as cur:
        cur.execute("SELECT data, seq FROM audit_event WHERE run_id = %s AND event_type != 'ALERT_RAISED'",
                    [writer.run_id])
        rows = cur.fetchall()
    keys = Counter(row[0] for row in rows)
    assert len(rows) == 4 * per_thread
    assert max(keys.values()) == 1, "an event was committed twice"
    assert len({row[1] for row in rows}) == len(rows)

    lines = [r for r in trail_records(audit_dir) if r["run_id"] == writer.run_id]
    db_total = AuditEvent.objects.filter(run_id=writer.run_id).count()
    assert len(lines) == db_total
    assert sorted(r["seq"] for r in lines) == list(range(1, db_total + 1))


def test_rows_and_jsonl_lines_carry_the_same_envelope(writer_factory: WriterFactory, audit_dir: Path) -> None:
    writer = writer_factory()
    writer.emit("ORDER_SUBMIT", stage="EXECUTE_INTENT", symbol="ETHUSDT", cycle_id="c-1",
                decision_id="d-abc", order_intent_id="oi-1", reasons=("INTENT_CONFIRMED",),
                data={"price": "1234.50", "qty": "0.010"})
    assert writer.flush()
    row = AuditEvent.objects.get(run_id=writer.run_id)
    (line,) = trail_records(audit_dir)
    for field in ("ts_ms", "run_id", "seq", "cycle_id", "decision_id", "order_intent_id", "mode", "stage",
                  "event_type", "reasons", "symbol"):
        assert line[field] == getattr(row, field), field
    assert line["data"] == row.data == {"price": "1234.50", "qty": "0.010"}
    assert writer.close()
    mark = WriterCheckpoint.objects.get(run_id=writer.run_id)
    assert mark.committed_seq == mark.trailed_seq == row.seq


def _lock_db() -> Any:
    """Hold a lock that makes the writer's next commit wait: SQLite's write lock (the writer
    gets DB_BUSY after its busy_timeout), or on PostgreSQL a table lock on audit_event (its
    INSERT waits). Release with execute("ROLLBACK") and close()."""
    if connection.vendor == "postgresql":
        import psycopg

        db = connection.settings_dict
        blocker = psycopg.connect(host=db["HOST"], port=db["PORT"], user=db["USER"], dbname=db["NAME"],
                                  password=db["PASSWORD"] or None, autocommit=True)
        blocker.execute("BEGIN")
        blocker.execute("LOCK TABLE audit_event IN EXCLUSIVE MODE")  # reads go on, writes wait
        return blocker
    lite = sqlite3.connect(settings.DATABASES["default"]["TEST"]["NAME"], isolation_level=None, timeout=5)
    lite.execute("BEGIN IMMEDIATE")
    return lite


def test_full_pressure_sheds_only_telemetry_counts_it_and_asks_for_degrade(
    writer_factory: WriterFactory,
) -> None:
    writer = writer_factory(capacity=100, batch_max=10, critical_reserve_pct=10)
    levels: list[WriterPressure] = []
    writer.add_pressure_listener(levels.append)
    blocker = _lock_db()  # the writer's next commit waits on the lock (DB_BUSY)
    try:
        writer.emit("ORDER_SUBMIT", stage="EXECUTE_INTENT", data={"n": "first"})
        _wait_until(lambda: writer.metrics().queue_len == 0)  # taken, now stuck in BEGIN
        for i in range(100):
            assert writer.emit("HEARTBEAT", stage="STATE_UPDATE", data={"i": i}) > 0
        shed = [writer.emit("HEARTBEAT", stage="STATE_UPDATE", data={"i": i}) for i in range(150)]
        assert shed == [0] * 150
        critical = [writer.emit("FILL", stage="POSITION_MANAGE", data={"k": k}) for k in range(5)]
        assert all(seq > 0 for seq in critical)
        metrics = writer.metrics()
        assert metrics.shed_total == 150 and metrics.shed_by_type == {"HEARTBEAT": 150}
        assert metrics.queue_len == 105 and metrics.queue_pct_x10000 == 1_000_000
        assert metrics.drops_per_min == 150
        time.sleep(0.06)
        assert writer.metrics().lag_ms >= 60  # the oldest queued record has waited that long
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert writer.flush(timeout=30)
    after = writer.metrics()
    assert after.queue_len == 0 and after.lag_ms == 0
    assert after.last_commit_ts_ms == writer_factory.clock.now_ms() and after.events_per_min >= 106
    counts = Counter(AuditEvent.objects.filter(run_id=writer.run_id).values_list("event_type", flat=True))
    assert counts["HEARTBEAT"] == 100 and counts["FILL"] == 5 and counts["ORDER_SUBMIT"] == 1
    _wait_until(lambda: WriterPressure.FULL in levels)
    assert Alert.objects.filter(run_id=writer.run_id, reason_code="DB_WRITER_QUEUE_FULL", severity="CRIT").exists()


def test_critical_producer_blocks_past_the_reserve_and_resumes(writer_factory: WriterFactory) -> None:
    writer = writer_factory(capacity=100, batch_max=10, critical_reserve_pct=10)
    blocker = _lock_db()
    done = threading.Event()
    try:
        writer.emit("ORDER_SUBMIT", stage="EXECUTE_INTENT")
        _wait_until(lambda: writer.metrics().queue_len == 0)
        for _ in range(110):
            writer.emit("ORDER_UPDATE", stage="EXECUTE_INTENT")

        def one_more() -> None:
            writer.emit("FILL", stage="POSITION_MANAGE", data={"last": True}, wait=True)
            done.set()

        thread = threading.Thread(target=one_more)
        thread.start()
        time.sleep(0.3)
        assert not done.is_set(), "a critical producer must block, not drop, when the reserve is used up"
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert done.wait(30)
    assert AuditEvent.objects.filter(run_id=writer.run_id, event_type="FILL").count() == 1


def test_high_pressure_raises_an_alert_and_recovery_is_recorded(writer_factory: WriterFactory) -> None:
    writer = writer_factory(capacity=100, batch_max=5, high_pct=50)
    blocker = _lock_db()
    try:
        writer.emit("ORDER_SUBMIT", stage="EXECUTE_INTENT")
        _wait_until(lambda: writer.metrics().queue_len == 0)
        for _ in range(60):
            writer.emit("ORDER_UPDATE", stage="EXECUTE_INTENT")
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert writer.flush(timeout=30)
    _wait_until(lambda: writer.metrics().pressure == "OK")
    writer.flush()
    reasons = list(Alert.objects.filter(run_id=writer.run_id).order_by("seq").values_list("reason_code", flat=True))
    assert reasons[:1] == ["DB_WRITER_QUEUE_HIGH"] and "DB_WRITER_QUEUE_RECOVERED" in reasons
    assert "DB_BUSY" not in reasons  # the lock was released well within the busy timeout


def test_wait_true_returns_only_after_the_row_is_committed(writer_factory: WriterFactory) -> None:
    writer = writer_factory()
    seq = writer.emit("INTENT_CHANGED", stage="EXECUTE_INTENT", order_intent_id="oi-7", wait=True)
    assert writer.committed_seq >= seq
    assert AuditEvent.objects.filter(run_id=writer.run_id, seq=seq, order_intent_id="oi-7").exists()


def test_a_closed_writer_refuses_critical_records_and_drops_telemetry_counted(
    writer_factory: WriterFactory,
) -> None:
    writer = writer_factory()
    assert writer.close()
    with pytest.raises(AuditWriterError):
        writer.emit("FILL", stage="POSITION_MANAGE")
    assert writer.emit("HEARTBEAT", stage="STATE_UPDATE") == 0
    assert writer.metrics().shed_total == 1


def test_an_unserializable_payload_keeps_the_event_and_says_so(writer_factory: WriterFactory) -> None:
    writer = writer_factory()
    writer.emit("ORDER_UPDATE", stage="EXECUTE_INTENT", data={"obj": object()})
    writer.emit("ORDER_UPDATE", stage="EXECUTE_INTENT", data={"ok": 1})
    assert writer.flush()
    rows = db_events(writer.run_id)
    assert [r["data"] for r in rows] == [{"payload_error": "not serializable: TypeError"}, {"ok": 1}]
    assert writer.metrics().committed_total == 2


def test_stage_and_alert_rows_land_in_their_tables_with_the_envelope(writer_factory: WriterFactory) -> None:
    writer = writer_factory()
    reporter, alerts, stream = writer_factory.reporting(writer)
    reporter.enter("DEEP_SCAN", "3 candidates", cycle_id="c-9", symbol="SOLUSDT")
    alerts.raise_alert("RECONCILE_DRIFT_BAD", "CRIT", "2 orders differ", metadata={"diffs": 2})
    assert writer.flush()
    stage = StageEvent.objects.get(run_id=writer.run_id)
    assert (stage.stage, stage.cycle_id, stage.symbol, stage.summary) == ("DEEP_SCAN", "c-9", "SOLUSDT", "3 candidates")
    alert = Alert.objects.get(run_id=writer.run_id)
    assert (alert.reason_code, alert.severity, alert.stage, alert.symbol) == ("RECONCILE_DRIFT_BAD", "CRIT", "DEEP_SCAN", "")
    assert alert.metadata == {"diffs": 2} and alert.reasons == ["RECONCILE_DRIFT_BAD"]
    out = stream.getvalue().splitlines()
    assert "DEEP_SCAN" in out[0] and "cycle=c-9" in out[0] and "SOLUSDT" in out[0] and "3 candidates" in out[0]
    assert out[1].startswith("!! ALERT CRIT ts_ms=") and "stage=DEEP_SCAN mode=PAPER reason=RECONCILE_DRIFT_BAD" in out[1]


def test_insert_column_lists_match_the_models() -> None:
    from audit.models import Alert as AlertModel
    from audit.serialize import ALERT_COLUMNS, EVENT_COLUMNS, STAGE_COLUMNS

    def columns(model: type) -> set[str]:
        return {f.column for f in model._meta.concrete_fields if not f.primary_key}

    assert set(EVENT_COLUMNS) == columns(AuditEvent) and len(EVENT_COLUMNS) == len(set(EVENT_COLUMNS))
    assert set(STAGE_COLUMNS) == columns(StageEvent)
    assert set(ALERT_COLUMNS) == columns(AlertModel)
