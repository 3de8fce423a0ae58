"""The intent and SysMode transition tables, and OrderIntent moving through them."""
from __future__ import annotations

import dataclasses
import itertools
import json
from decimal import Decimal as D
from typing import Any

import pytest

from trading.domain.catalog.panel import IntentState, SysMode
from trading.domain.catalog.reasons import ReasonCode
from trading.domain.contracts.canonical import ContractViolation
from trading.domain.contracts.decision import Side
from trading.domain.contracts.ids import CLIENT_ORDER_ID_RE, client_order_id_for, order_intent_id_for
from trading.domain.contracts.intent import IntentKind, OrderIntent, OrderType
from trading.domain.states import (
    INTENT_TRANSITIONS,
    SYS_MODE_TRANSITIONS,
    IllegalTransition,
    can_transition_sys_mode,
    check_intent_transition,
    check_sys_mode_transition,
    is_terminal_intent_state,
)

S = IntentState
M = SysMode
DECISION_ID = "d-" + "ab" * 16

EXPECTED_INTENT_EDGES = {
    (S.CREATED, S.SENT_UNKNOWN), (S.CREATED, S.CONFIRMED), (S.CREATED, S.FAILED_TERMINAL),
    (S.SENT_UNKNOWN, S.CONFIRMED), (S.SENT_UNKNOWN, S.NOT_FOUND), (S.SENT_UNKNOWN, S.FAILED_TERMINAL),
}
EXPECTED_SYS_MODE_EDGES = {
    (M.NORMAL, M.DEGRADE), (M.DEGRADE, M.NORMAL), (M.NORMAL, M.PAUSE), (M.PAUSE, M.NORMAL),
    (M.DEGRADE, M.PAUSE), (M.PAUSE, M.DEGRADE),
    (M.NORMAL, M.EXIT), (M.DEGRADE, M.EXIT), (M.PAUSE, M.EXIT),
}


# --- tables --------------------------------------------------------------------------------


def test_every_intent_state_has_a_row() -> None:
    assert set(INTENT_TRANSITIONS) == set(IntentState)
    assert set(SYS_MODE_TRANSITIONS) == set(SysMode)


@pytest.mark.parametrize(("current", "new"), list(itertools.product(IntentState, IntentState)))
def test_intent_moves_only_along_the_table(current: IntentState, new: IntentState) -> None:
    if (current, new) in EXPECTED_INTENT_EDGES:
        check_intent_transition(current, new)
    else:
        with pytest.raises(IllegalTransition):
            check_intent_transition(current, new)


@pytest.mark.parametrize("state", [S.CONFIRMED, S.NOT_FOUND, S.FAILED_TERMINAL])
def test_resolved_intents_are_terminal(state: IntentState) -> None:
    assert is_terminal_intent_state(state)
    assert not is_terminal_intent_state(S.CREATED) and not is_terminal_intent_state(S.SENT_UNKNOWN)


@pytest.mark.parametrize(("current", "new"), list(itertools.product(SysMode, SysMode)))
def test_sys_mode_moves_only_along_the_table(current: SysMode, new: SysMode) -> None:
    if (current, new) in EXPECTED_SYS_MODE_EDGES:
        check_sys_mode_transition(current, new)
    else:
        with pytest.raises(IllegalTransition):
            check_sys_mode_transition(current, new)


def test_staying_in_the_same_sys_mode_is_not_a_transition() -> None:
    assert not any(can_transition_sys_mode(mode, mode) for mode in SysMode)


def test_exit_is_reachable_from_every_mode_and_never_left() -> None:
    assert all(can_transition_sys_mode(mode, M.EXIT) for mode in SysMode if mode is not M.EXIT)
    assert not SYS_MODE_TRANSITIONS[M.EXIT]


def test_illegal_transition_names_the_machine_and_the_edge() -> None:
    with pytest.raises(IllegalTransition) as err:
        check_intent_transition(S.CONFIRMED, S.SENT_UNKNOWN)
    assert (err.value.machine, err.value.current, err.value.new) == ("intent", S.CONFIRMED, S.SENT_UNKNOWN)
    assert "CONFIRMED -> SENT_UNKNOWN" in str(err.value)
    assert isinstance(err.value, ValueError)


# --- OrderIntent ---------------------------------------------------------------------------


def make_entry(**overrides: Any) -> OrderIntent:
    fields: dict[str, Any] = dict(
        decision_id=DECISION_ID, kind=IntentKind.ENTRY, symbol="BTCUSDT", side=Side.BUY,
        order_type=OrderType.LIMIT, qty=D("0.001"), price=D("60000.00"), ts_ms=1_000, expires_ts_ms=31_000,
    )
    fields.update(overrides)
    return OrderIntent.new(**fields)


def make_oco(**overrides: Any) -> OrderIntent:
    fields: dict[str, Any] = dict(
        kind=IntentKind.PROTECTION_OCO, side=Side.SELL, order_type=OrderType.OCO, price=D("61200.00"),
        stop_price=D("59400.00"), stop_limit_price=D("59350.00"), expires_ts_ms=None,
    )
    fields.update(overrides)
    return make_entry(**fields)


