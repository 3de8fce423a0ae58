"""The trader killed with SIGKILL at the four worst moments of an order's life, then restarted.

Each test runs `manage.py runtrader` as its own process against the simulator served by the
test process (127.0.0.1 only, see trader_harness.py), armed with a crash point
(`trading/execution/crashpoints.py`): the process kills itself at exactly that point of the
real code path. A second, bounded run (no crash point) must then recover:
- no duplicate order: no client order id made two orders on the simulator;
- no position left without a stop: every base asset the simulator says we hold beyond dust is
  covered by resting SELL stop(s) there;
- every intent resolved: none left CREATED or SENT_UNKNOWN;
- the audit agrees with the simulator: every order row and fill is what the simulator executed,
  every trade it made up to the last reconcile is recorded, and the JSONL trail holds every
  audit row (the crashed run's tail included).
"""
from __future__ import annotations

import signal
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from tests.integration.trader.trader_harness import (
    Harness,
    assert_audit_matches_sim,
    assert_holdings_protected,
    assert_intents_resolved,
    assert_no_duplicate_orders,
    make_harness,
)

pytestmark = pytest.mark.slow
D = Decimal
RECOVER = ("--cycles", "6")


@pytest.fixture
def harness(tmp_path: Path) -> Iterator[Harness]:
    h = make_harness(tmp_path)
    yield h
    h.close()


def recovered(h: Harness) -> None:
    assert_no_duplicate_orders(h)
    assert_intents_resolved(h)
    assert_holdings_protected(h)
    assert_audit_matches_sim(h)
    runs = h.rows("SELECT DISTINCT run_id FROM audit_event")
    assert len(runs) == 2  # the crashed run and the recovering one
    recover = h.rows("SELECT summary FROM audit_stage_event WHERE stage = 'STARTUP_RECOVER'")
    assert len(recover) >= 4  # both runs recovered before anything else


def intent(h: Harness, order_intent_id: str) -> dict[str, object]:
    return dict(h.rows("SELECT * FROM order_intents WHERE order_intent_id = ?", order_intent_id)[0])


def test_killed_after_the_intent_is_written_and_before_it_is_sent(harness: Harness) -> None:
    h = harness
    h.crash_at("intent_written")
    (written,) = h.rows("SELECT * FROM order_intents")
    assert (written["kind"], written["state"]) == ("ENTRY", "CREATED")
    assert written["client_order_id"] not in {o["clientOrderId"] for o in h.sim_orders()}
    h.run(*RECOVER)
    # It may have been sent (the trader cannot know): it is asked for by client id, and once
    # recvWindow has passed without the exchange knowing it, closed as NOT_FOUND. Never re-sent.
    after = intent(h, written["order_intent_id"])
    assert (after["state"], after["reason"]) == ("NOT_FOUND", "INTENT_NOT_FOUND")
    assert written["client_order_id"] not in {o["clientOrderId"] for o in h.sim_orders()}
    recovered(h)


def test_killed_after_the_exchange_took_the_order_and_before_the_answer_was_recorded(harness: Harness) -> None:
    h = harness
    h.crash_at("order_sent")
    (sent,) = h.rows("SELECT * FROM order_intents")
    assert (sent["kind"], sent["state"]) == ("ENTRY", "CREATED")
    on_sim = [o for o in h.sim_orders() if o["clientOrderId"] == sent["client_order_id"]]
    assert len(on_sim) == 1  # the exchange has it, the database does not know
    assert not h.rows("SELECT * FROM orders")
    h.run(*RECOVER)
    after = intent(h, sent["order_intent_id"])
    assert after["state"] == "CONFIRMED"
    (row,) = h.rows("SELECT * FROM orders WHERE client_order_id = ?", sent["client_order_id"])
    assert row["exchange_order_id"] == on_sim[0]["orderId"]
    recovered(h)


def test_killed_after_the_entry_filled_and_before_its_oco_was_placed(harness: Harness) -> None:
    h = harness
    h.crash_at("entry_filled")
    (pos,) = h.rows("SELECT * FROM positions WHERE state = 'OPEN'")
    assert pos["protection_state"] == "NONE"
    assert not h.rows("SELECT * FROM order_intents WHERE kind = 'PROTECTION_OCO'")
    asset = pos["symbol"].removesuffix("USDT")
    assert h.sim_holdings().get(asset, D(0)) > 0
    assert not [o for o in h.sim_open_orders() if o["symbol"] == pos["symbol"] and o["side"] == "SELL"]
    last_id = max(r["id"] for r in h.rows("SELECT id FROM order_intents"))
    h.run(*RECOVER)
    # Recovery protected it before any entry: the first thing the restarted trader sent is its OCO.
    first = h.rows("SELECT * FROM order_intents WHERE id > ? ORDER BY id", last_id)[0]
    assert (first["kind"], first["symbol"], first["state"]) == ("PROTECTION_OCO", pos["symbol"], "CONFIRMED")
    assert first["client_order_id"] in {o["listClientOrderId"] for o in h.sim_call("all_order_lists")}
    recovered(h)


def test_killed_in_the_middle_of_a_protection_swap(harness: Harness) -> None:
    h = harness
    # A flatten (kill-switch file) closes a protected position with one cancel-replace: cancel
    # its OCO and sell at market. The trader dies after the exchange did both, before it knew.
    trader = h.start("--duration", "300s", LIVESPOT_CRASHPOINT="swap_sent")
    switch = h.tmp / "KILL_SWITCH"
    for _ in range(4):
        h.wait_for(lambda: h.rows("SELECT * FROM positions WHERE state = 'OPEN' AND protection_state = 'OCO'"),
                   60, trader)
        switch.write_text("flatten\n")
        if h.exited(trader, 15):
            break
        # The position's stop filled first (the cancel-replace found nothing to cancel: -2022,
        # nothing done): lift the switch, resume, and flatten the next protected position.
        switch.unlink()
        h.manage("resume")
    assert trader.wait(1) == -signal.SIGKILL, trader.tail()
    switch.unlink()
    swapping = h.rows("SELECT * FROM positions WHERE protection_state = 'SWAPPING'")
    assert len(swapping) == 1
    (exit_row,) = h.rows("SELECT * FROM order_intents WHERE kind = 'EXIT_MARKET' AND state = 'CREATED'")
    on_sim = [o for o in h.sim_orders() if o["clientOrderId"] == exit_row["client_order_id"]]
    assert len(on_sim) == 1 and on_sim[0]["status"] == "FILLED"  # the exchange did it
    oco_legs = [o for o in h.sim_orders() if o["symbol"] == exit_row["symbol"] and o["orderListId"] != -1]
    assert oco_legs and all(o["status"] in ("CANCELED", "EXPIRED", "FILLED") for o in oco_legs)
    h.run(*RECOVER)
    assert intent(h, exit_row["order_intent_id"])["state"] == "CONFIRMED"
    (pos,) = h.rows("SELECT * FROM positions WHERE id = ?", swapping[0]["id"])
    assert pos["state"] == "CLOSED" and pos["protection_state"] != "SWAPPING"
    legs = h.rows("SELECT * FROM orders WHERE symbol = ? AND order_list_id IS NOT NULL", exit_row["symbol"])
    sim_status = {o["clientOrderId"]: o["status"] for o in oco_legs}
    assert {r["client_order_id"]: r["status"] for r in legs if r["client_order_id"] in sim_status} == sim_status
    recovered(h)
