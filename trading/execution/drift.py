"""Reconcile diffing, pure: the database's view against the exchange's, diffs with kinds and a score.

REST is the final truth (design §7). Each diff weighs in x10000; the run's score is their sum
capped at 10000, labelled with `TraderConfig.reconcile` thresholds. The weights say how bad a
disagreement is for the protection invariant, not how frequent it is: a position without a
stop is BAD on its own, an unknown or vanished order is BAD with the default thresholds, a
backfilled fill only nudges the score.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from trading.domain.catalog import DriftLabel
from trading.execution.pnl import split_symbol

MAX_SCORE = 10_000
STOP_TYPES = frozenset({"STOP_LOSS", "STOP_LOSS_LIMIT"})


class DiffKind(StrEnum):
    """Same stored values as `trading.models.choices.ReconcileDiffKind` (a test keeps them equal)."""

    BALANCE = "BALANCE"
    ORDER_UNKNOWN = "ORDER_UNKNOWN"
    ORDER_MISSING = "ORDER_MISSING"
    ORDER_STATUS = "ORDER_STATUS"
    ORDER_QTY = "ORDER_QTY"
    FILL_MISSING = "FILL_MISSING"
    POSITION_QTY = "POSITION_QTY"
    PROTECTION_MISSING = "PROTECTION_MISSING"
    INTENT_UNRESOLVED = "INTENT_UNRESOLVED"


WEIGHTS: Mapping[DiffKind, int] = {
    DiffKind.PROTECTION_MISSING: MAX_SCORE, DiffKind.ORDER_UNKNOWN: 600, DiffKind.ORDER_MISSING: 600,
    DiffKind.INTENT_UNRESOLVED: 100, DiffKind.ORDER_STATUS: 50, DiffKind.FILL_MISSING: 50,
    DiffKind.ORDER_QTY: 200, DiffKind.POSITION_QTY: 200,
}


@dataclass(frozen=True, slots=True)
class Diff:
    kind: DiffKind
    symbol: str
    summary: str
    weight_x10000: int
    expected: dict[str, Any] = field(default_factory=dict)
    actual: dict[str, Any] = field(default_factory=dict)
    action: str = "none"


@dataclass(frozen=True, slots=True)
class DriftScore:
    score_x10000: int
    label: DriftLabel


@dataclass(frozen=True, slots=True)
class ExOrder:
    symbol: str
    client_order_id: str
    side: str
    type: str
    qty: Decimal
    order_list_id: int | None = None


@dataclass(frozen=True, slots=True)
class DbPosition:
    symbol: str
    qty: Decimal


@dataclass(frozen=True, slots=True)
class Views:
    """Both sides of one reconcile, after the sync step refreshed what it could by query."""

    db_open_orders: Mapping[str, str]  # client_order_id -> symbol
    db_known_client_ids: frozenset[str]  # every order the database has ever recorded
    db_positions: Sequence[DbPosition]
    ex_open_orders: Sequence[ExOrder]
    ex_balances: Mapping[str, Decimal]  # asset -> free + locked
    tracked_symbols: frozenset[str]  # symbols whose base balance must match a position
    dust_qty: Mapping[str, Decimal]  # symbol -> smallest sellable quantity
    unresolved_intents: Mapping[str, str] = field(default_factory=dict)  # order_intent_id -> symbol


def find_diffs(v: Views) -> list[Diff]:
    """Return every disagreement between the two views, deterministic order."""
    return [*_order_diffs(v), *_balance_diffs(v), *_protection_diffs(v), *_intent_diffs(v)]


def fill_missing(symbol: str, trade_ids: Sequence[int]) -> Diff:
    """Return the diff for trades the exchange reports and the database lacked (then backfilled)."""
    return Diff(DiffKind.FILL_MISSING, symbol, f"{len(trade_ids)} trade(s) missing from fills",
                min(MAX_SCORE, WEIGHTS[DiffKind.FILL_MISSING] * len(trade_ids)),
                {"trade_ids": []}, {"trade_ids": list(trade_ids)}, "backfilled")


def score(diffs: Sequence[Diff], warn_x10000: int, bad_x10000: int) -> DriftScore:
    """Return the capped sum of weights and its label (BAD >= bad, WARN >= warn, else OK)."""
    total = min(MAX_SCORE, sum(d.weight_x10000 for d in diffs))
    if diffs and total >= bad_x10000:
        return DriftScore(total, DriftLabel.BAD)
    if diffs and total >= warn_x10000:
        return DriftScore(total, DriftLabel.WARN)
    return DriftScore(total, DriftLabel.OK)


def _order_diffs(v: Views) -> list[Diff]:
    out = []
    ex_ids = {o.client_order_id for o in v.ex_open_orders}
    for o in sorted(v.ex_open_orders, key=lambda o: o.client_order_id):
        if o.client_order_id not in v.db_known_client_ids:
            out.append(Diff(DiffKind.ORDER_UNKNOWN, o.symbol, f"open {o.side} {o.type} {o.client_order_id} unknown",
                            WEIGHTS[DiffKind.ORDER_UNKNOWN], {}, {"client_order_id": o.client_order_id,
                                                                  "type": o.type, "qty": str(o.qty)}))
    for cid, symbol in sorted(v.db_open_orders.items()):
        if cid not in ex_ids:
            out.append(Diff(DiffKind.ORDER_MISSING, symbol, f"order {cid} open in db, absent on exchange",
                            WEIGHTS[DiffKind.ORDER_MISSING], {"client_order_id": cid, "open": True}, {}))
    return out


def _balance_diffs(v: Views) -> list[Diff]:
    held = {p.symbol: p.qty for p in v.db_positions}
    out = []
    for symbol in sorted(v.tracked_symbols | set(held)):
        base, _ = split_symbol(symbol)
        db_qty, ex_qty = held.get(symbol, Decimal(0)), v.ex_balances.get(base, Decimal(0))
        delta = abs(ex_qty - db_qty)
        if delta <= v.dust_qty.get(symbol, Decimal(0)):
            continue
        weight = min(MAX_SCORE, int(delta / max(db_qty, ex_qty) * MAX_SCORE))
        out.append(Diff(DiffKind.BALANCE, symbol, f"{base} held {ex_qty} on exchange vs {db_qty} in db",
                        max(1, weight), {"asset": base, "qty": str(db_qty)}, {"asset": base, "qty": str(ex_qty)}))
    return out


def _protection_diffs(v: Views) -> list[Diff]:
    out = []
    for p in v.db_positions:
        stops = [o for o in v.ex_open_orders if o.symbol == p.symbol and o.side == "SELL" and o.type in STOP_TYPES]
        if not stops:
            out.append(Diff(DiffKind.PROTECTION_MISSING, p.symbol, f"open position {p.qty} has no exchange stop",
                            WEIGHTS[DiffKind.PROTECTION_MISSING], {"protected": True}, {"stops": 0}))
    return out


def _intent_diffs(v: Views) -> list[Diff]:
    return [Diff(DiffKind.INTENT_UNRESOLVED, symbol, f"intent {iid} still SENT_UNKNOWN",
                 WEIGHTS[DiffKind.INTENT_UNRESOLVED], {"order_intent_id": iid}, {})
            for iid, symbol in sorted(v.unresolved_intents.items())]
