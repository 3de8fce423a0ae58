"""HealthSnapshot: filesystem, this panel process, and the audit writer as the trader reports it.

Sources (000 "DATA SOURCES"):
- disk_free_bytes, sqlite_bytes, wal_bytes: os.stat / disk usage of the database file.
- process_rss_bytes, process_cpu_pct_x10000, uptime_s: *this panel process* (psutil). The
  trader is another process, possibly on another host; its liveness shows as
  last_cycle_ts_ms and the writer figures below.
- audit_writer_*, events/drops per min, last commit: `data["writer"]` of the trader's latest
  HEARTBEAT audit event (index (event_type, ts_ms)); last_cycle_ts_ms from the Heartbeat row.
"""
from __future__ import annotations

import os
import shutil
import time
from pathlib import Path
from typing import Any

import psutil
from django.conf import settings
from django.db import connection

from dashboard import encode as e
from dashboard.queries import sql
from trading.domain.catalog import AuditEventType, WriterPressure

_PRESSURES = tuple(m.value for m in WriterPressure)
_PROCESS = psutil.Process()
_PROCESS.cpu_percent(None)  # primes the counter: the first reading is otherwise 0 by definition


def clamp_pct_x10000(pct_x10000: int) -> int:
    """Return a pct_x10000 (percent * 10000, 000; 100 % = 1_000_000) clamped to 0..100 %."""
    return min(1_000_000, max(0, pct_x10000))


def process_figures() -> dict[str, int]:
    """Return RSS, CPU (percent * 10000, since the previous call) and uptime of this process."""
    with _PROCESS.oneshot():
        rss = _PROCESS.memory_info().rss
        cpu = _PROCESS.cpu_percent(None)
        started = _PROCESS.create_time()
    return {"rss": int(rss), "cpu_pct_x10000": e.i32(round(cpu * 10000)),
            "uptime_s": max(0, int(time.time() - started))}


def _db_path() -> Path | None:
    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.sqlite3":
        return None
    name = connection.settings_dict.get("NAME") or db.get("NAME")
    return Path(str(name)) if name and str(name) != ":memory:" else None


def _size(path: Path) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


STORAGE_TTL_S = 1.0  # disk free and file sizes move slowly: one statvfs + two stats per second
_storage_cache: tuple[float, dict[str, int]] | None = None


def storage_figures() -> dict[str, int]:
    """Return disk free and the SQLite + WAL sizes, measured at most once per STORAGE_TTL_S."""
    global _storage_cache
    now = time.monotonic()
    if _storage_cache is None or now - _storage_cache[0] >= STORAGE_TTL_S:
        _storage_cache = (now, _measure_storage())
    return dict(_storage_cache[1])


def _measure_storage() -> dict[str, int]:
    """Return disk free under the database (or VAR_DIR) and the SQLite + WAL file sizes."""
    path = _db_path()
    folder = path.parent if path is not None else Path(settings.VAR_DIR)
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        free = 0
    if path is None:  # PostgreSQL: no local database files to size
        return {"disk_free_bytes": free, "sqlite_bytes": 0, "wal_bytes": 0}
    return {"disk_free_bytes": free, "sqlite_bytes": _size(path),
            "wal_bytes": _size(path.with_name(path.name + "-wal"))}


def writer_figures(mode: str) -> dict[str, Any]:
    """Return the writer metrics of the latest HEARTBEAT event of `mode` ({} when none)."""
    # Index (event_type, ts_ms) walked backwards: one probe however large audit_event grows.
    row = sql.one(f"SELECT data FROM {sql.T_AUDIT} WHERE event_type = %s AND mode = %s"
                  f" ORDER BY ts_ms DESC LIMIT 1", (AuditEventType.HEARTBEAT.value, mode))
    data = sql.json_value(row[0]) if row else None
    writer = data.get("writer") if isinstance(data, dict) else None
    return writer if isinstance(writer, dict) else {}


def health(mode: str, last_cycle_ts_ms: int, proc: dict[str, int]) -> dict[str, Any]:
    """Return the HealthSnapshot."""
    w = writer_figures(mode)
    return {
        **storage_figures(),
        "process_rss_bytes": e.nonneg(proc["rss"]),
        "process_cpu_pct_x10000": max(0, proc["cpu_pct_x10000"]),
        "audit_writer_queue_pct_x10000": clamp_pct_x10000(e.i64(w.get("queue_pct_x10000"))),
        "audit_writer_queue_len": e.nonneg(w.get("queue_len")),
        "audit_writer_lag_ms": e.nonneg(w.get("lag_ms")),
        "audit_writer_pressure": e.one_of(w.get("pressure"), _PRESSURES, WriterPressure.OK.value),
        "events_per_min": e.nonneg(w.get("events_per_min")),
        "drops_per_min": e.nonneg(w.get("drops_per_min")),
        "last_cycle_ts_ms": last_cycle_ts_ms,
        "last_writer_commit_ts_ms": e.i64(w.get("last_commit_ts_ms")),
    }
