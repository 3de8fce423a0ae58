"""The REST gateway: python-binance's sync `Client` behind weight limits, clock sync and typed errors.

Steps of one call (`RestGateway.call`):
1. signed calls: measure the timestamp offset first if it was never measured or is stale;
2. reserve the call's weight (raises without sending during a 418 ban, a 429 Retry-After,
   or past the budget share of its priority, see `weights`);
3. send through python-binance; read X-MBX-USED-WEIGHT-1M from the response, error or not;
4. -1021: re-measure the offset from /time and send once more (facts §9: python-binance's
   sync Client never measures it itself). -1021 means refused before the engine, so the
   retry cannot execute an order twice;
5. map any failure to the typed errors (`errors`).
Calls are serialised: python-binance keeps the last response on the client (`client.response`).
"""
from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from binance import Client
from binance.exceptions import BinanceAPIException, BinanceRequestException

from trading.domain.ports import ClockSkew, IpBanned, RateLimited

from .config import AdapterConfig, ExchangeEndpoints
from .errors import from_api_error, from_bad_body, from_transport_error, is_transport_error
from .weights import WeightGovernor

T = TypeVar("T")
Rescue = Callable[[int, Mapping[str, Any]], Any]
_BAN_UNTIL = re.compile(r"banned until (\d+)")
DEFAULT_BAN_S = 120  # facts §5: the first ban lasts 2 minutes


def make_client(endpoints: ExchangeEndpoints, api_key: str, api_secret: str, config: AdapterConfig) -> Client:
    """Return a python-binance Client bound to `endpoints` (facts §9 "simulator hook").

    URLs are class attributes that `__init__` formats, so a per-instance subclass carries them;
    `ping=False` keeps the constructor off the network. REQUEST_RECVWINDOW replaces the 10000
    python-binance forces on every signed call.
    """
    attrs = {"API_URL": endpoints.api_url, "WS_API_URL": endpoints.ws_api_url,
             "REQUEST_RECVWINDOW": config.recv_window_ms, "REQUEST_TIMEOUT": config.request_timeout_s}
    cls = type("LivespotBinanceClient", (Client,), attrs)
    client: Client = cls(api_key or None, api_secret or None, ping=False)
    return client


class _Skew(Exception):
    def __init__(self, msg: str) -> None:
        super().__init__(msg)
        self.msg = msg


class RestGateway:
    """Sends REST calls for one adapter; owns the weight governor and the timestamp offset."""

    def __init__(self, client: Client, config: AdapterConfig, now_ms: Callable[[], int]) -> None:
        self.client = client
        self._config = config
        self._now_ms = now_ms
        self.governor = WeightGovernor(now_ms, config.weight_limit, soft_fraction=config.soft_weight_fraction,
                                       hard_fraction=config.hard_weight_fraction)
        self._lock = threading.RLock()
        self._synced_at: int | None = None
        self.skew_events = 0

    @property
    def offset_ms(self) -> int:
        """Return exchange time minus local wall time, as last measured."""
        return int(self.client.timestamp_offset)

    def timestamp_ms(self) -> int:
        """Return the local wall clock corrected to exchange time (for WS API signatures)."""
        return int(time.time() * 1000 + self.client.timestamp_offset)

    def call(self, fn: Callable[..., T], params: Mapping[str, Any] | None = None, *, weight: int,
             signed: bool = False, mutating: bool = False, order_path: bool = False, new_order: bool = False,
             rescue: Rescue | None = None) -> T:
        """Send one call (steps in the module docstring) and return python-binance's parsed body."""
        kwargs = dict(params or {})

        def send() -> T:
            return self._send(fn, kwargs, weight, mutating, order_path, new_order, rescue)

        with self._lock:
            if signed and self._sync_due():
                self.sync_clock()
            try:
                return send()
            except _Skew:
                if not signed:
                    raise ClockSkew("-1021 on an unsigned call", self.offset_ms) from None
                self.skew_events += 1
                self.sync_clock()
            try:
                return send()
            except _Skew as skew:
                raise ClockSkew(skew.msg, self.offset_ms) from None

    def sync_clock(self) -> int:
        """Measure the offset from GET /time (weight 1) at the request's midpoint; return it."""
        with self._lock:
            before = time.time() * 1000
            body = self._send(self.client.get_server_time, {}, 1, False, True, False, None)
            after = time.time() * 1000
            offset = int(body["serverTime"] - (before + after) / 2)
            self.client.timestamp_offset = offset
            self._synced_at = self._now_ms()
            return offset

    def _sync_due(self) -> bool:
        return self._synced_at is None or self._now_ms() - self._synced_at >= self._config.resync_every_ms

    def _send(self, fn: Callable[..., T], kwargs: dict[str, Any], weight: int, mutating: bool, order_path: bool,
              new_order: bool, rescue: Rescue | None) -> T:
        self.governor.admit(weight, order_path=order_path, new_order=new_order)
        try:
            body = fn(**kwargs)
        except BinanceAPIException as exc:
            rescued: T = self._on_api_error(exc, mutating, rescue)  # a rescue returns a result instead
            return rescued
        except BinanceRequestException as exc:
            self._observe(self.client.response)
            raise from_bad_body(exc, mutating=mutating) from None
        except Exception as exc:
            if is_transport_error(exc):
                raise from_transport_error(exc, mutating=mutating) from None
            raise
        self._observe(self.client.response)
        return body

    def _on_api_error(self, exc: BinanceAPIException, mutating: bool, rescue: Rescue | None) -> Any:
        headers = _headers(exc.response)
        self.governor.observe(headers)
        status, code = int(exc.status_code), int(exc.code or 0)
        if status == 418:
            seconds = _retry_after(headers) or _ban_seconds(str(exc.message or ""), self._now_ms())
            until = self.governor.on_418(seconds)
            raise IpBanned(until, until - self._now_ms(), sent=True) from None
        if status == 429:
            wait_ms = self.governor.on_429(_retry_after(headers) or 1, code)
            raise RateLimited(wait_ms, sent=True, code=code or None) from None
        if code == -1021:
            raise _Skew(str(exc.message)) from None
        if rescue is not None and 400 <= status < 500:
            body = _json(exc.response)
            if body is not None:
                rescued = rescue(code, body)
                if rescued is not None:
                    return rescued
        raise from_api_error(exc, mutating=mutating) from None

    def _observe(self, response: Any) -> None:
        self.governor.observe(_headers(response))


def _headers(response: Any) -> Mapping[str, str] | None:
    headers = getattr(response, "headers", None)
    return headers if headers is not None else None


def _json(response: Any) -> Mapping[str, Any] | None:
    try:
        body = response.json()
    except Exception:  # a non-JSON body: nothing to rescue
        return None
    return body if isinstance(body, Mapping) else None


def _retry_after(headers: Mapping[str, str] | None) -> int | None:
    raw = headers.get("Retry-After") if headers else None
    return int(raw) if raw and raw.isdigit() else None


def _ban_seconds(msg: str, now_ms: int) -> int:
    # Without Retry-After, the message still says "IP banned until <ms>" (facts §5).
    found = _BAN_UNTIL.search(msg)
    if found:
        return max(1, -(-(int(found.group(1)) - now_ms) // 1000))
    return DEFAULT_BAN_S
