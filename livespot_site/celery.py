"""The Celery app: periodic jobs (reconcile, TopN, daily report) when a broker is configured.

    celery -A livespot_site worker --concurrency=1 -l INFO
    celery -A livespot_site beat -l INFO

Configured from Django settings (CELERY_* names; the broker is CELERY_BROKER_URL, else REDIS_URL).
The beat schedule comes from the `[schedule]` section of the trading config, through the same
timing table the trader uses in-process when no broker is configured (trading/schedule/).
"""
from __future__ import annotations

import os
import sys
from typing import Any

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "livespot_site.settings")

app = Celery("livespot")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["trading"])  # trading/tasks.py


def configured_beat_schedule() -> dict[str, dict[str, Any]]:
    """Return the beat schedule of the trading config; a bad config exits with its one-line error."""
    from django.conf import settings

    from trading.domain.config import ConfigError, load_trader_config
    from trading.schedule import beat_schedule, job_timings

    try:
        config = load_trader_config(settings.TRADING_CONFIG)
    except ConfigError as exc:
        print(f"livespot celery: config error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    return beat_schedule(job_timings(config.schedule))


@app.on_after_configure.connect
def _install_beat_schedule(sender: Celery, **_: Any) -> None:
    sender.conf.beat_schedule = configured_beat_schedule()
