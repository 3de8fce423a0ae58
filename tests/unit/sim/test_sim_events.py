"""User-data events: order of delivery, listeners, and the account updates that follow changes."""
from __future__ import annotations

from typing import Any

import pytest

from trading.exchange.sim.engine import SimEngine, typical_spec

from .helpers import Events, api_error, limit, place


def test_resting_order_reports_new_then_the_lock(engine: SimEngine, events: Events) -> None:
    order = limit(engine, "BUY", "0.1", "29000.00")
    assert events.kinds() == ["executionReport", "outboundAccountPosition"]
    new, position = events.items
    assert (new["x"], new["X"], new["i"], new["w"], new["W"]) == ("NEW", "NEW", order["orderId"], True,
                                                                 order["transactTime"])
    assert position["B"] == [{"a": "USDT", "f": "97100.00000000", "l": "2900.00000000"}]


def test_immediate_fill_reports_one_account_update(engine: SimEngine, events: Events) -> None:
    place(engine, side="SELL", type="MARKET", quantity="0.5")
    assert events.kinds() == ["executionReport", "executionReport", "outboundAccountPosition"]
    assert events.items[-1]["B"] == [{"a": "BTC", "f": "9.50000000", "l": "0.00000000"},
                                     {"a": "USDT", "f": "114985.00000000", "l": "0.00000000"}]


def test_rejected_requests_emit_nothing(engine: SimEngine, events: Events) -> None:
    with api_error(-2010):
        place(engine, side="SELL", type="LIMIT_MAKER", quantity="0.1", price="29000.00")
    assert events.items == []


def test_listeners_see_finished_state_even_when_calling_back(engine: SimEngine) -> None:
    seen: list[tuple[str, int]] = []

    def listener(event: dict[str, Any]) -> None:
        if event["e"] == "executionReport":  # a callback into the engine mid-delivery
            seen.append((event["X"], len(engine.open_orders())))

    engine.subscribe(listener)
    limit(engine, "BUY", "3", "30001.00")  # NEW, then a partial fill, in one call
    assert seen == [("NEW", 1), ("PARTIALLY_FILLED", 1)]


def test_a_failing_listener_does_not_undo_the_call_or_starve_others(engine: SimEngine,
                                                                    caplog: pytest.LogCaptureFixture) -> None:
    def broken(event: dict[str, Any]) -> None:
        raise RuntimeError("socket closed")

    received: list[dict[str, Any]] = []
    engine.subscribe(broken)
    unsubscribe = engine.subscribe(received.append)
    body = limit(engine, "BUY", "0.1", "29000.00")
    assert body["status"] == "NEW" and len(received) == 2
    assert "user-data listener failed" in caplog.text
    unsubscribe()
    limit(engine, "BUY", "0.1", "29000.00")
    assert len(received) == 2


def test_deposit_emits_balance_update_then_position(engine: SimEngine, events: Events) -> None:
    engine.deposit("BNB", "2.5")
    assert events.kinds() == ["balanceUpdate", "outboundAccountPosition"]
    assert events.items[0]["d"] == "2.50000000"
    with pytest.raises(ValueError):
        engine.withdraw("BNB", "3")


def test_a_narrowed_subscriber_gets_only_what_it_asked_for(engine: SimEngine, events: Events) -> None:
    trades: list[dict[str, Any]] = []
    lists: list[dict[str, Any]] = []
    engine.subscribe(trades.append, events=("executionReport:TRADE",))
    engine.subscribe(lists.append, events=("listStatus",))
    limit(engine, "BUY", "3", "30001.00")  # NEW, then a partial fill at the ask
    place(engine, side="SELL", type="MARKET", quantity="0.5")  # NEW, TRADE
    assert [(e["e"], e["x"]) for e in trades] == [("executionReport", "TRADE")] * 2
    assert lists == []
    # The subscriber that takes everything still gets every event, in the same order.
    assert events.kinds() == ["executionReport", "executionReport", "outboundAccountPosition",
                              "executionReport", "executionReport", "outboundAccountPosition"]
    assert [e["I"] for e in events.items if e["e"] == "executionReport"] == sorted(
        e["I"] for e in events.items if e["e"] == "executionReport")


def test_events_nobody_takes_are_not_built_and_ids_do_not_depend_on_subscribers(clock: Any) -> None:
    def run(subscribe: bool) -> list[dict[str, Any]]:
        sim = SimEngine(clock, [typical_spec()], seed=7)
        sim.deposit("USDT", "100000")
        sim.on_book_ticker("BTCUSDT", "30000.00", "2", "30001.00", "2", clock.now_ms())
        got: list[dict[str, Any]] = []
        if subscribe:
            sim.subscribe(got.append, events=("executionReport:TRADE",))
        place(sim, side="BUY", type="LIMIT", quantity="0.1", price="29000.00", timeInForce="GTC")
        place(sim, side="BUY", type="MARKET", quantity="0.5")
        core = sim._core
        assert not core.wants("executionReport", "NEW") and not core.wants("outboundAccountPosition")
        assert core.wants("executionReport", "TRADE") is subscribe
        return got

    assert run(False) == []
    trades = run(True)
    # The TRADE is the 3rd execution (NEW of the limit, NEW then TRADE of the market order) either way.
    assert [(e["x"], e["I"]) for e in trades] == [("TRADE", 3)]
