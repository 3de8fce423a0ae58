"""The weight budget on a manual clock: headers, priorities, 429 and 418 back-offs."""
from __future__ import annotations

import pytest

from trading.domain.catalog.reasons import ReasonCode
from trading.domain.clock import ManualClock
from trading.domain.ports import IpBanned, RateLimited
from trading.exchange.adapter.weights import WeightGovernor

START = 1_700_000_020_000  # 40 s into a minute window


def governor(limit: int | None = 100) -> tuple[ManualClock, WeightGovernor]:
    clock = ManualClock(START)
    return clock, WeightGovernor(clock.now_ms, limit, soft_fraction=0.5, hard_fraction=0.9)


def test_headers_set_the_used_weight_and_a_new_minute_resets_it() -> None:
    clock, g = governor()
    g.observe({"X-MBX-USED-WEIGHT-1M": "42", "X-MBX-ORDER-COUNT-10S": "3"})
    assert (g.status().used, g.status().order_count_10s) == (42, 3)
    clock.advance(20_000)
    assert g.status().used == 0 and g.status().window_start_ms == START + 20_000


def test_ordinary_calls_stop_at_the_soft_share_and_orders_at_the_hard_one() -> None:
    _, g = governor()
    g.observe({"X-MBX-USED-WEIGHT-1M": "45"})
    with pytest.raises(RateLimited) as info:
        g.admit(10)
    assert not info.value.sent and info.value.reason is ReasonCode.WEIGHT_BUDGET_LOW
    assert info.value.retry_after_ms == 20_000  # until the next window
    g.admit(40, order_path=True)  # 85 <= 90
    with pytest.raises(RateLimited):
        g.admit(10, order_path=True)


def test_a_429_blocks_everything_and_a_1015_only_new_orders() -> None:
    clock, g = governor(None)
    assert g.status().limit == 6000
    g.on_429(3, -1015)
    g.admit(1)
    with pytest.raises(RateLimited) as orders:
        g.admit(1, order_path=True, new_order=True)
    assert orders.value.code == -1015 and orders.value.retry_after_ms == 3000
    g.on_429(5, -1003)
    with pytest.raises(RateLimited):
        g.admit(1, order_path=True)
    clock.advance(5000)
    g.admit(1, order_path=True, new_order=True)


def test_a_ban_refuses_every_call_until_it_ends() -> None:
    clock, g = governor()
    until = g.on_418(120)
    assert until == START + 120_000 and g.status().banned_until_ms == until
    with pytest.raises(IpBanned) as info:
        g.admit(1, order_path=True)
    assert (info.value.until_ms, info.value.sent, info.value.reason) == (until, False, ReasonCode.RATE_LIMIT_418_BAN)
    clock.advance(120_000)
    g.admit(1)
    assert g.status().banned_until_ms is None


def test_a_configured_limit_is_not_overridden_by_exchange_info() -> None:
    _, g = governor(100)
    g.learn_limit(6000)
    assert g.status().limit == 100
    _, learning = governor(None)
    learning.learn_limit(1200)
    assert learning.status().limit == 1200
