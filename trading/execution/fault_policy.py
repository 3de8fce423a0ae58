"""What an exchange error that escapes a cycle stage does to the trader (design §3, §7; 000 alert sources).

The order path handles its own errors (`Executor._send`: SENT_UNKNOWN, FAILED_TERMINAL, the
entry gate). Any other REST call of a stage (scan, account, klines, reconcile, protection sync)
can fail too: the tick must not end the process, and the failure must be visible. The worker
wraps each stage and calls `ExchangeFaultPolicy.contain(err)`:

- 429 (`RateLimited`): alert RATE_LIMIT_429, DEGRADE, no entries until Retry-After (the gate;
  the adapter refuses REST locally until then);
- 418 (`IpBanned`): alert RATE_LIMIT_418_BAN (CRIT), DEGRADE, nothing sent until the ban ends;
- -1021 after the adapter's resync (`ClockSkew`): alert CLOCK_SKEW, DEGRADE;
- 5xx / timeout / connection (`ExchangeUnavailable`): alert EXCHANGE_5XX or
  EXCHANGE_UNREACHABLE, DEGRADE;
- a refusal (`ExchangeRejected`): alert with its reason; no mode change.

`ok()` after a tick with no error clears the causes above (the mode relaxes once every cause
is gone, and never past PAUSE or EXIT). Repeated alerts of a persisting cause are merged by
the AlertRaiser.
"""
from __future__ import annotations

from trading.domain.catalog import ReasonCode, Severity, StageName, SysMode
from trading.domain.ports import ClockSkew, ExchangeError, ExchangeRejected, ExchangeUnavailable, RateLimited
from trading.execution.throttle import SendGate
from trading.services import ServiceContext
from trading.services.sysmode_glue import on_rate_limit_over, on_rate_limited

TRANSIENT = (ReasonCode.EXCHANGE_5XX, ReasonCode.EXCHANGE_UNREACHABLE, ReasonCode.CLOCK_SKEW)


class ExchangeFaultPolicy:
    def __init__(self, ctx: ServiceContext, gate: SendGate) -> None:
        self.ctx, self.gate = ctx, gate
        self.active: set[ReasonCode] = set()

    def contain(self, err: ExchangeError, stage: StageName | str | None = None) -> ReasonCode:
        """Alert and degrade for `err` (see the module docstring); return its reason."""
        now = self.ctx.now_ms()
        if isinstance(err, RateLimited):
            self.gate.block(now + err.retry_after_ms)
            on_rate_limited(self.ctx, err)
            return err.reason
        if isinstance(err, ClockSkew):
            reason, severity = ReasonCode.CLOCK_SKEW, Severity.WARN
        elif isinstance(err, ExchangeUnavailable):
            reason, severity = err.reason, Severity.WARN
        elif isinstance(err, ExchangeRejected):
            self.ctx.alert(err.reason, Severity.WARN, f"{err.code}: {err.msg}"[:200], stage=stage)
            return err.reason
        else:
            reason, severity = ReasonCode.EXCHANGE_UNREACHABLE, Severity.WARN
        summary = f"{type(err).__name__}: {err}"[:200]
        self.ctx.alert(reason, severity, summary, stage=stage)
        if self.ctx.sysmode is not None:
            self.ctx.sysmode.escalate(SysMode.DEGRADE, reason, summary)
        self.active.add(reason)
        return reason

    def ok(self) -> None:
        """A tick passed without exchange errors: lift the causes it degraded for (429/418 once over)."""
        if self.gate.allows_entries(self.ctx.now_ms()):
            on_rate_limit_over(self.ctx)
        if self.ctx.sysmode is not None:
            for reason in sorted(self.active):
                self.ctx.sysmode.clear(reason, f"{reason.value} cleared: a tick without exchange errors")
        self.active.clear()
