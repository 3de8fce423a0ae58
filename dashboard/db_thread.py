"""One thread that runs every snapshot query of the panel process, on one long-lived connection.

Why not Django's own async bridges: under ASGI every request runs in a fresh context, and
Django keeps connections per context, so each /api/dashboard request (and each stream) opened
its own SQLite connection with an empty page cache — about half of the request's time on a
1M-event database. A plain worker thread has one context for its whole life: its connection
(and SQLite's page cache) is reused by every build. Builds are serialised on it, which the
hub wants anyway (one build at a time, shared by every client).
"""
from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from django.db import connection

T = TypeVar("T")


class DbThread:
    """A single worker thread with its own database connection."""

    def __init__(self) -> None:
        self._executor: ThreadPoolExecutor | None = None
        self._guard = threading.Lock()

    def _pool(self) -> ThreadPoolExecutor:
        with self._guard:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="panel-db")
            return self._executor

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """Run `fn(*args)` in the thread and return its result (its exception, if it raises)."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool(), _call, fn, args)


def _call(fn: Callable[..., T], args: tuple[Any, ...]) -> T:
    try:
        return fn(*args)
    except Exception:
        # A failed query may have left the connection unusable (database replaced, I/O error):
        # drop it, the next call opens a fresh one.
        connection.close()
        raise


db_thread = DbThread()
