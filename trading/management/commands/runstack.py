"""`python manage.py runstack`: the trader and the panel together (what `make run` starts).

Both run as child processes with this environment; Ctrl-C / SIGTERM is passed to both, the
trader stops cleanly (entries stopped, protection kept, audit flushed) and the exit code is
the trader's.
"""
from __future__ import annotations

import signal
import subprocess
import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the trader and the panel (daphne) together until Ctrl-C."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("trader_args", nargs="*", help="extra runtrader arguments, e.g. -- --duration 60s")

    def handle(self, *args: Any, **opts: Any) -> None:
        panel = subprocess.Popen([sys.executable, "-m", "daphne", "-b", settings.WEBUI_BIND, "-p",
                                  str(settings.WEBUI_PORT), "livespot_site.asgi:application"])
        trader = subprocess.Popen([sys.executable, "manage.py", "runtrader", *opts["trader_args"]])
        self.stdout.write(f"panel: http://{settings.WEBUI_BIND}:{settings.WEBUI_PORT}/dashboard  (Ctrl-C stops both)")

        def forward(signum: int, _frame: object) -> None:
            for child in (trader, panel):
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)

        signal.signal(signal.SIGINT, forward)
        signal.signal(signal.SIGTERM, forward)
        code = trader.wait()
        if panel.poll() is None:
            panel.terminate()
        try:
            panel.wait(10)
        except subprocess.TimeoutExpired:
            panel.kill()
        sys.exit(code)
