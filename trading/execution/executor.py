"""Executor: write-ahead intents, deterministic client ids, send, classify by the typed error.

Steps of `submit` (design §7):
1. commit the CREATED intent and wait for its ORDER_SUBMIT audit event (write-ahead);
2. send the request, addressed by the client order id derived from the intent;
3. CONFIRMED on an answer; FAILED_TERMINAL when the exchange refused (nothing executed);
   SENT_UNKNOWN when it may have executed (timeout, 5xx, -1007), to be resolved by
   `resolve_unknown_intents` (see `resolution.py`); 429/418 also close the entry gate,
   alert and degrade.
Orders and fills in the answer are mirrored at once, so protection starts from the first fill.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from trading.domain.catalog import IntentState, ReasonCode, Severity, StageName
from trading.domain.contracts import IntentKind, OrderIntent, OrderType, Side
from trading.domain.ports import (
    Exchange,
    ExchangeError,
    ExchangeRejected,
    ExecutionUnknown,
    OrderListState,
    OrderNotFound,
    OrderState,
    RateLimited,
)
from trading.execution import crashpoints, plans, resolution
from trading.execution.instruments import Instruments
from trading.execution.throttle import SendGate
from trading.models import OrderIntent as IntentRow
from trading.services import (
    FillOutcome,
    ServiceContext,
    TradeFill,
    create_intent,
    record_fill,
    transition_intent,
    upsert_order,
)
from trading.services.sysmode_glue import on_rate_limited, on_sent_unknown


FILTER_FAILURE = -1013  # "Filter failure: PRICE_FILTER" and the other symbol filters


class EntriesBlocked(RuntimeError):
    """The entry gate is closed after a 429/418; no intent was written."""


@dataclass(frozen=True)
class SubmitOutcome:
    intent: IntentRow
    state: IntentState
    order: OrderState | None = None
    order_list: OrderListState | None = None
    fills: tuple[FillOutcome, ...] = ()
    error: ExchangeError | None = None
    extra_intents: tuple[IntentRow, ...] = field(default=())


class Executor:
    """Sends intents to the exchange; the worker calls `submit*`, `resolve_unknown_intents`, `expire_entries`."""

    def __init__(self, exchange: Exchange, ctx: ServiceContext, instruments: Instruments, *,
                 gate: SendGate | None = None) -> None:
        self.exchange, self.ctx, self.instruments = exchange, ctx, instruments
        self.gate = gate or SendGate()

    # -- sending ----------------------------------------------------------------------------

    def submit(self, intent: OrderIntent, *, summary: str = "", trailing_delta_bps: int | None = None,
               exit_reason: ReasonCode | None = None) -> SubmitOutcome:
        """Write ahead, send one order or OCO, and return what became of the intent."""
        self._check_gate(intent)
        extra = {"oco_trailing_delta_bps": trailing_delta_bps} if trailing_delta_bps else None
        row = create_intent(self.ctx, intent, summary=summary, extra=extra)
        if row.state != IntentState.CREATED.value:
            return SubmitOutcome(row, IntentState(row.state))  # an earlier attempt already ran
        if intent.order_type is OrderType.OCO:
            return self._send(row, lambda: self.exchange.place_oco(plans.oco_request(intent, trailing_delta_bps)))
        return self._send(row, lambda: self.exchange.place_order(plans.order_request(intent)),
                          exit_reason=exit_reason)

    def submit_otoco(self, entry: OrderIntent, oco: OrderIntent, *, summary: str = "",
                     trailing_delta_bps: int | None = None) -> SubmitOutcome:
        """Write both intents ahead, send one OTOCO: the entry carries its own TP/SL pair."""
        self._check_gate(entry)
        row = create_intent(self.ctx, entry, summary=summary)
        oco_row = create_intent(self.ctx, oco, summary=f"OTOCO pending pair of {entry.order_intent_id}",
                                extra={"otoco_entry": entry.order_intent_id,
                                       "oco_trailing_delta_bps": trailing_delta_bps})
        if row.state != IntentState.CREATED.value:
            return SubmitOutcome(row, IntentState(row.state), extra_intents=(oco_row,))
        request = plans.otoco_request(entry, oco, trailing_delta_bps)
        out = self._send(row, lambda: self.exchange.place_otoco(request), also=(oco_row,))
        return SubmitOutcome(out.intent, out.state, out.order, out.order_list, out.fills, out.error, (oco_row,))

    def cancel(self, target: IntentRow, reason: ReasonCode) -> SubmitOutcome:
        """Cancel the order (or order list) of `target` through a write-ahead CANCEL intent.

        The cancel's ids derive from the target intent's id, so each target has exactly one
        cancel and a retry after a crash finds it instead of writing a second one.
        """
        ts = max(self.ctx.now_ms(), target.updated_ts_ms)
        intent = OrderIntent.new(decision_id=target.order_intent_id, kind=IntentKind.CANCEL,
                                 symbol=target.symbol, side=Side(target.side), order_type=OrderType(target.order_type),
                                 qty=target.qty, ts_ms=ts, attempt=target.attempt,
                                 target_client_order_id=target.client_order_id, reason=reason)
        row = create_intent(self.ctx, intent, summary=f"cancel {target.kind} ({reason.value})")
        if row.state != IntentState.CREATED.value:
            return SubmitOutcome(row, IntentState(row.state))
        if target.order_type == OrderType.OCO.value:
            return self._send(row, lambda: self.exchange.cancel_order_list(target.symbol, target.client_order_id))
        return self._send(row, lambda: self.exchange.cancel_order(target.symbol, target.client_order_id))

    # -- worker steps (each returns True when it did work) ----------------------------------

    def recover_created_intents(self) -> int:
        """At boot, before anything is sent: CREATED leftovers become SENT_UNKNOWN; return how many."""
        return resolution.recover_created_intents(self)

    def resolve_unknown_intents(self) -> bool:
        """Resolve SENT_UNKNOWN intents by client order id; True if any was resolved."""
        return resolution.resolve_unknown_intents(self)

    def expire_entries(self) -> bool:
        """Cancel entry orders past their TTL (ENTRY_TTL_EXPIRED); True if any was."""
        return resolution.expire_entries(self)

    # -- internals ------------------------------------------------------------------------

    def _check_gate(self, intent: OrderIntent) -> None:
        if intent.kind is IntentKind.ENTRY and not self.gate.allows_entries(self.ctx.now_ms()):
            raise EntriesBlocked(f"entries blocked until {self.gate.blocked_until_ms} after a rate limit")

    def _send(self, row: IntentRow, call: Callable[[], OrderState | OrderListState], *,
              also: tuple[IntentRow, ...] = (), exit_reason: ReasonCode | None = None) -> SubmitOutcome:
        crashpoints.hit("intent_written")
        try:
            answer = call()
        except ExecutionUnknown as err:
            for r in (row, *also):
                transition_intent(self.ctx, r, IntentState.SENT_UNKNOWN, ReasonCode.INTENT_SENT_UNKNOWN,
                                  last_error=f"{type(err).__name__}: {err.detail}")
            on_sent_unknown(self.ctx, row.symbol, row.order_intent_id, err.detail)
            return SubmitOutcome(row, IntentState.SENT_UNKNOWN, error=err)
        except ExchangeRejected as err:
            if isinstance(err, OrderNotFound) and row.kind == IntentKind.CANCEL.value:
                return self._cancel_found_nothing(row, err)
            if err.code == FILTER_FAILURE:
                self._filters_maybe_changed(row.symbol, f"{err.code}: {err.msg}")
            if err.reason is ReasonCode.SYMBOL_NOT_TRADING:
                self._symbol_not_trading(row.symbol, f"{err.code}: {err.msg}")
            if err.is_duplicate:
                # Our id is already on an open order: it is this intent's own earlier send.
                for r in (row, *also):
                    transition_intent(self.ctx, r, IntentState.SENT_UNKNOWN, ReasonCode.DUPLICATE_CLIENT_ORDER_ID,
                                      last_error=f"{err.code}: {err.msg}")
                return SubmitOutcome(row, IntentState.SENT_UNKNOWN, error=err)
            return self._fail(row, also, err, err.reason, f"{err.code}: {err.msg}")
        except RateLimited as err:
            self.gate.block(self.ctx.now_ms() + err.retry_after_ms)
            on_rate_limited(self.ctx, err, symbol=row.symbol)
            return self._fail(row, also, err, err.reason, str(err))
        except ExchangeError as err:  # unavailable (not sent), clock skew: nothing executed
            return self._fail(row, also, err, err.reason, f"{type(err).__name__}: {err}")
        crashpoints.hit("order_sent")
        for r in (row, *also):
            transition_intent(self.ctx, r, IntentState.CONFIRMED, ReasonCode.INTENT_CONFIRMED)
        fills = self.mirror(row, answer, exit_reason=exit_reason)
        if isinstance(answer, OrderListState):
            return SubmitOutcome(row, IntentState.CONFIRMED, order_list=answer, fills=fills)
        return SubmitOutcome(row, IntentState.CONFIRMED, order=answer, fills=fills)

    def _filters_maybe_changed(self, symbol: str, detail: str) -> None:
        # A filter failure on an order built from our cached filters: the exchange may have
        # changed them. Re-read them, so the next order is built on the new grid (no loop of
        # rejections), and alert if they did change.
        try:
            changed = self.instruments.refresh_changed(symbol)
        except ExchangeError:
            return
        if changed:
            self.ctx.alert(ReasonCode.FILTERS_HASH_DRIFT, Severity.WARN, f"{symbol} filters changed ({detail})",
                           stage=StageName.EXECUTE_INTENT, symbol=symbol)

    def _symbol_not_trading(self, symbol: str, detail: str) -> None:
        # "Market is closed": the symbol was halted after we last read its status. Risk blocks
        # entries on it from now on (instruments.halted()), instead of one refusal per cycle.
        try:
            self.instruments.refused_not_trading(symbol)
        except ExchangeError:
            pass
        status = self.instruments.status(symbol)
        self.ctx.alert(ReasonCode.SYMBOL_NOT_TRADING, Severity.WARN,
                       f"{symbol} refused an order ({detail}); status {status}: no new entry until it trades",
                       stage=StageName.EXECUTE_INTENT, symbol=symbol)

    def _cancel_found_nothing(self, row: IntentRow, err: OrderNotFound) -> SubmitOutcome:
        """A cancel refused as "unknown order": its target filled or closed first (the TTL race).

        REST says what became of the target. Closed: the cancel has nothing left to do and is
        CONFIRMED (as `resolution` confirms an unknown cancel whose target is closed); the target
        is mirrored with its trades, so a filled entry ends as the fill it is. Otherwise it failed.
        """
        try:
            target = resolution.query_target(self, row)
        except ExchangeError:
            target = None
        if target is None or (isinstance(target, OrderState) and target.is_open):
            return self._fail(row, (), err, err.reason, f"{err.code}: {err.msg}")
        status = target.status.value if isinstance(target, OrderState) and target.status else "closed"
        transition_intent(self.ctx, row, IntentState.CONFIRMED, ReasonCode.INTENT_CONFIRMED,
                          summary=f"nothing to cancel: target already {status}")
        for t in IntentRow.objects.filter(client_order_id=row.target_client_order_id)[:1]:
            resolution.sync_answer(self, t, target)
        return SubmitOutcome(row, IntentState.CONFIRMED, order=target if isinstance(target, OrderState) else None)

    def _fail(self, row: IntentRow, also: tuple[IntentRow, ...], err: ExchangeError, reason: ReasonCode,
              detail: str) -> SubmitOutcome:
        for r in (row, *also):
            transition_intent(self.ctx, r, IntentState.FAILED_TERMINAL, reason, last_error=detail)
        return SubmitOutcome(row, IntentState.FAILED_TERMINAL, error=err)

    def mirror(self, row: IntentRow, answer: OrderState | OrderListState, *,
               exit_reason: ReasonCode | None = None) -> tuple[FillOutcome, ...]:
        """Mirror orders (and fills of a FULL answer) of an answer to `row`'s request; return new fills."""
        states = answer.reports if isinstance(answer, OrderListState) else (answer,)
        outcomes: list[FillOutcome] = []
        for state in states:
            upsert_order(self.ctx, state, order_intent_id=row.order_intent_id, decision_id=row.decision_id)
            if row.kind == IntentKind.CANCEL.value or state.side is None:
                continue
            for f in TradeFill.from_order(state, order_intent_id=row.order_intent_id, decision_id=row.decision_id):
                outcomes.append(record_fill(self.ctx, f, dust_qty=self.instruments.dust_qty(f.symbol, f.price),
                                            exit_reason=exit_reason, stage=StageName.EXECUTE_INTENT))
        return tuple(outcomes)


