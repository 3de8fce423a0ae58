"""The exchange the trader talks to: an in-process simulator on a fast clock, or Binance.

EXCHANGE=sim starts a `SimServer` on a free loopback port in a thread (generated market,
sped up) and points the real adapter at it, so the trader runs the same code as against Binance.
With LIVESPOT_SIM_URL set, the trader instead connects to a simulator served by another process
(`manage.py simexchange`, or a test's server) and runs on that simulator's clock.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests

from trading.domain.clock import SystemClock
from trading.exchange.adapter import AdapterConfig, BinanceExchange, ExchangeEndpoints

SIM_KEY, SIM_SECRET = "livespot-sim-key", "livespot-sim-secret"
ALL_INTERVALS = ("1m", "3m", "5m", "15m", "30m", "1h", "2h", "4h", "6h", "8h", "12h", "1d")


@dataclass(frozen=True)
class SimOptions:
    """The in-process simulator: `speed` exchange seconds per real second; vol in bps a minute.

    The demo market runs at 300x (an exchange minute every 0.2 s, five hours a real minute) so a
    short `runtrader --duration 60s` sees what a day on the venue brings: the shipped strategy
    waits for a clean trend pullback with an ATR bracket of 1.25 x / 2.5 x the 15m ATR, which
    takes exchange hours, not minutes, to set up and to reach its take profit, stop or time
    stop (risk.max_hold_s, 4 h). Every limit of the trader (entry TTL, cooldowns, scans, hold
    times, trades per hour) is in exchange time, so no check is loosened. The price: at the
    default 1 s loop tick one tick is 5 exchange minutes, so what acts once a tick (an expired
    entry's cancel, an OCO placed on a fill reported between ticks) acts up to that late in
    exchange time; at speed 60 a 60 s run is one exchange hour, too short for a whole trade.
    Seed 10: its first exchange hour already holds trend pullbacks on liquid pairs (seed 7 had
    one four-minute window in its first three hours, which a run missed as often as it caught).
    """

    seed: int = 10
    speed: float = 300.0
    symbols: int = 30
    market_vol_bps: float = 6.0
    group_vol_bps: tuple[float, float] = (14.0, 22.0)
    balances: tuple[tuple[str, str], ...] = (("USDT", "100000"),)


@dataclass
class Venue:
    exchange: Any  # trading.domain.ports.Exchange
    clock: Any  # exchange time: the simulator's fast clock, or the system clock
    server: Any | None = None

    def close(self) -> None:
        """Close the adapter, then stop the simulator thread."""
        self.exchange.close()
        if isinstance(self.clock, RemoteSimClock):
            self.clock.close()
        if self.server is not None:
            self.server.stop_thread()


def sim_server(opts: SimOptions | None = None, **config: Any) -> Any:
    """Return the demo simulator of `opts`, not started (`config` overrides ServerConfig fields)."""
    from trading.exchange.sim.market import GeneratedFeed, GeneratorParams
    from trading.exchange.sim.server import Credentials, ServerConfig, SimServer
    from trading.exchange.sim.server.config import TimestampBasis
    from trading.exchange.sim.server.market_adapter import CandleFeedAdapter

    opts = opts or SimOptions()
    now = time.time_ns() // 1_000_000
    params = GeneratorParams(symbols=opts.symbols, market_vol_bps=opts.market_vol_bps,
                             group_vol_bps=opts.group_vol_bps)
    feed = CandleFeedAdapter(GeneratedFeed(params, seed=opts.seed, start_ms=now, intervals=ALL_INTERVALS))
    # python-binance stamps with the machine's clock: a sped-up exchange checks against the wall.
    settings = {"port": 0, "seed": opts.seed, "speed": opts.speed, "start_ms": now, "trade_prints": True,
                "timestamp_basis": TimestampBasis.WALL, "balances": dict(opts.balances), **config}
    return SimServer(feed, Credentials(SIM_KEY, SIM_SECRET), ServerConfig(**settings))


def build_sim_venue(opts: SimOptions | None = None) -> Venue:
    """Start a simulator in a thread and return the adapter connected to it."""
    server = sim_server(opts).start_in_thread()
    exchange = BinanceExchange(ExchangeEndpoints.sim(server.port), SIM_KEY, SIM_SECRET,
                               AdapterConfig(market_stale_after_s=None))
    return Venue(exchange, server.clock, server)


def build_binance_venue(key: str, secret: str, testnet: bool) -> Venue:
    """Return the adapter for Binance (testnet when asked)."""
    endpoints = ExchangeEndpoints.testnet() if testnet else ExchangeEndpoints.production()
    return Venue(BinanceExchange(endpoints, key, secret, AdapterConfig()), SystemClock())


class RemoteSimClock:
    """The clock of a simulator in another process, read from its `/sim/clock` (exchange ms, speed).

    Between reads it extrapolates with the simulator's speed; it re-reads every `resync_s` wall
    seconds (a test may jump the simulator's clock) and never goes backward. A failed read keeps
    extrapolating.
    """

    def __init__(self, base_url: str, *, resync_s: float = 1.0, timeout_s: float = 2.0) -> None:
        self.url, self.resync_s, self.timeout_s = base_url.rstrip("/") + "/sim/clock", resync_s, timeout_s
        self._session = requests.Session()
        self._lock = threading.Lock()
        self._last = 0
        self._anchor = self._read()  # raises if the simulator is not there: refuse to start

    def _read(self) -> tuple[int, float, float]:
        before = time.monotonic()
        body = self._session.get(self.url, timeout=self.timeout_s).json()
        mid = (before + time.monotonic()) / 2
        return int(body["nowMs"]), mid, float(body["speed"])

    def now_ms(self) -> int:
        with self._lock:
            base, mono0, speed = self._anchor
            if time.monotonic() - mono0 >= self.resync_s:
                try:
                    self._anchor = base, mono0, speed = self._read()
                except (requests.RequestException, ValueError, KeyError):
                    self._anchor = (base + int((time.monotonic() - mono0) * 1000 * speed), time.monotonic(), speed)
                    base, mono0, speed = self._anchor
            self._last = max(self._last, base + int((time.monotonic() - mono0) * 1000 * speed))
            return self._last

    def close(self) -> None:
        self._session.close()


def build_remote_sim_venue(url: str, key: str = "", secret: str = "") -> Venue:
    """Return the adapter for a simulator served by another process at `url` (http://host:port)."""
    parts = urlsplit(url)
    if parts.scheme != "http" or not parts.hostname or not parts.port:
        raise ValueError(f"LIVESPOT_SIM_URL must look like http://127.0.0.1:8790 (got {url!r})")
    endpoints = ExchangeEndpoints.sim(parts.port, parts.hostname)
    clock = RemoteSimClock(url)
    exchange = BinanceExchange(endpoints, key or SIM_KEY, secret or SIM_SECRET,
                               AdapterConfig(market_stale_after_s=None))
    return Venue(exchange, clock)


def build_venue(exchange: str, mode: str, key: str, secret: str, sim_url: str = "") -> Venue:
    """Return the venue settings name: "sim" (in-process, fast clock) or "binance" (testnet unless LIVE).

    With `sim_url` (LIVESPOT_SIM_URL), "sim" is the simulator another process serves there.
    """
    if exchange == "sim":
        return build_remote_sim_venue(sim_url, key, secret) if sim_url else build_sim_venue()
    return build_binance_venue(key, secret, testnet=mode != "LIVE")
