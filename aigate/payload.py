"""The AI gate's canonical input: a reduced snapshot, the payload sent to the model, and their
hashes. Pure: no Django, no I/O.

Both hashes are computed before the model is called (000 AIGATE_CALL step 3) and cover content
only, never correlation ids (run_id, cycle_id, snapshot_id, decision_id): the same decision on
the same market data hashes the same in another run or in a replay, while the ids in the audit
envelope still tie the event to its cycle.
"""
from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from trading.domain.catalog.panel import RegimeLabel
from trading.domain.contracts.canonical import (
    canonical_json,
    require,
    require_int,
    require_positive_decimal,
    require_text,
    sha256_hex,
    to_canonical_value,
)
from trading.domain.contracts.decision import Decision

PAYLOAD_FORMAT = "livespot.aigate.payload/1"
# Ids correlate records; they are not what the model judges, so they stay out of the hashes.
_SNAPSHOT_IDS = frozenset({"snapshot_id"})
_DECISION_IDS = frozenset({"decision_id", "run_id", "cycle_id", "snapshot_id", "ts_ms"})
_INT_FIELDS = (
    "spread_bps", "spread_p90_bps", "trend_score_x10000", "range_score_x10000", "imbalance_x10000",
    "micro_vol_bps", "atr_bps", "momentum_bps", "rvol_x10000", "price_vs_vwap_bps",
)


@dataclass(frozen=True, slots=True)
class GateSnapshot:
    """The reduced market snapshot the gate shows the model for one symbol.

    Integers follow the panel encoding (*_bps basis points, *_x10000 value * 10000). The
    position fields describe the open long a MANAGE/EXIT acts on (None when flat).
    """

    snapshot_id: str
    symbol: str
    ts_ms: int
    bid: Decimal
    ask: Decimal
    regime: RegimeLabel
    spread_bps: int
    spread_p90_bps: int = 0
    trend_score_x10000: int = 0
    range_score_x10000: int = 0
    imbalance_x10000: int = 0
    micro_vol_bps: int = 0
    atr_bps: int = 0
    momentum_bps: int = 0
    rvol_x10000: int = 0
    price_vs_vwap_bps: int = 0
    position_qty: Decimal | None = None
    position_entry_price: Decimal | None = None

    def __post_init__(self) -> None:
        require_text(self.snapshot_id, "snapshot.snapshot_id")
        require_text(self.symbol, "snapshot.symbol")
        require_int(self.ts_ms, "snapshot.ts_ms")
        require_positive_decimal(self.bid, "snapshot.bid")
        require_positive_decimal(self.ask, "snapshot.ask")
        require(self.ask >= self.bid, "snapshot.ask must be >= snapshot.bid")
        require(isinstance(self.regime, RegimeLabel), "snapshot.regime must be a RegimeLabel")
        for name in _INT_FIELDS:
            require_int(getattr(self, name), f"snapshot.{name}", minimum=None)
        for name in ("position_qty", "position_entry_price"):
            if getattr(self, name) is not None:
                require_positive_decimal(getattr(self, name), f"snapshot.{name}")

    def content(self) -> dict[str, Any]:
        """Return the canonical JSON-ready content (decimals as strings), ids left out."""
        return {f.name: to_canonical_value(getattr(self, f.name))
                for f in dataclasses.fields(self) if f.name not in _SNAPSHOT_IDS}


@dataclass(frozen=True, slots=True)
class GateInput:
    """The payload sent to the model, its canonical bytes and both hashes."""

    payload: dict[str, Any]
    payload_json: str
    input_hash: str
    snapshot_hash: str


def snapshot_hash(snapshot: GateSnapshot) -> str:
    """Return the SHA-256 hex of the snapshot's canonical content (RFC 8785)."""
    return sha256_hex(snapshot.content())


def decision_view(decision: Decision) -> dict[str, Any]:
    """Return what the model sees of a decision: its content without ids or timestamps."""
    full = decision.to_dict()
    view = {k: v for k, v in full.items() if k not in _DECISION_IDS}
    view["constraints"] = {k: v for k, v in full["constraints"].items() if k != "filters_hash"}
    return view


def build_payload(decision: Decision, snapshot: GateSnapshot, prompt_version: str) -> dict[str, Any]:
    """Return the canonical gate payload: decision, reduced snapshot, costs/edge and reasons."""
    view = decision_view(decision)
    market = snapshot.content()
    market["age_ms"] = decision.ts_ms - snapshot.ts_ms  # staleness, without an absolute time
    del market["ts_ms"]
    return {
        "format": PAYLOAD_FORMAT,
        "prompt_version": prompt_version,
        "decision": {k: v for k, v in view.items() if k not in ("costs", "edge_bps", "reason_codes")},
        "costs": view["costs"],
        "edge_bps": decision.edge_bps,
        "edge_after_costs_bps": decision.edge_bps - decision.costs.total_bps,
        "reasons": view["reason_codes"],
        "snapshot": market,
    }


def check_snapshot_matches(decision: Decision, snapshot: GateSnapshot) -> None:
    """Raise ContractViolation unless the snapshot is the one the decision was proposed on."""
    require(snapshot.symbol == decision.symbol,
            f"snapshot is for {snapshot.symbol}, the decision for {decision.symbol}")
    require(snapshot.snapshot_id == decision.snapshot_id,
            f"snapshot {snapshot.snapshot_id} is not the decision's snapshot {decision.snapshot_id}")


def build_input(decision: Decision, snapshot: GateSnapshot, prompt_version: str) -> GateInput:
    """Return the payload with its canonical JSON text, input_hash and snapshot_hash.

    Raises ContractViolation when the snapshot does not belong to the decision.
    """
    check_snapshot_matches(decision, snapshot)
    payload = build_payload(decision, snapshot, prompt_version)
    raw = canonical_json(payload)  # hashed as sent: input_hash == sha256(the user message bytes)
    return GateInput(payload=payload, payload_json=raw.decode(), input_hash=hashlib.sha256(raw).hexdigest(),
                     snapshot_hash=snapshot_hash(snapshot))