def test_a_new_intent_is_created_with_ids_derived_from_its_decision() -> None:
    intent = make_entry()
    assert intent.state is S.CREATED and intent.created_ts_ms == intent.updated_ts_ms == 1_000
    assert intent.order_intent_id == order_intent_id_for(DECISION_ID, IntentKind.ENTRY, 0)
    assert intent.client_order_id == client_order_id_for(intent.order_intent_id)
    assert CLIENT_ORDER_ID_RE.match(intent.client_order_id)


def test_recreating_the_same_intent_after_a_crash_reuses_its_client_order_id() -> None:
    assert make_entry(ts_ms=5_000, expires_ts_ms=35_000).client_order_id == make_entry().client_order_id


def test_a_new_attempt_gets_new_ids() -> None:
    first, second = make_entry(), make_entry(attempt=1)
    assert first.order_intent_id != second.order_intent_id
    assert first.client_order_id != second.client_order_id


def test_an_oco_has_distinct_ids_for_the_list_and_each_leg() -> None:
    oco = make_oco()
    ids = {oco.client_order_id, oco.leg_client_order_id("above"), oco.leg_client_order_id("below")}
    assert len(ids) == 3 and oco.client_order_id.endswith("_list")
    assert all(CLIENT_ORDER_ID_RE.match(i) for i in ids)


def test_transition_returns_a_new_intent_and_leaves_the_old_one_alone() -> None:
    created = make_entry()
    unknown = created.transition(S.SENT_UNKNOWN, 2_000, ReasonCode.EXCHANGE_5XX)
    confirmed = unknown.transition(S.CONFIRMED, 3_000, ReasonCode.INTENT_CONFIRMED)
    assert (created.state, unknown.state, confirmed.state) == (S.CREATED, S.SENT_UNKNOWN, S.CONFIRMED)
    assert confirmed.updated_ts_ms == 3_000 and confirmed.created_ts_ms == 1_000
    assert confirmed.reason is ReasonCode.INTENT_CONFIRMED
    assert confirmed.client_order_id == created.client_order_id


def test_an_unknown_intent_not_found_after_recv_window_is_resolved() -> None:
    unknown = make_entry().transition(S.SENT_UNKNOWN, 2_000)
    assert unknown.transition(S.NOT_FOUND, 70_000, ReasonCode.INTENT_NOT_FOUND).state is S.NOT_FOUND


def test_an_illegal_intent_transition_is_refused() -> None:
    confirmed = make_entry().transition(S.CONFIRMED, 2_000)
    with pytest.raises(IllegalTransition):
        confirmed.transition(S.SENT_UNKNOWN, 3_000)
    with pytest.raises(IllegalTransition):
        make_entry().transition(S.NOT_FOUND, 3_000)


def test_intent_time_never_goes_backward() -> None:
    with pytest.raises(ContractViolation, match="backward"):
        make_entry().transition(S.CONFIRMED, 999)


def test_round_trips_through_json() -> None:
    for intent in (make_entry(), make_oco().transition(S.SENT_UNKNOWN, 5_000, ReasonCode.EXCHANGE_5XX)):
        stored = json.loads(json.dumps(intent.to_dict()))
        assert OrderIntent.from_dict(stored) == intent


def test_a_forged_client_order_id_is_refused() -> None:
    with pytest.raises(ContractViolation, match="client_order_id does not match"):
        dataclasses.replace(make_entry(), client_order_id="ls" + "0" * 28)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"side": Side.SELL}, "ENTRY must be BUY"),
        ({"order_type": OrderType.STOP_LOSS_LIMIT, "stop_price": D("1")}, "cannot use order type"),
        ({"price": None}, "LIMIT needs price"),
        ({"order_type": OrderType.MARKET}, "MARKET takes no price"),
        ({"qty": D("0")}, "qty must be finite and > 0"),
        ({"expires_ts_ms": 1_000}, "expires_ts_ms must be >="),
    ],
)
def test_entry_intents_fit_their_kind(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(ContractViolation, match=message):
        make_entry(**overrides)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"stop_limit_price": None}, "OCO needs stop_limit_price"),
        ({"stop_price": D("61300.00"), "stop_limit_price": D("61300.00")}, "stop_limit <= stop < price"),
        ({"side": Side.BUY}, "PROTECTION_OCO must be SELL"),
    ],
)
def test_oco_intents_need_three_ordered_prices(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(ContractViolation, match=message):
        make_oco(**overrides)


def test_a_trailing_stop_needs_its_delta_and_may_omit_the_stop_price() -> None:
    base: dict[str, Any] = dict(kind=IntentKind.PROTECTION_TRAILING, side=Side.SELL,
                                order_type=OrderType.STOP_LOSS, price=None, expires_ts_ms=None)
    assert make_entry(**base, trailing_delta_bps=50).stop_price is None
    with pytest.raises(ContractViolation, match="trailing_delta_bps is set iff"):
        make_entry(**base)
    with pytest.raises(ContractViolation, match="trailing_delta_bps must be >= 10"):
        make_entry(**base, trailing_delta_bps=5)


def test_a_cancel_names_its_target_and_carries_no_prices() -> None:
    base: dict[str, Any] = dict(kind=IntentKind.CANCEL, price=None, expires_ts_ms=None)
    cancel = make_entry(**base, target_client_order_id=make_entry().client_order_id)
    assert cancel.kind is IntentKind.CANCEL
    with pytest.raises(ContractViolation, match="target_client_order_id"):
        make_entry(**base)
    with pytest.raises(ContractViolation, match="target_client_order_id"):
        make_entry(target_client_order_id="ls123")
