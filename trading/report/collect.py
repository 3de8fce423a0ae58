"""Read one UTC day of one mode from the database into `ReportInputs` (Django side, read-only).

Sources, all filtered on mode and `day_start <= ts < day_end`:
1. trades: positions CLOSED that day, with their fills (average entry / exit price, base qty
   bought); fees and net PnL are the position's own (fees in quote, net = realized), gross =
   net + fees. MFE/MAE come from the recorded prices inside the hold, when there are any.
2. AI gate: one `ai_gate_events` row per call; a BLOCK or MODIFY gets what its proposal would
   have done (`trading.report.hypothetical`) from the Decision row, else the redacted request
   payload, replayed on recorded prices; None when either is missing (the report says so).
3. risk blocks by reason: RiskVerdict rows with outcome BLOCK, RISK_VERDICT audit events and
   RISK_VERDICT stage events that do not carry RISK_APPROVED, one per (decision, cycle).
4. alerts by reason_code (audit_alert rows).
5. protection swaps: `uncovered_ms` of each PROTECTION_SWAP audit event.

Recorded prices of a symbol are its fills and the bid/ask mid of the gate snapshots.
"""
from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from aigate.models import AIGateEvent
from audit.models import Alert, AuditEvent, StageEvent
from trading.domain.catalog import AuditEventType, ReasonCode, StageName
from trading.models import Decision, Fill, Position, ReconcileRun, RiskVerdict
from trading.models.choices import PositionState
from trading.report.hypothetical import PlanSketch, PricePoint, excursions_bps, hypothetical_net_bps
from trading.report.records import GateOutcome, ReportInputs, TradeRecord

__all__ = ["DAY_MS", "DEFAULT_HORIZON_MS", "collect_day", "day_bounds"]

DAY_MS = 86_400_000
DEFAULT_HORIZON_MS = 4 * 3_600_000  # how long a blocked proposal is followed without a time stop
ZERO = Decimal(0)
_OVERRIDDEN = ("BLOCK", "MODIFY")


def day_bounds(day: dt.date) -> tuple[int, int]:
    """Return [start, end) of the UTC `day` in epoch ms."""
    start = int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp() * 1000)
    return start, start + DAY_MS


def collect_day(day: dt.date, mode: str, *, capital_quote: Decimal | None = None,
                horizon_ms: int = DEFAULT_HORIZON_MS) -> ReportInputs:
    """Return the report inputs of `day` in `mode`.

    Start equity is `capital_quote` plus the net PnL of every position closed before the day.
    Without a capital it is the account as a reconcile saw it (`_reconciled_start_equity`); with
    no such reconcile, that PnL alone (the report notes that drawdown bps are then relative to
    the PnL, not to an account).
    """
    start, end = day_bounds(day)
    prices = _PriceBook(mode)
    notes: list[str] = []
    start_equity = None if capital_quote is not None else _reconciled_start_equity(mode, start, end, notes)
    if start_equity is None:
        prior = _closed_pnl(mode, None, start)
        start_equity = (capital_quote or ZERO) + prior
        if capital_quote is None:
            notes.append("Capital unknown: equity is cumulative net PnL; drawdown bps are relative to it.")
    gate, unknown = _gate_outcomes(mode, start, end, prices, horizon_ms)
    if unknown:
        notes.append(f"{unknown} blocked/modified decisions have no outcome: no plan or no recorded "
                     "price after the decision.")
    return ReportInputs(
        period_start_ms=start, period_end_ms=end,
        start_equity_quote=start_equity,
        trades=tuple(_trades(mode, start, end, prices)),
        gate_verdicts=tuple(gate),
        risk_blocks=_risk_blocks(mode, start, end),
        alerts=dict(Counter(Alert.objects.filter(mode=mode, ts_ms__gte=start, ts_ms__lt=end)
                            .values_list("reason_code", flat=True))),
        swap_uncovered_ms=tuple(_swap_uncovered(mode, start, end)),
        notes=tuple(notes),
    )


def _closed_pnl(mode: str, since_ms: int | None, until_ms: int) -> Decimal:
    """Return the net PnL of the positions of `mode` closed in [since_ms, until_ms)."""
    rows = Position.objects.filter(mode=mode, state=PositionState.CLOSED.value, closed_ts_ms__lt=until_ms)
    if since_ms is not None:
        rows = rows.filter(closed_ts_ms__gte=since_ms)
    return sum((p.realized_pnl_quote for p in rows), ZERO)


