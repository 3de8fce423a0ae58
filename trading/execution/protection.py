"""PositionManager: exchange-side protection from the first fill until flat (design §7).

Preference order, so that no uncovered gap exists at all:
1. an OTOCO entry carries its own TP/SL pair (`Executor.submit_otoco`): adopted here on fill;
2. otherwise an OCO placed on the fill, its stop leg trailing (`ProtectionPlan.trailing_delta_bps`)
   instead of a later OCO -> trailing swap;
3. a swap, when one is still needed, is one cancel-replace request (`swap.py`), guarded locally.
Exits (time stop, operator) also use cancel-replace: cancel the OCO and sell in one request.
"""
from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from trading.domain.catalog import IntentState, ReasonCode, StageName
from trading.domain.contracts import IntentKind, OrderIntent, OrderType, Side
from trading.domain.contracts.ids import client_order_id_for
from trading.domain.contracts.quantize import PriceRounding
from trading.domain.ports import ExchangeError, ExecutionReport, OrderListState, OrderState
from trading.execution import crashpoints
from trading.execution.executor import Executor, SubmitOutcome
from trading.execution.guard import LocalStopGuard
from trading.execution.plans import ProtectionPlan
from trading.execution.resolution import sync_trades
from trading.models import Order, Position
from trading.models import OrderIntent as IntentRow
from trading.models.choices import ProtectionState
from trading.services import TradeFill, open_position, open_positions, record_fill, set_protection, upsert_order
from trading.services.orders import OPEN_STATUSES
from trading.services.sysmode_glue import on_protection_missing

STOP_TYPES = (OrderType.STOP_LOSS.value, OrderType.STOP_LOSS_LIMIT.value)


def order_state_of(r: ExecutionReport) -> OrderState:
    """Return the order an executionReport describes, as a query would (for the order's row)."""
    return OrderState(r.symbol, r.order_id, r.client_order_id, r.transaction_time_ms, status=r.status, side=r.side,
                      type=r.type, price=r.price, orig_qty=r.quantity, executed_qty=r.cum_qty,
                      cumulative_quote_qty=r.cum_quote_qty, stop_price=r.stop_price or None,
                      trailing_delta=r.trailing_delta, order_list_id=r.order_list_id,
                      update_time_ms=r.transaction_time_ms)


