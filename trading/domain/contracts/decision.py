"""Decision: what the strategy proposes, with its entry and exit plans, costs and reasons.

A Decision checks its invariants on construction (spot is long only, so for an entry
stop_limit <= stop < entry < take_profit), so an impossible plan never reaches the AI gate,
risk or the executor. Its id is derived from its content: a retry or a replay deduplicates.

Every strategy proposal builds, hashes and checks one, so the hot paths are spelled out: each
`to_dict` lists its fields (a unit test holds it equal to canonical.fields_dict).
"""
from __future__ import annotations

import dataclasses
from contextvars import ContextVar
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from trading.domain.catalog.reasons import ReasonCode
from trading.domain.contracts.canonical import (
    ContractViolation,
    dec_str,
    is_sha256_hex,
    on_grid,
    parse_decimal,
    parse_optional_decimal,
    parse_reason_code,
    require,
    require_int,
    require_positive_decimal,
    require_text,
    sha256_hex,
    to_canonical_value,
)

DECISION_ID_RE = re.compile(r"^d-[0-9a-f]{32}$")
# The id Decision.build is constructing right now (per thread/task), see Decision.__post_init__.
_BUILDING: ContextVar[str] = ContextVar("decision_building", default="")
# Binance TRAILING_DELTA bounds (basis points); every spot symbol seen so far uses 10..2000.
TRAILING_DELTA_MIN_BPS = 10
TRAILING_DELTA_MAX_BPS = 2000
# Left out of the id: the same proposal recomputed a moment later (ts_ms) or recorded by
# another process (run_id; cycle_id already names the run) is the same decision and must dedupe.
_NOT_IN_ID = frozenset({"decision_id", "ts_ms", "run_id"})
def _plain(value: object) -> Any:
    """Return an int, str or None field as canonical.fields_dict does (an enum member by value)."""
    if value is None or type(value) is int or type(value) is str:
        return value
    return to_canonical_value(value)


def _optional_dec(value: Decimal | None) -> str | None:
    """Return an optional Decimal field as canonical.fields_dict does."""
    return None if value is None else dec_str(value)


class Side(StrEnum):
    BUY = "BUY"
    SELL = "SELL"


class DecisionIntent(StrEnum):
    ENTRY = "ENTRY"
    EXIT = "EXIT"
    MANAGE = "MANAGE"  # adjust the protection of an open position (e.g. OCO -> trailing)


class EntryOrderType(StrEnum):
    LIMIT = "LIMIT"
    MARKET = "MARKET"
    LIMIT_MAKER = "LIMIT_MAKER"


