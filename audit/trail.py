"""The JSONL human trail: one file per UTC day, append-only, mirroring audit_event rows.

Several processes (trader, celery, commands) may append to the same day file, so each
batch is written under an exclusive flock in one write() call. A writer killed in the
middle of a write can leave a partial last line; the next writer to take the lock cuts
it off, and the rows it held are re-appended from the database by the repair pass.
"""
from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

DAY_MS = 86_400_000


def day_of(ts_ms: int) -> str:
    """Return the UTC date (YYYY-MM-DD) of an epoch-ms timestamp."""
    return time.strftime("%Y-%m-%d", time.gmtime(ts_ms // 1000))


class JsonlTrail:
    """Appends lines to `<dir>/audit-YYYY-MM-DD.jsonl`, grouped by the UTC day of each event."""

    prefix = "audit-"

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self._day_cache: dict[int, str] = {}

    def path_for_day(self, day: str) -> Path:
        return self.directory / f"{self.prefix}{day}.jsonl"

    def _day(self, ts_ms: int) -> str:
        key = ts_ms // DAY_MS
        day = self._day_cache.get(key)
        if day is None:
            day = self._day_cache[key] = day_of(ts_ms)
        return day

    def append(self, lines: Iterable[tuple[int, bytes]]) -> int:
        """Append (ts_ms, line) pairs to their day files; return the number of lines written."""
        by_day: dict[str, list[bytes]] = {}
        for ts_ms, line in lines:
            by_day.setdefault(self._day(ts_ms), []).append(line)
        for day, day_lines in by_day.items():
            self._append_locked(self.path_for_day(day), b"".join(day_lines))
        return sum(len(v) for v in by_day.values())

    def _append_locked(self, path: Path, blob: bytes) -> None:
        fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o640)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            _cut_partial_tail(fd)
            view = memoryview(blob)
            while view:
                written = os.write(fd, view)
                view = view[written:]
        finally:
            os.close(fd)  # closing releases the flock

    def files(self) -> list[Path]:
        return sorted(self.directory.glob(f"{self.prefix}*.jsonl"))

    def iter_lines(self, day: str | None = None) -> Iterator[bytes]:
        """Yield every complete line of one day file, or of all files in date order."""
        paths = [self.path_for_day(day)] if day else self.files()
        for path in paths:
            if not path.exists():
                continue
            with open(path, "rb") as fh:
                for line in fh:
                    if line.endswith(b"\n"):
                        yield line


def _cut_partial_tail(fd: int) -> None:
    """Truncate a trailing partial line left by a writer that died mid-write."""
    size = os.fstat(fd).st_size
    if size == 0 or os.pread(fd, 1, size - 1) == b"\n":
        return
    pos = size
    while pos > 0:
        start = max(0, pos - 65536)
        chunk = os.pread(fd, pos - start, start)
        cut = chunk.rfind(b"\n")
        if cut >= 0:
            os.ftruncate(fd, start + cut + 1)
            return
        pos = start
    os.ftruncate(fd, 0)
