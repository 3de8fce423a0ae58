"""SimServer: the Binance-compatible simulator on one 127.0.0.1 port (design §3).

REST under /api/v3, market streams under /ws and /stream, the WS API under /ws-api/v3.
Engine and feed live on the server's asyncio loop; `start_in_thread()` gives the loop its own
thread (tests), `start()` runs on the caller's loop (the management command). Every control
method is safe to call from any thread: it runs on the loop and waits for the result.
"""
from __future__ import annotations

import asyncio
import concurrent.futures
import threading
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar

from aiohttp import web

from trading.exchange.sim.engine import FeeSchedule, SimEngine
from trading.exchange.sim.engine.symbols import Filter

from . import rest
from .auth import Authenticator, Credentials
from .clock import SimClock
from .config import ServerConfig, TimestampBasis
from .driver import Driver
from .faults import Faults
from .feed import MarketFeed
from .limits import RateLimiter
from .state import SimState
from .streams import StreamHub
from .ws_api import UserStreams

T = TypeVar("T")


class SimServer:
    """The simulator: build it, start it, point clients at its URLs, inject faults."""

    def __init__(self, feed: MarketFeed, credentials: Credentials, config: ServerConfig | None = None,
                 *, fees: FeeSchedule | None = None) -> None:
        self.config = config or ServerConfig()
        cfg = self.config
        self.clock = SimClock(cfg.start_ms, cfg.speed)
        self.faults = Faults(seed=cfg.seed)
        specs = list(feed.symbols())  # one set of objects: fault hooks change what the API validates
        engine = SimEngine(self.clock, specs, fees, seed=cfg.seed, last_price_from_book=not cfg.trade_prints)
        auth = Authenticator(credentials, self._api_now)
        self.state = SimState(engine, feed, self.clock, self.faults, RateLimiter(self.clock.now_ms, cfg.limits),
                              auth, self._api_now, specs={s.symbol: s for s in specs})
        self.hub = StreamHub(lambda: set(self.state.specs), cfg.ws, self.faults)
        self.users = UserStreams(self.state, cfg.ws)
        self.driver = Driver(self.state, self.hub, trade_prints=cfg.trade_prints)
        engine.subscribe(self.users.on_event)
        engine.subscribe(self._count_fills)
        for asset, amount in cfg.balances.items():
            engine.deposit(asset, amount)
        self.port = cfg.port
        self._runner: web.AppRunner | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._stop = asyncio.Event()
        self._drive_task: asyncio.Task[None] | None = None

    # -- URLs ----------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """Return `http://127.0.0.1:<port>`."""
        return f"http://{self.config.host}:{self.port}"

    @property
    def api_url(self) -> str:
        """Return the python-binance `API_URL` (it appends `/v3/<path>`, facts §9)."""
        return f"{self.base_url}/api"

    @property
    def stream_url(self) -> str:
        """Return the `BinanceSocketManager.STREAM_URL` (it appends `ws/…` or `stream?…`)."""
        return f"ws://{self.config.host}:{self.port}/"

    @property
    def ws_api_url(self) -> str:
        """Return the python-binance `WS_API_URL`."""
        return f"ws://{self.config.host}:{self.port}/ws-api/v3"

    # -- lifecycle -----------------------------------------------------------------------

    def build_app(self) -> web.Application:
        """Return the aiohttp application with every route."""
        app = web.Application()
        rest.add_routes(app, self.state)
        self.hub.add_routes(app)
        self.users.add_routes(app)
        app.router.add_get("/sim/clock", self._sim_clock)
        return app

    async def start(self) -> None:
        """Listen on host:port from the running loop and start the market driver."""
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        self._runner = web.AppRunner(self.build_app(), access_log=None,  # logs would carry signed queries
                                     shutdown_timeout=self.config.shutdown_timeout_s)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.config.host, self.config.port)
        await site.start()
        self.port = self._runner.addresses[0][1]
        self.driver.step()  # a first touch, so the book is never empty once listening
        if self.config.autodrive:
            self._drive_task = asyncio.create_task(self.driver.run(self.config.drive_interval_s, self._stop))

    async def stop(self) -> None:
        """Warn stream clients (serverShutdown), close every connection and stop listening."""
        self._stop.set()
        if self._drive_task is not None:
            await self._drive_task
        self.hub.broadcast({"e": "serverShutdown", "E": self.clock.now_ms()})
        self.hub.disconnect_all()
        self.users.disconnect_all()
        await asyncio.sleep(0.05)  # let writers flush the notice and the close frames
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def start_in_thread(self) -> SimServer:
        """Run the server on a new loop in a daemon thread; return once it listens."""
        ready: concurrent.futures.Future[None] = concurrent.futures.Future()

        def main() -> None:
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(self.start())
            except BaseException as exc:
                ready.set_exception(exc)
                loop.close()
                return
            ready.set_result(None)
            loop.run_forever()
            loop.close()

        self._thread = threading.Thread(target=main, name=f"simexchange-{self.config.port}", daemon=True)
        self._thread.start()
        ready.result(timeout=10)
        return self

    def stop_thread(self) -> None:
        """Stop a server started with `start_in_thread` and join its thread."""
        if self._loop is None or self._thread is None:
            return
        asyncio.run_coroutine_threadsafe(self.stop(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._thread = self._loop = None

    # -- control (any thread) ------------------------------------------------------------

    def call(self, fn: Callable[..., T], *args: Any) -> T:
        """Run `fn(*args)` on the server loop and return its result (directly if already there)."""
        loop = self._loop
        if loop is None or _on_loop(loop):
            return fn(*args)

        async def run() -> T:
            return fn(*args)
        return asyncio.run_coroutine_threadsafe(run(), loop).result(timeout=10)

    def advance(self, ms: int) -> int:
        """Jump the exchange clock forward by `ms`, step the market; return the new time."""
        self.clock.advance(ms)
        self.call(self.driver.step)
        return self.clock.now_ms()

    def drive(self) -> int:
        """Step the market to the current time; return how many symbols changed."""
        return self.call(self.driver.step)

    def deposit(self, asset: str, amount: str | Decimal) -> None:
        """Credit the account (balanceUpdate and outboundAccountPosition follow)."""
        self.call(self.state.engine.deposit, asset, amount)

    def set_symbol_status(self, symbol: str, status: str) -> None:
        """Fault: change a symbol's status (new orders get -2010 "Market is closed.")."""
        self.call(self.state.engine.set_symbol_status, symbol, status)

    def set_filter(self, symbol: str, new_filter: Filter) -> None:
        """Fault: replace or add one filter of a symbol (visible in exchangeInfo at once)."""
        self.call(self.state.engine.set_filter, symbol, new_filter)

    def remove_filter(self, symbol: str, filter_type: str) -> None:
        """Fault: drop one filter of a symbol."""
        self.call(self.state.engine.remove_filter, symbol, filter_type)

    def disconnect_streams(self) -> int:
        """Fault: close every market-stream connection; return how many."""
        return self.call(self.hub.disconnect_all)

    def disconnect_user_streams(self) -> int:
        """Fault: close every WS API connection (subscriptions die with them); return how many."""
        return self.call(self.users.disconnect_all)

    def lose_user_subscriptions(self) -> int:
        """Fault: silently forget every user-data subscription; connections stay open."""
        return self.call(self.users.lose_subscriptions)

    def terminate_user_subscriptions(self) -> int:
        """Send eventStreamTerminated and end every user-data subscription."""
        return self.call(self.users.terminate_subscriptions)

    def user_subscription_count(self) -> int:
        """Return how many user-data subscriptions are open."""
        return self.call(self.users.subscription_count)

    def ws_api_connection_count(self) -> int:
        """Return how many WS API connections are open."""
        return self.call(self.users.connection_count)

    # -- internals -----------------------------------------------------------------------

    async def _sim_clock(self, request: web.Request) -> web.Response:
        # Not a Binance endpoint: lets a trader in another process run on this exchange clock
        # (a sped-up clock cannot be learnt from /api/v3/time, which answers wall time then).
        return web.json_response({"nowMs": self.clock.now_ms(), "speed": self.clock.speed})

    def _api_now(self) -> int:
        if self.config.timestamp_basis is TimestampBasis.WALL:
            return time.time_ns() // 1_000_000 + self.faults.clock_skew_ms
        return self.clock.now_ms() + self.faults.clock_skew_ms

    def _count_fills(self, event: dict[str, Any]) -> None:
        # Fills take an order off the unfilled-order count (facts §5): once, on its first trade.
        if event.get("e") == "executionReport" and event.get("x") == "TRADE" and event.get("z") == event.get("l"):
            self.state.limiter.order_filled()


def _on_loop(loop: asyncio.AbstractEventLoop) -> bool:
    try:
        return asyncio.get_running_loop() is loop
    except RuntimeError:
        return False