@dataclass(frozen=True, slots=True)
class DecisionConstraints:
    """The symbol filters the plans were quantized for; filters_hash is SymbolFilters.filters_hash."""

    tick_size: Decimal
    step_size: Decimal
    min_qty: Decimal
    min_notional: Decimal
    max_notional: Decimal | None
    filters_hash: str

    def __post_init__(self) -> None:
        require_positive_decimal(self.tick_size, "constraints.tick_size")
        require_positive_decimal(self.step_size, "constraints.step_size")
        for name in ("min_qty", "min_notional"):
            value = getattr(self, name)
            if not (isinstance(value, Decimal) and value.is_finite() and value >= 0):
                raise ContractViolation(f"constraints.{name} must be a finite Decimal >= 0, got {value!r}")
        if self.max_notional is not None:
            require_positive_decimal(self.max_notional, "constraints.max_notional")
            require(self.max_notional >= self.min_notional,
                    "constraints.max_notional must be >= min_notional")
        require(is_sha256_hex(self.filters_hash), "constraints.filters_hash must be 64 lowercase hex")

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON-ready form (decimals as strings)."""
        return {"tick_size": dec_str(self.tick_size), "step_size": dec_str(self.step_size),
                "min_qty": dec_str(self.min_qty), "min_notional": dec_str(self.min_notional),
                "max_notional": _optional_dec(self.max_notional), "filters_hash": _plain(self.filters_hash)}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> DecisionConstraints:
        """Return the constraints stored by `to_dict`."""
        return cls(
            tick_size=parse_decimal(d["tick_size"], "tick_size"),
            step_size=parse_decimal(d["step_size"], "step_size"),
            min_qty=parse_decimal(d["min_qty"], "min_qty"),
            min_notional=parse_decimal(d["min_notional"], "min_notional"),
            max_notional=parse_optional_decimal(d.get("max_notional"), "max_notional"),
            filters_hash=d["filters_hash"],
        )


@dataclass(frozen=True, slots=True)
class EntryPlan:
    """How to enter. For MARKET, `price` is the expected fill price the plan was sized on."""

    order_type: EntryOrderType
    price: Decimal
    qty: Decimal
    ttl_ms: int

    def __post_init__(self) -> None:
        require(isinstance(self.order_type, EntryOrderType),
                "entry_plan.order_type must be an EntryOrderType")
        require_positive_decimal(self.price, "entry_plan.price")
        require_positive_decimal(self.qty, "entry_plan.qty")
        require_int(self.ttl_ms, "entry_plan.ttl_ms")
        if self.order_type is EntryOrderType.MARKET:
            require(self.ttl_ms == 0, "entry_plan.ttl_ms must be 0 for a MARKET entry")
        else:
            # A resting entry without a TTL could fill hours later on a stale plan.
            require(self.ttl_ms > 0, "entry_plan.ttl_ms must be > 0 for a resting entry")

    @property
    def notional(self) -> Decimal:
        """Return price * qty."""
        return self.price * self.qty

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON-ready form (decimals as strings)."""
        return {"order_type": self.order_type.value, "price": dec_str(self.price), "qty": dec_str(self.qty),
                "ttl_ms": _plain(self.ttl_ms)}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> EntryPlan:
        """Return the plan stored by `to_dict`."""
        return cls(
            order_type=EntryOrderType(d["order_type"]),
            price=parse_decimal(d["price"], "entry_plan.price"),
            qty=parse_decimal(d["qty"], "entry_plan.qty"),
            ttl_ms=d["ttl_ms"],
        )


