"""`python manage.py bench NAME`: run a benchmark; human summary, then one JSON line of figures."""
from __future__ import annotations

import importlib
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

# name -> "module:function"; each function takes the parsed options and returns
# (summary lines, figures dict).
BENCHMARKS = {
    "audit": "audit.bench:run",
    "backtest": "trading.backtest.bench:run",
    "dashboard": "dashboard.bench:run",
    "exchange": "trading.exchange.bench:run",
    "pipeline": "trading.exchange.wire_bench:run",
}


class Command(BaseCommand):
    help = "Run a benchmark by name: " + ", ".join(sorted(BENCHMARKS))

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("name", choices=sorted(BENCHMARKS))
        parser.add_argument("--events", type=int, default=None, help="events per run (audit)")
        parser.add_argument("--repeat", type=int, default=3, help="runs; the median is reported")

    def handle(self, *args: Any, **options: Any) -> None:
        module_name, func_name = BENCHMARKS[options["name"]].split(":")
        func = getattr(importlib.import_module(module_name), func_name)
        if options["repeat"] < 1:
            raise CommandError("--repeat must be >= 1")
        lines, figures = func(options)
        for line in lines:
            self.stdout.write(line)
        self.stdout.write(json.dumps(figures, sort_keys=True))
