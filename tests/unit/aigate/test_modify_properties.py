"""Property tests: thousands of generated model answers and modified decisions thrown at the
MODIFY enforcement and the gate.

- 1200 model answers (valid, risk-increasing, off-grid, absurd, schema-breaking) for an ENTRY, a
  MANAGE and an EXIT: no applied MODIFY ever increases size, widens the stop (or its limit), moves
  the take profit farther, loosens the trail, lengthens or removes the time stop, flips the side,
  changes the symbol or intent, or keeps a stale decision_id.
- 800 candidate decisions with any field changed: enforcement passes only pure reductions.
- 300 arbitrary texts through the whole gate: it never raises, always records exactly once.
- 200 valid reductions: each one is applied (enforcement is not just "refuse everything").
"""
from __future__ import annotations

import dataclasses
import json
from decimal import Decimal as D
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aigate.modify import apply_modification, risk_increases
from aigate.payload import GateSnapshot
from aigate.schema import AnswerError, parse_answer
from tests.unit.aigate.builders import ENTRY_PLAN, make_entry, make_exit, make_manage, make_snapshot
from tests.unit.aigate.fakes import MemoryRecorder, ScriptedClient, make_gate
from trading.domain.catalog.panel import AIGateVerdict, SysMode
from trading.domain.contracts.canonical import ContractViolation
from trading.domain.contracts.decision import Decision, DecisionIntent, Side, decision_id_for

ORIGINALS = (make_entry(), make_manage(), make_exit())
SNAPSHOTS = {d.decision_id: make_snapshot(d) for d in ORIGINALS}
# Derandomized: the same thousands of cases on every run (a flaky test is a bug); no example
# database (it would write .hypothesis/ into the checkout). Counts sized for the unit budget.
PROPERTY: dict[str, Any] = dict(deadline=None, database=None, derandomize=True,
                                suppress_health_check=[HealthCheck.too_slow])
REASONS = ["SPREAD_TOO_WIDE", "DATA_STALE", "EDGE_BELOW_COSTS", "nonsense", "AIGATE_ALLOW", "KILL_SWITCH_ACTIVE"]


KEYS = ("qty", "stop_price", "stop_limit_price", "take_profit_price", "trailing_activation_price",
        "trailing_delta_bps", "time_stop_ms")
# The direction that reduces risk for each field: +1 means "a larger value is safer".
SAFER = {"qty": -1, "stop_price": 1, "stop_limit_price": 1, "take_profit_price": -1,
         "trailing_activation_price": -1, "trailing_delta_bps": -1, "time_stop_ms": -1}
# Offsets in grid units: mostly moves toward safety, often away from it, sometimes absurd.
_SMALL, _BIG = st.integers(-300, 1000), st.integers(-30_000, 90_000)
OFFSETS = st.one_of(_SMALL, _SMALL, _SMALL, _SMALL, _BIG, _BIG, st.integers(-10**9, 10**9))
KEY_SETS = st.sets(st.sampled_from(KEYS), min_size=1, max_size=4)
VERDICTS = st.sampled_from(["MODIFY"] * 8 + ["ALLOW", "BLOCK", "modify"])
REASON_LISTS = st.lists(st.sampled_from(REASONS), max_size=8)
RARE = st.sampled_from([False] * 19 + [True])  # about 1 in 20 (integers would favour 0)


