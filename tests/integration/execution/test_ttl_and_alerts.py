"""An entry that filled before its TTL ends as a fill (not a failed cancel); repeated alerts are merged."""
from __future__ import annotations

import pytest

from audit.models import Alert
from tests.support.sim_exchange import Stack
from trading.domain.catalog import IntentState, ReasonCode, Severity
from trading.models import Fill, Order, Position
from trading.models import OrderIntent as IntentRow

from .helpers import entry

pytestmark = pytest.mark.django_db(transaction=True)


def _filled_behind_our_back(stack: Stack) -> IntentRow:
    """A resting LIMIT entry that fills on the exchange while the database still says NEW."""
    intent = entry(stack, price="29000.00", ttl_ms=5_000)
    assert stack.executor.submit(intent).state is IntentState.CONFIRMED
    stack.quote("28990.00", "28995.00")  # the ask crosses our bid: the entry fills on the exchange
    assert stack.sim_open_orders() == []
    assert Order.objects.get(client_order_id=intent.client_order_id).status == "NEW"  # no stream read
    return IntentRow.objects.get(order_intent_id=intent.order_intent_id)


def test_an_entry_filled_before_its_ttl_is_recorded_as_filled_and_not_cancelled(stack: Stack) -> None:
    row = _filled_behind_our_back(stack)
    stack.sim.advance(6_000)
    assert stack.executor.expire_entries()
    row.refresh_from_db()
    assert (row.state, row.reason) == ("CONFIRMED", "INTENT_CONFIRMED")  # a fill, not a TTL expiry
    assert not IntentRow.objects.filter(kind="CANCEL").exists()  # REST said FILLED: nothing to cancel
    assert Order.objects.get(client_order_id=row.client_order_id).status == "FILLED"
    assert Fill.objects.filter(client_order_id=row.client_order_id).count() == len(stack.sim_trades())
    assert Position.objects.get(symbol="BTCUSDT").state == "OPEN"  # ready for its OCO
    assert not stack.executor.expire_entries()  # handled once


def test_a_cancel_that_races_a_fill_is_confirmed_and_the_fill_recorded(stack: Stack) -> None:
    row = _filled_behind_our_back(stack)
    out = stack.executor.cancel(row, ReasonCode.ENTRY_TTL_EXPIRED)  # the exchange: -2011 unknown order
    cancel = IntentRow.objects.get(kind="CANCEL")
    assert out.state is IntentState.CONFIRMED and cancel.state == "CONFIRMED"
    assert "already FILLED" in cancel.summary
    assert not IntentRow.objects.filter(state="FAILED_TERMINAL").exists()
    assert Fill.objects.filter(client_order_id=row.client_order_id).count() == len(stack.sim_trades()) == 1
    assert Position.objects.get(symbol="BTCUSDT").state == "OPEN"


def test_the_same_alert_raised_every_tick_is_one_row_until_the_window_passes(stack: Stack) -> None:
    alerts = stack.ctx.alerts
    assert alerts is not None
    for _ in range(5):
        alerts.raise_alert(ReasonCode.SYMBOL_NOT_TRADING, Severity.WARN, "BTCUSDT halted", symbol="BTCUSDT")
    alerts.raise_alert(ReasonCode.SYMBOL_NOT_TRADING, Severity.WARN, "ETHUSDT halted", symbol="ETHUSDT")
    stack.sim.advance(alerts.dedupe_ms + 1)
    alerts.raise_alert(ReasonCode.SYMBOL_NOT_TRADING, Severity.WARN, "BTCUSDT halted", symbol="BTCUSDT")
    stack.writer.flush()
    rows = list(Alert.objects.filter(reason_code="SYMBOL_NOT_TRADING").order_by("seq"))
    assert [(r.symbol, r.metadata.get("repeats")) for r in rows] == [("BTCUSDT", None), ("ETHUSDT", None),
                                                                      ("BTCUSDT", 4)]


def test_sys_mode_transition_alerts_are_never_merged(stack: Stack) -> None:
    for _ in range(2):
        stack.sysmode.escalate(stack.sysmode.mode.__class__.DEGRADE, ReasonCode.EXCHANGE_5XX, "5xx")
        stack.sysmode.clear(ReasonCode.EXCHANGE_5XX, "ok")
    stack.writer.flush()
    assert Alert.objects.filter(reason_code="ENTER_DEGRADE").count() == 2
