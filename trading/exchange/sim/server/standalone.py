"""Running the simulator as its own process (`manage.py simexchange`): feed, faults, signals.

The command only parses options; this module builds the market, applies the CLI faults, serves
until SIGINT/SIGTERM and shuts down cleanly (serverShutdown to stream clients, then close).
"""
from __future__ import annotations

import asyncio
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass

from .auth import Credentials
from .config import ServerConfig, TimestampBasis
from .faults import Faults, HttpFault, HttpFaultKind
from .feed import MarketFeed
from .market_adapter import CandleFeedAdapter
from .server import SimServer

# Used when BINANCE_API_KEY/SECRET are unset: a loopback simulator holds no funds worth a secret.
SIM_API_KEY = "livespot-sim-key"
SIM_API_SECRET = "livespot-sim-secret"
ORDER_PATHS = ("/api/v3/order", "/api/v3/orderList/oco", "/api/v3/order/oco", "/api/v3/orderList/oto",
               "/api/v3/orderList/otoco", "/api/v3/order/cancelReplace")
ALL_INTERVALS = ("1m", "3m", "5m", "15m", "30m", "1h", "2h", "4h", "6h", "8h", "12h", "1d")


@dataclass
class StandaloneOptions:
    """What `simexchange` was asked for."""

    port: int
    seed: int = 0
    speed: float = 1.0
    symbols: int | None = None  # generated symbols (the generator's default when None)
    replay: tuple[str, ...] = ()  # shipped series names, e.g. ("BTCUSDT-1m",): replay instead of generate
    latency_ms: int = 0
    fail_rate: float = 0.0  # plain 5xx on any REST call
    timeout_rate: float = 0.0  # order placed, response lost (connection dropped)
    drop_frame_rate: float = 0.0
    garble_frame_rate: float = 0.0
    disconnect_every_s: float = 0.0  # close every stream and WS API connection this often
    clock_skew_ms: int = 0


def build_feed(opts: StandaloneOptions) -> tuple[MarketFeed, int]:
    """Return the market (generated, or a replay of shipped candles) and the exchange start time."""
    from trading.exchange.sim.market import GeneratedFeed, GeneratorParams, ReplayFeed

    if opts.replay:
        replay = ReplayFeed.from_shipped(opts.replay, seed=opts.seed, intervals=ALL_INTERVALS)
        return CandleFeedAdapter(replay), replay.now_ms + 1
    now = time.time_ns() // 1_000_000
    params = GeneratorParams() if opts.symbols is None else GeneratorParams(symbols=opts.symbols)
    return CandleFeedAdapter(GeneratedFeed(params, seed=opts.seed, start_ms=now, intervals=ALL_INTERVALS)), now


def apply_faults(faults: Faults, opts: StandaloneOptions) -> None:
    """Turn the CLI fault options into fault settings and rate rules."""
    faults.latency_ms, faults.clock_skew_ms = opts.latency_ms, opts.clock_skew_ms
    if opts.fail_rate:
        faults.add(HttpFault(HttpFaultKind.FAIL, remaining=None, rate=opts.fail_rate))
    for path in ORDER_PATHS if opts.timeout_rate else ():
        faults.add(HttpFault(HttpFaultKind.TIMEOUT_AFTER_EXEC, path, "POST", remaining=None, rate=opts.timeout_rate))
    for target in ("market", "user"):
        if opts.drop_frame_rate:
            faults.drop_frames(None, rate=opts.drop_frame_rate, target=target)
        if opts.garble_frame_rate:
            faults.garble_frames(None, rate=opts.garble_frame_rate, target=target)


def build_server(opts: StandaloneOptions, credentials: Credentials) -> SimServer:
    """Return a configured, not yet started server for `opts`."""
    feed, start_ms = build_feed(opts)
    # python-binance stamps requests with the machine's clock: unless the exchange clock runs
    # with it (speed 1, starting now), check timestamps against the wall clock instead.
    wall = bool(opts.replay) or opts.speed != 1.0
    config = ServerConfig(port=opts.port, seed=opts.seed, speed=opts.speed, start_ms=start_ms,
                          trade_prints=True,
                          timestamp_basis=TimestampBasis.WALL if wall else TimestampBasis.EXCHANGE)
    server = SimServer(feed, credentials, config)
    apply_faults(server.faults, opts)
    return server


def describe(server: SimServer, opts: StandaloneOptions) -> str:
    """Return the one line printed at start: where to connect and what runs."""
    market = f"replay {'+'.join(opts.replay)}" if opts.replay else f"{len(server.state.specs)} generated symbols"
    return (f"simexchange: REST {server.api_url}/v3  streams {server.stream_url}ws|stream  "
            f"ws-api {server.ws_api_url}  ({market}, seed {opts.seed}, speed {opts.speed:g}x)")


def run(opts: StandaloneOptions, credentials: Credentials, announce: Callable[[str], None]) -> None:
    """Serve until SIGINT or SIGTERM, then stop cleanly."""
    asyncio.run(_serve(opts, credentials, announce))


async def _serve(opts: StandaloneOptions, credentials: Credentials, announce: Callable[[str], None]) -> None:
    server = build_server(opts, credentials)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await server.start()
    announce(describe(server, opts))
    try:
        while not stop.is_set():
            try:
                await asyncio.wait_for(stop.wait(), timeout=opts.disconnect_every_s or None)
            except asyncio.TimeoutError:
                server.hub.disconnect_all()  # the CLI's periodic WS disconnect fault
                server.users.disconnect_all()
    finally:
        await server.stop()
