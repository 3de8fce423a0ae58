"""Protection swaps: one cancel-replace; "cancel ok, new failed" re-protects or closes; uncovered time audited."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from audit.models import AuditEvent
from tests.support.sim_exchange import Stack, plan
from trading.domain.ports import CancelReplaceResult, ExchangeRejected, OrderRequest
from trading.execution.swap import swap_stop
from trading.models import Position

from .helpers import entry

pytestmark = pytest.mark.django_db(transaction=True)
D = Decimal


class NewOrderFails:
    """The real adapter, except that cancel-replace's new half fails after a real cancel."""

    def __init__(self, exchange: Any) -> None:
        self._exchange = exchange

    def __getattr__(self, name: str) -> Any:
        return getattr(self._exchange, name)

    def cancel_replace(self, symbol: str, cancel_client_order_id: str, new: OrderRequest, *,
                       allow_failure: bool = False) -> CancelReplaceResult:
        cancelled = self._exchange.cancel_order(symbol, cancel_client_order_id)  # the whole OCO goes
        return CancelReplaceResult(cancel=cancelled, new=None,
                                   new_error=ExchangeRejected(-2010, "Account has insufficient balance for "
                                                                     "requested action."))


def _protected(stack: Stack) -> Position:
    out = stack.executor.submit(entry(stack))
    stack.pm.on_entry(out, plan())
    return Position.objects.get(symbol="BTCUSDT")


def _swap_events(stack: Stack) -> list[dict[str, Any]]:
    stack.writer.flush()
    return [e.data for e in AuditEvent.objects.filter(run_id=stack.writer.run_id, event_type="PROTECTION_SWAP")]


def test_a_swap_to_a_trailing_stop_is_one_cancel_replace(stack: Stack) -> None:
    pos = _protected(stack)
    result = swap_stop(stack.pm, pos, stop_price=D("29700.00"), stop_limit_price=D("29600.00"),
                       trailing_delta_bps=100)
    assert result is not None and result.outcome == "replaced"
    [only] = stack.sim_open_orders()
    assert (only["type"], only["trailingDelta"]) == ("STOP_LOSS_LIMIT", 100)
    pos.refresh_from_db()
    assert pos.protection_state == "TRAILING" and pos.protection_client_order_id == result.intent.client_order_id
    [swap] = _swap_events(stack)
    assert swap["outcome"] == "replaced" and swap["uncovered_ms"] == result.uncovered_ms >= 0


def test_cancel_ok_new_failed_falls_back_to_the_previous_protection(stack: Stack) -> None:
    pos = _protected(stack)
    stack.pm.exchange = NewOrderFails(stack.venue.exchange)
    result = swap_stop(stack.pm, pos, stop_price=D("29600.00"), stop_limit_price=D("29500.00"))
    assert result is not None and result.outcome == "reprotected"
    assert {o["type"] for o in stack.sim_open_orders()} == {"LIMIT_MAKER", "STOP_LOSS_LIMIT"}  # covered again
    pos.refresh_from_db()
    assert pos.state == "OPEN" and pos.protection_state == "OCO"
    assert pos.unprotected_ms_total == result.uncovered_ms
    assert _swap_events(stack)[0]["outcome"] == "reprotected"


def test_cancel_ok_new_failed_with_the_stop_crossed_closes_at_market(stack: Stack) -> None:
    pos = _protected(stack)
    stack.quote("29700.00", "29701.00")  # between the old stop (29500) and the new one (29800)
    result = swap_stop(stack.pm, pos, stop_price=D("29800.00"), stop_limit_price=D("29700.00"))
    # The simulator cancelled the OCO, then refused the new stop ("would trigger immediately").
    assert result is not None and result.outcome == "closed_by_guard"
    pos.refresh_from_db()
    assert (pos.state, pos.exit_reason) == ("CLOSED", "PROTECTION_SWAP_GUARD_FIRED")
    assert stack.sim_open_orders() == []
    assert _swap_events(stack)[0]["uncovered_ms"] == result.uncovered_ms
