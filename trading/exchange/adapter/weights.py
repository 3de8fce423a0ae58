"""Request-weight budget: track X-MBX-USED-WEIGHT-1M, back off before the limit, obey 429/418.

Binance counts weight per IP in fixed one-minute windows (facts §5). Past the budget it answers
429 with Retry-After; continuing earns a 418 ban (2 min up to 3 days). So (design §7):
- ordinary calls stop at a soft share of the budget, order-path calls at a hard share, so
  protection can still be placed or cancelled when market-data polling ate the minute;
- after a 429 nothing is sent until Retry-After has passed; a -1015 (unfilled-order count)
  blocks new orders only, since cancels and queries do not count against it;
- after a 418 no REST call at all is sent until the ban ends.
Windows are kept on the local clock; the next response header corrects any drift.
"""
from __future__ import annotations

import threading
from collections.abc import Callable, Mapping

from trading.domain.catalog.reasons import ReasonCode
from trading.domain.ports import IpBanned, RateLimited, WeightStatus

MINUTE_MS = 60_000
DEFAULT_WEIGHT_LIMIT = 6000  # production REQUEST_WEIGHT per minute (facts §2.1)


class WeightGovernor:
    """Thread-safe budget keeper shared by every REST call of one adapter."""

    def __init__(self, now_ms: Callable[[], int], limit: int | None = None, *, soft_fraction: float = 0.8,
                 hard_fraction: float = 0.95) -> None:
        self._now_ms = now_ms
        self._configured = limit is not None
        self._limit = limit or DEFAULT_WEIGHT_LIMIT
        self._soft, self._hard = soft_fraction, hard_fraction
        self._lock = threading.Lock()
        self._used = 0
        self._window = -1
        self._retry_until = 0
        self._banned_until = 0
        self._orders_until = 0
        self._order_count_10s: int | None = None

    def learn_limit(self, limit: int | None) -> None:
        """Adopt the REQUEST_WEIGHT limit from exchangeInfo unless one was configured."""
        if limit and not self._configured:
            with self._lock:
                self._limit = limit

    def admit(self, weight: int, *, order_path: bool = False, new_order: bool = False) -> None:
        """Reserve `weight` for a call about to be sent, or raise without sending.

        Raises IpBanned during a ban, RateLimited during a Retry-After, after -1015 (new orders
        only) or when the call would pass this priority's share of the minute (WEIGHT_BUDGET_LOW).
        """
        with self._lock:
            now = self._now_ms()
            if self._banned_until > now:
                raise IpBanned(self._banned_until, self._banned_until - now, sent=False)
            if self._retry_until > now:
                raise RateLimited(self._retry_until - now, sent=False, code=-1003)
            if new_order and self._orders_until > now:
                raise RateLimited(self._orders_until - now, sent=False, code=-1015)
            self._roll(now)
            cap = int(self._limit * (self._hard if order_path else self._soft))
            if self._used + weight > cap:
                raise RateLimited(self._window + MINUTE_MS - now, sent=False,
                                  reason=ReasonCode.WEIGHT_BUDGET_LOW)
            self._used += weight  # provisional: the response header replaces it

    def observe(self, headers: Mapping[str, str] | None) -> None:
        """Take the used weight (and unfilled-order count) from a response's headers."""
        if not headers:
            return
        used, orders = headers.get("X-MBX-USED-WEIGHT-1M"), headers.get("X-MBX-ORDER-COUNT-10S")
        with self._lock:
            self._roll(self._now_ms())
            if used is not None and used.isdigit():
                self._used = int(used)
            if orders is not None and orders.isdigit():
                self._order_count_10s = int(orders)

    def on_429(self, retry_after_s: int, code: int | None) -> int:
        """Record a 429; return the back-off in ms. -1015 blocks new orders, -1003 everything."""
        wait_ms = max(1, retry_after_s) * 1000
        with self._lock:
            until = self._now_ms() + wait_ms
            if code == -1015:
                self._orders_until = max(self._orders_until, until)
            else:
                self._retry_until = max(self._retry_until, until)
        return wait_ms

    def on_418(self, retry_after_s: int) -> int:
        """Record a ban of `retry_after_s` (seconds until unbanned, facts §5); return its end (ms)."""
        with self._lock:
            self._banned_until = max(self._banned_until, self._now_ms() + max(1, retry_after_s) * 1000)
            return self._banned_until

    def status(self) -> WeightStatus:
        """Return the budget and the back-offs still running."""
        with self._lock:
            now = self._now_ms()
            self._roll(now)
            return WeightStatus(
                used=self._used, limit=self._limit, window_start_ms=self._window,
                retry_after_until_ms=self._retry_until if self._retry_until > now else None,
                banned_until_ms=self._banned_until if self._banned_until > now else None,
                orders_blocked_until_ms=self._orders_until if self._orders_until > now else None,
                order_count_10s=self._order_count_10s)

    def _roll(self, now: int) -> None:
        start = now - now % MINUTE_MS
        if start != self._window:
            self._window, self._used = start, 0
