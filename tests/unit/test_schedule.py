"""Job timings, the in-process scheduler and the beat schedule: one timing table for both runners."""
from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest

from trading.domain.config import parse_trader_config
from trading.schedule import InProcessScheduler, JobTiming, beat_schedule, job_timings
from trading.schedule.timing import DAY_MS, parse_hhmm
from trading.schedule.trader import TraderJobs

MIDNIGHT = 1_700_006_400_000  # 2023-11-15 00:00:00 UTC
assert MIDNIGHT % DAY_MS == 0


def _timings(**schedule: object) -> dict[str, JobTiming]:
    config = parse_trader_config({"schedule": schedule})
    return {t.name: t for t in job_timings(config.schedule)}


def test_timings_follow_the_schedule_section() -> None:
    t = _timings(reconcile_interval_s=30, topn_interval_s=600, daily_report_utc="07:45")
    assert t["reconcile"].every_ms == 30_000 and t["topn"].every_ms == 600_000
    assert t["daily_report"].daily_minute == 7 * 60 + 45 and t["daily_report"].every_ms is None
    assert list(t) == ["reconcile", "topn", "daily_report"]


def test_daily_job_is_due_at_its_minute_today_or_tomorrow() -> None:
    job = JobTiming("daily_report", daily_minute=parse_hhmm("00:05"))
    assert job.next_due_ms(MIDNIGHT) == MIDNIGHT + 5 * 60_000
    assert job.next_due_ms(MIDNIGHT + 5 * 60_000) == MIDNIGHT + DAY_MS + 5 * 60_000  # strictly after
    assert job.next_due_ms(MIDNIGHT + 23 * 3_600_000) == MIDNIGHT + DAY_MS + 5 * 60_000


@pytest.mark.parametrize("kwargs", [{}, {"every_ms": 1000, "daily_minute": 5}, {"every_ms": 0},
                                    {"daily_minute": 1440}])
def test_a_timing_must_be_exactly_one_valid_kind(kwargs: dict[str, int]) -> None:
    with pytest.raises(ValueError):
        JobTiming("x", **kwargs)


def test_the_config_refuses_a_bad_report_time_naming_the_key() -> None:
    from trading.domain.config import ConfigError

    with pytest.raises(ConfigError, match=r"schedule.daily_report_utc: must be a UTC time"):
        parse_trader_config({"schedule": {"daily_report_utc": "7:45"}})


class Recorder:
    def __init__(self, failing: str = "") -> None:
        self.calls: list[tuple[str, int]] = []
        self.failing = failing

    def __call__(self, name: str, now: int) -> dict[str, str]:
        self.calls.append((name, now))
        if name == self.failing:
            raise RuntimeError("exchange down")
        return {}


def test_first_tick_starts_the_clocks_then_jobs_run_when_due() -> None:
    run = Recorder()
    s = InProcessScheduler([JobTiming("reconcile", every_ms=1000), JobTiming("topn", every_ms=3000)], run)
    assert s.tick(MIDNIGHT) == []
    assert s.tick(MIDNIGHT + 999) == []
    assert s.tick(MIDNIGHT + 1000) == ["reconcile"]
    assert s.tick(MIDNIGHT + 2000) == ["reconcile"]
    assert s.tick(MIDNIGHT + 3000) == ["reconcile", "topn"]
    assert run.calls[-1] == ("topn", MIDNIGHT + 3000)


def test_a_stalled_trader_runs_an_overdue_job_once_not_in_a_burst() -> None:
    run = Recorder()
    s = InProcessScheduler([JobTiming("reconcile", every_ms=1000)], run)
    s.tick(MIDNIGHT)
    assert s.tick(MIDNIGHT + 10_500) == ["reconcile"]
    assert s.tick(MIDNIGHT + 11_000) == []
    assert s.tick(MIDNIGHT + 11_500) == ["reconcile"]


def test_a_failing_job_is_counted_and_does_not_stop_the_others() -> None:
    run = Recorder(failing="reconcile")
    s = InProcessScheduler([JobTiming("reconcile", every_ms=1000), JobTiming("topn", every_ms=1000)], run)
    s.tick(MIDNIGHT)
    assert s.tick(MIDNIGHT + 1000) == ["reconcile", "topn"]
    assert s.failures == {"reconcile": 1, "topn": 0}
    assert s.tick(MIDNIGHT + 2000) == ["reconcile", "topn"]  # retried at its next due time
    assert s.failures["reconcile"] == 2


def test_beat_schedule_uses_the_same_timings_as_the_in_process_scheduler() -> None:
    from celery.schedules import crontab

    timings = job_timings(parse_trader_config({"schedule": {"daily_report_utc": "00:05"}}).schedule)
    beat = beat_schedule(timings)
    assert beat["reconcile"] == {"task": "livespot.jobs.reconcile", "schedule": timedelta(seconds=60),
                                 "options": {"expires": 60.0}}
    assert beat["topn"]["schedule"] == timedelta(seconds=900) and beat["topn"]["task"] == "livespot.jobs.topn"
    daily = beat["daily_report"]["schedule"]
    assert isinstance(daily, crontab) and daily.hour == {0} and daily.minute == {5}


def test_trader_jobs_are_off_when_a_broker_runs_them_or_there_is_no_exchange() -> None:
    config = parse_trader_config({})
    with_cycle = SimpleNamespace(config=config, audit=SimpleNamespace(reporter=None),
                                 cycle=SimpleNamespace(ctx=None, exchange=None, clock=None, radar_for=dict))
    assert not TraderJobs.for_worker(with_cycle, in_process=False).enabled
    assert TraderJobs.for_worker(with_cycle, in_process=False).tick() == []
    assert not TraderJobs.for_worker(SimpleNamespace(config=config, cycle=None), in_process=True).enabled
    assert TraderJobs.for_worker(with_cycle, in_process=True).enabled


def test_trader_jobs_tick_on_the_cycle_clock() -> None:
    from trading.domain.clock import ManualClock

    clock = ManualClock(MIDNIGHT)
    jobs = TraderJobs(InProcessScheduler([JobTiming("reconcile", every_ms=1000)], Recorder()), clock)
    assert jobs.tick() == []
    clock.advance(1000)
    assert jobs.tick() == ["reconcile"]
