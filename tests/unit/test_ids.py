"""Identifiers: deterministic from content, and client order ids Binance accepts."""
from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trading.domain.clock import ManualClock
from trading.domain.contracts.canonical import ContractViolation
from trading.domain.contracts.ids import (
    CLIENT_ORDER_ID_RE,
    OCO_LEGS,
    ORDER_INTENT_ID_RE,
    client_order_id_for,
    cycle_id_for,
    is_our_client_order_id,
    new_run_id,
    order_intent_id_for,
)

DECISION_ID = "d-" + "12" * 16
# The regex Binance documents for newClientOrderId.
BINANCE_CLIENT_ID = re.compile(r"^[a-zA-Z0-9-_]{1,36}$")


def test_order_intent_id_is_deterministic_and_distinct_per_kind_and_attempt() -> None:
    first = order_intent_id_for(DECISION_ID, "ENTRY")
    assert first == order_intent_id_for(DECISION_ID, "ENTRY", 0)
    assert ORDER_INTENT_ID_RE.match(first)
    others = {
        order_intent_id_for(DECISION_ID, "ENTRY", 1),
        order_intent_id_for(DECISION_ID, "PROTECTION_OCO"),
        order_intent_id_for("d-" + "34" * 16, "ENTRY"),
    }
    assert first not in others and len(others) == 3


def test_order_intent_id_refuses_a_negative_attempt() -> None:
    with pytest.raises(ContractViolation):
        order_intent_id_for(DECISION_ID, "ENTRY", -1)


def test_client_order_id_is_ours_deterministic_and_fits_binance() -> None:
    intent_id = order_intent_id_for(DECISION_ID, "ENTRY")
    cid = client_order_id_for(intent_id)
    assert cid == client_order_id_for(intent_id)
    assert cid.startswith("ls") and len(cid) == 30
    assert BINANCE_CLIENT_ID.match(cid) and is_our_client_order_id(cid)


def test_each_oco_leg_gets_its_own_readable_client_order_id() -> None:
    intent_id = order_intent_id_for(DECISION_ID, "PROTECTION_OCO")
    ids = [client_order_id_for(intent_id, leg) for leg in ("", *OCO_LEGS)]
    assert len(set(ids)) == 4
    assert [i.rsplit("_", 1)[-1] for i in ids[1:]] == ["list", "above", "below"]
    assert all(len(i) <= 36 and is_our_client_order_id(i) for i in ids)


@pytest.mark.parametrize("leg", ["LIST", "toolong", "a-b", "a_b", " "])
def test_client_order_id_refuses_legs_that_could_break_the_format(leg: str) -> None:
    with pytest.raises(ContractViolation, match="leg"):
        client_order_id_for(order_intent_id_for(DECISION_ID, "ENTRY"), leg)


def test_manual_and_foreign_order_ids_are_not_ours() -> None:
    assert not is_our_client_order_id("web_1a2b3c4d5e6f")
    assert not is_our_client_order_id("x-ABCDEFGH1234")
    assert not is_our_client_order_id("ls-not-a-hash")


_intent_ids = st.text(min_size=1, max_size=60).map(str.strip).filter(bool)
_legs = st.sampled_from(("", *OCO_LEGS))


@settings(max_examples=500, deadline=None, database=None)
@given(_intent_ids, _legs, _intent_ids, _legs)
def test_client_order_ids_always_fit_binance_and_differ_for_different_inputs(a: str, leg_a: str,
                                                                            b: str, leg_b: str) -> None:
    id_a, id_b = client_order_id_for(a, leg_a), client_order_id_for(b, leg_b)
    assert BINANCE_CLIENT_ID.match(id_a) and CLIENT_ORDER_ID_RE.match(id_a)
    assert (id_a == id_b) == ((a, leg_a) == (b, leg_b))


def test_client_order_ids_do_not_collide_across_thousands_of_intents() -> None:
    intent_ids = [order_intent_id_for(f"d-{n:032x}", kind, attempt)
                  for n in range(1000) for kind in ("ENTRY", "PROTECTION_OCO") for attempt in (0, 1)]
    ids = {client_order_id_for(i, leg) for i in intent_ids for leg in ("", *OCO_LEGS)}
    assert len(ids) == len(intent_ids) * 4 == 16_000


def test_run_id_carries_the_utc_start_time_and_random_hex() -> None:
    clock = ManualClock(start_ms=1_700_000_000_000)  # 2023-11-14T22:13:20Z
    run_id = new_run_id(clock)
    assert re.fullmatch(r"r-20231114T221320Z-[0-9a-f]{6}", run_id)
    assert new_run_id(clock) != run_id  # two processes started in the same second differ


def test_cycle_ids_number_the_cycles_of_a_run() -> None:
    assert cycle_id_for("r-20231114T221320Z-a1b2c3", 0) == "r-20231114T221320Z-a1b2c3-c0"
    assert cycle_id_for("r-x", 41) != cycle_id_for("r-y", 41)
    with pytest.raises(ContractViolation):
        cycle_id_for("r-x", -1)
