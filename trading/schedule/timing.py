"""Job timings from the `[schedule]` config: every N seconds, or once a day at HH:MM UTC (pure Python)."""
from __future__ import annotations

from dataclasses import dataclass

from trading.domain.config.sections import ScheduleSection

DAY_MS = 86_400_000
RECONCILE, TOPN, DAILY_REPORT = "reconcile", "topn", "daily_report"
JOB_NAMES = (RECONCILE, TOPN, DAILY_REPORT)


@dataclass(frozen=True, slots=True)
class JobTiming:
    """When job `name` runs: every `every_ms`, or daily at `daily_minute` (minutes after 00:00 UTC)."""

    name: str
    every_ms: int | None = None
    daily_minute: int | None = None

    def __post_init__(self) -> None:
        if (self.every_ms is None) == (self.daily_minute is None):
            raise ValueError(f"job {self.name}: give exactly one of every_ms and daily_minute")
        if self.every_ms is not None and self.every_ms <= 0:
            raise ValueError(f"job {self.name}: every_ms must be > 0 (got {self.every_ms})")
        if self.daily_minute is not None and not 0 <= self.daily_minute < 1440:
            raise ValueError(f"job {self.name}: daily_minute must be in 0..1439 (got {self.daily_minute})")

    def next_due_ms(self, after_ms: int) -> int:
        """Return the first time strictly after `after_ms` at which the job is due."""
        if self.every_ms is not None:
            return after_ms + self.every_ms
        assert self.daily_minute is not None
        at = after_ms - after_ms % DAY_MS + self.daily_minute * 60_000
        return at if at > after_ms else at + DAY_MS


def parse_hhmm(text: str) -> int:
    """Return minutes after midnight of a validated "HH:MM"."""
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def job_timings(schedule: ScheduleSection) -> tuple[JobTiming, ...]:
    """Return the three jobs' timings: reconcile and TopN on their intervals, the report daily."""
    return (
        JobTiming(RECONCILE, every_ms=schedule.reconcile_interval_s * 1000),
        JobTiming(TOPN, every_ms=schedule.topn_interval_s * 1000),
        JobTiming(DAILY_REPORT, daily_minute=parse_hhmm(schedule.daily_report_utc)),
    )
