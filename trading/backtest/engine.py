"""The backtest engine: candles -> state -> strategy -> risk -> intents -> the simulator's matching
-> fills -> position and exchange-side protection -> audit, under a simulated clock.

Per candle only floats move: the EMA-cross trigger (trigger.py) and, while a position is open,
the protection legs' prices against the candle's low/high. Everything else runs only when
something can happen, with the live code:
- a possible signal (the trigger fired) -> the strategy's own `propose` on a view of the candles
  up to this one (view.py), the AI gate's pass-through and the risk engine
  (`run_decision_pipeline`), all at the candle's close time;
- an approved ENTRY -> OrderIntent -> `plans.order_request` -> the adapter's wire params ->
  SimEngine -> fills (executionReports) -> `PositionMath`; then the protection OCO
  (take profit above, stop below) rests in the simulator;
- a candle reaching a leg -> the simulator's market moves through that candle's path (low first,
  the reference's stop-first rule; the open when it gapped through) and the leg fills there;
- an approved EXIT -> one cancel-replace: the OCO goes, the market sell fills at the close.

A strategy without a trigger runs its full pipeline on every candle (correct, slower).
No look-ahead: at candle i the view, the risk context and the simulator's market are built from
candles 0..i only; candle i's low/high are used only for the intra-candle protection path.
"""
from __future__ import annotations

import gc
import hashlib
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from decimal import ROUND_HALF_EVEN, Decimal

from trading.backtest.audit import AuditSink
from trading.backtest.data import Series
from trading.backtest.trigger import EmaTrigger, trigger_for
from trading.backtest.venue import SimVenue
from trading.backtest.view import window_view
from trading.domain.catalog.events import AuditEventType as E
from trading.domain.catalog.panel import SysMode
from trading.domain.catalog.reasons import ReasonCode
from trading.domain.clock import ManualClock
from trading.domain.config.model import TraderConfig
from trading.domain.contracts import IntentKind, OrderIntent, OrderType, Side
from trading.domain.contracts.decision import Decision, DecisionIntent
from trading.domain.contracts.quantize import quantize_qty
from trading.domain.pipeline import CycleResult, run_decision_pipeline
from trading.domain.ports import ExecutionReport, OcoLeg, OcoRequest
from trading.domain.risk.context import ClosedTrade, MarketQuote, RiskContext
from trading.domain.risk.engine import RiskEngine
from trading.domain.strategy.base import OpenPosition, StrategyInput
from trading.domain.strategy.registry import build_strategy
from trading.execution import plans
from trading.execution.pnl import PositionMath, fee_in_quote
from trading.exchange.sim.engine import BinanceApiError
from trading.report.records import TradeRecord

R = ReasonCode
DAY_MS = 86_400_000
Q8 = Decimal("1e-8")
END_OF_DATA = R.ENTER_EXIT  # the run ends: a position still open is closed at the last close


class BacktestError(RuntimeError):
    """The simulator did not do what the rules require (an engine bug, never a market outcome)."""


@dataclass
class Holding:
    """The open round trip between its entry fills and its exit fills."""

    decision_id: str
    entry_index: int
    entry_ts_ms: int
    bought_qty: Decimal
    entry_quote: Decimal
    fees_quote: Decimal
    stop: Decimal
    target: Decimal
    leg_order_id: int | None  # a leg of the resting OCO (cancel-replace on it removes the list); None:
    # the OCO was refused, the engine watches the stop and target and sells at market (live: the local guard)
    stop_f: float
    target_f: float
    high: float
    low: float


@dataclass
class BacktestResult:
    """What a run did; `trades` feed the report, `audit` holds every order-path event."""

    series: Series
    run_id: str
    start_quote: Decimal
    final_quote: Decimal  # USDT balance at the end (the simulator's, checked against the ledger)
    final_base: Decimal  # base asset left (dust below one lot step)
    trades: list[TradeRecord]
    audit: AuditSink
    candles: int
    decisions: int = 0
    no_trades: Counter[str] = field(default_factory=Counter)
    risk_blocks: Counter[str] = field(default_factory=Counter)
    trigger_mismatches: int = 0  # the trigger fired but the strategy saw no signal (float noise)
    unaffordable_signals: int = 0  # crosses up while the stake was below the minimum notional
    alerts: Counter[str] = field(default_factory=Counter)
    unfilled_entries: int = 0  # LIMIT entries not marketable at the close (cancelled at once)
    stuck_positions: int = 0  # exits the exchange refused (below its minimums): the base stays as dust
    decision_log: list[tuple[int, str, str]] = field(default_factory=list)  # (index, intent/NO_TRADE, id)

    @property
    def last_close(self) -> Decimal:
        return Decimal(repr(self.series.close[-1]))

    @property
    def final_equity(self) -> Decimal:
        return self.final_quote + self.final_base * self.last_close


