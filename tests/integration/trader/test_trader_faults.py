"""Faults injected by the simulator while `runtrader` trades against it (another process, 127.0.0.1).

Each test waits until the trader holds a position protected by an OCO on the simulator, injects
one fault through the simulator's own controls, and checks, after each phase, against the
simulator's own state, that every base asset held is covered by a resting stop there (the
protection invariant); then that the trader reacted as design §7 says (sys mode, alerts with
their ReasonCode), recovered once the fault cleared, stops cleanly (exit 0), and that its
database agrees with the simulator (no duplicate order, intents resolved, orders and fills).
"""
from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from tests.integration.trader.trader_harness import (
    Harness,
    Trader,
    assert_audit_matches_sim,
    assert_holdings_protected,
    assert_intents_resolved,
    assert_no_duplicate_orders,
    make_harness,
)

pytestmark = pytest.mark.slow
D = Decimal
RATE_MSG = "Too much request weight used; current limit is 6000 request weight per 1 MINUTE."
@pytest.fixture
def harness(tmp_path: Path) -> Iterator[Harness]:
    h = make_harness(tmp_path)
    yield h
    h.close()


def protected_position(h: Harness, trader: Trader) -> str:
    """Wait for a position with its OCO on the exchange; return its symbol."""
    rows = h.wait_for(lambda: h.rows("SELECT symbol FROM positions WHERE state = 'OPEN' AND protection_state = 'OCO'"),
                      60, trader)
    assert_holdings_protected(h)
    return str(rows[0]["symbol"])


