"""Write-ahead intents, SENT_UNKNOWN resolution, NOT_FOUND after recvWindow, entry TTL, rate limits."""
from __future__ import annotations

import pytest

from audit.models import Alert, AuditEvent
from tests.support.sim_exchange import Stack
from trading.domain.catalog import IntentState
from trading.execution.executor import EntriesBlocked
from trading.models import Order
from trading.models import OrderIntent as IntentRow

from .helpers import entry

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_intent_and_its_order_submit_are_committed_before_the_request(stack: Stack) -> None:
    intent = entry(stack)
    out = stack.executor.submit(intent)
    submit = AuditEvent.objects.get(run_id=stack.writer.run_id, event_type="ORDER_SUBMIT")
    assert submit.data["client_order_id"] == intent.client_order_id and submit.data["state"] == "CREATED"
    sim_order = stack.sim.call(stack.sim.state.engine.get_order,
                               {"symbol": "BTCUSDT", "origClientOrderId": intent.client_order_id})
    assert submit.ts_ms <= sim_order["time"]  # audited (wait=True) before the exchange saw it
    assert out.state is IntentState.CONFIRMED and IntentRow.objects.get().state == "CONFIRMED"


def test_a_timeout_after_execution_is_resolved_confirmed_without_a_second_order(stack: Stack) -> None:
    stack.sim.faults.timeout_after_execution(withhold="-1007")
    intent = entry(stack)
    out = stack.executor.submit(intent)
    assert out.state is IntentState.SENT_UNKNOWN
    assert stack.executor.resolve_unknown_intents()
    row = IntentRow.objects.get()
    assert (row.state, row.reason) == ("CONFIRMED", "INTENT_CONFIRMED")
    again = stack.executor.submit(intent)  # a retry of the same intent sends nothing
    assert again.state is IntentState.CONFIRMED
    assert len(stack.sim_trades()) == 1 and Order.objects.count() == 1
    assert Order.objects.get().status == "FILLED"
    stack.writer.flush()
    alerts = AuditEvent.objects.filter(run_id=stack.writer.run_id, event_type="ALERT_RAISED")
    assert ["INTENT_SENT_UNKNOWN"] in [a.reasons for a in alerts]


def test_an_order_not_found_once_recv_window_passed_is_not_found(stack: Stack) -> None:
    stack.sim.faults.fail_next(status=502, path="/api/v3/order", method="POST")  # never reached the engine
    out = stack.executor.submit(entry(stack, price="29000.00"))
    assert out.state is IntentState.SENT_UNKNOWN
    assert not stack.executor.resolve_unknown_intents()  # within recvWindow: maybe still in flight
    assert IntentRow.objects.get().state == "SENT_UNKNOWN"
    stack.sim.advance(stack.venue.exchange.recv_window_ms + 2000)
    assert stack.executor.resolve_unknown_intents()
    assert (IntentRow.objects.get().state, IntentRow.objects.get().reason) == ("NOT_FOUND", "INTENT_NOT_FOUND")


def test_an_entry_limit_past_its_ttl_is_cancelled(stack: Stack) -> None:
    intent = entry(stack, price="29000.00", ttl_ms=5_000)
    assert stack.executor.submit(intent).state is IntentState.CONFIRMED
    assert not stack.executor.expire_entries()
    stack.sim.advance(6_000)
    assert stack.executor.expire_entries()
    assert stack.sim_open_orders() == []
    row = IntentRow.objects.get(order_intent_id=intent.order_intent_id)
    assert row.reason == "ENTRY_TTL_EXPIRED"
    cancel = IntentRow.objects.get(kind="CANCEL")
    assert (cancel.state, cancel.target_client_order_id) == ("CONFIRMED", intent.client_order_id)
    assert Order.objects.get(client_order_id=intent.client_order_id).status == "CANCELED"


def test_a_rejection_is_failed_terminal(stack: Stack) -> None:
    instruments = stack.executor.instruments
    instruments.refresh()  # BTCUSDT read as TRADING, then halted behind the cache's back
    stack.sim.set_symbol_status("BTCUSDT", "HALT")
    assert instruments.halted() == frozenset()
    out = stack.executor.submit(entry(stack))
    row = IntentRow.objects.get()
    assert out.state is IntentState.FAILED_TERMINAL and (row.state, row.reason) == ("FAILED_TERMINAL",
                                                                                     "SYMBOL_NOT_TRADING")
    # The refusal re-read the statuses: risk now sees the halt, and the operator was told.
    assert instruments.halted() == {"BTCUSDT"} and instruments.status("BTCUSDT") == "HALT"
    stack.writer.flush()
    (alert,) = Alert.objects.filter(reason_code="SYMBOL_NOT_TRADING")
    assert alert.symbol == "BTCUSDT" and "HALT" in alert.summary
    stack.sim.set_symbol_status("BTCUSDT", "TRADING")
    instruments.refresh()
    assert instruments.halted() == frozenset()


def test_a_refusal_outranks_a_status_that_still_reads_trading(stack: Stack) -> None:
    # exchangeInfo may lag the matching engine: "Market is closed." is the newer fact, kept until
    # the next scheduled refresh.
    instruments = stack.executor.instruments
    instruments.refresh()
    stack.sim.faults.reject_next(-2010, "Market is closed.", status=400, path="/api/v3/order", method="POST")
    assert stack.executor.submit(entry(stack)).state is IntentState.FAILED_TERMINAL
    assert instruments.status("BTCUSDT") == "TRADING" and instruments.halted() == {"BTCUSDT"}
    instruments.refresh()
    assert instruments.halted() == frozenset()


def test_a_429_stops_entries_alerts_and_degrades(stack: Stack) -> None:
    stack.sim.faults.reject_next(-1003, "Too much request weight used; current limit is 6000 request weight "
                                 "per 1 MINUTE. Please use WebSocket Streams for live updates to avoid polling "
                                 "the API.", status=429, path="/api/v3/order", method="POST")
    out = stack.executor.submit(entry(stack))
    assert out.state is IntentState.FAILED_TERMINAL and IntentRow.objects.get().reason == "RATE_LIMIT_429"
    assert stack.degraded()
    with pytest.raises(EntriesBlocked):
        stack.executor.submit(entry(stack))
    assert IntentRow.objects.count() == 1  # nothing written for the blocked entry
