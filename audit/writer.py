"""The audit writer: one thread, a bounded queue, batched transactions, a JSONL mirror.

Guarantees:
- CRITICAL records (orders, intents, fills, alerts, verdicts, ...) are never dropped: past
  the queue capacity they use a reserve, and past the reserve their producer blocks.
  A producer may also wait until its record is committed (`wait=True`: write-ahead).
- TELEMETRY records are shed when the queue is at capacity; every shed record is counted.
- One transaction per batch (rows + committed watermark), then the JSONL lines; after a
  crash the trail is completed from the database (see `repair_trail`).
- A failing database never crashes the thread: the batch is retried with backoff and
  alerts are raised; rows refused for a data error go to a dead-letter file, never lost.
"""
from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from django.db import DatabaseError, OperationalError

from audit.metrics import PressureGauge, RollingCounter, WriterMetrics
from audit.record import AuditRecord
from audit.redaction import Redactor
from audit.serialize import BatchSerializer, SerializedBatch, dumps
from audit.store import AuditStore
from audit.trail import JsonlTrail
from audit.trail_repair import hold_run_lock, release_run_lock, repair_trail
from trading.domain.catalog import AuditEventType, ReasonCode, Severity, WriterPressure
from trading.domain.clock import Clock

log = logging.getLogger("livespot.audit")

REPAIR_RETRY_S = 5.0
AlertListener = Callable[[str, str, str, dict[str, Any]], None]
PressureListener = Callable[[WriterPressure], None]

_PRESSURE_ALERTS = {
    WriterPressure.HIGH: (ReasonCode.DB_WRITER_QUEUE_HIGH, Severity.WARN),
    WriterPressure.FULL: (ReasonCode.DB_WRITER_QUEUE_FULL, Severity.CRIT),
    WriterPressure.OK: (ReasonCode.DB_WRITER_QUEUE_RECOVERED, Severity.INFO),
}


class AuditWriterError(RuntimeError):
    """The writer is closed or dead: a critical record cannot be accepted (fail closed)."""


