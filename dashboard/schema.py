"""DashboardSnapshot as a typed model: the 000 "WEB PANEL - DATA CONTRACT (V1)", field by field.

The builder produces plain dicts (cheap to encode); tests and the bench validate every payload
against these models in strict mode, so a float where an int belongs, a missing or extra field,
an unknown enum value, an over-long list or a wrong order fails loudly. The JSON schema for
other consumers is `DashboardSnapshot.model_json_schema()` (served nowhere: LIVE allows only
the declared routes).

Encodings (000 "Basic types"): ts_ms/bytes int64; bps, score_x10000 and pct_x10000 int32;
pct_x10000 is percent * 10000 (100 % = 1_000_000); ids are ASCII strings, "" when missing;
money is a decimal string. Extensions beyond 000 are marked; RiskSnapshot is the one object
000 allows to grow ("UI may expand in the future while keeping compatibility").
"""
from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from trading.domain.catalog import ReasonCode, StageName

INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
STAGE_HISTORY_MAX = 20
CONFIG_LIST_MAX = 200  # the upper bound of every configurable panel list (000 SIZE LIMITS)
ALERTS_ACTIVE_MAX = 50  # livespot's own bound: 000 sets none, a payload must stay small
EQUITY_POINTS_MAX = 200

_REASONS = frozenset(m.value for m in ReasonCode)
_STAGES = frozenset(m.value for m in StageName)


def _reason(value: str) -> str:
    if value not in _REASONS:
        raise ValueError(f"not a ReasonCode: {value!r}")
    return value


def _reason_or_empty(value: str) -> str:
    return value if value == "" else _reason(value)


def _stage(value: str) -> str:
    if value not in _STAGES:
        raise ValueError(f"not a StageName: {value!r}")
    return value


def _ascii(value: str) -> str:
    if not value.isascii():
        raise ValueError("ids are ASCII")
    return value


Int64 = Annotated[int, Field(strict=True, ge=INT64_MIN, le=INT64_MAX)]
Int32 = Annotated[int, Field(strict=True, ge=INT32_MIN, le=INT32_MAX)]
NonNeg64 = Annotated[int, Field(strict=True, ge=0, le=INT64_MAX)]
Id = Annotated[str, Field(strict=True, max_length=64), AfterValidator(_ascii)]
Text = Annotated[str, Field(strict=True, max_length=200)]
Reason = Annotated[str, Field(strict=True), AfterValidator(_reason)]
ReasonOrEmpty = Annotated[str, Field(strict=True), AfterValidator(_reason_or_empty)]
Stage = Annotated[str, Field(strict=True), AfterValidator(_stage)]
DecimalStr = Annotated[str, Field(strict=True, pattern=r"^-?(0|[1-9][0-9]*)(\.[0-9]*[1-9])?$")]
OptDecimalStr = Annotated[str, Field(strict=True, pattern=r"^(-?(0|[1-9][0-9]*)(\.[0-9]*[1-9])?)?$")]
HexHash = Annotated[str, Field(strict=True, pattern=r"^([0-9a-f]{64})?$")]
Symbol = Annotated[str, Field(strict=True, pattern=r"^[A-Z0-9]{0,32}$")]

ModeValue = Literal["PAPER", "TESTNET", "LIVE"]  # design.md §9 extends 000's "LIVE"
SysModeValue = Literal["NORMAL", "DEGRADE", "PAUSE", "EXIT"]
SeverityValue = Literal["INFO", "WARN", "CRIT"]
PressureValue = Literal["OK", "HIGH", "FULL"]
DriftValue = Literal["OK", "WARN", "BAD"]
VerdictValue = Literal["ALLOW", "BLOCK", "MODIFY"]
IntentStateValue = Literal["CREATED", "SENT_UNKNOWN", "CONFIRMED", "NOT_FOUND", "FAILED_TERMINAL"]


