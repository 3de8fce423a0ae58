"""Clock skew (-1021, facts §1): the adapter re-measures its offset and retries once."""
from __future__ import annotations

import pytest

from trading.domain.catalog.reasons import ReasonCode
from trading.domain.ports import ClockSkew, OrderStatus, Side

from .conftest import Venue
from .helpers import limit


@pytest.mark.parametrize("skew_ms", [30_000, -30_000])  # server ahead (stale stamps) / behind (stamps ahead)
def test_a_skewed_exchange_clock_is_absorbed_by_a_resync(venue: Venue, skew_ms: int) -> None:
    ex = venue.exchange
    assert abs(ex.sync_clock()) < 1000
    venue.server.faults.clock_skew_ms = skew_ms
    assert ex.place_order(limit("ls-skew", Side.BUY, "0.01000", "29000.00")).status is OrderStatus.NEW
    assert ex.clock_skew_events == 1 and abs(ex.clock_offset_ms - skew_ms) < 1000
    assert ex.account().can_trade and ex.clock_skew_events == 1  # the new offset holds


def test_a_skew_that_a_resync_cannot_fix_is_reported(venue: Venue) -> None:
    ex = venue.exchange
    ex.sync_clock()
    venue.server.faults.reject_next(-1021, "Timestamp for this request is outside of the recvWindow.", count=2,
                                    path="/api/v3/account")
    with pytest.raises(ClockSkew) as info:
        ex.account()
    assert info.value.reason is ReasonCode.CLOCK_SKEW and not info.value.may_have_executed


def test_every_signed_call_carries_our_recv_window(venue: Venue) -> None:
    # python-binance would send 10000 (facts §9); the adapter sends its own.
    ex = venue.exchange
    ex.account()
    sent = ex._client.response.request  # the last request python-binance made
    assert f"recvWindow={ex.recv_window_ms}" in (sent.url or "") + str(sent.body or "")
