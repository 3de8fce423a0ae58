"""Reconcile against the simulator: diffs with kinds, drift label, BAD -> DEGRADE; startup recovery."""
from __future__ import annotations

from decimal import Decimal

import pytest

from tests.integration.exchange_adapter.helpers import limit
from tests.support.sim_exchange import Stack, build_stack, plan
from tests.support.audit import WriterFactory
from tests.integration.exchange_adapter.conftest import VenueFactory
from trading.domain.ports import OrderState, OrderStatus, Side
from trading.domain.contracts import OrderType
from trading.execution.drift import DiffKind
from trading.execution.recovery import recover_at_boot
from trading.models import Position, ReconcileDiff
from trading.models.choices import ReconcileDiffKind, ReconcileTrigger
from trading.services import upsert_order

from .helpers import entry

pytestmark = pytest.mark.django_db(transaction=True)
D = Decimal


def _kinds(run_id: int) -> list[str]:
    return sorted(ReconcileDiff.objects.filter(reconcile_run_id=run_id).values_list("kind", flat=True))


def test_diff_kinds_match_the_stored_vocabulary() -> None:
    assert [k.value for k in DiffKind] == [k.value for k in ReconcileDiffKind]


def test_agreement_is_ok_and_a_protected_position_counts_as_covered(stack: Stack) -> None:
    stack.pm.on_entry(stack.executor.submit(entry(stack)), plan())
    run = stack.reconciler.run(ReconcileTrigger.PERIODIC, ["BTCUSDT"])
    assert (run.drift_label, run.diff_count) == ("OK", 0) and not stack.degraded()


def test_an_order_the_db_does_not_know_is_bad_and_degrades(stack: Stack) -> None:
    stack.venue.exchange.place_order(limit("manual-1", Side.BUY, "0.01000", "29000.00"))
    run = stack.reconciler.run(ReconcileTrigger.PERIODIC, ["BTCUSDT"])
    assert _kinds(run.pk) == ["ORDER_UNKNOWN"] and run.drift_label == "BAD" and stack.degraded()


def test_an_order_missing_from_the_exchange_is_a_diff(stack: Stack) -> None:
    ghost = OrderState("BTCUSDT", 999_999, "ls-ghost", stack.ctx.now_ms(), status=OrderStatus.NEW, side=Side.BUY,
                       type=OrderType.LIMIT, price=D("29000"), orig_qty=D("0.01"))
    upsert_order(stack.ctx, ghost)
    run = stack.reconciler.run(ReconcileTrigger.PERIODIC, ["BTCUSDT"])
    assert _kinds(run.pk) == ["ORDER_MISSING"] and run.drift_label == "BAD"


def test_balance_drift_is_scored_and_labelled(stack: Stack) -> None:
    stack.pm.on_entry(stack.executor.submit(entry(stack)), plan())
    stack.sim.deposit("BTC", "0.05")
    run = stack.reconciler.run(ReconcileTrigger.PERIODIC, ["BTCUSDT"])
    diff = ReconcileDiff.objects.get(reconcile_run_id=run.pk)
    assert diff.kind == "BALANCE" and D(diff.actual["qty"]) == D("0.1499") and D(diff.expected["qty"]) == D("0.0999")
    assert run.drift_label == "BAD" and run.drift_score_x10000 > 500 and stack.degraded()


def test_startup_recovery_adopts_an_unprotected_position_and_protects_it(
        venue_factory: VenueFactory, writer_factory: WriterFactory) -> None:
    stack = build_stack(venue_factory, writer_factory, balances={"USDT": "100000", "BTC": "0.05"})
    report = recover_at_boot(stack.pm, stack.reconciler, policy="MANAGE_ONLY", symbols=["BTCUSDT"],
                             plan_for=lambda symbol, mid: plan())
    assert report.adopted == ["BTCUSDT"] and report.protected == ["BTCUSDT"]
    assert report.run is not None and _kinds(report.run.pk) == ["BALANCE"]
    pos = Position.objects.get(symbol="BTCUSDT", state="OPEN")
    assert pos.qty == D("0.05") and pos.protection_state == "OCO"
    legs = stack.sim_open_orders()
    assert {o["type"] for o in legs} == {"LIMIT_MAKER", "STOP_LOSS_LIMIT"}
    assert {o["origQty"] for o in legs} == {"0.05000000"}
    again = stack.reconciler.run(ReconcileTrigger.AFTER_ACTION, ["BTCUSDT"])
    assert again.drift_label == "OK"


def test_startup_recovery_close_safely_sells_what_it_finds(
        venue_factory: VenueFactory, writer_factory: WriterFactory) -> None:
    stack = build_stack(venue_factory, writer_factory, balances={"USDT": "100000", "BTC": "0.05"})
    report = recover_at_boot(stack.pm, stack.reconciler, policy="CLOSE_SAFELY", symbols=["BTCUSDT"],
                             plan_for=lambda symbol, mid: plan())
    assert report.closed == ["BTCUSDT"]
    assert not Position.objects.filter(state="OPEN").exists()
    assert [t["isBuyer"] for t in stack.sim_trades()] == [False]


def test_a_stop_leg_fill_first_seen_by_reconcile_still_closes_as_stop_loss_hit(stack: Stack) -> None:
    assert stack.pm.on_entry(stack.executor.submit(entry(stack)), plan())
    stack.quote("29400.00", "29401.00")  # through the stop: the stop leg trades on the simulator
    # Nothing but reconcile's trade backfill looks at the exchange here (no stream, no manage step).
    stack.reconciler.run(ReconcileTrigger.PERIODIC, ["BTCUSDT"])
    pos = Position.objects.get(symbol="BTCUSDT")
    assert (pos.state, pos.exit_reason) == ("CLOSED", "STOP_LOSS_HIT")


def test_a_run_records_the_account_capital_quote_held_plus_positions_at_cost(stack: Stack) -> None:
    before = stack.reconciler.run(ReconcileTrigger.PERIODIC)
    stack.pm.on_entry(stack.executor.submit(entry(stack)), plan())
    after = stack.reconciler.run(ReconcileTrigger.PERIODIC, ["BTCUSDT"])
    usdt = stack.venue.exchange.account().balances["USDT"]
    pos = Position.objects.get(symbol="BTCUSDT")
    assert after.capital_quote == usdt.free + usdt.locked + pos.qty * pos.avg_entry_price
    # Buying moves quote into the position at cost (the fee paid in base is in that cost): capital holds,
    # up to the rounding of the stored average entry price.
    assert after.capital_quote is not None and before.capital_quote == D("100000")
    assert abs(after.capital_quote - before.capital_quote) < D("1e-8")
