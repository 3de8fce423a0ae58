"""Protection from the first fill; OCO leg fills close the position with PnL incl. fees."""
from __future__ import annotations

from decimal import Decimal

import pytest

from audit.models import AuditEvent
from tests.integration.exchange_adapter.helpers import wait_event, wait_status
from tests.support.sim_exchange import Stack, plan
from trading.domain.ports import ExecutionReport, StreamState
from trading.domain.catalog import IntentState
from trading.execution.resolution import sync_answer
from trading.models import Fill, Order, Position
from trading.models import OrderIntent as IntentRow

from .helpers import entry, oco_for

pytestmark = pytest.mark.django_db(transaction=True)
D = Decimal


def _sim_pnl(stack: Stack) -> Decimal:
    # The simulator's own record: quote in/out and commissions (BUY pays in BTC, SELL in USDT).
    total = D(0)
    for t in stack.sim_trades():
        quote = D(t["quoteQty"])
        total += -quote if t["isBuyer"] else quote - D(t["commission"])
    return total


def test_entry_fill_is_protected_by_an_oco_and_the_take_profit_closes_with_fees(stack: Stack) -> None:
    out = stack.executor.submit(entry(stack))
    assert out.state is IntentState.CONFIRMED and len(out.fills) == 1
    assert stack.pm.on_entry(out, plan())
    legs = {o["type"]: o for o in stack.sim_open_orders()}
    assert set(legs) == {"LIMIT_MAKER", "STOP_LOSS_LIMIT"} and legs["STOP_LOSS_LIMIT"]["stopPrice"] == "29500.00000000"
    pos = Position.objects.get(symbol="BTCUSDT")
    assert pos.protection_state == "OCO" and pos.qty == D("0.0999")  # 0.1 minus the BTC commission
    assert legs["LIMIT_MAKER"]["origQty"] == "0.09990000"

    stack.quote("31000.00", "31001.00")  # the take-profit leg trades
    assert stack.pm.manage_positions()
    pos.refresh_from_db()
    assert (pos.state, pos.exit_reason, pos.qty) == ("CLOSED", "TAKE_PROFIT_HIT", D(0))
    assert pos.realized_pnl_quote == _sim_pnl(stack)
    usdt = stack.venue.exchange.account().balances["USDT"]
    assert usdt.free + usdt.locked - D("100000") == pos.realized_pnl_quote
    assert pos.fees_quote > 0 and stack.sim_open_orders() == []
    assert Fill.objects.count() == 2


def test_a_trailing_stop_leg_protects_without_a_later_swap(stack: Stack) -> None:
    out = stack.executor.submit(entry(stack))
    stack.pm.on_entry(out, plan(tp="33000.00", stop="29400.00", stop_limit="29000.00", trail=200))
    stop = next(o for o in stack.sim_open_orders() if o["type"] == "STOP_LOSS_LIMIT")
    assert stop["trailingDelta"] == 200
    stack.quote("31000.00", "31001.00")  # the trail follows the market up
    stack.quote("30300.00", "30301.00")  # > 2 % below the high: the trailing stop leg fires
    assert stack.pm.manage_positions()
    pos = Position.objects.get(symbol="BTCUSDT")
    assert (pos.state, pos.exit_reason) == ("CLOSED", "STOP_LOSS_HIT")
    assert pos.realized_pnl_quote == _sim_pnl(stack) and pos.realized_pnl_quote > 0  # trailed into profit


def test_an_otoco_entry_carries_its_own_protection(stack: Stack) -> None:
    e = entry(stack, price="29000.00")
    out = stack.executor.submit_otoco(e, oco_for(stack, e, "0.09990", "31000.00", "28000.00", "27900.00"))
    assert out.state is IntentState.CONFIRMED and out.extra_intents[0].state == "CONFIRMED"
    assert {o["status"] for o in stack.sim_open_orders()} == {"NEW", "PENDING_NEW"}
    stack.quote("28990.00", "29000.00")  # the entry fills; the exchange arms the pair itself
    sync_answer(stack.executor, IntentRow.objects.get(order_intent_id=e.order_intent_id),
                stack.venue.exchange.get_order("BTCUSDT", e.client_order_id))
    pos = Position.objects.get(symbol="BTCUSDT")
    assert stack.pm.ensure_protected(pos, plan())
    pos.refresh_from_db()
    assert pos.protection_state == "OCO"
    assert {o["type"] for o in stack.sim_open_orders()} == {"LIMIT_MAKER", "STOP_LOSS_LIMIT"}  # no second OCO


def _take_profit_report(stack: Stack) -> ExecutionReport:
    """Lift the market through the take profit; return the leg's TRADE report from the user stream."""
    stream = stack.venue.exchange.user_stream()
    try:
        wait_status(stream, StreamState.SUBSCRIBED)
        stack.quote("31000.00", "31001.00")
        return wait_event(stream, ExecutionReport, lambda r: r.exec_type == "TRADE" and r.side.value == "SELL")
    finally:
        stream.close()


def test_duplicate_fill_events_are_recorded_once(stack: Stack) -> None:
    out = stack.executor.submit(entry(stack))
    stack.pm.on_entry(out, plan())
    report = _take_profit_report(stack)
    assert stack.pm.on_execution_report(report)
    assert not stack.pm.on_execution_report(report)  # the same trade again: deduplicated
    stack.pm.manage_positions()  # and once more through REST myTrades
    assert Fill.objects.filter(side="SELL").count() == 1
    pos = Position.objects.get(symbol="BTCUSDT")
    assert pos.state == "CLOSED" and pos.realized_pnl_quote == _sim_pnl(stack)
    stack.writer.flush()
    assert AuditEvent.objects.filter(run_id=stack.writer.run_id, event_type="FILL").count() == 2


@pytest.mark.parametrize("mirrored", [True, False], ids=["order-row-mirrored", "reported-first"])
def test_a_leg_fill_from_the_stream_carries_its_decision_and_oco_intent(stack: Stack, mirrored: bool) -> None:
    # The stream names only the leg's client id ("..._above"), which no intent row holds: the ids
    # come from the leg's mirrored order row, or, reported before that, from the OCO intents.
    e = entry(stack)
    stack.pm.on_entry(stack.executor.submit(e), plan())
    oco = IntentRow.objects.get(kind="PROTECTION_OCO")
    if not mirrored:
        legs = Order.objects.filter(symbol="BTCUSDT", side="SELL")  # the OCO's two legs
        assert legs.count() == 2
        legs.delete()
    report = _take_profit_report(stack)
    assert report.client_order_id.endswith("_above") and not IntentRow.objects.filter(
        client_order_id=report.client_order_id).exists()
    assert stack.pm.on_execution_report(report)
    fill = Fill.objects.get(side="SELL")
    assert (fill.decision_id, fill.order_intent_id) == (e.decision_id, oco.order_intent_id)
    assert oco.decision_id == e.decision_id
