"""Fill services: one row per trade, deduplicated by (symbol, trade_id), applied to the position once.

The order response, the user stream and reconcile may all report the same trade; the unique
constraint decides which report is first, and only that one moves the position.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction

from trading.domain.catalog import AuditEventType, ReasonCode, StageName
from trading.domain.ports import ExecutionReport, OrderState, Side, Trade
from trading.execution.plans import leg_exit_reason
from trading.models import Fill, Position
from trading.services.context import ServiceContext
from trading.services.positions import apply_fill, audit_position


@dataclass(frozen=True, slots=True)
class TradeFill:
    """One trade of one of our orders, whatever reported it."""

    symbol: str
    trade_id: int
    order_id: int
    client_order_id: str
    side: Side
    price: Decimal
    qty: Decimal
    commission: Decimal
    commission_asset: str
    is_maker: bool
    ts_ms: int
    order_intent_id: str = ""
    decision_id: str = ""

    @classmethod
    def from_trade(cls, t: Trade, client_order_id: str = "", **ids: str) -> TradeFill:
        return cls(t.symbol, t.trade_id, t.order_id, client_order_id, Side.BUY if t.is_buyer else Side.SELL,
                   t.price, t.qty, t.commission, t.commission_asset, t.is_maker, t.time_ms, **ids)

    @classmethod
    def from_report(cls, r: ExecutionReport, **ids: str) -> TradeFill | None:
        if r.exec_type != "TRADE" or r.trade_id is None:
            return None
        return cls(r.symbol, r.trade_id, r.order_id, r.client_order_id, r.side, r.last_price, r.last_qty,
                   r.commission, r.commission_asset or "", r.is_maker, r.transaction_time_ms, **ids)

    @classmethod
    def from_order(cls, o: OrderState, **ids: str) -> list[TradeFill]:
        """Return the fills of a FULL placement answer (a taker: maker flag False)."""
        assert o.side is not None
        return [cls(o.symbol, f.trade_id, o.order_id, o.client_order_id, o.side, f.price, f.qty, f.commission,
                    f.commission_asset, False, o.time_ms, **ids) for f in o.fills]


@dataclass(frozen=True, slots=True)
class FillOutcome:
    fill: Fill | None  # None: a duplicate, already recorded
    position: Position | None
    closed: bool


def record_fill(ctx: ServiceContext, f: TradeFill, *, dust_qty: Decimal = Decimal(0),
                exit_reason: ReasonCode | None = None,
                stage: StageName = StageName.POSITION_MANAGE) -> FillOutcome:
    """Store a trade once and apply it to its position; audit FILL (+ POSITION_UPDATE) if new.

    A fill of a protection leg closes with its leg's reason whichever path saw it first
    (user stream, order query or reconcile backfill).
    """
    exit_reason = exit_reason or leg_exit_reason(f.client_order_id)
    try:
        with transaction.atomic():
            row = Fill.objects.create(
                ts_ms=f.ts_ms, run_id=ctx.run_id, cycle_id=ctx.cycle_id, decision_id=f.decision_id, mode=ctx.mode,
                stage=stage.value, event_type=AuditEventType.FILL.value, symbol=f.symbol, trade_id=f.trade_id,
                exchange_order_id=f.order_id, client_order_id=f.client_order_id, order_intent_id=f.order_intent_id,
                side=f.side.value, price=f.price, qty=f.qty, quote_qty=f.price * f.qty, commission=f.commission,
                commission_asset=f.commission_asset, is_maker=f.is_maker)
            position, closed = apply_fill(ctx, row, dust_qty=dust_qty, exit_reason=exit_reason)
    except IntegrityError:
        return FillOutcome(None, None, False)  # (symbol, trade_id) seen before: deduplicated
    ctx.emit(AuditEventType.FILL, stage=stage, symbol=f.symbol, decision_id=f.decision_id,
             order_intent_id=f.order_intent_id,
             data={"trade_id": f.trade_id, "exchange_order_id": f.order_id, "client_order_id": f.client_order_id,
                   "side": f.side.value, "price": str(f.price), "qty": str(f.qty),
                   "commission": str(f.commission), "commission_asset": f.commission_asset},
             wait=not transaction.get_connection().in_atomic_block)  # a SIGKILL must not lose it
    if position is not None:
        audit_position(ctx, position, (exit_reason,) if closed and exit_reason else (), stage=stage)
    return FillOutcome(row, position, closed)


def known_trade_ids(symbol: str) -> set[int]:
    """Return the trade ids already recorded for `symbol`."""
    return set(Fill.objects.filter(symbol=symbol).values_list("trade_id", flat=True))
