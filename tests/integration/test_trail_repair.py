"""Trail repair after the three crash windows of a batch: before the append, during it
(a partial last line), and between the append and the watermark update."""
from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from django.db import connection

from audit.record import AuditRecord
from audit.redaction import Redactor
from audit.serialize import BatchSerializer
from audit.store import AuditStore
from audit.trail import JsonlTrail
from audit.trail_repair import repair_trail
from tests.support.audit import trail_records

pytestmark = pytest.mark.django_db(transaction=True)
RUN = "r-dead"


def _batch(first_seq: int, n: int):  # type: ignore[no-untyped-def]
    records = []
    for k in range(n):
        rec = AuditRecord(ts_ms=1_795_000_000_000 + k, run_id=RUN, mode="PAPER", stage="EXECUTE_INTENT",
                          event_type="FILL", symbol="BTCUSDT", data={"k": first_seq + k})
        rec.seq = first_seq + k
        records.append(rec)
    return BatchSerializer(Redactor([])).serialize(records)


def _commit(store: AuditStore, first_seq: int, n: int):  # type: ignore[no-untyped-def]
    batch = _batch(first_seq, n)
    store.write(batch, RUN, first_seq + n - 1, 0, trailed_seq=0)
    return batch


def test_crash_before_append_lines_are_restored(audit_dir: Path) -> None:
    store, trail = AuditStore(), JsonlTrail(audit_dir)
    first = _commit(store, 1, 3)
    trail.append(first.lines)
    store.mark_trailed(RUN, 3, 0)
    _commit(store, 4, 3)  # committed, then the process died before appending
    store.mark_trailed(RUN, 3, 0)  # the next batch's transaction recorded the previous mark
    assert repair_trail(store, trail, 0, own_run_id="r-new") == 3
    assert [r["seq"] for r in trail_records(audit_dir)] == [1, 2, 3, 4, 5, 6]
    assert store.runs_behind_trail() == []


def test_crash_after_append_before_watermark_adds_no_duplicates(audit_dir: Path) -> None:
    store, trail = AuditStore(), JsonlTrail(audit_dir)
    batch = _commit(store, 1, 4)
    trail.append(batch.lines)  # lines reached the file; the watermark never moved
    assert repair_trail(store, trail, 0, own_run_id="r-new") == 0
    assert [r["seq"] for r in trail_records(audit_dir)] == [1, 2, 3, 4]


def test_partial_last_line_is_cut_and_its_row_restored(audit_dir: Path) -> None:
    store, trail = AuditStore(), JsonlTrail(audit_dir)
    batch = _commit(store, 1, 2)
    whole = b"".join(line for _, line in batch.lines)
    path = trail.path_for_day("2026-11-18")
    path.write_bytes(whole[: len(batch.lines[0][1]) + 25])  # died in the middle of line 2
    assert repair_trail(store, trail, 0, own_run_id="r-new") == 1
    if connection.vendor == "sqlite":  # the row holds the very text written
        assert path.read_bytes() == whole
    else:  # jsonb holds the value: the same record, compact, keys in jsonb's order
        assert [orjson.loads(x) for x in path.read_bytes().splitlines()] == [orjson.loads(x) for _, x in batch.lines]
        assert b": " not in path.read_bytes() and b", " not in path.read_bytes()
    assert [r["seq"] for r in trail_records(audit_dir)] == [1, 2]


def test_a_run_alive_in_another_process_is_left_alone(audit_dir: Path) -> None:
    from audit.trail_repair import hold_run_lock, release_run_lock

    store, trail = AuditStore(), JsonlTrail(audit_dir)
    _commit(store, 1, 2)
    fd = hold_run_lock(trail, RUN)  # the run's writer still holds its liveness lock
    try:
        assert repair_trail(store, trail, 0, own_run_id="r-new") == 0
        assert store.runs_behind_trail() == [(RUN, 0, 2)]
    finally:
        release_run_lock(trail, RUN, fd)
    assert repair_trail(store, trail, 0, own_run_id="r-new") == 2


def test_events_are_routed_to_the_file_of_their_utc_day(audit_dir: Path) -> None:
    trail = JsonlTrail(audit_dir)
    midnight = 1_795_046_400_000  # 2026-11-19T00:00:00Z
    trail.append([(midnight - 1, b'{"a":1}\n'), (midnight, b'{"a":2}\n')])
    assert [p.name for p in trail.files()] == ["audit-2026-11-18.jsonl", "audit-2026-11-19.jsonl"]

