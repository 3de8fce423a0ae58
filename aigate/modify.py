"""Local MODIFY enforcement: a modification is applied only if it reduces risk. Pure: no Django.

For a long (spot is long only) "less risk" means, field by field against the proposal:
- size: entry qty smaller or equal (and only an ENTRY's size may change: a smaller close or
  protected qty on EXIT/MANAGE would leave more of the position exposed);
- stop and stop-limit: no lower (no farther below the entry); take profit: no higher;
- trail: activation no higher, delta no wider; a trail may not be added or removed;
- time stop: no longer (any time stop is shorter than none), never removed;
- everything else identical: symbol, side, intent, entry type/price/TTL, constraints, costs,
  ids of the cycle and snapshot. The plans must still satisfy every Decision invariant
  (tick/step grids, min notional, stop < entry < take profit), and on an open position a moved
  stop must stay below the bid and a moved take profit above the ask, or the exchange would
  reject (or instantly fill) the new protection.
The applied Decision is rebuilt by `Decision.with_changes`, so its decision_id is recomputed from
its content; the model never supplies an id.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from aigate.payload import GateSnapshot
from aigate.schema import Modification
from trading.domain.catalog.reasons import ReasonCode
from trading.domain.contracts.canonical import ContractViolation
from trading.domain.contracts.decision import Decision, DecisionIntent, EntryPlan, ExitPlan

_PRICE_FIELDS = frozenset({"stop_price", "stop_limit_price", "take_profit_price", "trailing_activation_price"})
# Fields a modification may touch; every other part of the decision must stay identical.
_MODIFIABLE_EXIT = _PRICE_FIELDS | {"trailing_delta_bps", "time_stop_ms"}
_NOT_COMPARED = frozenset({"decision_id", "reason_codes", "ts_ms"})


@dataclass(frozen=True, slots=True)
class ModifyCheck:
    """The outcome of enforcement: the applied Decision, or why nothing was applied."""

    decision: Decision | None
    violations: tuple[str, ...] = ()

    @property
    def applied(self) -> bool:
        """Return True when the modification passed and `decision` is the one to use."""
        return self.decision is not None


def apply_modification(proposed: Decision, modification: Modification | None,
                       snapshot: GateSnapshot | None = None) -> ModifyCheck:
    """Return the applied Decision when `modification` only reduces risk, else the violations.

    Steps: apply the values to the plans (plan invariants); refuse any move in the riskier
    direction; rebuild the Decision (grids, min notional, stop < entry < take profit; new id);
    check the rebuilt Decision against the proposal once more, field by field.
    """
    if modification is None:
        return ModifyCheck(None, ("MODIFY without a modification",))
    changes = modification.changes()
    if not changes:
        return ModifyCheck(None, ("the modification sets nothing",))
    try:
        entry, exit_plan = _modified_plans(proposed, changes)
        problems = _plan_increases(proposed, entry, exit_plan, snapshot)
        if problems:  # checked before the rebuild, which is the expensive part (two hashes)
            return ModifyCheck(None, tuple(problems))
        if (entry, exit_plan) == (proposed.entry_plan, proposed.exit_plan):
            return ModifyCheck(None, ("the modification changes nothing",))
        reasons = tuple(dict.fromkeys((*proposed.reason_codes, ReasonCode.AIGATE_MODIFY_APPLIED)))
        candidate = proposed.with_changes(entry_plan=entry, exit_plan=exit_plan, reason_codes=reasons)
    except (ContractViolation, ValueError, ArithmeticError, TypeError) as exc:
        # ContractViolation names the broken invariant; the others (a decimal the context cannot
        # hold, ...) must still end as a refused MODIFY, never as an exception out of the gate.
        detail = str(exc) if isinstance(exc, ContractViolation) else type(exc).__name__
        return ModifyCheck(None, (f"the modified plans are invalid: {detail}",))
    rechecked = risk_increases(proposed, candidate, snapshot)  # defence in depth, on the rebuilt Decision
    return ModifyCheck(None, rechecked) if rechecked else ModifyCheck(candidate)


def _modified_plans(proposed: Decision, changes: dict[str, Any]) -> tuple[EntryPlan | None, ExitPlan]:
    """Return the plans with `changes` applied (raises ContractViolation if a plan breaks)."""
    changes = dict(changes)
    qty = changes.pop("qty", None)
    entry = proposed.entry_plan
    if qty is not None:
        if entry is None:
            raise ContractViolation(f"qty can change only the size of an ENTRY, not a {proposed.intent}")
        entry = dataclasses.replace(entry, qty=Decimal(qty))
    assert proposed.exit_plan is not None  # every intent carries one (Decision invariant)
    exit_changes: dict[str, Any] = {k: Decimal(v) if k in _PRICE_FIELDS else v for k, v in changes.items()}
    return entry, dataclasses.replace(proposed.exit_plan, **exit_changes)


def risk_increases(original: Decision, candidate: Decision,
                   snapshot: GateSnapshot | None = None) -> tuple[str, ...]:
    """Return every way `candidate` is riskier than (or not comparable to) `original`; () if none."""
    problems = _fixed_part_changes(original, candidate)
    if problems:
        return tuple(problems)  # a different symbol/side/intent makes the rest meaningless
    assert candidate.exit_plan is not None
    return tuple(_plan_increases(original, candidate.entry_plan, candidate.exit_plan, snapshot))


def _plan_increases(original: Decision, entry: EntryPlan | None, exit_plan: ExitPlan,
                    snapshot: GateSnapshot | None) -> list[str]:
    assert original.exit_plan is not None
    problems = []
    if original.entry_plan is not None and entry is not None and entry.qty > original.entry_plan.qty:
        problems.append(f"increases qty {original.entry_plan.qty} -> {entry.qty}")
    problems += _exit_increases(original.exit_plan, exit_plan)
    if snapshot is not None and original.intent is not DecisionIntent.ENTRY:
        problems += _market_conflicts(original.exit_plan, exit_plan, snapshot)
    return problems


def _fixed_part_changes(original: Decision, candidate: Decision) -> list[str]:
    """Name every field outside the modifiable set that differs (fields listed by dataclasses,
    so a field added to Decision later is fixed by default)."""
    changed = [f.name for f in dataclasses.fields(Decision)
               if f.name not in _NOT_COMPARED and f.name not in ("entry_plan", "exit_plan")
               and getattr(original, f.name) != getattr(candidate, f.name)]
    if _fixed_fields(original.entry_plan, {"qty"}) != _fixed_fields(candidate.entry_plan, {"qty"}):
        changed.append("entry_plan")
    if _fixed_fields(original.exit_plan, _MODIFIABLE_EXIT) != _fixed_fields(candidate.exit_plan, _MODIFIABLE_EXIT):
        changed.append("exit_plan")
    return [f"changes {name}" for name in changed]


def _fixed_fields(plan: EntryPlan | ExitPlan | None, modifiable: frozenset[str] | set[str]) -> tuple[Any, ...] | None:
    if plan is None:
        return None
    return tuple((f.name, getattr(plan, f.name)) for f in dataclasses.fields(plan) if f.name not in modifiable)


def _exit_increases(before: ExitPlan, after: ExitPlan) -> list[str]:
    problems = []
    if after.stop_price < before.stop_price:
        problems.append(f"widens the stop {before.stop_price} -> {after.stop_price}")
    if after.stop_limit_price < before.stop_limit_price:
        problems.append(f"lowers the stop limit {before.stop_limit_price} -> {after.stop_limit_price}")
    if after.take_profit_price > before.take_profit_price:
        problems.append(f"moves the take profit farther {before.take_profit_price} -> {after.take_profit_price}")
    problems += _no_looser("trailing_activation_price", before.trailing_activation_price,
                           after.trailing_activation_price)
    problems += _no_looser("trailing_delta_bps", before.trailing_delta_bps, after.trailing_delta_bps)
    old_stop, new_stop = before.time_stop_ms, after.time_stop_ms
    # Adding a time stop where there was none shortens the time in position: allowed.
    if old_stop is not None and new_stop is None:
        problems.append("removes the time stop")
    elif old_stop is not None and new_stop is not None and new_stop > old_stop:
        problems.append(f"lengthens the time stop {old_stop} -> {new_stop}")
    return problems


def _no_looser(name: str, before: Decimal | int | None, after: Decimal | int | None) -> list[str]:
    """A trail may only tighten: never added, never removed, never raised or widened."""
    if before is None:
        return [] if after is None else [f"adds {name}"]
    if after is None:
        return [f"removes {name}"]
    return [f"raises {name} {before} -> {after}"] if after > before else []


def _market_conflicts(before: ExitPlan, after: ExitPlan, snapshot: GateSnapshot) -> list[str]:
    problems = []
    if after.stop_price != before.stop_price and after.stop_price >= snapshot.bid:
        problems.append(f"moves the stop {after.stop_price} to or above the bid {snapshot.bid}")
    if after.take_profit_price != before.take_profit_price and after.take_profit_price <= snapshot.ask:
        problems.append(f"moves the take profit {after.take_profit_price} to or below the ask {snapshot.ask}")
    return problems
