"""One trader per database and mode: an exclusive, non-blocking file lock.

The kernel releases a flock when its process dies, so a crashed trader never leaves a
stale lock behind.
"""
from __future__ import annotations

import fcntl
import hashlib
import os
from pathlib import Path


class InstanceLocked(RuntimeError):
    """Another live process holds the lock."""


class InstanceLock:
    def __init__(self, lock_dir: Path, db_identity: str, mode: str) -> None:
        digest = hashlib.sha256(db_identity.encode()).hexdigest()[:12]
        self.path = Path(lock_dir) / f"runtrader-{mode.lower()}-{digest}.lock"
        self._fd: int | None = None

    def acquire(self) -> "InstanceLock":
        """Take the lock or raise InstanceLocked naming the holder's pid."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o640)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "?"
            os.close(fd)
            raise InstanceLocked(f"another trader (pid {holder}) holds {self.path}") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> "InstanceLock":
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()
