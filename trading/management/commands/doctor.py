"""`python manage.py doctor`: run the doctor checks; a table, or one JSON document with --json.

Exit codes: 0 when no check failed (WARN and SKIP included), 1 on any FAIL.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from trading.doctor import format_table, run_doctor


class Command(BaseCommand):
    help = "Check whether this setup is safe to run: config, secrets, exchange, account, DB, disk, Redis, AI gate."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--json", action="store_true", help="print one JSON document instead of the table")
        parser.add_argument("--config", help="runtime trading config (default: LIVESPOT_TRADING_CONFIG)")
        parser.add_argument("--sim-port", type=int,
                            help="EXCHANGE=sim: check the simexchange on this 127.0.0.1 port "
                                 "(default: start one in-process for the check)")
        parser.add_argument("--only", default="", help="comma-separated check ids to run, e.g. LS005,LS006")

    def handle(self, *args: Any, **opts: Any) -> None:
        port = opts["sim_port"]
        if port is not None and not 0 < port < 65536:
            raise CommandError("--sim-port must be 1-65535")
        only = [i.strip() for i in opts["only"].split(",") if i.strip()]
        report = run_doctor(Path(opts["config"] or settings.TRADING_CONFIG), sim_port=port, only=only)
        self.stdout.write(json.dumps(report.to_dict(), indent=2) if opts["json"] else format_table(report))
        self.stdout.flush()
        if not report.ok:
            sys.exit(1)