class Row(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


def _descending(rows: list[Any], key: str) -> None:
    values = [getattr(r, key) for r in rows]
    if any(a < b for a, b in zip(values, values[1:])):
        raise ValueError(f"rows must be ordered by {key} desc")


class AlertAggregateRow(Row):
    severity: SeverityValue
    reason_code: Reason
    count: Annotated[int, Field(strict=True, ge=1, le=INT64_MAX)]
    first_ts_ms: Int64
    last_ts_ms: Int64
    stage: Stage
    cycle_id: Id
    decision_id: Id
    order_intent_id: Id


class StageHistoryRow(Row):
    ts_ms: Int64
    stage: Stage
    cycle_id: Id
    decision_id: Id
    symbol: Symbol
    summary: Text


class HealthSnapshot(Row):
    disk_free_bytes: NonNeg64
    sqlite_bytes: NonNeg64
    wal_bytes: NonNeg64
    process_rss_bytes: NonNeg64
    process_cpu_pct_x10000: Annotated[int, Field(strict=True, ge=0, le=INT32_MAX)]
    audit_writer_queue_pct_x10000: Annotated[int, Field(strict=True, ge=0, le=1_000_000)]
    audit_writer_queue_len: NonNeg64
    audit_writer_lag_ms: NonNeg64
    audit_writer_pressure: PressureValue
    events_per_min: NonNeg64
    drops_per_min: NonNeg64
    last_cycle_ts_ms: Int64
    last_writer_commit_ts_ms: Int64


class PendingByState(Row):
    CREATED: NonNeg64
    SENT_UNKNOWN: NonNeg64
    CONFIRMED: NonNeg64
    NOT_FOUND: NonNeg64
    FAILED_TERMINAL: NonNeg64


class IntentRow(Row):
    order_intent_id: Id
    symbol: Symbol
    intent_kind: Text
    state: IntentStateValue
    last_ts_ms: Int64
    cycle_id: Id
    decision_id: Id
    summary: Text


class IntentsSnapshot(Row):
    pending_by_state: PendingByState
    recent: Annotated[list[IntentRow], Field(max_length=CONFIG_LIST_MAX)]

    @model_validator(mode="after")
    def _ordered(self) -> IntentsSnapshot:
        _descending(self.recent, "last_ts_ms")
        return self


class ReconcileDiffRow(Row):
    ts_ms: Int64
    symbol: Symbol
    cycle_id: Id
    decision_id: Id
    summary: Text


class ReconcileSnapshot(Row):
    last_reconcile_rest_ts_ms: Int64
    last_reconcile_rest_dur_ms: NonNeg64
    drift_score_x10000: Int32
    drift_label: DriftValue
    recent_diffs: Annotated[list[ReconcileDiffRow], Field(max_length=CONFIG_LIST_MAX)]

    @model_validator(mode="after")
    def _ordered(self) -> ReconcileSnapshot:
        _descending(self.recent_diffs, "ts_ms")
        return self


class CostsBps(Row):
    fees_bps: Int32
    slippage_bps: Int32
    spread_bps: Int32


class MarketSymbolRow(Row):
    symbol: Symbol
    regime: Literal["TREND", "RANGE"]
    trend_score_x10000: Int32
    range_score_x10000: Int32
    spread_current_bps: Int32
    spread_p50_bps: Int32
    spread_p90_bps: Int32
    delta_spread_bps_p90_10s: Int32
    imbalance_x10000: Int32
    edge_bps_expected: Int32
    costs_bps: CostsBps
    blocked_reason_code: ReasonOrEmpty
    signal_flags: list[Reason]


class MarketSnapshot(Row):
    # Ordered by the internal score, which 000 keeps out of the row: the builder orders it.
    symbols: Annotated[list[MarketSymbolRow], Field(max_length=CONFIG_LIST_MAX)]


class ExposureRow(Row):
    symbol: Symbol
    quote: DecimalStr


class CooldownRow(Row):
    symbol: Symbol
    cooldown_until_ts_ms: Int64
    trades_per_hour: NonNeg64
    loss_streak: NonNeg64


class EquityPoint(Row):
    """Extension (design §9 equity curve): cumulative net realized PnL after each close."""

    ts_ms: Int64
    equity_quote: DecimalStr


class RiskSnapshot(Row):
    exposure_total_quote: DecimalStr
    exposure_by_symbol_quote: list[ExposureRow]
    locked_quote: DecimalStr
    free_quote: DecimalStr
    daily_pnl_realized_quote: DecimalStr
    daily_pnl_unrealized_quote: DecimalStr
    daily_loss_limit_remaining_quote: DecimalStr
    drawdown_quote: DecimalStr
    trades_today: NonNeg64
    cooldowns: list[CooldownRow]
    equity_curve: Annotated[list[EquityPoint], Field(max_length=EQUITY_POINTS_MAX)]

    @model_validator(mode="after")
    def _chronological(self) -> RiskSnapshot:
        ts = [p.ts_ms for p in self.equity_curve]
        if ts != sorted(ts):
            raise ValueError("equity_curve must be ordered by ts_ms asc")
        return self


class AIGateSnapshot(Row):
    last_call_ts_ms: Int64
    latency_ms: NonNeg64
    model: Text
    verdict: VerdictValue
    reason_codes: list[Reason]
    input_hash: HexHash
    snapshot_hash: HexHash
    raw_hash: HexHash
    modify_applied: bool
    error_kind: Text


class FeatureRow(Row):
    name: Text
    value_x10000: Int32


class TopKItemRow(Row):
    symbol: Symbol
    score_x10000: Int32
    features_top: list[FeatureRow]
    churn_guard_applied: bool


class PairOverLimit(Row):
    a: Symbol
    b: Symbol
    corr_x10000: Int32
    action: Text


class TopKSnapshot(Row):
    cycle_id: Id
    items: Annotated[list[TopKItemRow], Field(max_length=100)]  # config topn.n is at most 100
    max_pairwise_corr_x10000: Int32
    pairs_over_limit: list[PairOverLimit]


class DashboardSnapshot(Row):
    ts_ms: Int64
    mode: ModeValue
    sys_mode: SysModeValue
    sys_mode_since_ts_ms: Int64
    active_reason_codes: list[Reason]
    uptime_s: NonNeg64
    run_id: Id
    cycle_id: Id
    decision_id: Id
    stage: Stage
    stage_since_ts_ms: Int64
    alerts_active: Annotated[list[AlertAggregateRow], Field(max_length=ALERTS_ACTIVE_MAX)]
    stage_history: Annotated[list[StageHistoryRow], Field(max_length=STAGE_HISTORY_MAX)]
    health: HealthSnapshot
    intents: IntentsSnapshot
    reconcile: ReconcileSnapshot
    market: MarketSnapshot
    risk: RiskSnapshot
    aigate: AIGateSnapshot
    topk: TopKSnapshot

    @model_validator(mode="after")
    def _ordered(self) -> DashboardSnapshot:
        _descending(self.stage_history, "ts_ms")
        _descending(self.alerts_active, "last_ts_ms")
        return self


class OrderRow(Row):
    """One order of `/api/orders` (000 names OrderRow without fields; these are livespot's)."""

    ts_ms: Int64
    created_ts_ms: Int64
    symbol: Symbol
    side: Literal["BUY", "SELL"]
    order_type: Text
    status: Text
    time_in_force: Text
    price: OptDecimalStr  # "" for a market order
    stop_price: OptDecimalStr
    orig_qty: DecimalStr
    executed_qty: DecimalStr
    cummulative_quote_qty: DecimalStr
    exchange_order_id: Int64
    client_order_id: Id
    order_list_id: Int64  # -1 when the order is not part of an order list
    order_intent_id: Id
    cycle_id: Id
    decision_id: Id


class OrdersResponse(Row):
    ts_ms: Int64
    limit: Annotated[int, Field(strict=True, ge=1, le=500)]
    orders: Annotated[list[OrderRow], Field(max_length=500)]

    @model_validator(mode="after")
    def _ordered(self) -> OrdersResponse:
        _descending(self.orders, "ts_ms")
        if len(self.orders) > self.limit:
            raise ValueError("more orders than the limit")
        return self


class PingEvent(Row):
    ts_ms: Int64
