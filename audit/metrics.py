"""Writer metrics: rolling per-minute counters and the queue pressure state machine."""
from __future__ import annotations

from collections import deque
from dataclasses import asdict, dataclass

from trading.domain.catalog.panel import WriterPressure


class RollingCounter:
    """Counts events in one-second buckets and reports the total over the last minute."""

    def __init__(self, window_s: int = 60) -> None:
        self._window = window_s
        self._buckets: deque[list[int]] = deque()

    def add(self, now_ms: int, n: int = 1) -> None:
        second = now_ms // 1000
        if self._buckets and self._buckets[-1][0] == second:
            self._buckets[-1][1] += n
        else:
            self._buckets.append([second, n])
        self._trim(second)

    def total(self, now_ms: int) -> int:
        self._trim(now_ms // 1000)
        return sum(n for _, n in self._buckets)

    def _trim(self, second: int) -> None:
        while self._buckets and self._buckets[0][0] <= second - self._window:
            self._buckets.popleft()


class PressureGauge:
    """OK / HIGH / FULL from the queue fill, with hysteresis so alerts don't flap.

    HIGH from high_pct, FULL at capacity (telemetry is shed there). Pressure only goes
    back to OK once the queue drains below half the high-water mark.
    """

    def __init__(self, capacity: int, high_pct: int) -> None:
        self.capacity = capacity
        self.high_len = max(1, capacity * high_pct // 100)
        self.recover_len = self.high_len // 2
        self.level = WriterPressure.OK

    def update(self, peak_len: int, current_len: int, shed_since: int) -> WriterPressure | None:
        """Fold in the latest observations; return the new level if it changed."""
        if shed_since or peak_len >= self.capacity:
            new = WriterPressure.FULL
        elif peak_len >= self.high_len:
            new = WriterPressure.HIGH
        elif current_len < self.recover_len:
            new = WriterPressure.OK
        else:  # between the recovery and high-water marks: hold, but FULL decays to HIGH
            new = WriterPressure.HIGH if self.level == WriterPressure.FULL else self.level
        if new == self.level:
            return None
        self.level = new
        return new


@dataclass(frozen=True)
class WriterMetrics:
    """What the panel and doctor show about the writer (000 HealthSnapshot fields)."""

    queue_len: int
    queue_capacity: int
    queue_pct_x10000: int  # percent * 10000, as 000 encodes percentages (100 % = 1_000_000)
    lag_ms: int
    pressure: str
    events_per_min: int
    drops_per_min: int
    last_commit_ts_ms: int
    committed_total: int
    shed_total: int
    shed_by_type: dict[str, int]
    deadlettered_total: int
    redacted_total: int
    commit_failures_total: int
    trail_behind: bool

    def to_dict(self) -> dict[str, object]:
        return asdict(self)