class AuditWriter:
    def __init__(
        self,
        *,
        run_id: str,
        mode: str,
        clock: Clock,
        store: AuditStore,
        trail: JsonlTrail,
        deadletter: JsonlTrail,
        redactor: Redactor,
        capacity: int = 100_000,
        batch_max: int = 1_000,
        flush_interval_ms: int = 50,
        high_pct: int = 70,
        critical_reserve_pct: int = 10,
    ) -> None:
        self.run_id, self.mode, self.clock = run_id, mode, clock
        self._store, self._trail, self._deadletter = store, trail, deadletter
        self._serializer = BatchSerializer(redactor)
        self._capacity = capacity
        self._hard_cap = capacity + max(1, capacity * critical_reserve_pct // 100)
        self._batch_max = batch_max
        self._flush_s = flush_interval_ms / 1000
        self._gauge = PressureGauge(capacity, high_pct)
        self._q: deque[AuditRecord] = deque()
        self._lock = threading.Lock()
        self._not_empty = threading.Condition(self._lock)
        self._not_full = threading.Condition(self._lock)
        self._committed = threading.Condition(self._lock)
        self._seq = 0
        self._committed_seq = 0
        self._peak = 0
        self._writer_waiting = False
        self._stopping = False
        self._abandon = False
        self._closed = False
        self._dead = False
        self._thread: threading.Thread | None = None
        self._run_lock_fd: int | None = None
        self._writer_ident = -1
        self._trail_behind = False
        self._trailed_seq = 0
        self._next_repair_at = 0.0
        self._shed_total = 0
        self._shed_seen = 0
        self._shed_by_type: dict[str, int] = {}
        self._committed_total = 0
        self._deadlettered_total = 0
        self._redacted_total = 0
        self._commit_failures = 0
        self._last_commit_ms = 0
        self._events_min = RollingCounter()
        self._drops_min = RollingCounter()
        self._alert_listeners: list[AlertListener] = []
        self._pressure_listeners: list[PressureListener] = []
        self._commit_listeners: list[Callable[[int], None]] = []
        self.stage_provider: Callable[[], str] = lambda: "BOOT"

    # ---- lifecycle -------------------------------------------------------------------
    def start(self) -> "AuditWriter":
        """Start the writer thread (after completing the trail of any crashed run)."""
        self._run_lock_fd = hold_run_lock(self._trail, self.run_id)
        self._thread = threading.Thread(target=self._run, name="audit-writer", daemon=True)
        self._thread.start()
        return self

    def close(self, timeout: float = 30.0) -> bool:
        """Drain and stop. Return True if everything queued was committed in time.

        Records that could not be committed by then are written to the dead-letter file.
        """
        with self._lock:
            self._stopping = True
            self._not_empty.notify()
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
            if thread.is_alive():
                self._abandon = True
                thread.join(5.0)
        with self._lock:
            self._closed = True
            leftover = list(self._q)
            self._q.clear()
            self._not_full.notify_all()
            self._committed.notify_all()
        if leftover:
            self._park(leftover, "writer closed before commit")
        clean = not leftover and not self._abandon and not self._trail_behind
        if self._run_lock_fd is not None and clean:
            release_run_lock(self._trail, self.run_id, self._run_lock_fd)
            self._run_lock_fd = None
        return clean

    # ---- producer side ---------------------------------------------------------------
    def emit(self, event_type: str, *, stage: str, reasons: tuple[str, ...] = (), symbol: str = "",
             cycle_id: str = "", snapshot_id: str = "", decision_id: str = "", order_intent_id: str = "",
             severity: str = "", data: dict[str, Any] | None = None, wait: bool = False) -> int:
        """Build a record stamped with this run and the clock, queue it; return its seq (0 if shed)."""
        rec = AuditRecord(ts_ms=self.clock.now_ms(), run_id=self.run_id, mode=self.mode, stage=stage,
                          event_type=event_type, reasons=reasons, symbol=symbol, cycle_id=cycle_id,
                          snapshot_id=snapshot_id, decision_id=decision_id, order_intent_id=order_intent_id,
                          severity=severity, data=data)
        return self.submit(rec, wait=wait)

    def submit(self, rec: AuditRecord, wait: bool = False) -> int:
        """Queue a record; return its seq, or 0 if it was telemetry shed under pressure."""
        rec.queued_ns = time.monotonic_ns()
        own_thread = threading.get_ident() == self._writer_ident
        with self._lock:
            if self._closed or self._dead:
                return self._refuse(rec)
            n = len(self._q)
            if n >= self._capacity and not own_thread:
                if not rec.critical:
                    return self._shed(rec)
                self._wait_for_room()
            self._seq += 1
            rec.seq = seq = self._seq
            self._q.append(rec)
            if n >= self._peak:
                self._peak = n + 1
            if self._writer_waiting:
                self._not_empty.notify()
        if wait:
            self.wait_committed(seq)
        return seq

    def _refuse(self, rec: AuditRecord) -> int:
        if rec.critical:
            raise AuditWriterError("audit writer is not running: critical record refused")
        self._shed_total += 1
        return 0

    def _shed(self, rec: AuditRecord) -> int:
        self._shed_total += 1
        self._shed_by_type[rec.event_type] = self._shed_by_type.get(rec.event_type, 0) + 1
        self._drops_min.add(self.clock.now_ms())
        return 0

    def _wait_for_room(self) -> None:
        # Critical records use the reserve above capacity; past it the producer blocks.
        while len(self._q) >= self._hard_cap:
            if self._closed or self._dead:
                raise AuditWriterError("audit writer stopped while a critical record waited")
            self._not_full.wait(0.25)

    def wait_committed(self, seq: int, timeout: float | None = None) -> bool:
        """Block until `seq` is committed (or parked); return False on timeout."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._lock:
            while self._committed_seq < seq:
                if self._dead or (self._closed and not self._q):
                    raise AuditWriterError("audit writer stopped before the record was committed")
                left = 0.25 if deadline is None else min(0.25, deadline - time.monotonic())
                if left <= 0:
                    return False
                self._committed.wait(left)
        return True

    def flush(self, timeout: float = 30.0) -> bool:
        """Wait until everything queued so far is committed; return False on timeout."""
        with self._lock:
            target = self._seq
        return self.wait_committed(target, timeout)

    # ---- listeners and metrics --------------------------------------------------------
    def add_alert_listener(self, fn: AlertListener) -> None:
        self._alert_listeners.append(fn)

    def add_pressure_listener(self, fn: PressureListener) -> None:
        self._pressure_listeners.append(fn)

    def add_commit_listener(self, fn: Callable[[int], None]) -> None:
        self._commit_listeners.append(fn)

    @property
    def committed_seq(self) -> int:
        return self._committed_seq

    def metrics(self) -> WriterMetrics:
        """Return a consistent snapshot of the writer's health figures."""
        now = self.clock.now_ms()
        with self._lock:
            n = len(self._q)
            lag = (time.monotonic_ns() - self._q[0].queued_ns) // 1_000_000 if n else 0
            return WriterMetrics(
                queue_len=n, queue_capacity=self._capacity,
                queue_pct_x10000=min(n, self._capacity) * 1_000_000 // self._capacity,  # percent * 10000 (000)
                lag_ms=lag, pressure=self._gauge.level.value,
                events_per_min=self._events_min.total(now), drops_per_min=self._drops_min.total(now),
                last_commit_ts_ms=self._last_commit_ms, committed_total=self._committed_total,
                shed_total=self._shed_total, shed_by_type=dict(self._shed_by_type),
                deadlettered_total=self._deadlettered_total, redacted_total=self._redacted_total,
                commit_failures_total=self._commit_failures, trail_behind=self._trail_behind,
            )

    # ---- writer thread -----------------------------------------------------------------
    def _run(self) -> None:
        self._writer_ident = threading.get_ident()
        try:
            self._repair(at_start=True)
            while True:
                batch = self._take_batch()
                if batch is None:
                    break
                if batch:
                    self._commit(batch)
                self._observe_pressure()
        except BaseException:  # a bug, not an I/O error: fail closed, loudly
            log.exception("audit writer thread died")
            with self._lock:
                self._dead = True
                self._not_full.notify_all()
                self._committed.notify_all()
            self._notify_alert(ReasonCode.DB_WRITER_FAILED, Severity.CRIT, "audit writer thread died", {})
        finally:
            self._record_trailed()
            self._store.close()

    def _record_trailed(self) -> None:
        if self._trailed_seq and not self._trail_behind:
            try:
                self._store.mark_trailed(self.run_id, self._trailed_seq, self.clock.now_ms())
            except DatabaseError:
                log.error("could not record the JSONL watermark; repair will dedupe on next start")

    def _take_batch(self) -> list[AuditRecord] | None:
        with self._lock:
            if not self._q:
                if self._stopping:
                    return None
                self._writer_waiting = True
                self._not_empty.wait(self._flush_s)
                self._writer_waiting = False
            q, n = self._q, min(len(self._q), self._batch_max)
            batch = [q.popleft() for _ in range(n)]
            if n:
                self._not_full.notify_all()
            return batch

    def _commit(self, batch: list[AuditRecord]) -> None:
        ser = self._serializer.serialize(batch)
        max_seq = batch[-1].seq
        parked = self._write_db(ser, max_seq)
        if parked:
            ser.lines = [line for i, line in enumerate(ser.lines) if i not in parked]
        self._write_trail(ser, max_seq)
        now = self.clock.now_ms()
        with self._lock:
            self._committed_seq = max_seq
            self._committed_total += len(batch) - len(parked)
            self._redacted_total += ser.redacted
            self._last_commit_ms = now
            self._events_min.add(now, len(batch))
            self._committed.notify_all()
        for fn in self._commit_listeners:
            fn(max_seq)

    def _write_db(self, ser: SerializedBatch, max_seq: int) -> set[int]:
        """Commit the batch, retrying transient errors; return indexes of parked rows."""
        attempt = 0
        while True:
            try:
                self._store.write(ser, self.run_id, max_seq, self.clock.now_ms(), self._trailed_seq)
                if attempt:
                    log.warning("audit writer recovered after %d failed commits", attempt)
                return set()
            except OperationalError as exc:  # locked, busy, disk I/O: transient until proven otherwise
                attempt += 1
                self._commit_failures += 1
                if attempt == 1 or attempt % 20 == 0:
                    self._notify_alert(ReasonCode.DB_BUSY, Severity.CRIT,
                                       f"audit commit failed ({type(exc).__name__}); retrying",
                                       {"attempt": attempt})
                if self._abandon:
                    all_rows = set(range(len(ser.events)))
                    self._park_serialized(ser, all_rows, f"abandoned after {attempt} failed commits")
                    return all_rows
                time.sleep(min(0.05 * 2 ** min(attempt, 6), 2.0))
            except DatabaseError as exc:  # a data error: one bad row must not block the queue
                return self._write_individually(ser, max_seq, exc)

    def _write_individually(self, ser: SerializedBatch, max_seq: int, exc: Exception) -> set[int]:
        log.error("audit batch refused (%s); writing rows one by one", type(exc).__name__)
        failures = self._store.write_one_by_one(ser)
        self._store.set_committed(self.run_id, max_seq, self.clock.now_ms())
        parked = {index for index, _ in failures}
        if parked:
            reason = "; ".join(sorted({type(e).__name__ for _, e in failures}))
            self._park_serialized(ser, parked, f"refused by the database: {reason}")
        return parked

    def _write_trail(self, ser: SerializedBatch, max_seq: int) -> None:
        if self._trail_behind:
            # Lines stay in the DB meanwhile; one repair attempt every few seconds at most.
            if time.monotonic() < self._next_repair_at or not self._repair(at_start=False):
                return
        try:
            self._trail.append(ser.lines)
            self._trailed_seq = max_seq  # recorded with the next batch, or at close
        except OSError as exc:
            # Rows are safe in the DB; the repair pass re-creates the missing lines later.
            self._trail_behind = True
            self._next_repair_at = time.monotonic() + REPAIR_RETRY_S
            self._notify_alert(ReasonCode.DB_WRITER_FAILED, Severity.WARN,
                               f"JSONL trail append failed ({type(exc).__name__}); will repair", {})

    def _repair(self, at_start: bool) -> bool:
        try:
            repaired = repair_trail(self._store, self._trail, self.clock.now_ms(), self.run_id)
        except (OSError, DatabaseError) as exc:
            log.error("JSONL trail repair failed: %s", type(exc).__name__)
            self._next_repair_at = time.monotonic() + REPAIR_RETRY_S
            return False
        self._trail_behind = False
        with self._lock:
            self._trailed_seq = self._committed_seq
        if repaired:
            self._notify_alert(ReasonCode.JSONL_TRAIL_REPAIRED, Severity.WARN,
                               f"{repaired} JSONL lines restored from the database",
                               {"lines": repaired, "at_start": at_start})
        return True

    def _park(self, records: list[AuditRecord], why: str) -> None:
        ser = self._serializer.serialize(records)
        self._park_serialized(ser, set(range(len(records))), why)

    def _park_serialized(self, ser: SerializedBatch, indexes: set[int], why: str) -> None:
        lines = []
        for i in sorted(indexes):
            ts_ms, line = ser.lines[i]
            lines.append((ts_ms, line[:-2] + b',"deadletter_reason":' + dumps(why) + b"}\n"))
        try:
            self._deadletter.append(lines)
        except OSError:
            log.critical("dead-letter write failed: %d audit records only in memory", len(lines))
        with self._lock:
            self._deadlettered_total += len(lines)

    def _observe_pressure(self) -> None:
        with self._lock:
            peak, current = self._peak, len(self._q)
            self._peak = current
            shed_since = self._shed_total - self._shed_seen
            self._shed_seen = self._shed_total
        changed = self._gauge.update(peak, current, shed_since)
        if changed is None:
            return
        reason, severity = _PRESSURE_ALERTS[changed]
        self._notify_alert(reason, severity, f"audit writer pressure {changed.value}",
                           {"queue_len": current, "capacity": self._capacity, "shed_since": shed_since})
        for fn in self._pressure_listeners:
            fn(changed)

    def _notify_alert(self, reason: str, severity: str, summary: str, metadata: dict[str, Any]) -> None:
        """Record an ALERT_RAISED of the writer's own and tell the listeners (console, panel)."""
        try:
            self.emit(AuditEventType.ALERT_RAISED, stage=self.stage_provider(), severity=severity,
                      reasons=(reason,), data={"reason_code": reason, "severity": severity,
                                                "summary": summary, "metadata": metadata})
        except AuditWriterError:
            pass  # the listeners below still make it visible
        for fn in self._alert_listeners:
            try:
                fn(reason, severity, summary, metadata)
            except Exception:  # noqa: BLE001 - a broken listener must not stop the writer
                log.exception("alert listener failed")