class PositionManager:
    """The worker calls `on_entry`, `on_execution_report`, `manage_positions`, `check_guards`."""

    def __init__(self, executor: Executor, *, guard: LocalStopGuard | None = None,
                 max_hold_ms: int | None = None) -> None:
        self.ex, self.ctx, self.exchange = executor, executor.ctx, executor.exchange
        self.guard = guard or LocalStopGuard()
        self.max_hold_ms = max_hold_ms

    # -- protection ---------------------------------------------------------------------------

    def on_entry(self, outcome: SubmitOutcome, plan: ProtectionPlan) -> bool:
        """Protect every position the entry's fills touched; return True if protection was placed."""
        done = False
        for symbol in {f.position.symbol for f in outcome.fills if f.position is not None and not f.closed}:
            pos = open_position(symbol, self.ctx.mode)
            if pos is not None:
                done |= self.ensure_protected(pos, plan)
        return done

    def ensure_protected(self, pos: Position, plan: ProtectionPlan) -> bool:
        """Adopt a working stop already on the book (OTOCO legs), else place the plan's OCO."""
        if pos.protection_state not in (ProtectionState.NONE.value, ProtectionState.SWAPPING.value):
            return False
        stop = self._open_stop_row(pos.symbol)
        if stop is not None:
            set_protection(self.ctx, pos, ProtectionState.OCO if stop.order_list_id is not None else ProtectionState.STOP,
                           client_order_id=self._protection_id(stop), order_list_id=stop.order_list_id,
                           reason=ReasonCode.PROTECTION_PLACED)
            return True
        crashpoints.hit("entry_filled")
        return self.place_oco(pos, plan).state is IntentState.CONFIRMED

    def place_oco(self, pos: Position, plan: ProtectionPlan) -> SubmitOutcome:
        """Place a SELL OCO for the whole sellable quantity; alert and mark NONE if it fails.

        Prices go on the symbol's current tick grid (stop rounded up: never a looser stop). A
        filter failure re-reads the filters (Executor); if they changed, one more try at once.
        """
        for _ in range(2):
            intent = self._oco_intent(pos, plan)
            out = self.ex.submit(intent, summary=f"protect {pos.symbol}", trailing_delta_bps=plan.trailing_delta_bps)
            if out.state is not IntentState.FAILED_TERMINAL or self._oco_intent(pos, plan).price == intent.price \
                    and self._oco_intent(pos, plan).stop_price == intent.stop_price:
                break
        if out.state is IntentState.CONFIRMED and isinstance(out.order_list, OrderListState):
            self.guard.disarm(pos.symbol)
            set_protection(self.ctx, pos, ProtectionState.OCO, client_order_id=intent.client_order_id,
                           order_list_id=out.order_list.order_list_id, reason=ReasonCode.PROTECTION_PLACED)
        else:
            self.guard.arm(pos.symbol, plan.stop_price)  # uncovered: the local guard watches the stop
            on_protection_missing(self.ctx, pos.symbol, f"OCO for {pos.symbol} not placed: {out.state.value}")
        return out

    def _oco_intent(self, pos: Position, plan: ProtectionPlan) -> OrderIntent:
        grid = self.ex.instruments.on_grid
        up, down = PriceRounding.UP, PriceRounding.DOWN
        return self._intent(pos, IntentKind.PROTECTION_OCO, OrderType.OCO,
                            price=grid(pos.symbol, plan.take_profit, up),
                            stop_price=grid(pos.symbol, plan.stop_price, up),
                            stop_limit_price=grid(pos.symbol, plan.stop_limit_price, down))

    # -- fills from the stream or REST ----------------------------------------------------------

    def on_execution_report(self, report: ExecutionReport) -> bool:
        """Mirror a user-stream report; a TRADE is recorded once (dedup by trade id). True if new."""
        fill = TradeFill.from_report(report, **_ids_of(report))
        new = False
        if fill is not None:
            # record_fill labels a protection leg's fill (TAKE_PROFIT_HIT / STOP_LOSS_HIT) itself.
            new = record_fill(self.ctx, fill, dust_qty=self.ex.instruments.dust_qty(fill.symbol, fill.price)).fill \
                is not None
        if Order.objects.filter(symbol=report.symbol, exchange_order_id=report.order_id).exists():
            # The order's own row follows too, so nothing acts on a stale "open" (an entry filled
            # before its TTL is not cancelled, a filled leg is not swapped). REST stays the truth.
            upsert_order(self.ctx, order_state_of(report), stage=StageName.POSITION_MANAGE)
        return new

    def sync_protection(self, pos: Position) -> bool:
        """Query the protection legs by REST; record leg trades (closing the position); True if any."""
        if not pos.protection_client_order_id:
            return False
        new = 0
        for row in Order.objects.filter(symbol=pos.symbol, status__in=OPEN_STATUSES, side=Side.SELL.value):
            state = self.exchange.get_order(pos.symbol, row.client_order_id)
            upsert_order(self.ctx, state)
            if state.executed_qty > 0:
                new += sync_trades(self.ex, state, order_intent_id=row.order_intent_id, decision_id=pos.decision_id)
        return new > 0

    # -- worker steps ---------------------------------------------------------------------------

    def manage_positions(self, plan_for: dict[str, ProtectionPlan] | None = None) -> bool:
        """Sync protection, re-protect what is uncovered, apply time stops; True if anything moved."""
        did = False
        for pos in open_positions(self.ctx.mode):
            try:
                did |= self.sync_protection(pos)
            except ExchangeError:
                continue  # REST unavailable: the next tick (or reconcile) catches up
            pos.refresh_from_db()
            if pos.state != "OPEN":
                continue
            if pos.protection_state == ProtectionState.NONE.value and plan_for and pos.symbol in plan_for:
                did |= self.ensure_protected(pos, plan_for[pos.symbol])
            if self.max_hold_ms is not None and self.ctx.now_ms() - pos.opened_ts_ms >= self.max_hold_ms:
                did |= self.exit_market(pos, ReasonCode.TIME_STOP)
        return did

    def check_guards(self, bids: dict[str, Decimal]) -> bool:
        """Close at market every uncovered position whose guarded stop the bid crossed."""
        did = False
        for symbol, bid in bids.items():
            pos = open_position(symbol, self.ctx.mode)
            if pos is not None and self.guard.crossed(symbol, bid):
                did |= self.exit_market(pos, ReasonCode.PROTECTION_SWAP_GUARD_FIRED)
        return did

    def exit_market(self, pos: Position, reason: ReasonCode) -> bool:
        """Sell the position at market. With an OCO on the book: cancel it and sell in one request."""
        intent = self._intent(pos, IntentKind.EXIT_MARKET, OrderType.MARKET)
        stop = self._open_stop_row(pos.symbol)
        if stop is None:
            out = self.ex.submit(intent, summary=f"exit {pos.symbol} ({reason.value})", exit_reason=reason)
            return out.state is IntentState.CONFIRMED
        from trading.execution.swap import replace_then_fallback
        return replace_then_fallback(self, pos, stop, intent, reason) is not None

    # -- helpers --------------------------------------------------------------------------------

    def _intent(self, pos: Position, kind: IntentKind, otype: OrderType, **prices: object) -> OrderIntent:
        decision = pos.decision_id or f"pos-{pos.symbol}-{pos.opened_ts_ms}"
        attempt = IntentRow.objects.filter(decision_id=decision, kind=kind.value).count()
        qty = self.ex.instruments.floor_qty(pos.symbol, pos.qty)
        return OrderIntent.new(decision_id=decision, kind=kind, symbol=pos.symbol, side=Side.SELL, order_type=otype,
                               qty=qty, ts_ms=self.ctx.now_ms(), attempt=attempt, **prices)

    def _open_stop_row(self, symbol: str) -> Order | None:
        return Order.objects.filter(symbol=symbol, side=Side.SELL.value, order_type__in=STOP_TYPES,
                                    status__in=OPEN_STATUSES).order_by("-updated_ts_ms").first()

    def _protection_id(self, stop: Order) -> str:
        """Return the id the position records: the OCO intent's list id for a list leg, else the stop's."""
        if stop.order_list_id is not None:  # list ids start at 0
            oco = _oco_intent_of_leg(IntentRow.objects.filter(
                symbol=stop.symbol, kind=IntentKind.PROTECTION_OCO.value, state=IntentState.CONFIRMED.value),
                "below", stop.client_order_id)
            if oco is not None:
                return oco.client_order_id
        return stop.client_order_id


