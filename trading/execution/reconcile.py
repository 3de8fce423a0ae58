"""Reconciler: REST is the final truth (design §7, §4 RECONCILE_REST).

Steps of `run`:
1. sync: every order the database thinks open but the exchange does not list is queried by
   client id and mirrored (it filled or was cancelled while we were not looking);
2. backfill: recent trades of the tracked symbols missing from `fills` are recorded (dedup),
   which also brings positions up to date; each symbol with missing trades is a FILL_MISSING diff;
3. diff balances, open orders and protection (`drift.find_diffs`), score with the configured
   thresholds, write the run and its diffs, and on WARN/BAD alert (BAD also DEGRADEs).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal

from trading.domain.config.sections import ReconcileSection
from trading.domain.ports import Balance, ExchangeError, OrderNotFound
from trading.execution import drift
from trading.execution.executor import Executor
from trading.execution.pnl import split_symbol
from trading.models import Order, ReconcileRun
from trading.models import OrderIntent as IntentRow
from trading.models.choices import ReconcileTrigger
from trading.services import TradeFill, known_trade_ids, open_order_rows, open_positions, record_fill, upsert_order
from trading.services.reconcile import record_reconcile_run
from trading.services.sysmode_glue import on_drift

RECENT_TRADES = 50


class Reconciler:
    """The worker calls `run(trigger, symbols)` at boot, periodically and after critical actions."""

    def __init__(self, executor: Executor, config: ReconcileSection | None = None, *,
                 quote_asset: str = "USDT") -> None:
        self.ex, self.ctx, self.exchange = executor, executor.ctx, executor.exchange
        self.config = config or ReconcileSection()
        self.quote_asset = quote_asset

    def run(self, trigger: ReconcileTrigger, symbols: Iterable[str] = ()) -> ReconcileRun:
        """Compare the exchange with the database; return the recorded run (see module steps)."""
        started = self.ctx.now_ms()
        tracked = frozenset(symbols) | {p.symbol for p in open_positions(self.ctx.mode)}
        ex_orders = self.exchange.open_orders()
        self._sync_orders({o.client_order_id for o in ex_orders})
        fill_diffs = [d for s in sorted(tracked) if (d := self._backfill(s)) is not None]
        account = self.exchange.account()
        ex_orders = self.exchange.open_orders()
        views = drift.Views(
            db_open_orders={o.client_order_id: o.symbol for o in open_order_rows()},
            db_known_client_ids=frozenset(Order.objects.values_list("client_order_id", flat=True)),
            db_positions=[drift.DbPosition(p.symbol, p.qty) for p in open_positions(self.ctx.mode)],
            ex_open_orders=[drift.ExOrder(o.symbol, o.client_order_id, o.side.value if o.side else "",
                                          o.type.value if o.type else "", o.orig_qty, o.order_list_id)
                            for o in ex_orders],
            ex_balances={a: b.free + b.locked for a, b in account.balances.items()},
            tracked_symbols=tracked,
            dust_qty={s: self.ex.instruments.dust_qty(s) for s in tracked},
            unresolved_intents=dict(IntentRow.objects.filter(state="SENT_UNKNOWN")
                                    .values_list("order_intent_id", "symbol")))
        diffs = [*fill_diffs, *drift.find_diffs(views)]
        score = drift.score(diffs, self.config.drift_warn_x10000, self.config.drift_bad_x10000)
        counts = {"orders": len(ex_orders), "balances": len(account.balances), "positions": len(views.db_positions),
                  "symbols": len(tracked)}
        run = record_reconcile_run(self.ctx, trigger, started, score, diffs, counts,
                                   capital_quote=self._capital(account.balances))
        on_drift(self.ctx, score.label, score.score_x10000, len(diffs))
        return run

    def _capital(self, balances: Mapping[str, Balance]) -> Decimal:
        """Return the quote asset (free + locked) plus the open positions quoted in it, at cost."""
        quote = balances.get(self.quote_asset)
        held = quote.free + quote.locked if quote is not None else Decimal(0)
        return held + sum((p.qty * p.avg_entry_price for p in open_positions(self.ctx.mode)
                           if split_symbol(p.symbol)[1] == self.quote_asset), Decimal(0))

    def _sync_orders(self, listed: set[str]) -> None:
        for row in open_order_rows():
            if row.client_order_id in listed:
                continue
            try:
                state = self.exchange.get_order(row.symbol, row.client_order_id)
            except OrderNotFound:
                continue  # stays open in the database: reported as ORDER_MISSING
            except ExchangeError:
                continue
            upsert_order(self.ctx, state)

    def _backfill(self, symbol: str) -> drift.Diff | None:
        known = known_trade_ids(symbol)
        missing = [t for t in self.exchange.my_trades(symbol, limit=RECENT_TRADES) if t.trade_id not in known]
        for t in missing:
            order = Order.objects.filter(symbol=symbol, exchange_order_id=t.order_id).first()
            ids = {"order_intent_id": order.order_intent_id, "decision_id": order.decision_id} if order else {}
            record_fill(self.ctx, TradeFill.from_trade(t, order.client_order_id if order else "", **ids),
                        dust_qty=self.ex.instruments.dust_qty(symbol, t.price))
        return drift.fill_missing(symbol, [t.trade_id for t in missing]) if missing else None


def base_balance(balances: dict[str, Decimal], symbol: str) -> Decimal:
    """Return free + locked of the symbol's base asset in an `{asset: total}` map."""
    return balances.get(split_symbol(symbol)[0], Decimal(0))