def run_id_for(series: Series, config: TraderConfig, seed: int) -> str:
    """Return a run id derived from the data, the config and the seed: reruns share it."""
    text = f"{series.digest}:{config.config_hash}:{seed}"
    return "bt-" + hashlib.sha256(text.encode()).hexdigest()[:16]


class Backtest:
    """One run over one series; call `run()` once."""

    def __init__(self, series: Series, config: TraderConfig, *, start_quote: Decimal = Decimal(10_000),
                 window: int = 500, seed: int = 0, audit: bool = True,
                 progress: Callable[[int, int], None] | None = None, base: str | None = None,
                 quote: str = "USDT", run_id: str | None = None) -> None:
        if len(series) < 2:
            raise ValueError("a backtest needs at least two candles")
        self.s, self.cfg, self.window = series, config, window
        self.start_quote = start_quote
        self.run_id = run_id or run_id_for(series, config, seed)
        self.strategy = build_strategy(config.strategy)
        self.params = dict(config.strategy.params)
        self.risk = RiskEngine.from_config(config.risk)
        self.quote = quote
        self.base = base or (series.symbol[: -len(quote)] if series.symbol.endswith(quote) else series.symbol)
        self.clock = ManualClock(series.open_time[0])
        self.venue = SimVenue(series.symbol, self.base, quote, start_quote, self.clock)
        self.filters = self.venue.filters
        self.audit = AuditSink(self.run_id, enabled=audit)
        self.progress = progress
        self.pos = PositionMath()
        self.cash = start_quote  # USDT by our own fills; reconciled with the simulator at the end
        self.peak = start_quote
        self.holding: Holding | None = None
        self.trades: list[TradeRecord] = []
        self.closed: deque[ClosedTrade] = deque(maxlen=64)
        self.result = BacktestResult(series, self.run_id, start_quote, start_quote, Decimal(0), self.trades,
                                     self.audit, len(series))

    # -- the loop ---------------------------------------------------------------------------------

    def run(self) -> BacktestResult:
        """Run every candle; return the result (the simulator's balances checked against the ledger)."""
        trig = trigger_for(self.cfg.strategy.name, self.params)
        # The run makes few reference cycles; the collector's passes over every live object
        # would cost more than the loop itself, so it waits until the end.
        collecting = gc.isenabled()
        gc.disable()
        try:
            if trig is None:
                self._run_every_candle()
            else:
                self._run_triggered(trig)
            self._finish()
        finally:
            if collecting:
                gc.enable()
        return self.result

    def _run_triggered(self, trig: EmaTrigger) -> None:
        s = self.s
        closes, lows, highs, n = s.close, s.low, s.high, len(s)
        af, aslow = trig.alpha_fast, trig.alpha_slow
        fast = slow = closes[0]
        first = min(max(trig.first_index, 1), n)
        for i in range(1, first):  # warm-up: the averages only
            c = closes[i]
            fast += af * (c - fast)
            slow += aslow * (c - slow)
        i = first
        min_notional = self.filters.min_notional if self.filters.apply_min_to_market else Decimal(0)
        stake = trig.stake
        step = max(n // 100, 1)
        next_tick = i + step
        progress = self.progress
        while i < n:
            if progress is not None and i >= next_tick:
                progress(i, n)
                next_tick = i + step
            h = self.holding
            if h is None:
                # Flat: only a cross up can do anything.
                stop_at = min(n, next_tick) if progress is not None else n
                while i < stop_at:
                    c = closes[i]
                    pf, ps = fast, slow
                    fast += af * (c - fast)
                    slow += aslow * (c - slow)
                    if fast > slow and pf <= ps:
                        break
                    i += 1
                else:
                    continue
                if self.cash * stake < min_notional:
                    self.result.unaffordable_signals += 1
                else:
                    self._signal(i)
                i += 1
                continue
            # In position: a protection leg inside the candle, or a cross down at its close.
            stop_f, target_f, hi_max, lo_min = h.stop_f, h.target_f, h.high, h.low
            hit = False
            cross = False
            while i < n:
                lo = lows[i]
                hi = highs[i]
                if lo <= stop_f or hi >= target_f:
                    hit = True
                    break
                if hi > hi_max:
                    hi_max = hi
                if lo < lo_min:
                    lo_min = lo
                c = closes[i]
                pf, ps = fast, slow
                fast += af * (c - fast)
                slow += aslow * (c - slow)
                if fast < slow and pf >= ps:
                    cross = True
                    break
                i += 1
            h.high, h.low = hi_max, lo_min
            if i >= n:
                break
            if hit:
                self._protection(i)
                c = closes[i]  # the rest of the candle: its close may cross up (a new entry)
                pf, ps = fast, slow
                fast += af * (c - fast)
                slow += aslow * (c - slow)
                if self.holding is None and fast > slow and pf <= ps:
                    self._signal(i)
                elif self.holding is not None and fast < slow and pf >= ps:
                    self._signal(i)
            elif cross:
                self._signal(i)
            i += 1

    def _run_every_candle(self) -> None:
        s, n = self.s, len(self.s)
        step = max(n // 100, 1)
        for i in range(1, n):
            if self.progress is not None and i % step == 0:
                self.progress(i, n)
            h = self.holding
            if h is not None:
                lo, hi = s.low[i], s.high[i]
                if lo <= h.stop_f or hi >= h.target_f:
                    self._protection(i)
                else:
                    h.high, h.low = max(h.high, hi), min(h.low, lo)
            self._signal(i)

    # -- the decision path ---------------------------------------------------------------------------

    def close_ts(self, i: int) -> int:
        """Return candle i's close time (Binance: open + interval - 1 ms): when its decision is made."""
        return self.s.open_time[i] + self.s.interval_ms - 1

    def _signal(self, i: int) -> None:
        ts = self.close_ts(i)
        close = Decimal(repr(self.s.close[i]))
        result = self._decide(i, ts, close)
        self.result.decisions += 1
        proposal = result.proposal
        if proposal.decision is None:
            reasons = proposal.reasons
            for r in reasons:
                self.result.no_trades[r.value] += 1
            if R.NO_SIGNAL in reasons:
                self.result.trigger_mismatches += 1
            self.result.decision_log.append((i, "NO_TRADE", ",".join(r.value for r in reasons)))
            return
        d = proposal.decision
        self.result.decision_log.append((i, d.intent.value, d.decision_id))
        self.audit.emit(ts, E.DECISION_PROPOSED, d.decision_id, intent=d.intent, reasons=d.reason_codes,
                        strategy=d.strategy, index=i)
        verdict = result.verdict
        assert verdict is not None
        self.audit.emit(ts, E.RISK_VERDICT, d.decision_id, outcome=verdict.outcome, reasons=verdict.reasons)
        approved = result.approved_decision
        if approved is None:
            for r in verdict.reasons:
                self.result.risk_blocks[r.value] += 1
            return
        self.venue.touch(close, ts)  # the simulator's market at this candle's close
        if approved.intent is DecisionIntent.ENTRY:
            self._enter(approved, i, ts)
        elif approved.intent is DecisionIntent.EXIT and self.holding is not None:
            self._exit_market(i, ts, approved.decision_id, approved.exit_plan.close_qty if approved.exit_plan else None,
                              R.SIGNAL_EMA_CROSS_DOWN if R.SIGNAL_EMA_CROSS_DOWN in approved.reason_codes
                              else approved.reason_codes[0])

    def _decide(self, i: int, ts: int, close: Decimal) -> CycleResult:
        h = self.holding
        position = None
        positions: dict[str, OpenPosition] = {}
        if h is not None:
            position = OpenPosition(self.s.symbol, self.pos.qty, self.pos.avg_entry, h.entry_ts_ms)
            positions[self.s.symbol] = position
        equity = self.cash + self.pos.qty * close
        self.peak = max(self.peak, equity)
        view = window_view(self.s, i, self.window, ts)
        inp = StrategyInput(self.run_id, f"{self.run_id}-c{i}", f"{self.run_id}-s{i}", ts, view, self.filters,
                            self.params, self.cfg.risk, self.cfg.execution, equity, self.cash, position)
        day_start = ts - ts % DAY_MS
        today = [t for t in self.closed if t.closed_ms >= day_start]
        realized = sum((t.pnl_quote for t in today), Decimal(0))
        unrealized = self.pos.unrealized(close) if h is not None else Decimal(0)
        ctx = RiskContext(ts, SysMode.NORMAL, equity, self.cash, self.peak, realized, unrealized, positions,
                          tuple(t for t in self.closed if t.closed_ms >= ts - DAY_MS),
                          {self.s.symbol: MarketQuote(close, close, ts)})
        return run_decision_pipeline(self.strategy, inp, self.risk, ctx)

    # -- orders ------------------------------------------------------------------------------------

    def _enter(self, d: Decision, i: int, ts: int) -> None:
        plan, exit_plan = d.entry_plan, d.exit_plan
        assert plan is not None and exit_plan is not None
        limit: dict[str, Any] = {} if plan.order_type.value == "MARKET" else {"price": plan.price}
        intent = OrderIntent.new(decision_id=d.decision_id, kind=IntentKind.ENTRY, symbol=d.symbol, side=Side.BUY,
                                 order_type=OrderType(plan.order_type.value), qty=plan.qty, ts_ms=ts, **limit)
        self._submit_audit(ts, intent)
        state = self.venue.place(plans.order_request(intent))
        self.audit.emit(ts, E.ORDER_UPDATE, d.decision_id, client_order_id=state.client_order_id,
                        order_id=state.order_id, status=state.status)
        fills = self.venue.drain_fills()
        if not fills:
            if not limit:
                raise BacktestError(f"market entry {intent.client_order_id} at candle {i} did not fill")
            # A LIMIT entry below the close does not fill at the close; the backtest keeps no resting
            # entries (the reference strategy enters at market): it is cancelled at once.
            self.venue.cancel(state.order_id)
            self.venue.drain_fills()
            self.result.unfilled_entries += 1
            return
        entry_quote = fees = Decimal(0)
        bought = Decimal(0)
        for f in fills:
            self._fill_audit(ts, d.decision_id, f)
            self.pos = self.pos.buy(f.last_price, f.last_qty, f.commission, f.commission_asset or "", self.base,
                                    self.quote)
            self.cash -= f.last_price * f.last_qty + (f.commission if f.commission_asset == self.quote else 0)
            entry_quote += f.last_price * f.last_qty
            bought += f.last_qty
            fees += fee_in_quote(f.last_price, f.commission, f.commission_asset or "", self.base, self.quote)
        sell_qty = quantize_qty(self.pos.qty, self.filters)
        oco = OrderIntent.new(decision_id=d.decision_id, kind=IntentKind.PROTECTION_OCO, symbol=d.symbol,
                              side=Side.SELL, order_type=OrderType.OCO, qty=sell_qty, ts_ms=ts,
                              price=exit_plan.take_profit_price, stop_price=exit_plan.stop_price,
                              stop_limit_price=exit_plan.stop_limit_price)
        self._submit_audit(ts, oco)
        leg: int | None = None
        try:
            listed = self.venue.place_oco(market_oco_request(oco))
            leg = listed.orders[0].order_id
            self.audit.emit(ts, E.ORDER_UPDATE, d.decision_id, client_order_id=oco.client_order_id,
                            order_list_id=listed.order_list_id, status=listed.list_order_status)
        except BinanceApiError as err:  # e.g. NOTIONAL: the fee left too little to protect
            self._alert(ts, d.decision_id, R.PROTECTION_MISSING, f"{err.code}: {err.msg}")
        price = float(fills[-1].last_price)
        self.holding = Holding(d.decision_id, i, ts, bought, entry_quote, fees, exit_plan.stop_price,
                               exit_plan.take_profit_price, leg, float(exit_plan.stop_price),
                               float(exit_plan.take_profit_price), price, price)
        self.audit.emit(ts, E.POSITION_UPDATE, d.decision_id, state="OPEN", qty=self.pos.qty,
                        avg_entry=self.pos.avg_entry, stop=exit_plan.stop_price, target=exit_plan.take_profit_price)

    def _protection(self, i: int) -> None:
        """Candle i reaches a resting leg: walk the simulator's market along the reference's path."""
        h = self.holding
        assert h is not None
        s = self.s
        o = s.open[i]
        if s.low[i] <= h.stop_f:  # stop first; at the open if the candle opened through it
            gap = o <= h.stop_f
            price = Decimal(repr(o)) if gap else h.stop
            h.low = min(h.low, float(price))
        else:
            gap = o >= h.target_f
            price = Decimal(repr(o)) if gap else h.target
            h.high = max(h.high, float(price))
        ts = s.open_time[i] if gap else s.open_time[i] + s.interval_ms // 2
        self.venue.touch(price, ts)
        if h.leg_order_id is None:  # unprotected: the engine's guard sells at market at that price
            stop_hit = price <= h.stop
            self._exit_market(i, ts, h.decision_id, None,
                              R.PROTECTION_SWAP_GUARD_FIRED if stop_hit else R.TAKE_PROFIT_HIT)
            return
        fills = self.venue.drain_fills()
        if not fills:
            raise BacktestError(f"candle {i}: the market reached {price} but no protection leg filled")
        reason = plans.leg_exit_reason(fills[0].client_order_id) or R.STOP_LOSS_HIT
        self._close_trade(i, ts, fills, reason)

    def _exit_market(self, i: int, ts: int, decision_id: str, qty: Decimal | None, reason: ReasonCode) -> None:
        h = self.holding
        assert h is not None
        close_qty = qty if qty is not None else quantize_qty(self.pos.qty, self.filters, market=True)
        intent = OrderIntent.new(decision_id=decision_id, kind=IntentKind.EXIT_MARKET, symbol=self.s.symbol,
                                 side=Side.SELL, order_type=OrderType.MARKET, qty=close_qty, ts_ms=ts, reason=reason)
        self._submit_audit(ts, intent)
        try:
            if h.leg_order_id is None:
                state = self.venue.place(plans.order_request(intent))
            else:
                state = self.venue.cancel_replace(h.leg_order_id, plans.order_request(intent))
        except BinanceApiError as err:  # below the exchange's minimums: nothing can sell it
            self._alert(ts, decision_id, R.NOTIONAL_BELOW_MINIMUM, f"{err.code}: {err.msg}")
            self.result.stuck_positions += 1
            self.holding = None
            return
        self.audit.emit(ts, E.ORDER_UPDATE, decision_id, client_order_id=state.client_order_id,
                        order_id=state.order_id, status=state.status)
        fills = self.venue.drain_fills()
        if not fills:
            raise BacktestError(f"exit {intent.client_order_id} at candle {i} did not fill: {state.status}")
        self._close_trade(i, ts, fills, reason)

    def _close_trade(self, i: int, ts: int, fills: list[ExecutionReport], reason: ReasonCode) -> None:
        h = self.holding
        assert h is not None
        before = self.pos.realized
        exit_quote = exit_qty = fees = Decimal(0)
        for f in fills:
            self._fill_audit(ts, h.decision_id, f)
            self.pos = self.pos.sell(f.last_price, f.last_qty, f.commission, f.commission_asset or "", self.base,
                                     self.quote)
            gain = f.last_price * f.last_qty
            self.cash += gain - (f.commission if f.commission_asset == self.quote else 0)
            exit_quote += gain
            exit_qty += f.last_qty
            fees += fee_in_quote(f.last_price, f.commission, f.commission_asset or "", self.base, self.quote)
        net = self.pos.realized - before
        total_fees = (h.fees_quote + fees).quantize(Q8)
        entry_price = (h.entry_quote / h.bought_qty).quantize(Q8)
        exit_price = (exit_quote / exit_qty).quantize(Q8)
        ef = float(entry_price)
        trade = TradeRecord(
            symbol=self.s.symbol, entry_ts_ms=h.entry_ts_ms, exit_ts_ms=ts, qty=h.bought_qty, entry_price=entry_price,
            exit_price=exit_price, fees_quote=total_fees, gross_pnl_quote=net + total_fees, net_pnl_quote=net,
            exit_reason=reason.value, decision_id=h.decision_id,
            mfe_bps=_bps(max(h.high, ef) - ef, ef), mae_bps=_bps(ef - min(h.low, ef), ef))
        self.trades.append(trade)
        self.closed.append(ClosedTrade(self.s.symbol, h.entry_ts_ms, ts, net))
        self.audit.emit(ts, E.POSITION_UPDATE, h.decision_id, state="CLOSED", exit_reason=reason, net_pnl_quote=net,
                        qty_left=self.pos.qty)
        self.holding = None
        self.peak = max(self.peak, self.cash + self.pos.qty * Decimal(repr(self.s.close[i])))

    def _finish(self) -> None:
        n = len(self.s)
        if self.holding is not None:
            i = n - 1
            ts = self.close_ts(i)
            self.venue.touch(Decimal(repr(self.s.close[i])), ts)
            self._exit_market(i, ts, self.holding.decision_id, None, END_OF_DATA)
        if self.progress is not None:
            self.progress(n, n)
        balances = self.venue.balances()
        free_q, locked_q = balances.get(self.quote, (Decimal(0), Decimal(0)))
        free_b, locked_b = balances.get(self.base, (Decimal(0), Decimal(0)))
        if locked_q or locked_b:
            raise BacktestError(f"funds still locked at the end: {locked_q} {self.quote}, {locked_b} {self.base}")
        if free_q != self.cash or free_b != self.pos.qty:
            raise BacktestError(f"ledger and simulator disagree: {self.cash} vs {free_q} {self.quote}, "
                                f"{self.pos.qty} vs {free_b} {self.base}")
        self.result.final_quote, self.result.final_base = free_q, free_b

    # -- audit helpers -----------------------------------------------------------------------------

    def _alert(self, ts: int, decision_id: str, reason: ReasonCode, detail: str) -> None:
        self.result.alerts[reason.value] += 1
        self.audit.emit(ts, E.ALERT_RAISED, decision_id, reason=reason, detail=detail)

    def _submit_audit(self, ts: int, intent: OrderIntent) -> None:
        self.audit.emit(ts, E.ORDER_SUBMIT, intent.decision_id, kind=intent.kind,
                        client_order_id=intent.client_order_id, order_type=intent.order_type, side=intent.side,
                        qty=intent.qty, price=intent.price, stop_price=intent.stop_price)

    def _fill_audit(self, ts: int, decision_id: str, f: ExecutionReport) -> None:
        self.audit.emit(ts, E.FILL, decision_id, client_order_id=f.client_order_id, trade_id=f.trade_id,
                        side=f.side, price=f.last_price, qty=f.last_qty, commission=f.commission,
                        commission_asset=f.commission_asset)


def market_oco_request(intent: OrderIntent) -> OcoRequest:
    """Return the SELL OCO of a PROTECTION_OCO intent with market legs: TAKE_PROFIT above at the
    target, STOP_LOSS below at the stop.

    The reference rules fill a stop or target at its price, or at the open when the candle gapped
    through it: a market leg triggered by that price does exactly that. (Live protection rests a
    LIMIT_MAKER and a STOP_LOSS_LIMIT, `plans.oco_request`; the leg ids are the same.)
    """
    assert intent.price is not None and intent.stop_price is not None
    above = OcoLeg(OrderType.TAKE_PROFIT, stop_price=intent.price, client_order_id=intent.leg_client_order_id("above"))
    below = OcoLeg(OrderType.STOP_LOSS, stop_price=intent.stop_price,
                   client_order_id=intent.leg_client_order_id("below"))
    return OcoRequest(intent.symbol, intent.side, intent.qty, intent.client_order_id, above=above, below=below)


def _bps(num: float, den: float) -> int:
    return int(Decimal(repr(num / den * 10_000)).quantize(Decimal(1), rounding=ROUND_HALF_EVEN)) if den else 0


def run_backtest(series: Series, config: TraderConfig, **kw: object) -> BacktestResult:
    """Return the result of one backtest of `config`'s strategy over `series` (see `Backtest`)."""
    return Backtest(series, config, **kw).run()  # type: ignore[arg-type]
