"""`python manage.py simexchange --port P`: the Binance-compatible simulator on 127.0.0.1 (design §3).

Thin: parse options, pick credentials, run until SIGINT/SIGTERM. Prints one line with the URLs.
"""
from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from trading.exchange.sim.server import Credentials
from trading.exchange.sim.server.standalone import SIM_API_KEY, SIM_API_SECRET, StandaloneOptions, run


class Command(BaseCommand):
    help = "Run the exchange simulator (Binance Spot REST + WebSocket) on 127.0.0.1 until SIGINT/SIGTERM."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--port", type=int, required=True, help="TCP port on 127.0.0.1 (REST and WebSocket)")
        parser.add_argument("--seed", type=int, default=0, help="seed of the market and of random faults")
        parser.add_argument("--speed", type=float, default=1.0, help="exchange seconds per real second")
        parser.add_argument("--symbols", type=int, help="how many generated symbols (default: the generator's)")
        parser.add_argument("--replay", action="append", default=[],
                            help="replay a shipped candle series instead, e.g. BTCUSDT-1m (repeatable)")
        parser.add_argument("--latency-ms", type=int, default=0, help="fault: added REST latency")
        parser.add_argument("--fail-rate", type=float, default=0.0, help="fault: share of REST calls answered 503")
        parser.add_argument("--timeout-rate", type=float, default=0.0,
                            help="fault: share of new orders executed whose response is lost")
        parser.add_argument("--drop-frame-rate", type=float, default=0.0, help="fault: share of WS frames dropped")
        parser.add_argument("--garble-frame-rate", type=float, default=0.0, help="fault: share of WS frames garbled")
        parser.add_argument("--disconnect-every", type=float, default=0.0, help="fault: close all WS every N s")
        parser.add_argument("--clock-skew-ms", type=int, default=0, help="fault: server clock ahead by N ms")

    def handle(self, *args: Any, **opts: Any) -> None:
        if not 0 < opts["port"] < 65536:
            raise CommandError("--port must be 1-65535")
        if opts["speed"] <= 0:
            raise CommandError("--speed must be > 0")
        if opts["symbols"] is not None and opts["symbols"] < 1:
            raise CommandError("--symbols must be >= 1")
        options = StandaloneOptions(
            port=opts["port"], seed=opts["seed"], speed=opts["speed"], symbols=opts["symbols"],
            replay=tuple(opts["replay"]), latency_ms=opts["latency_ms"], fail_rate=opts["fail_rate"],
            timeout_rate=opts["timeout_rate"], drop_frame_rate=opts["drop_frame_rate"],
            garble_frame_rate=opts["garble_frame_rate"], disconnect_every_s=opts["disconnect_every"],
            clock_skew_ms=opts["clock_skew_ms"])
        key, secret = settings.BINANCE_API_KEY, settings.BINANCE_API_SECRET
        if not (key and secret):
            key, secret = SIM_API_KEY, SIM_API_SECRET
            self.stderr.write("simexchange: BINANCE_API_KEY/SECRET unset; accepting the simulator's default key")
        try:
            run(options, Credentials(key, secret), self._announce)
        except OSError as exc:
            raise CommandError(f"cannot serve on 127.0.0.1:{options.port}: {exc.strerror}") from None

    def _announce(self, line: str) -> None:
        self.stdout.write(line)
        self.stdout.flush()
