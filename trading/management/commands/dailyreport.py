"""`python manage.py dailyreport [--day YYYY-MM-DD] [--mode PAPER|TESTNET|LIVE] [--capital Q]`.

Builds and stores the daily report (trading.report.daily.run_daily_report) and prints one
summary line. Exit codes: 0 stored or already stored (skipped), 2 bad arguments or a day
that is not over yet.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from trading.domain.catalog import Mode
from trading.report.daily import DayNotOver, run_daily_report


class Command(BaseCommand):
    help = "Build and store the daily report of one UTC day (default: yesterday) and print a summary."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--day", help="UTC day YYYY-MM-DD (default: the last complete day)")
        parser.add_argument("--mode", choices=[m.value for m in Mode], help="default: MODE from the environment")
        parser.add_argument("--capital", help="account capital in USDT at the start of the history, for equity and "
                            "drawdown bps (default: the account as the last reconcile before the day saw it)")

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            day = dt.date.fromisoformat(opts["day"]) if opts["day"] else None
            capital = Decimal(opts["capital"]) if opts["capital"] else None
        except (ValueError, InvalidOperation) as err:
            raise CommandError(f"bad argument: {err}", returncode=2) from None
        try:
            result = run_daily_report(day, opts["mode"], capital_quote=capital)
        except DayNotOver as err:
            raise CommandError(str(err), returncode=2) from None
        self.stdout.write(result.summary())
