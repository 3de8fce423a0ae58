"""TraderCycle: the stages of one trading cycle against the exchange (design §4), one method each.

The worker calls these in order every tick; each returns True when it did work. Scans run on
their schedule (exchange time), the rest every tick:
STARTUP_RECOVER (once) -> UNIVERSE_SCAN -> RANK_TOPN -> DEEP_SCAN -> WATCHLIST_ATTACH ->
STATE_UPDATE -> STRATEGY_PROPOSE -> AIGATE_CALL -> RISK_VERDICT -> EXECUTE_INTENT ->
POSITION_MANAGE -> RECONCILE_REST.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from aigate.payload import snapshot_hash
from audit.runtime import AuditRuntime
from trading.cycle import decisions
from trading.control.flatten import flatten_step
from trading.cycle.market_loop import MarketLoop
from trading.domain.catalog import DriftLabel, ReasonCode, StageName, SysMode
from trading.domain.config import TraderConfig
from trading.domain.contracts.decision import Decision, DecisionIntent
from trading.domain.contracts.ids import cycle_id_for
from trading.domain.pipeline import CycleResult, run_decision_pipeline
from trading.domain.ports import ExchangeError, ExecutionReport, Ticker24h
from trading.domain.risk.context import GatePassThrough, GateView, KillSwitch
from trading.domain.risk.engine import RiskEngine
from trading.domain.stages import DeepScanResult, Finalist, deep_scan, rank_topn, scan_universe
from trading.domain.stages.rank_topn import RankedSymbol
from trading.domain.state.store import MarketView
from trading.domain.strategy.base import StrategyInput
from trading.domain.strategy.baseline import BaselineParams
from trading.domain.strategy.params import read_params
from trading.domain.strategy.registry import build_strategy
from trading.execution.executor import EntriesBlocked, Executor
from trading.execution.instruments import Instruments
from trading.execution.plans import ProtectionPlan
from trading.execution.protection import PositionManager
from trading.execution.reconcile import Reconciler
from trading.execution.recovery import recover_at_boot
from trading.jobs.topn import latest_topn
from trading.models.choices import ReconcileTrigger
from trading.services import ServiceContext, open_position, open_positions
from trading.services.decision_trail import record_decision, record_verdict
from trading.services.reconcile import latest_reconcile_run
from trading.services.sysmode_glue import on_drift
from trading.sysmode import SysModeController

log = logging.getLogger("livespot.trader")
R, S = ReasonCode, StageName
NO_ENTRY = (SysMode.PAUSE, SysMode.DEGRADE, SysMode.EXIT)


@dataclass
class CycleMemory:
    """What one cycle hands the next: finalists, their entry time, protection plans, timers."""

    n: int = -1
    cycle_id: str = ""
    tickers: dict[str, Ticker24h] = field(default_factory=dict)
    deep: DeepScanResult | None = None
    incumbents: dict[str, int] = field(default_factory=dict)
    plans: dict[str, ProtectionPlan] = field(default_factory=dict)
    approved: list[CycleResult] = field(default_factory=list)
    last_scan_ms: int | None = None
    last_reconcile_ms: int = 0
    acted: bool = False
    peak_equity: Decimal = Decimal(0)
    entries: int = 0
    reconcile_run_seen: int = 0


class TraderCycle:
    def __init__(self, audit: AuditRuntime, config: TraderConfig, sysmode: SysModeController, exchange: Any,
                 clock: Any, gate: Any | None = None) -> None:  # type: ignore[no-untyped-def]
        self.audit, self.config, self.sysmode, self.exchange, self.clock = audit, config, sysmode, exchange, clock
        self.rep = audit.reporter
        self.ctx = ServiceContext(audit.writer, clock, alerts=audit.alerts, sysmode=sysmode)
        self.executor = Executor(exchange, self.ctx, Instruments(exchange))
        self.pm = PositionManager(self.executor, max_hold_ms=config.risk.max_hold_s * 1000)
        self.reconciler = Reconciler(self.executor, config.reconcile, quote_asset=config.universe.quote_asset)
        self.market = MarketLoop(exchange)
        self.strategy = build_strategy(config.strategy)
        self.engine = RiskEngine.from_config(config.risk)
        self.gate = None if gate is None else decisions.gate_fn(gate, lambda: self.sysmode.mode)
        self.user = exchange.user_stream()
        self.mem = CycleMemory()
        # Deep scan screens candidates with the baseline bracket; the baseline strategy's own
        # params (strategy.params) shape that screen too, so the scan and the strategy agree.
        self.screen_params = (read_params(BaselineParams, config.strategy.params)
                              if config.strategy.name == "baseline" else None)
        # Set by the worker: the TopN and reconcile jobs run on a schedule (trading/schedule), in
        # this process or (jobs_elsewhere) in Celery workers; the cycle then reads their results.
        self.jobs_scheduled = False
        self.jobs_elsewhere = False
        # Operator control (trading/control) plugs in here: the kill-switch level risk sees and
        # whether voluntary exits are halted (halt_all).
        self.kill_switch: Callable[[], KillSwitch] = lambda: KillSwitch.OFF
        self.halts_exits: Callable[[], bool] = lambda: False

    # ---- once at boot -------------------------------------------------------------------
    def startup_recover(self) -> bool:
        """Reconcile before any entry: resolve intents, adopt or close what the exchange holds, protect."""
        self.rep.enter(S.STARTUP_RECOVER, f"reconcile before any entry, policy {self.config.reconcile.startup_policy}")
        symbols = [s for s, i in self.exchange.exchange_info().symbols.items() if i.is_trading]
        report = recover_at_boot(self.pm, self.reconciler, policy=self.config.reconcile.startup_policy,
                                 symbols=symbols, plan_for=self._fallback_plan)
        self.mem.last_reconcile_ms = self.clock.now_ms()
        self.audit.reporter.enter(S.STARTUP_RECOVER, f"adopted {report.adopted} closed {report.closed} "
                                  f"protected {report.protected}", reasons=(R.RECOVERY_ADOPTED,)
                                  if report.adopted else ())
        return True

    def _fallback_plan(self, symbol: str, mid: Decimal) -> ProtectionPlan:
        # An adopted position gets a bracket of the risk limits' shape: stop 2%, take profit 4%.
        f = self.executor.instruments.filters(symbol)
        tick = f.tick_size or Decimal("0.00000001")
        q = lambda x: (x / tick).to_integral_value() * tick  # noqa: E731
        return ProtectionPlan(q(mid * Decimal("1.04")), q(mid * Decimal("0.98")), q(mid * Decimal("0.979")))

    # ---- every tick ---------------------------------------------------------------------
    def begin(self) -> str:
        self.mem.n += 1
        self.mem.cycle_id = self.ctx.cycle_id = cycle_id_for(self.audit.writer.run_id, self.mem.n)
        self.mem.approved, self.mem.acted = [], False
        return self.mem.cycle_id

    def scan_due(self) -> bool:
        last = self.mem.last_scan_ms
        return last is None or self.clock.now_ms() - last >= self.config.schedule.topn_interval_s * 1000

    def scan(self) -> bool:
        """UNIVERSE_SCAN, RANK_TOPN and DEEP_SCAN when due; True if they ran.

        When the TopN job is scheduled (in-process, or by Celery beat) its latest ranking is the
        TopN and this scan spends no REST weight on it; without a fresh one it ranks itself.
        """
        if not self.scan_due():
            return False
        cid, now = self.mem.cycle_id, self.clock.now_ms()
        self._recheck_halted()
        ranked = self._job_ranking(now)
        if ranked is None:
            ranked = self._rank_here(cid, now)
        else:
            self.rep.enter(S.UNIVERSE_SCAN, f"TopN from the job: {len(ranked)} ranked", cycle_id=cid)
        self.rep.enter(S.RANK_TOPN, "top " + ",".join(r.symbol for r in ranked), cycle_id=cid)
        self.market.attach([r.symbol for r in ranked], now)  # deep scan reads their warm state
        views = {r.symbol: v for r in ranked if (v := self.market.store.view(r.symbol)) is not None}
        returns = {s: _log_returns(v.closes("1m")) for s, v in views.items()}
        deep = deep_scan(ranked, views, returns, self.mem.incumbents, self.config, now, self.screen_params)
        self.mem.incumbents = {f.symbol: self.mem.incumbents.get(f.symbol, now) for f in deep.finalists}
        self.mem.deep, self.mem.last_scan_ms = deep, now
        self.rep.enter(S.DEEP_SCAN, "finalists " + ",".join(f"{f.symbol}:{f.edge_bps}bps" for f in deep.finalists),
                       cycle_id=cid, reasons=tuple(sorted({r.reason for r in deep.rejected})))
        return True

    def _recheck_halted(self) -> None:
        """Re-read the statuses once per scan while a symbol is halted, so it trades again when
        the exchange reopens it (no exchangeInfo weight while none is)."""
        if not self.executor.instruments.halted():
            return
        try:
            self.executor.instruments.refresh()
        except ExchangeError as err:
            log.warning("exchangeInfo re-read for halted symbols failed: %s", err)

    def _rank_here(self, cid: str, now: int) -> tuple[RankedSymbol, ...]:
        info = self.exchange.exchange_info()
        self.mem.tickers = {t.symbol: t for t in self.exchange.tickers_24h()}
        universe = scan_universe(info.symbols.values(), self.mem.tickers, self.config.universe)
        self.rep.enter(S.UNIVERSE_SCAN, f"{len(universe.accepted)} eligible, {len(universe.rejected)} excluded",
                       cycle_id=cid)
        names = [s.symbol for s in universe.accepted]
        return rank_topn(names, self.mem.tickers, self.radar_for(names), self.config.topn).accepted

    def _job_ranking(self, now: int) -> tuple[RankedSymbol, ...] | None:
        if not self.jobs_scheduled:
            return None
        return latest_topn(self.ctx.mode, now, 2 * self.config.schedule.topn_interval_s * 1000) or None

    def radar_for(self, names: Iterable[str]) -> dict[str, Any]:
        """Return the radar features of the symbols the state store has warm."""
        return {s: v.radar for s in names if (v := self.market.store.view(s)) is not None}

    def attach(self) -> bool:
        """WATCHLIST_ATTACH: watch the finalists and every open position."""
        want = [f.symbol for f in self._finalists()] + [p.symbol for p in open_positions(self.ctx.mode)]
        new = self.market.attach(want, self.clock.now_ms())
        self.rep.enter(S.WATCHLIST_ATTACH, f"watching {len(self.market.watched)}, new {new}", cycle_id=self.mem.cycle_id)
        return bool(new)

    def update_state(self) -> bool:
        """STATE_UPDATE: apply the queued market events to the state store."""
        n = self.market.update(self.clock.now_ms())
        self.rep.enter(S.STATE_UPDATE, f"{n} events applied", cycle_id=self.mem.cycle_id)
        return n > 0

    def decide(self) -> bool:
        """STRATEGY_PROPOSE -> AIGATE_CALL -> RISK_VERDICT for each finalist; True if any was approved."""
        for finalist in self._finalists():
            result = self._decide_one(finalist)
            if result is not None and result.approved_decision is not None:
                self.mem.approved.append(result)
        return bool(self.mem.approved)

    def _decide_one(self, finalist: Finalist) -> CycleResult | None:
        cid, now, symbol = self.mem.cycle_id, self.clock.now_ms(), finalist.symbol
        view = self.market.store.view(symbol)
        if view is None:
            return None
        self.rep.enter(S.STRATEGY_PROPOSE, f"{self.strategy.name} on {symbol}", symbol=symbol, cycle_id=cid)
        inp = self._strategy_input(view, now)
        result = run_decision_pipeline(self.strategy, inp, self.engine, self._risk_context(now), self._recorded_gate)
        self._record_outcome(result)
        if result.verdict is None:
            self.audit.reporter.enter(S.STRATEGY_PROPOSE, f"{symbol} no trade: {result.proposal.no_trade.detail if result.proposal.no_trade else ''}"[:120], symbol=symbol, cycle_id=cid, reasons=result.proposal.reasons)
        if result.verdict is not None:
            d = result.proposal.decision
            self.rep.enter(S.RISK_VERDICT, f"{symbol} {'APPROVE' if result.verdict.approved else 'BLOCK'}",
                           symbol=symbol, cycle_id=cid, decision_id=d.decision_id if d else "",
                           reasons=result.verdict.reasons)
        return result

    def _recorded_gate(self, decision: Decision, view: MarketView) -> GateView:
        """The pipeline's gate step: the proposal is recorded first (with the hashes of the
        snapshot and of the gate's payload), then the AI gate (or the pass-through when it is
        off) rules on it."""
        if self.gate is None:
            record_decision(self.ctx, decision, snapshot_hash=snapshot_hash(decisions.gate_snapshot(decision, view)))
            return GatePassThrough.for_decision(decision)
        outcome: GateView = self.gate(decision, view, lambda given: record_decision(
            self.ctx, decision, input_hash=given.input_hash, snapshot_hash=given.snapshot_hash))
        return outcome

    def _record_outcome(self, result: CycleResult) -> None:
        """Record an applied AI MODIFY as its own decision, then risk's verdict on what it judged."""
        proposed, gate = result.proposal.decision, result.gate
        if proposed is None or gate is None or result.verdict is None:
            return
        if gate.decision.decision_id != proposed.decision_id:
            record_decision(self.ctx, gate.decision, parent_decision_id=proposed.decision_id,
                            snapshot_hash=gate.result.snapshot_hash)  # same snapshot; no payload of its own
        record_verdict(self.ctx, result.verdict, gate.decision)

    def _strategy_input(self, view: Any, now: int) -> StrategyInput:
        bal = self.exchange.account().balances.get(self.config.universe.quote_asset)
        free = bal.free if bal is not None else Decimal(0)
        pos = decisions.open_longs(self.ctx.mode).get(view.symbol)
        equity = free + (bal.locked if bal is not None else Decimal(0))
        return StrategyInput(run_id=self.audit.writer.run_id, cycle_id=self.mem.cycle_id,
                             snapshot_id=f"{self.mem.cycle_id}-{view.symbol}", now_ms=now, view=view,
                             filters=self.executor.instruments.filters(view.symbol),
                             params=dict(self.config.strategy.params), risk=self.config.risk,
                             execution=self.config.execution, equity_quote=equity, free_quote=free, position=pos)

    def _risk_context(self, now: int) -> Any:
        bal = self.exchange.account().balances.get(self.config.universe.quote_asset)
        free = bal.free if bal is not None else Decimal(0)
        total = free + (bal.locked if bal is not None else Decimal(0))
        views = {s: v for s in self.market.watched if (v := self.market.store.view(s)) is not None}
        hashes = {s: self.executor.instruments.filters(s).filters_hash for s in views}
        ctx = decisions.risk_context(mode=self.ctx.mode, now_ms=now, sys_mode=self.sysmode.mode, quote_free=free,
                                     quote_total=total, peak=self.mem.peak_equity, views=views, filters_hash=hashes,
                                     halted=self.executor.instruments.halted(), kill_switch=self.kill_switch())
        self.mem.peak_equity = ctx.peak_equity_quote
        return ctx

    def execute(self) -> bool:
        """EXECUTE_INTENT: send each approved entry; protect its fills with an OCO at once."""
        did = False
        for result in self.mem.approved:
            d = result.approved_decision
            assert d is not None
            if d.intent is DecisionIntent.EXIT:
                did |= self._exit(d)
                continue
            if d.intent is not DecisionIntent.ENTRY:
                continue  # MANAGE: the position manager keeps protection on its own
            self.rep.enter(S.EXECUTE_INTENT, f"BUY {d.symbol}", symbol=d.symbol, cycle_id=self.mem.cycle_id,
                           decision_id=d.decision_id)
            plan = decisions.protection_plan(d)
            try:
                outcome = self._submit_entry(d, plan)
            except EntriesBlocked:
                return did
            self.mem.plans[d.symbol] = plan
            self.mem.entries += 1
            self.pm.on_entry(outcome, plan)
            did = self.mem.acted = True
        return did

    def _exit(self, d: Any) -> bool:
        """An approved EXIT (time stop, strategy signal): sell at market, the OCO replaced in one request."""
        pos = open_position(d.symbol, self.ctx.mode)
        if pos is None or self.halts_exits():
            return False
        reason = d.reason_codes[0] if d.reason_codes else R.TIME_STOP
        self.rep.enter(S.EXECUTE_INTENT, f"SELL {d.symbol} ({reason.value})", symbol=d.symbol,
                       cycle_id=self.mem.cycle_id, decision_id=d.decision_id)
        done = self.pm.exit_market(pos, reason)
        self.mem.acted = True
        return done

    def _submit_entry(self, d: Any, plan: ProtectionPlan) -> Any:
        """Send the entry: with execution.protection OTOCO and a LIMIT entry, one OTOCO carrying its
        own take-profit / stop pair (no gap at all after the fill); else the entry alone, protected by
        an OCO as soon as it fills."""
        intent = decisions.entry_intent(d, self.clock.now_ms())
        if self.config.execution.protection == "OTOCO" and intent.order_type.value == "LIMIT":
            pair_qty = self.executor.instruments.floor_qty(
                d.symbol, intent.qty * (1 - Decimal(self.config.risk.fee_bps) / 10_000))  # base-asset commission
            pair = decisions.otoco_pair(d, intent, pair_qty, self.clock.now_ms())
            return self.executor.submit_otoco(intent, pair, summary=f"entry {d.symbol} (OTOCO)",
                                              trailing_delta_bps=plan.trailing_delta_bps)
        return self.executor.submit(intent, summary=f"entry {d.symbol}")

    def manage(self) -> bool:
        """POSITION_MANAGE: user-stream reports, protection, time stops, entry TTLs, unknown intents."""
        self.rep.enter(S.POSITION_MANAGE, f"{len(open_positions(self.ctx.mode))} open", cycle_id=self.mem.cycle_id)
        did = False
        for event in self.user.drain():
            if isinstance(event, ExecutionReport):
                did |= self.pm.on_execution_report(event)
        did |= self.executor.resolve_unknown_intents()
        did |= self.executor.expire_entries()
        # halt_all: no voluntary exit (time stop); protection is still synced and re-placed.
        self.pm.max_hold_ms = None if self.halts_exits() else self.config.risk.max_hold_s * 1000
        did |= self.pm.manage_positions(self.mem.plans)
        bids = {s: v.bid for s in self.market.watched if (v := self.market.store.view(s)) is not None}
        did |= self.pm.check_guards(bids)
        self.mem.acted |= did
        return did

    def reconcile(self) -> bool:
        """RECONCILE_REST after every critical action, and periodically unless the reconcile job does it."""
        now = self.clock.now_ms()
        if self.jobs_scheduled and not self.mem.acted:
            return self._read_job_reconcile()
        due = now - self.mem.last_reconcile_ms >= self.config.schedule.reconcile_interval_s * 1000
        if not (due or self.mem.acted):
            return False
        trigger = ReconcileTrigger.AFTER_ACTION if self.mem.acted else ReconcileTrigger.PERIODIC
        self.rep.enter(S.RECONCILE_REST, f"{trigger.value}", cycle_id=self.mem.cycle_id)
        self.reconciler.run(trigger, self.market.watched)
        self.mem.last_reconcile_ms = now
        return True

    def _read_job_reconcile(self) -> bool:
        """A reconcile job run by another process cannot reach this sys mode: act on its newest run here."""
        if not self.jobs_elsewhere:
            return False  # in-process the job used this cycle's context: drift was handled at once
        run = latest_reconcile_run(self.ctx.mode, after_id=self.mem.reconcile_run_seen)
        if run is None:
            return False
        self.mem.reconcile_run_seen = run.pk
        on_drift(self.ctx, DriftLabel(run.drift_label), run.drift_score_x10000, run.diff_count)
        return True

    def flatten_step(self, reason: ReasonCode) -> tuple[int, str]:
        """Cancel open entries and close every position at market (trading/control/flatten.py)."""
        self.rep.enter(S.POSITION_MANAGE, f"flatten ({reason.value})", cycle_id=self.mem.cycle_id, reasons=(reason,))
        self.mem.acted = True  # reconcile after it
        return flatten_step(self.executor, self.pm, self.ctx.mode, reason)

    def _finalists(self) -> tuple[Finalist, ...]:
        if self.mem.deep is None or self.sysmode.mode in NO_ENTRY:
            return ()
        return self.mem.deep.finalists

    def close(self) -> None:
        self.user.close()
        self.market.close()


def _log_returns(closes: list[float]) -> list[float]:
    import math
    return [math.log(b / a) for a, b in zip(closes, closes[1:]) if a > 0 and b > 0]


def cycle_factory(venue: Any) -> Any:
    """Return the worker's cycle factory for `venue`: the cycle with the AI gate of this process."""
    from aigate.runtime import build_gate

    def make(worker: Any) -> TraderCycle:
        audit = worker.audit
        gate = build_gate(worker.config.ai, audit.writer, reporter=audit.reporter, alerts=audit.alerts,
                          pauser=worker.sysmode)
        return TraderCycle(audit, worker.config, worker.sysmode, venue.exchange, venue.clock, gate)
    return make