def _reconciled_start_equity(mode: str, start: int, end: int, notes: list[str]) -> Decimal | None:
    """Return the equity at `start` from the account as a reconcile saw it, or None when none did.

    The latest run at or before the day start, else the day's first: its capital (quote asset
    plus open positions at cost), moved to the day start by the PnL of the positions closed in
    between. Deposits and withdrawals in between are not seen.
    """
    runs = ReconcileRun.objects.filter(mode=mode, capital_quote__isnull=False)
    run = (runs.filter(ts_ms__lte=start).order_by("-ts_ms", "-pk").first()
           or runs.filter(ts_ms__gt=start, ts_ms__lt=end).order_by("ts_ms", "pk").first())
    if run is None:
        return None
    assert run.capital_quote is not None
    if run.ts_ms <= start:
        equity = run.capital_quote + _closed_pnl(mode, run.ts_ms, start)
    else:
        equity = run.capital_quote - _closed_pnl(mode, start, run.ts_ms)
    notes.append(f"Capital from the account at the reconcile of {_utc(run.ts_ms)} (quote asset plus open "
                 "positions at cost), moved to the day start by the PnL closed in between.")
    return equity


def _utc(ts_ms: int) -> str:
    return dt.datetime.fromtimestamp(ts_ms / 1000, tz=dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


class _PriceBook:
    """Recorded prices per symbol, read once per symbol: fills and gate-snapshot mids."""

    def __init__(self, mode: str) -> None:
        self.mode = mode
        self._cache: dict[str, list[PricePoint]] = {}

    def path(self, symbol: str) -> list[PricePoint]:
        if symbol not in self._cache:
            points = [(ts, price) for ts, price in Fill.objects.filter(mode=self.mode, symbol=symbol)
                      .values_list("ts_ms", "price")]
            for ts, text in AIGateEvent.objects.filter(mode=self.mode, symbol=symbol).values_list(
                    "ts_ms", "request_redacted"):
                mid = _snapshot_mid(_payload(text))
                if mid is not None:
                    points.append((ts, mid))
            self._cache[symbol] = sorted(points)
        return self._cache[symbol]


def _trades(mode: str, start: int, end: int, prices: _PriceBook) -> Iterable[TradeRecord]:
    closed = Position.objects.filter(mode=mode, state=PositionState.CLOSED.value,
                                     closed_ts_ms__gte=start, closed_ts_ms__lt=end).order_by("closed_ts_ms", "pk")
    for pos in closed:
        assert pos.closed_ts_ms is not None
        fills = list(Fill.objects.filter(mode=mode, symbol=pos.symbol, ts_ms__gte=pos.opened_ts_ms,
                                         ts_ms__lte=pos.closed_ts_ms).order_by("ts_ms", "trade_id"))
        buys = [f for f in fills if f.side == "BUY"]
        sells = [f for f in fills if f.side == "SELL"]
        qty = sum((f.qty for f in buys), ZERO) or sum((f.qty for f in sells), ZERO)
        net, fees = pos.realized_pnl_quote, pos.fees_quote
        entry = _avg_price(buys) or pos.avg_entry_price
        exit_ = _avg_price(sells) or (entry + (net + fees) / qty if qty > 0 else entry)
        mfe, mae = excursions_bps(entry, pos.opened_ts_ms, pos.closed_ts_ms, prices.path(pos.symbol))
        yield TradeRecord(symbol=pos.symbol, entry_ts_ms=pos.opened_ts_ms, exit_ts_ms=pos.closed_ts_ms, qty=qty,
                          entry_price=entry, exit_price=exit_, fees_quote=fees, gross_pnl_quote=net + fees,
                          net_pnl_quote=net, exit_reason=pos.exit_reason, decision_id=pos.decision_id,
                          mfe_bps=mfe, mae_bps=mae)


def _avg_price(fills: list[Fill]) -> Decimal | None:
    qty = sum((f.qty for f in fills), ZERO)
    if qty <= 0:
        return None
    return (sum((f.price * f.qty for f in fills), ZERO) / qty).quantize(Decimal("1e-12")).normalize()


def _gate_outcomes(mode: str, start: int, end: int, prices: _PriceBook,
                   horizon_ms: int) -> tuple[list[GateOutcome], int]:
    out, unknown = [], 0
    rows = AIGateEvent.objects.filter(mode=mode, ts_ms__gte=start, ts_ms__lt=end).order_by("ts_ms", "pk")
    for row in rows:
        bps = None
        if row.verdict in _OVERRIDDEN:
            plan = _plan_of(row)
            if plan is not None:
                bps = hypothetical_net_bps(plan, row.ts_ms, prices.path(row.symbol), horizon_ms)
            unknown += bps is None
        out.append(GateOutcome(row.verdict, row.decision_id, row.symbol, bps))
    return out, unknown


def _plan_of(row: AIGateEvent) -> PlanSketch | None:
    """Return the proposal's plan: from its Decision row, else from the payload the gate sent."""
    d = Decision.objects.filter(decision_id=row.decision_id).first()
    if d is not None and d.entry_plan and d.exit_plan:
        return _sketch(d.entry_plan, d.exit_plan, d.costs_bps)
    payload = _payload(row.request_redacted)
    decision = payload.get("decision") if payload else None
    if not isinstance(decision, dict):
        return None
    costs = payload.get("costs") if payload else None
    total = costs.get("total_bps", 0) if isinstance(costs, dict) else 0
    return _sketch(decision.get("entry_plan"), decision.get("exit_plan"), total)


def _sketch(entry: Any, exit_: Any, costs_bps: Any) -> PlanSketch | None:
    try:
        return PlanSketch(entry_price=Decimal(entry["price"]), take_profit_price=Decimal(exit_["take_profit_price"]),
                          stop_price=Decimal(exit_["stop_price"]), costs_bps=int(costs_bps or 0),
                          time_stop_ms=exit_.get("time_stop_ms"))
    except (KeyError, TypeError, ValueError, ArithmeticError):
        return None


def _payload(text: str) -> dict[str, Any] | None:
    # The row keeps the redacted request truncated: a cut payload is simply not used.
    try:
        value = json.loads(text) if text else None
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _snapshot_mid(payload: dict[str, Any] | None) -> Decimal | None:
    snap = payload.get("snapshot") if payload else None
    try:
        return (Decimal(snap["bid"]) + Decimal(snap["ask"])) / 2 if isinstance(snap, dict) else None
    except (KeyError, TypeError, ValueError, ArithmeticError):
        return None


def _risk_blocks(mode: str, start: int, end: int) -> dict[str, int]:
    """Count each blocking reason once per (decision, cycle), whichever record saw it."""
    approved = ReasonCode.RISK_APPROVED.value
    seen: dict[tuple[str, str], list[str]] = {}
    window = {"mode": mode, "ts_ms__gte": start, "ts_ms__lt": end}
    sources: list[Iterable[tuple[Any, ...]]] = [
        RiskVerdict.objects.filter(outcome="BLOCK", **window).values_list("decision_id", "cycle_id", "ts_ms",
                                                                          "symbol", "reasons"),
        AuditEvent.objects.filter(event_type=AuditEventType.RISK_VERDICT.value, **window)
        .values_list("decision_id", "cycle_id", "ts_ms", "symbol", "reasons"),
        StageEvent.objects.filter(stage=StageName.RISK_VERDICT.value, **window)
        .values_list("decision_id", "cycle_id", "ts_ms", "symbol", "reasons"),
    ]
    for rows in sources:
        for decision_id, cycle_id, ts, symbol, reasons in rows:
            codes = [r for r in (reasons or []) if r != approved]
            if not codes or approved in (reasons or []):
                continue
            key = (decision_id, cycle_id) if decision_id else (f"{ts}", symbol)
            seen.setdefault(key, codes)
    return dict(Counter(code for codes in seen.values() for code in codes))


def _swap_uncovered(mode: str, start: int, end: int) -> Iterable[int]:
    for data in AuditEvent.objects.filter(mode=mode, event_type=AuditEventType.PROTECTION_SWAP.value,
                                          ts_ms__gte=start, ts_ms__lt=end).values_list("data", flat=True):
        value = (data or {}).get("uncovered_ms")
        if isinstance(value, int) and not isinstance(value, bool):
            yield value