def _value(original: Decision, key: str, offset: int, off_grid: bool) -> Any:
    """Return the model's text (or int) for `key`: the original's value moved by `offset` units."""
    exit_plan, entry = original.exit_plan, original.entry_plan
    assert exit_plan is not None
    move = SAFER[key] * offset
    if key == "trailing_delta_bps":
        return (exit_plan.trailing_delta_bps or 50) + move // 25
    if key == "time_stop_ms":
        return (exit_plan.time_stop_ms or 3_600_000) + move * 1000
    if key == "qty":  # 100 steps is the whole 0.00100: scale the offsets down
        value = (entry.qty if entry is not None else D("0.001")) + (move // 10) * D("0.00001")
    else:
        value = (getattr(exit_plan, key) or D("60600.00")) + move * D("0.01")
    return format(value + (D("0.001") if off_grid else 0), "f")


@st.composite
def model_answers(draw: st.DrawFn) -> tuple[Decision, dict[str, Any]]:
    """Return (original, answer): a model answer aimed at `original`, valid or not."""
    original = draw(st.sampled_from(ORIGINALS))
    verdict = draw(VERDICTS)
    modification: dict[str, Any] | None = dict.fromkeys(KEYS)
    assert modification is not None
    for key in draw(KEY_SETS):
        modification[key] = _value(original, key, draw(OFFSETS), draw(RARE))
    if (verdict != "MODIFY" and not draw(RARE)) or draw(RARE):
        modification = None
    return original, {"verdict": verdict, "reasons": draw(REASON_LISTS), "modification": modification}


def assert_only_reductions(original: Decision, new: Decision, snapshot: GateSnapshot) -> None:
    """Fail unless `new` differs from `original` only in the risk-reducing direction."""
    assert (new.symbol, new.side, new.intent) == (original.symbol, original.side, original.intent)
    assert new.decision_id == decision_id_for(new.to_dict()) != original.decision_id
    if original.entry_plan is None:
        assert new.entry_plan is None
    else:
        assert new.entry_plan is not None and new.entry_plan.qty <= original.entry_plan.qty
        assert (new.entry_plan.price, new.entry_plan.order_type) == (original.entry_plan.price,
                                                                     original.entry_plan.order_type)
    o, n = original.exit_plan, new.exit_plan
    assert o is not None and n is not None
    assert n.stop_price >= o.stop_price and n.stop_limit_price >= o.stop_limit_price
    assert n.take_profit_price <= o.take_profit_price and n.close_qty == o.close_qty
    if o.time_stop_ms is not None:
        assert n.time_stop_ms is not None and n.time_stop_ms <= o.time_stop_ms
    for name in ("trailing_activation_price", "trailing_delta_bps"):
        before, after = getattr(o, name), getattr(n, name)
        assert (before is None) == (after is None) and (after is None or after <= before)
    if original.intent is not DecisionIntent.ENTRY:
        assert n.stop_price == o.stop_price or n.stop_price < snapshot.bid
        assert n.take_profit_price == o.take_profit_price or n.take_profit_price > snapshot.ask


_CLIENT = ScriptedClient()
_RECORDER = MemoryRecorder()
_GATE = make_gate(_CLIENT, ai_dec=2, recorder=_RECORDER)


def _evaluate(original: Decision, answer_text: str) -> Any:
    _CLIENT.text = answer_text
    _RECORDER.records.clear()
    _RECORDER.alerts.clear()
    return _GATE.evaluate(original, SNAPSHOTS[original.decision_id], SysMode.NORMAL)


@settings(max_examples=1200, **PROPERTY)
@given(case=model_answers())
def test_no_applied_modify_from_any_model_answer_increases_risk(case: tuple[Decision, dict[str, Any]]) -> None:
    # The gate's own path for a parsed answer (parse_answer -> apply_modification), minus the
    # payload hashing that is the same for every example; the fuzz test below runs the whole gate.
    original, answer = case
    snapshot = SNAPSHOTS[original.decision_id]
    try:
        parsed = parse_answer(json.dumps(answer))
    except AnswerError:
        return
    if parsed.verdict != "MODIFY":
        return
    check = apply_modification(original, parsed.modification, snapshot)
    if check.applied:
        assert check.decision is not None and not check.violations
        assert_only_reductions(original, check.decision, snapshot)
    else:
        assert check.decision is None and check.violations


@st.composite
def candidates(draw: st.DrawFn) -> tuple[Decision, Decision | None]:
    """Return (original, candidate): the original with arbitrary fields changed (None if invalid).

    Risk fields move like model answers do; now and then a trail or time stop is removed, the
    close qty, entry price, symbol or cycle changes, or the intent and side flip.
    """
    original = draw(st.sampled_from(ORIGINALS))
    changes = {key: _value(original, key, draw(OFFSETS), draw(RARE)) for key in draw(KEY_SETS)}
    for key in ("trailing_activation_price", "trailing_delta_bps", "time_stop_ms", "close_qty"):
        if draw(RARE):
            changes[key] = None
    top = {name: draw(RARE) for name in ("symbol", "cycle_id", "flip", "entry_price")}
    try:
        return original, _build_candidate(original, changes, top)
    except (ContractViolation, ArithmeticError):
        return original, None


def _build_candidate(original: Decision, changes: dict[str, Any], top: dict[str, bool]) -> Decision:
    exit_plan, entry = original.exit_plan, original.entry_plan
    assert exit_plan is not None
    as_value = {k: (D(v) if isinstance(v, str) else v) for k, v in changes.items()}
    qty = as_value.pop("qty", None)
    fields: dict[str, Any] = {"exit_plan": dataclasses.replace(exit_plan, **as_value)}
    if entry is not None and (qty is not None or top["entry_price"]):
        fields["entry_plan"] = dataclasses.replace(entry, qty=qty or entry.qty,
                                                   price=entry.price - (D("10.00") if top["entry_price"] else 0))
    elif qty is not None:  # a model cannot do this, a candidate can: change the protected/closed qty
        fields["exit_plan"] = dataclasses.replace(fields["exit_plan"], close_qty=qty)
    if top["flip"]:
        is_entry = original.intent is DecisionIntent.ENTRY
        fields.update(intent=DecisionIntent.MANAGE if is_entry else DecisionIntent.ENTRY,
                      side=Side.SELL if is_entry else Side.BUY, entry_plan=None if is_entry else ENTRY_PLAN)
    if top["symbol"]:
        fields["symbol"] = "ETHUSDT"
    if top["cycle_id"]:
        fields["cycle_id"] = "r-other-c1"
    return original.with_changes(**fields)


@settings(max_examples=800, **PROPERTY)
@given(pair=candidates())
def test_a_candidate_decision_passes_enforcement_only_if_it_only_reduces_risk(
        pair: tuple[Decision, Decision | None]) -> None:
    original, candidate = pair
    if candidate is None or candidate.decision_id == original.decision_id:
        return
    snapshot = SNAPSHOTS[original.decision_id]
    if not risk_increases(original, candidate, snapshot):
        assert_only_reductions(original, candidate, snapshot)


@settings(max_examples=300, **PROPERTY)
@given(text=st.one_of(st.text(max_size=300), st.binary(max_size=100).map(lambda b: b.decode("latin-1")),
                      st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                                   lambda c: st.lists(c, max_size=4) | st.dictionaries(st.text(max_size=12), c,
                                                                                        max_size=4),
                                   max_leaves=12).map(json.dumps)))
