"""The canonical gate payload and its hashes: content only, deterministic, computed before the call."""
from __future__ import annotations

import dataclasses
import hashlib
import json
from decimal import Decimal as D

import pytest

from aigate.payload import GateSnapshot, build_input, snapshot_hash
from tests.unit.aigate.builders import make_entry, make_manage, make_snapshot
from trading.domain.catalog.panel import RegimeLabel
from trading.domain.catalog.reasons import ReasonCode
from trading.domain.contracts.canonical import ContractViolation
from trading.domain.contracts.decision import Decision

# Pinned: a change means every audited input_hash stops matching its replay. Change on purpose only.
PINNED_INPUT_HASH = "c0434bdf85c072886ea243dd8060df9f43a628bc6a4d846af0fa2dc6792bfc48"
PINNED_SNAPSHOT_HASH = "7d2172309f206f148f3b767da51498904cf2f97d4acf20dee5440060cbc6289d"


def test_the_same_decision_and_snapshot_hash_the_same_every_time() -> None:
    d = make_entry()
    a, b = build_input(d, make_snapshot(d), "v1"), build_input(make_entry(), make_snapshot(make_entry()), "v1")
    assert (a.input_hash, a.snapshot_hash) == (b.input_hash, b.snapshot_hash)
    assert (a.input_hash, a.snapshot_hash) == (PINNED_INPUT_HASH, PINNED_SNAPSHOT_HASH)


def test_hashes_ignore_run_cycle_snapshot_and_decision_ids() -> None:
    here, there = make_entry(), make_entry(run_id="r-20270101T000000Z-ffffff", snapshot_id="snap-other")
    assert here.decision_id != there.decision_id
    a, b = build_input(here, make_snapshot(here), "v1"), build_input(there, make_snapshot(there), "v1")
    assert (a.input_hash, a.snapshot_hash, a.payload_json) == (b.input_hash, b.snapshot_hash, b.payload_json)


def test_input_hash_is_the_sha256_of_the_exact_text_sent() -> None:
    d = make_entry()
    gate_input = build_input(d, make_snapshot(d), "v1")
    assert gate_input.input_hash == hashlib.sha256(gate_input.payload_json.encode()).hexdigest()
    assert json.loads(gate_input.payload_json) == gate_input.payload


def test_the_payload_carries_no_ids_or_absolute_times() -> None:
    d = make_entry()
    text = build_input(d, make_snapshot(d), "v1").payload_json
    for value in (d.decision_id, d.run_id, d.cycle_id, d.snapshot_id, str(d.ts_ms), d.constraints.filters_hash):
        assert value not in text


def test_the_payload_has_decision_snapshot_costs_edge_and_reasons() -> None:
    d = make_entry()
    payload = build_input(d, make_snapshot(d), "v1").payload
    assert payload["decision"]["entry_plan"]["qty"] == "0.001"
    assert payload["costs"]["total_bps"] == 25 and payload["edge_after_costs_bps"] == 20
    assert payload["reasons"] == ["SIGNAL_TREND_LONG", "SIGNAL_ABOVE_VWAP"]
    assert payload["snapshot"]["age_ms"] == 400 and payload["prompt_version"] == "v1"


def _variants() -> dict[str, tuple[Decision, str]]:
    d = make_entry()
    smaller = dataclasses.replace(d.entry_plan, qty=D("0.00099"))
    return {"edge": (make_entry(edge_bps=46), "v1"), "qty": (make_entry(entry_plan=smaller), "v1"),
            "prompt": (d, "v2"), "reasons": (make_entry(reason_codes=(ReasonCode.SIGNAL_MOMENTUM,)), "v1")}


@pytest.mark.parametrize("name", ["edge", "qty", "prompt", "reasons"])
def test_any_content_change_changes_input_hash(name: str) -> None:
    d, version = _variants()[name]
    assert build_input(d, make_snapshot(d), version).input_hash != PINNED_INPUT_HASH


def test_snapshot_hash_changes_with_market_data_and_not_with_equal_decimals() -> None:
    d = make_entry()
    snap = make_snapshot(d)
    assert snapshot_hash(make_snapshot(d, bid=D("59999.990"))) == snapshot_hash(snap)
    assert snapshot_hash(make_snapshot(d, bid=D("59999.98"))) != snapshot_hash(snap)
    assert snapshot_hash(make_snapshot(d, regime=RegimeLabel.RANGE)) != snapshot_hash(snap)


def test_a_snapshot_of_another_symbol_or_cycle_is_refused() -> None:
    d = make_entry()
    with pytest.raises(ContractViolation, match="snapshot is for ETHUSDT"):
        build_input(d, make_snapshot(d, symbol="ETHUSDT"), "v1")
    with pytest.raises(ContractViolation, match="not the decision's snapshot"):
        build_input(d, make_snapshot(d, snapshot_id="snap-stale"), "v1")


def test_a_snapshot_checks_its_own_invariants() -> None:
    d = make_manage()
    with pytest.raises(ContractViolation, match="ask must be >= "):
        make_snapshot(d, bid=D("2"), ask=D("1"))
    with pytest.raises(ContractViolation, match="regime"):
        make_snapshot(d, regime="TREND")
    with pytest.raises(ContractViolation, match="spread_bps"):
        GateSnapshot(snapshot_id="s", symbol="BTCUSDT", ts_ms=1, bid=D(1), ask=D(1), regime=RegimeLabel.TREND,
                     spread_bps=1.5)  # type: ignore[arg-type]
