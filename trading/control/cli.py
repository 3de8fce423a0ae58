"""The shared body of the `pause`, `resume` and `flatten` commands (thin wrappers around it)."""
from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from trading.control.requests import request_command
from trading.domain.clock import SystemClock
from trading.models import ControlCommand
from trading.models.choices import ControlCommandKind


class ControlCommandBase(BaseCommand):
    kind: ControlCommandKind

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--note", default="", help="why (kept with the request and in the audit)")
        parser.add_argument("--wait", type=float, default=0.0, metavar="SECONDS",
                            help="wait up to this long for the trader to apply it and print its result "
                                 "(exit 1 if it did not)")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["wait"] < 0:
            raise CommandError("--wait must be >= 0")
        cmd = request_command(self.kind, mode=settings.MODE, now_ms=SystemClock().now_ms(), note=opts["note"])
        self.stdout.write(f"{self.kind.value} requested for the {settings.MODE} trader (#{cmd.pk}); "
                          "it is applied within one loop tick")
        if opts["wait"] > 0:
            self._wait(cmd.pk, opts["wait"])

    def _wait(self, pk: int, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            row = ControlCommand.objects.get(pk=pk)
            if row.applied_ts_ms is not None:
                self.stdout.write(f"applied by run {row.applied_run_id}: {row.result}")
                return
            time.sleep(0.1)
        raise CommandError(f"not applied within {seconds:g} s: is `runtrader` running for MODE={settings.MODE} "
                           "on this database? The request stays pending and is applied when it starts.")