def test_the_gate_never_raises_on_any_model_text(text: str) -> None:
    outcome = _evaluate(ORIGINALS[0], text)
    result = outcome.result
    assert len(_RECORDER.records) == 1  # exactly one audit record per call, whatever happened
    assert result.verdict in (AIGateVerdict.ERROR, AIGateVerdict.ALLOW, AIGateVerdict.BLOCK, AIGateVerdict.MODIFY)
    assert result.enabled and result.input_hash and result.snapshot_hash


@st.composite
def reductions(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return (answer, expected values): a MODIFY of the cast's ENTRY that only reduces risk and
    keeps every plan valid (grids, min notional, stop < entry < trail activation < take profit)."""
    tick, step = D("0.01"), D("0.00001")
    qty = draw(st.integers(9, 100)) * D("0.00001")  # >= 0.00009 keeps the legs above 5 USDT
    stop = D("59400.00") + draw(st.integers(0, 59_999)) * tick
    stop_limit = D("59350.00") + draw(st.integers(0, int((stop - D("59350.00")) / tick))) * tick
    activation = D("60000.00") + draw(st.integers(1, 60_000)) * tick
    take_profit = activation + draw(st.integers(1, int((D("61200.00") - activation) / tick))) * tick
    values = {"qty": qty.quantize(step), "stop_price": stop, "stop_limit_price": stop_limit,
              "trailing_activation_price": activation, "take_profit_price": take_profit,
              "trailing_delta_bps": draw(st.integers(10, 50)), "time_stop_ms": draw(st.integers(1, 3_600_000))}
    chosen = draw(st.sets(st.sampled_from(sorted(values)), min_size=1))
    if "take_profit_price" in chosen:
        chosen.add("trailing_activation_price")  # a lower take profit must stay above the trail activation
    if chosen & {"stop_price", "stop_limit_price"}:
        chosen |= {"stop_price", "stop_limit_price"}  # the limit stays at or below the stop
    modification = {key: (format(values[key], "f") if isinstance(values[key], D) else values[key])
                    if key in chosen else None for key in values}
    return {"verdict": "MODIFY", "reasons": [], "modification": modification}, {k: values[k] for k in chosen}


@settings(max_examples=200, **PROPERTY)
@given(case=reductions())
def test_every_valid_risk_reduction_is_applied(case: tuple[dict[str, Any], dict[str, Any]]) -> None:
    # The other side of the guarantee: enforcement does not refuse a valid reduction (a gate that
    # refused everything would pass every property above).
    answer, expected = case
    original = ORIGINALS[0]
    result = _evaluate(original, json.dumps(answer)).result
    if _is_noop(original, expected):
        assert _RECORDER.records[0].violations == ("the modification changes nothing",)
        return
    assert result.modify_applied, (_RECORDER.records[0].violations, answer)
    new = result.modified_decision
    assert new is not None and new.entry_plan is not None and new.exit_plan is not None
    got = {"qty": new.entry_plan.qty, **{k: getattr(new.exit_plan, k) for k in expected if k != "qty"}}
    assert all(got[k] == v for k, v in expected.items())


def _is_noop(original: Decision, expected: dict[str, Any]) -> bool:
    assert original.entry_plan is not None and original.exit_plan is not None
    current = {"qty": original.entry_plan.qty, **{k: getattr(original.exit_plan, k) for k in expected if k != "qty"}}
    return all(current[k] == v for k, v in expected.items())
