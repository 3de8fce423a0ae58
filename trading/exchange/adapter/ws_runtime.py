"""Where the stream clients run, and how their events reach the (synchronous) bot.

The trader's loop is synchronous; the websocket clients are asyncio. One `StreamRuntime` per
adapter owns an event loop in a daemon thread and hosts every stream client; each client
writes typed events into an `EventQueue`, which the bot reads from any thread.
Market data is latest-wins, so a full market queue drops its oldest event (counted);
the user queue is unbounded: an execution report must never be dropped.
"""
from __future__ import annotations

import asyncio
import collections
import concurrent.futures
import threading
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any, TypeVar

from trading.domain.catalog.reasons import ReasonCode
from trading.domain.ports import StreamEvent, StreamState, StreamStats, StreamStatus

T = TypeVar("T")


class StreamRuntime:
    """An asyncio loop in a daemon thread, started on first use."""

    def __init__(self, name: str = "exchange-streams") -> None:
        self._name = name
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    def submit(self, coro: Coroutine[Any, Any, T]) -> concurrent.futures.Future[T]:
        """Run `coro` on the stream loop; return its future."""
        return asyncio.run_coroutine_threadsafe(coro, self._ensure())

    def call_soon(self, fn: Callable[[], None]) -> None:
        """Run `fn` on the stream loop, without waiting."""
        self._ensure().call_soon_threadsafe(fn)

    def stop(self, timeout_s: float = 5.0) -> None:
        """Cancel every task, stop the loop and join its thread."""
        with self._lock:
            loop, thread, self._loop, self._thread = self._loop, self._thread, None, None
        if loop is None or thread is None:
            return

        async def cancel_all() -> None:
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        try:
            asyncio.run_coroutine_threadsafe(cancel_all(), loop).result(timeout_s)
        except (concurrent.futures.TimeoutError, RuntimeError):
            pass
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout_s)

    def _ensure(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._loop is None:
                loop = asyncio.new_event_loop()
                ready = threading.Event()

                def main() -> None:
                    asyncio.set_event_loop(loop)
                    loop.call_soon(ready.set)
                    loop.run_forever()
                    loop.close()

                self._thread = threading.Thread(target=main, name=self._name, daemon=True)
                self._thread.start()
                ready.wait(5)
                self._loop = loop
            return self._loop


@dataclass
class Counters:
    """Mutable counters written by the stream loop only; `snapshot` is read by anyone."""

    frames: int = 0
    events: int = 0
    malformed: int = 0
    invalid: int = 0
    dropped: int = 0
    reconnects: int = 0
    resubscriptions: int = 0
    connected: bool = False

    def snapshot(self) -> StreamStats:
        return StreamStats(self.frames, self.events, self.malformed, self.invalid, self.dropped,
                           self.reconnects, self.resubscriptions, self.connected)


class EventQueue:
    """The consumer side of one stream: thread-safe, optionally bounded (drop oldest)."""

    def __init__(self, stream: str, maxlen: int | None, counters: Counters,
                 on_close: Callable[[], None] | None = None) -> None:
        self.stream = stream
        self._items: collections.deque[StreamEvent] = collections.deque()
        self._maxlen = maxlen
        self._cond = threading.Condition()
        self._counters = counters
        self._on_close = on_close
        self._closed = False

    def put(self, event: StreamEvent) -> None:
        """Queue one event (stream loop side)."""
        with self._cond:
            if self._maxlen is not None and len(self._items) >= self._maxlen:
                self._items.popleft()
                self._counters.dropped += 1
            self._items.append(event)
            self._counters.events += 1
            self._cond.notify()

    def status(self, state: StreamState, *, reason: ReasonCode | None = None, detail: str = "",
               needs_reconcile: bool = False) -> None:
        """Queue a control event about the connection."""
        self.put(StreamStatus(self.stream, state, time.time_ns() // 1_000_000, reason, detail, needs_reconcile))

    def get(self, timeout_s: float | None = None) -> StreamEvent | None:
        """Return the next event, or None after `timeout_s` (None: don't wait)."""
        with self._cond:
            if not self._items and timeout_s:
                self._cond.wait_for(lambda: bool(self._items), timeout_s)
            return self._items.popleft() if self._items else None

    def drain(self, max_events: int = 10_000) -> list[StreamEvent]:
        """Return the queued events (oldest first) without waiting."""
        with self._cond:
            out: list[StreamEvent] = []
            while self._items and len(out) < max_events:
                out.append(self._items.popleft())
            return out

    def stats(self) -> StreamStats:
        return self._counters.snapshot()

    def close(self) -> None:
        """Stop the stream client; events already queued stay readable."""
        if not self._closed:
            self._closed = True
            if self._on_close is not None:
                self._on_close()


def backoff_s(attempt: int, low: float, high: float, rand: Callable[[], float]) -> float:
    """Return the wait before reconnect `attempt` (0-based): exponential with jitter, capped.

    Jitter keeps many clients from reconnecting in lockstep (Binance: 300 attempts/5 min/IP).
    """
    return float(min(high, low * 2 ** attempt) * (0.5 + rand() / 2))


class QueuedStreamHandle:
    """What the bot sees of a stream: a thread-safe event queue over a task on the runtime.

    Subclasses set `_queue` (EventQueue) and `_task` (the stream's asyncio task).
    """

    _queue: EventQueue
    _task: Any

    def get(self, timeout_s: float | None = None) -> StreamEvent | None:
        return self._queue.get(timeout_s)

    def drain(self, max_events: int = 10_000) -> list[StreamEvent]:
        return self._queue.drain(max_events)

    def stats(self) -> StreamStats:
        return self._queue.stats()

    def close(self) -> None:
        self._queue.close()

    def _stop(self) -> None:
        self._task.cancel()
        self._queue.status(StreamState.CLOSED)