def hold(h: Harness, trader: Trader, seconds: float) -> None:
    """Let the trader run `seconds` with the fault active; it stays alive and protection holds."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert trader.proc.poll() is None, trader.tail()
        assert_holdings_protected(h)
        time.sleep(0.25)


def alerts(h: Harness, reason: str) -> list[dict[str, object]]:
    return [dict(r) for r in h.rows("SELECT * FROM audit_alert WHERE reason_code = ?", reason)]


def mode_changes(h: Harness) -> list[dict[str, str]]:
    return [json.loads(r["data"]) for r in h.rows("SELECT data FROM audit_event WHERE event_type = 'SYS_MODE_CHANGED' "
                                                  "ORDER BY id")]


def finish(h: Harness, trader: Trader) -> None:
    assert trader.stop() == 0, trader.tail()
    assert_holdings_protected(h)
    assert_no_duplicate_orders(h)
    assert_intents_resolved(h)
    assert_audit_matches_sim(h)


def run_fault(h: Harness, inject: Callable[[str], None], clear: Callable[[], None] = lambda: None,
              seconds: float = 3.0) -> tuple[Trader, str]:
    trader = h.start("--duration", "300s")
    symbol = protected_position(h, trader)
    inject(symbol)
    hold(h, trader, seconds)
    clear()
    hold(h, trader, 1.5)
    return trader, symbol


def test_429_alerts_degrades_backs_off_and_recovers(harness: Harness) -> None:
    h = harness
    trader, _ = run_fault(h, lambda s: h.server.faults.reject_next(-1003, RATE_MSG, status=429, count=3,
                                                                   retry_after_s=1))
    assert alerts(h, "RATE_LIMIT_429")
    assert {"to": "DEGRADE", "cause": "RATE_LIMIT_429"}.items() <= next(
        c for c in mode_changes(h) if c["cause"] == "RATE_LIMIT_429").items()
    finish(h, trader)


def test_418_stops_rest_until_the_ban_ends(harness: Harness) -> None:
    h = harness
    trader, _ = run_fault(h, lambda s: h.server.faults.reject_next(-1003, "Way too much request weight used; IP "
                                                                   "banned until 1.", status=418, count=1,
                                                                   retry_after_s=2))
    (ban,) = alerts(h, "RATE_LIMIT_418_BAN")
    assert ban["severity"] == "CRIT"
    assert any(c["cause"] == "RATE_LIMIT_418_BAN" and c["to"] == "DEGRADE" for c in mode_changes(h))
    finish(h, trader)


def test_5xx_on_every_call_degrades_and_protection_holds(harness: Harness) -> None:
    h = harness
    trader, _ = run_fault(h, lambda s: h.server.faults.fail_next(20, status=503))
    assert alerts(h, "EXCHANGE_5XX")
    assert any(c["cause"] == "EXCHANGE_5XX" and c["to"] == "DEGRADE" for c in mode_changes(h))
    finish(h, trader)


def test_an_order_executed_whose_answer_was_lost_is_resolved_by_client_id(harness: Harness) -> None:
    h = harness
    order_paths = ("/api/v3/order", "/api/v3/orderList/oco", "/api/v3/order/cancelReplace")

    def inject(_: str) -> None:
        for path in order_paths:
            h.server.faults.timeout_after_execution(1, path=path, method="POST", withhold="-1007")

    trader = h.start("--duration", "300s")
    protected_position(h, trader)
    inject("")
    # The next order the trader sends (an entry, an OCO) executes, and its answer is lost.
    unknown = h.wait_for(lambda: h.rows("SELECT * FROM audit_event WHERE event_type = 'INTENT_CHANGED' "
                                        "AND reasons LIKE '%INTENT_SENT_UNKNOWN%'"), 60, trader)
    hold(h, trader, 1.5)
    intent_id = unknown[0]["order_intent_id"]
    (row,) = h.rows("SELECT * FROM order_intents WHERE order_intent_id = ?", intent_id)
    assert (row["state"], row["reason"]) == ("CONFIRMED", "INTENT_CONFIRMED")  # found by its client order id
    on_sim = [o for o in h.sim_orders() if o["clientOrderId"] == row["client_order_id"]]
    on_sim += [x for x in h.sim_call("all_order_lists") if x["listClientOrderId"] == row["client_order_id"]]
    assert len(on_sim) == 1
    assert alerts(h, "INTENT_SENT_UNKNOWN")
    finish(h, trader)


def test_ws_disconnects_reconnect_and_the_stream_resyncs(harness: Harness) -> None:
    h = harness
    trader = h.start("--duration", "300s")
    protected_position(h, trader)
    for _ in range(3):
        assert h.server.disconnect_streams() + h.server.disconnect_user_streams() > 0
        hold(h, trader, 1.0)
    h.wait_for(lambda: h.server.user_subscription_count() >= 1, 20, trader)  # the user stream is back
    before = len(h.rows("SELECT * FROM fills"))
    # Trades still reach the database after the reconnects (stream or REST reconcile).
    h.wait_for(lambda: len(h.rows("SELECT * FROM fills")) > before, 60, trader)
    finish(h, trader)


def test_clock_skew_is_resynced_and_orders_still_go_through(harness: Harness) -> None:
    h = harness
    trader = h.start("--duration", "300s")
    protected_position(h, trader)
    sent = len(h.sim_orders())
    h.server.faults.clock_skew_ms = 3_000  # the exchange's clock runs 3 s ahead: -1021 until resynced
    hold(h, trader, 1.0)
    h.wait_for(lambda: len(h.sim_orders()) > sent, 60, trader)  # signed order calls accepted again
    hold(h, trader, 1.0)
    h.server.faults.clock_skew_ms = 0
    finish(h, trader)


def test_a_filter_change_refreshes_the_filters_without_a_rejected_order_loop(harness: Harness) -> None:
    h = harness
    trader = h.start("--duration", "300s")
    symbol = protected_position(h, trader)
    spec = h.server.state.specs[symbol]
    price = next(f for f in spec.filters if f["filterType"] == "PRICE_FILTER")
    h.server.set_filter(symbol, dict(price, tickSize=str(D(price["tickSize"]) * 10)))
    hold(h, trader, 6.0)
    rejected = h.rows("SELECT * FROM order_intents WHERE symbol = ? AND state = 'FAILED_TERMINAL'", symbol)
    assert len(rejected) <= 1, [dict(r) for r in rejected]  # at most one refusal, then the new filters
    if rejected:  # an order built on the old grid was refused: the filters were re-read, and said so
        assert alerts(h, "FILTERS_HASH_DRIFT")
    finish(h, trader)


def test_a_halted_symbol_gets_no_entries_and_its_position_stays_protected(harness: Harness) -> None:
    h = harness
    trader = h.start("--duration", "300s")
    symbol = protected_position(h, trader)
    halted_at = max(r["id"] for r in h.rows("SELECT id FROM order_intents"))
    h.server.set_symbol_status(symbol, "HALT")
    hold(h, trader, 5.0)
    later = h.rows("SELECT * FROM order_intents WHERE symbol = ? AND id > ? AND kind = 'ENTRY'", symbol, halted_at)
    # No stream announces a halt: the trader learns it from the TopN job's exchangeInfo read or
    # from the one order the exchange refuses. From then on risk blocks entries on the symbol.
    assert len(later) <= 1 and all(r["reason"] == "SYMBOL_NOT_TRADING" for r in later), [dict(r) for r in later]
    if later:
        approved = h.rows("SELECT * FROM risk_verdicts WHERE symbol = ? AND outcome = 'APPROVE' AND ts_ms > ?",
                          symbol, later[0]["updated_ts_ms"])
        assert not approved, [dict(r) for r in approved]
    h.server.set_symbol_status(symbol, "TRADING")
    hold(h, trader, 1.0)
    finish(h, trader)