@dataclass(frozen=True, slots=True)
class ExitPlan:
    """How a long gets out: OCO (take profit above, stop-limit below), then optionally a trail.

    close_qty None means the whole position. The trail, when set, activates strictly between
    the stop and the take profit: at or above the take profit the OCO would fill first.
    """

    take_profit_price: Decimal
    stop_price: Decimal
    stop_limit_price: Decimal
    trailing_activation_price: Decimal | None = None
    trailing_delta_bps: int | None = None
    time_stop_ms: int | None = None
    close_qty: Decimal | None = None

    def __post_init__(self) -> None:
        require_positive_decimal(self.take_profit_price, "exit_plan.take_profit_price")
        require_positive_decimal(self.stop_price, "exit_plan.stop_price")
        require_positive_decimal(self.stop_limit_price, "exit_plan.stop_limit_price")
        require(self.stop_limit_price <= self.stop_price < self.take_profit_price,
                "exit_plan must have stop_limit_price <= stop_price < take_profit_price")
        if self.trailing_activation_price is not None:
            require_positive_decimal(self.trailing_activation_price, "exit_plan.trailing_activation_price")
            require(self.stop_price < self.trailing_activation_price < self.take_profit_price,
                    "exit_plan.trailing_activation_price must be between stop_price and take_profit_price")
            require(self.trailing_delta_bps is not None,
                    "exit_plan.trailing_activation_price needs trailing_delta_bps")
        if self.trailing_delta_bps is not None:
            require_int(self.trailing_delta_bps, "exit_plan.trailing_delta_bps", TRAILING_DELTA_MIN_BPS)
            if not self.trailing_delta_bps <= TRAILING_DELTA_MAX_BPS:
                raise ContractViolation(f"exit_plan.trailing_delta_bps must be <= {TRAILING_DELTA_MAX_BPS}")
        if self.time_stop_ms is not None:
            require_int(self.time_stop_ms, "exit_plan.time_stop_ms", 1)
        if self.close_qty is not None:
            require_positive_decimal(self.close_qty, "exit_plan.close_qty")

    def prices(self) -> dict[str, Decimal]:
        """Return every price of the plan by field name (for grid checks)."""
        named = {"take_profit_price": self.take_profit_price, "stop_price": self.stop_price,
                 "stop_limit_price": self.stop_limit_price}
        if self.trailing_activation_price is not None:
            named["trailing_activation_price"] = self.trailing_activation_price
        return named

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON-ready form (decimals as strings, absent options as null)."""
        return {"take_profit_price": dec_str(self.take_profit_price), "stop_price": dec_str(self.stop_price),
                "stop_limit_price": dec_str(self.stop_limit_price),
                "trailing_activation_price": _optional_dec(self.trailing_activation_price),
                "trailing_delta_bps": _plain(self.trailing_delta_bps), "time_stop_ms": _plain(self.time_stop_ms),
                "close_qty": _optional_dec(self.close_qty)}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> ExitPlan:
        """Return the plan stored by `to_dict`."""
        return cls(
            take_profit_price=parse_decimal(d["take_profit_price"], "take_profit_price"),
            stop_price=parse_decimal(d["stop_price"], "stop_price"),
            stop_limit_price=parse_decimal(d["stop_limit_price"], "stop_limit_price"),
            trailing_activation_price=parse_optional_decimal(
                d.get("trailing_activation_price"), "trailing_activation_price"),
            trailing_delta_bps=d.get("trailing_delta_bps"),
            time_stop_ms=d.get("time_stop_ms"),
            close_qty=parse_optional_decimal(d.get("close_qty"), "close_qty"),
        )


@dataclass(frozen=True, slots=True)
class Costs:
    """Expected round-trip costs in basis points; total_bps is their sum."""

    fees_bps: int
    spread_bps: int
    slippage_bps: int
    total_bps: int = field(init=False)

    def __post_init__(self) -> None:
        require_int(self.fees_bps, "costs.fees_bps")
        require_int(self.spread_bps, "costs.spread_bps")
        require_int(self.slippage_bps, "costs.slippage_bps")
        object.__setattr__(self, "total_bps", self.fees_bps + self.spread_bps + self.slippage_bps)

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON-ready form, total included."""
        return {"fees_bps": _plain(self.fees_bps), "spread_bps": _plain(self.spread_bps),
                "slippage_bps": _plain(self.slippage_bps), "total_bps": _plain(self.total_bps)}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Costs:
        """Return the costs stored by `to_dict`; a stored total that disagrees is refused."""
        costs = cls(fees_bps=d["fees_bps"], spread_bps=d["spread_bps"], slippage_bps=d["slippage_bps"])
        require(d.get("total_bps", costs.total_bps) == costs.total_bps,
                "costs.total_bps must equal fees_bps + spread_bps + slippage_bps")
        return costs


