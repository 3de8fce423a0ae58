"""The production Celery app with a beat schedule on short intervals, for tests.

    celery -A tests.support.celery_fast_beat beat

Same tasks, same schedule builder (trading/schedule/beat.py); only the timings differ, because
the trading config (rightly) refuses intervals this short.
"""
from __future__ import annotations

from typing import Any

from livespot_site.celery import app
from trading.schedule import JobTiming, beat_schedule
from trading.schedule.timing import DAILY_REPORT, RECONCILE, TOPN

FAST_TIMINGS = (JobTiming(RECONCILE, every_ms=1000), JobTiming(TOPN, every_ms=1500),
                JobTiming(DAILY_REPORT, every_ms=2000))


@app.on_after_configure.connect
def _fast_schedule(sender: Any, **_: Any) -> None:
    # Connected after livespot_site.celery's receiver, so it runs after it and wins.
    sender.conf.beat_schedule = beat_schedule(FAST_TIMINGS)


if app.configured:
    app.conf.beat_schedule = beat_schedule(FAST_TIMINGS)

__all__ = ["app"]
