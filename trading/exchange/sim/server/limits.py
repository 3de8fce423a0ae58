"""Request-weight and order-count limits with 429 and escalating 418 bans (facts §5, §10.3–4).

Windows are fixed and aligned on the exchange clock (a minute window starts at :00), so a test
recovers from a 429 by driving the clock past the window instead of sleeping.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from trading.exchange.sim.engine import BinanceApiError

MINUTE_MS = 60_000
TEN_S_MS = 10_000
DAY_MS = 86_400_000


@dataclass
class LimitConfig:
    """Budgets; defaults are production's (facts §2.1 [obs])."""

    weight_per_minute: int = 6000
    orders_per_10s: int = 100
    orders_per_day: int = 200_000
    strikes_before_ban: int = 5  # 429s in one window before the next request is banned
    first_ban_s: int = 120  # facts §5: bans escalate 2 min -> 3 days
    max_ban_s: int = 3 * 86_400


@dataclass
class _IpState:
    window_start: int = -1
    used: int = 0
    strikes: int = 0
    banned_until: int = 0
    bans: int = 0


@dataclass
class _Counter:
    span_ms: int
    window_start: int = -1
    count: int = 0

    def roll(self, now: int) -> None:
        start = now - now % self.span_ms
        if start != self.window_start:
            self.window_start, self.count = start, 0


@dataclass
class RateLimiter:
    """Per-IP request weight and per-account unfilled-order counts."""

    now_ms: Callable[[], int]
    config: LimitConfig = field(default_factory=LimitConfig)
    _ips: dict[str, _IpState] = field(default_factory=dict)
    _orders_10s: _Counter = field(default_factory=lambda: _Counter(TEN_S_MS))
    _orders_1d: _Counter = field(default_factory=lambda: _Counter(DAY_MS))

    def charge(self, ip: str, weight: int) -> None:
        """Add `weight` to the IP's minute; raise 418 while banned, 429 past the budget.

        A request refused with 429 adds no weight; refusing `strikes_before_ban` of them in one
        window bans the IP, for twice as long as its previous ban.
        """
        now = self.now_ms()
        state = self._state(ip, now)
        if state.banned_until > now:
            raise self._banned(state, now)
        if state.used + weight > self.config.weight_per_minute:
            state.strikes += 1
            if state.strikes > self.config.strikes_before_ban:
                ban_s = min(self.config.first_ban_s * 2 ** state.bans, self.config.max_ban_s)
                state.bans += 1
                state.banned_until = now + ban_s * 1000
                raise self._banned(state, now)
            limit = self.config.weight_per_minute
            raise LimitError(
                -1003, f"Too much request weight used; current limit is {limit} request weight per 1 MINUTE. "
                "Please use WebSocket Streams for live updates to avoid polling the API.", 429,
                _seconds_until(state.window_start + MINUTE_MS, now))
        state.used += weight

    def refund(self, ip: str, weight: int) -> None:
        """Take back weight charged up front (a successful new order weighs 0, facts §2.2)."""
        state = self._state(ip, self.now_ms())
        state.used = max(0, state.used - weight)

    def used_weight(self, ip: str) -> int:
        """Return the IP's weight used in the current minute."""
        return self._state(ip, self.now_ms()).used

    def admit_orders(self, count: int) -> None:
        """Raise 429 -1015 when `count` new orders would pass the 10 s or daily limit."""
        now = self.now_ms()
        for counter, limit, label, span in ((self._orders_10s, self.config.orders_per_10s, "10 SECOND", TEN_S_MS),
                                            (self._orders_1d, self.config.orders_per_day, "1 DAY", DAY_MS)):
            counter.roll(now)
            if counter.count + count > limit:
                raise LimitError(-1015, f"Too many new orders; current limit is {limit} orders per {label}.",
                                 429, _seconds_until(counter.window_start + span, now))

    def count_orders(self, count: int) -> None:
        """Count `count` new orders (negative to take back orders the engine rejected)."""
        now = self.now_ms()
        for counter in (self._orders_10s, self._orders_1d):
            counter.roll(now)
            counter.count = max(0, counter.count + count)

    def order_filled(self) -> None:
        """Take one order off the unfilled counts: fills decrement them (facts §5)."""
        now = self.now_ms()
        for counter in (self._orders_10s, self._orders_1d):
            counter.roll(now)
            counter.count = max(0, counter.count - 1)

    def order_counts(self) -> tuple[int, int]:
        """Return the unfilled order counts of the current 10 s and day windows."""
        now = self.now_ms()
        self._orders_10s.roll(now)
        self._orders_1d.roll(now)
        return self._orders_10s.count, self._orders_1d.count

    def _state(self, ip: str, now: int) -> _IpState:
        state = self._ips.setdefault(ip, _IpState())
        start = now - now % MINUTE_MS
        if start != state.window_start:
            state.window_start, state.used, state.strikes = start, 0, 0
        return state

    def _banned(self, state: _IpState, now: int) -> LimitError:
        return LimitError(
            -1003, f"Way too much request weight used; IP banned until {state.banned_until}. "
            "Please use WebSocket Streams for live updates to avoid bans.", 418,
            _seconds_until(state.banned_until, now))


class LimitError(BinanceApiError):
    """A 429/418 refusal; `retry_after` is the Retry-After header in seconds (facts §5)."""

    def __init__(self, code: int, msg: str, http_status: int, retry_after: int) -> None:
        super().__init__(code, msg, http_status)
        self.retry_after = retry_after


def _seconds_until(target_ms: int, now_ms: int) -> int:
    return max(1, -(-(target_ms - now_ms) // 1000))
