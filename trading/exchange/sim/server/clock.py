"""The simulator's clock: exchange time that follows the wall clock at a chosen speed.

The exchange clock must keep moving with real time even in tests: python-binance stamps
signed requests with the machine's clock (facts §9), and the server checks them against
this clock (facts §1). Tests still "drive" time by jumping it forward, which never moves it
backward, so timestamps, order times and event times stay monotonic.
"""
from __future__ import annotations

import threading
import time


class SimClock:
    """Exchange time in epoch ms: `start + elapsed_wall * speed + jumps`.

    Args:
        start_ms: exchange time at creation (default: the wall clock's now).
        speed: how many exchange ms pass per wall ms (0 freezes the clock between jumps).
    """

    def __init__(self, start_ms: int | None = None, speed: float = 1.0) -> None:
        if speed < 0:
            raise ValueError("speed must be >= 0")
        self._lock = threading.Lock()
        base = int(start_ms if start_ms is not None else time.time_ns() // 1_000_000)
        # (base exchange ms, monotonic ns at base, speed), swapped as one tuple so a reader on
        # another thread never mixes an old base with a new speed and sees time go backward.
        self._anchor = (base, time.monotonic_ns(), float(speed))

    @property
    def speed(self) -> float:
        """Return exchange ms per wall ms."""
        return self._anchor[2]

    def now_ms(self) -> int:
        """Return the exchange time in epoch ms."""
        base, mono0, speed = self._anchor
        return base + int((time.monotonic_ns() - mono0) / 1_000_000 * speed)

    def advance(self, ms: int) -> int:
        """Jump forward by `ms` (never backward) and return the new time."""
        if ms < 0:
            raise ValueError("a clock never moves backward")
        with self._lock:
            base, mono0, speed = self._anchor
            self._anchor = (base + int(ms), mono0, speed)
        return self.now_ms()

    def set_speed(self, speed: float) -> None:
        """Change the speed from now on, without a jump."""
        if speed < 0:
            raise ValueError("speed must be >= 0")
        with self._lock:
            now_ns = time.monotonic_ns()
            base, mono0, old = self._anchor
            self._anchor = (base + int((now_ns - mono0) / 1_000_000 * old), now_ns, float(speed))