_RECENT_OCO_INTENTS = 20  # a leg reported this early belongs to one of the latest OCOs


def _ids_of(report: ExecutionReport) -> dict[str, str]:
    """Return the intent and decision ids of a reported order: its intent's, or, for a leg of an
    OCO (whose client id is the leg's, not the list's), those its order row was mirrored with."""
    intent = IntentRow.objects.filter(client_order_id=report.client_order_id).first()
    if intent is not None:
        return {"order_intent_id": intent.order_intent_id, "decision_id": intent.decision_id}
    order = Order.objects.filter(symbol=report.symbol, exchange_order_id=report.order_id).exclude(
        order_intent_id="").first()
    if order is not None:
        return {"order_intent_id": order.order_intent_id, "decision_id": order.decision_id}
    leg = report.client_order_id.rpartition("_")[2]
    if leg in ("above", "below"):  # reported before the OCO's answer was mirrored: derive it from the intents
        recent = IntentRow.objects.filter(symbol=report.symbol, kind=IntentKind.PROTECTION_OCO.value
                                          ).order_by("-id")[:_RECENT_OCO_INTENTS]
        oco = _oco_intent_of_leg(recent, leg, report.client_order_id)
        if oco is not None:
            return {"order_intent_id": oco.order_intent_id, "decision_id": oco.decision_id}
    return {}


def _oco_intent_of_leg(intents: Iterable[IntentRow], leg: str, client_order_id: str) -> IntentRow | None:
    """Return the OCO intent among `intents` whose `leg` ("above" / "below") has that client id."""
    return next((r for r in intents if client_order_id_for(r.order_intent_id, leg) == client_order_id), None)