@dataclass(frozen=True, slots=True)
class Decision:
    """A deterministic proposal for one symbol; build it with `Decision.build(...)`.

    ENTRY carries an entry and an exit plan; MANAGE and EXIT carry only an exit plan (they act
    on an open long, so their side is SELL). Raises ContractViolation on any broken invariant,
    including a decision_id that does not match the content.
    """

    decision_id: str
    ts_ms: int
    run_id: str
    cycle_id: str
    snapshot_id: str
    symbol: str
    intent: DecisionIntent
    side: Side
    entry_plan: EntryPlan | None
    exit_plan: ExitPlan | None
    constraints: DecisionConstraints
    edge_bps: int
    costs: Costs
    reason_codes: tuple[ReasonCode, ...]
    strategy: str
    strategy_version: str

    def __post_init__(self) -> None:
        _check_identity(self)
        _check_plans_for_intent(self)
        _check_prices(self)
        _check_sizes(self)
        # build() has just derived the id from these very (frozen) fields: hashing them a second
        # time would double the cost of the hot path (RFC 8785 is pure Python) and prove nothing.
        if _BUILDING.get() != self.decision_id:
            require(self.decision_id == decision_id_for(self.to_dict()),
                    f"decision_id {self.decision_id!r} does not match the decision content")

    @classmethod
    def build(cls, **fields: Any) -> Decision:
        """Return a Decision whose decision_id is computed from `fields` (which must not carry one)."""
        if "decision_id" in fields:
            raise TypeError("Decision.build computes decision_id; do not pass one")
        decision_id = decision_id_for(fields)
        token = _BUILDING.set(decision_id)
        try:
            return cls(decision_id=decision_id, **fields)
        finally:
            _BUILDING.reset(token)

    def with_changes(self, **changes: Any) -> Decision:
        """Return a new, re-validated Decision with `changes` applied and its id recomputed."""
        fields = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        del fields["decision_id"]
        return Decision.build(**{**fields, **changes})

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON-ready form: decimals as strings, enums as values, plans nested."""
        return {
            "decision_id": _plain(self.decision_id), "ts_ms": _plain(self.ts_ms), "run_id": _plain(self.run_id),
            "cycle_id": _plain(self.cycle_id), "snapshot_id": _plain(self.snapshot_id),
            "symbol": _plain(self.symbol), "intent": self.intent.value, "side": self.side.value,
            "entry_plan": None if self.entry_plan is None else self.entry_plan.to_dict(),
            "exit_plan": None if self.exit_plan is None else self.exit_plan.to_dict(),
            "constraints": self.constraints.to_dict(), "edge_bps": _plain(self.edge_bps),
            "costs": self.costs.to_dict(), "reason_codes": [r.value for r in self.reason_codes],
            "strategy": _plain(self.strategy), "strategy_version": _plain(self.strategy_version),
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Decision:
        """Return the Decision stored by `to_dict`; a forged or stale decision_id is refused."""
        entry, exit_ = d.get("entry_plan"), d.get("exit_plan")
        return cls(
            decision_id=d["decision_id"], ts_ms=d["ts_ms"], run_id=d["run_id"],
            cycle_id=d["cycle_id"], snapshot_id=d["snapshot_id"], symbol=d["symbol"],
            intent=DecisionIntent(d["intent"]), side=Side(d["side"]),
            entry_plan=None if entry is None else EntryPlan.from_dict(entry),
            exit_plan=None if exit_ is None else ExitPlan.from_dict(exit_),
            constraints=DecisionConstraints.from_dict(d["constraints"]),
            edge_bps=d["edge_bps"], costs=Costs.from_dict(d["costs"]),
            reason_codes=tuple(parse_reason_code(r) for r in d["reason_codes"]),
            strategy=d["strategy"], strategy_version=d["strategy_version"],
        )


def decision_id_for(fields: Mapping[str, Any]) -> str:
    """Return "d-" + the first 32 hex of the SHA-256 of the canonical content (ts_ms and run_id excluded)."""
    content = {k: v for k, v in fields.items() if k not in _NOT_IN_ID}
    return "d-" + sha256_hex(content)[:32]


def _check_identity(d: Decision) -> None:
    require(isinstance(d.decision_id, str) and bool(DECISION_ID_RE.match(d.decision_id)),
            "decision_id must look like d-<32 hex>")
    require_int(d.ts_ms, "ts_ms")
    for name in ("run_id", "cycle_id", "snapshot_id", "symbol", "strategy", "strategy_version"):
        require_text(getattr(d, name), name)
    require(isinstance(d.constraints, DecisionConstraints), "constraints must be DecisionConstraints")
    require(isinstance(d.costs, Costs), "costs must be Costs")
    require_int(d.edge_bps, "edge_bps", minimum=None)
    require(isinstance(d.reason_codes, tuple) and len(d.reason_codes) > 0,
            "reason_codes must be a non-empty tuple")
    require(all(isinstance(r, ReasonCode) for r in d.reason_codes), "reason_codes must all be ReasonCode")


def _check_plans_for_intent(d: Decision) -> None:
    require(isinstance(d.intent, DecisionIntent), "intent must be a DecisionIntent")
    require(isinstance(d.side, Side), "side must be a Side")
    if not (isinstance(d.exit_plan, ExitPlan)):
        raise ContractViolation(f"{d.intent} requires an exit_plan")
    if d.intent is DecisionIntent.ENTRY:
        require(isinstance(d.entry_plan, EntryPlan), "ENTRY requires an entry_plan")
        # Spot is long only: we buy to enter and sell to get out or to protect.
        require(d.side is Side.BUY, "ENTRY must be BUY (spot is long only)")
    else:
        if not (d.entry_plan is None):
            raise ContractViolation(f"{d.intent} must not carry an entry_plan")
        if not (d.side is Side.SELL):
            raise ContractViolation(f"{d.intent} must be SELL (spot is long only)")


def _check_prices(d: Decision) -> None:
    assert d.exit_plan is not None
    tick = d.constraints.tick_size
    prices = d.exit_plan.prices()
    if d.entry_plan is not None:
        entry = d.entry_plan.price
        if not d.exit_plan.stop_price < entry < d.exit_plan.take_profit_price:
            raise ContractViolation(f"a long needs stop_price < entry price < take_profit_price, got "
                                    f"{d.exit_plan.stop_price} / {entry} / {d.exit_plan.take_profit_price}")
        act = d.exit_plan.trailing_activation_price
        require(act is None or act > entry, "trailing_activation_price must be above the entry price")
        prices["entry_plan.price"] = entry
    for name, price in prices.items():
        if not on_grid(price, tick):
            raise ContractViolation(f"{name} {price} is not on the tick grid {tick}")


def _check_sizes(d: Decision) -> None:
    assert d.exit_plan is not None
    c = d.constraints
    entry_qty = d.entry_plan.qty if d.entry_plan is not None else None
    close_qty = d.exit_plan.close_qty
    for name, qty in (("entry_plan.qty", entry_qty), ("exit_plan.close_qty", close_qty)):
        if qty is not None:
            if not on_grid(qty, c.step_size):
                raise ContractViolation(f"{name} {qty} is not on the step grid {c.step_size}")
            if not (qty >= c.min_qty):
                raise ContractViolation(f"{name} {qty} is below min_qty {c.min_qty}")
    if entry_qty is not None and close_qty is not None:
        require(close_qty <= entry_qty, "exit_plan.close_qty must not exceed entry_plan.qty")
    if d.entry_plan is not None:
        _check_notional("entry", d.entry_plan.notional, c)
    protected = close_qty if close_qty is not None else entry_qty
    if protected is not None and d.intent is not DecisionIntent.EXIT:
        # Every OCO leg must pass NOTIONAL too, or the protection is refused once the entry filled.
        _check_notional("stop-limit leg", d.exit_plan.stop_limit_price * protected, c)
        _check_notional("take-profit leg", d.exit_plan.take_profit_price * protected, c)


def _check_notional(what: str, notional: Decimal, c: DecisionConstraints) -> None:
    if not (notional >= c.min_notional):
        raise ContractViolation(f"{what} notional {notional} is below min_notional {c.min_notional}")
    if not (c.max_notional is None or notional <= c.max_notional):
        raise ContractViolation(f"{what} notional {notional} is above max_notional {c.max_notional}")


__all__ = [
    "DECISION_ID_RE", "ContractViolation", "Costs", "Decision", "DecisionConstraints",
    "DecisionIntent", "EntryOrderType", "EntryPlan", "ExitPlan", "Side", "decision_id_for",
]
