"""Complete the JSONL trail from the database after a crash or a failed append.

A run's checkpoint says which seq was last committed to the DB and which was last
mirrored to JSONL. Rows in between are appended, except those whose lines did reach the
file (a crash between the append and the watermark update), so the trail ends up with
exactly one line per row.
"""
from __future__ import annotations

import fcntl
import os
from pathlib import Path

import orjson

from audit.serialize import line_from_row
from audit.store import AuditStore
from audit.trail import JsonlTrail, day_of


def hold_run_lock(trail: JsonlTrail, run_id: str) -> int:
    """Take this run's liveness lock (held until the fd is closed or the process dies)."""
    fd = os.open(_lock_path(trail, run_id), os.O_RDWR | os.O_CREAT, 0o640)
    fcntl.flock(fd, fcntl.LOCK_EX)
    return fd


def release_run_lock(trail: JsonlTrail, run_id: str, fd: int) -> None:
    _lock_path(trail, run_id).unlink(missing_ok=True)
    os.close(fd)


def _lock_path(trail: JsonlTrail, run_id: str) -> Path:
    folder = trail.directory / ".runs"
    folder.mkdir(exist_ok=True)
    return folder / f"{run_id}.lock"


def _run_is_alive(trail: JsonlTrail, run_id: str) -> bool:
    path = _lock_path(trail, run_id)
    if not path.exists():
        return False
    fd = os.open(path, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    path.unlink(missing_ok=True)
    return False


def repair_trail(store: AuditStore, trail: JsonlTrail, now_ms: int, own_run_id: str) -> int:
    """Append the missing lines of this run and of dead runs; return how many were added.

    A run that is still alive in another process is skipped: between its commit and its
    append it is legitimately behind, and repairing it would duplicate its lines.
    """
    added = 0
    for run_id, trailed, committed in store.runs_behind_trail():
        if run_id != own_run_id and _run_is_alive(trail, run_id):
            continue
        rows = store.events_after(run_id, trailed, committed)
        present = _seqs_in_trail(trail, run_id, {day_of(r["ts_ms"]) for r in rows}, trailed)
        missing = [(r["ts_ms"], line_from_row(r)) for r in rows if r["seq"] not in present]
        if missing:
            trail.append(missing)
            added += len(missing)
        store.mark_trailed(run_id, committed, now_ms)
    return added


def _seqs_in_trail(trail: JsonlTrail, run_id: str, days: set[str], after_seq: int) -> set[int]:
    needle = f'"run_id":{orjson.dumps(run_id).decode()}'.encode()
    seqs: set[int] = set()
    for day in sorted(days):
        for line in trail.iter_lines(day):
            if needle in line:
                seq = orjson.loads(line)["seq"]
                if seq > after_seq:
                    seqs.add(seq)
    return seqs
