"""What execution and reconcile ask of the sys mode: degrade and alert, never loosen (000 alert sources)."""
from __future__ import annotations

from trading.domain.catalog import DriftLabel, ReasonCode, Severity, StageName, SysMode
from trading.domain.ports import IpBanned, RateLimited
from trading.services.context import ServiceContext


def on_drift(ctx: ServiceContext, label: DriftLabel, score_x10000: int, diff_count: int) -> None:
    """WARN: alert. BAD: alert and DEGRADE (no new entries; manage, reconcile, audit). Not BAD: clears it."""
    if label is not DriftLabel.BAD and ctx.sysmode is not None:
        ctx.sysmode.clear(ReasonCode.RECONCILE_DRIFT_BAD, f"reconcile drift {label.value}")
    if label is DriftLabel.OK:
        return
    reason = ReasonCode.RECONCILE_DRIFT_BAD if label is DriftLabel.BAD else ReasonCode.RECONCILE_DRIFT_WARN
    summary = f"reconcile drift {label.value} score={score_x10000} diffs={diff_count}"
    ctx.alert(reason, Severity.CRIT if label is DriftLabel.BAD else Severity.WARN, summary,
              stage=StageName.RECONCILE_REST, metadata={"drift_score_x10000": score_x10000, "diffs": diff_count})
    if label is DriftLabel.BAD and ctx.sysmode is not None:
        ctx.sysmode.escalate(SysMode.DEGRADE, reason, summary)


def on_rate_limited(ctx: ServiceContext, err: RateLimited, *, symbol: str = "") -> None:
    """429/418: alert and DEGRADE; the adapter itself refuses REST calls until the back-off ends."""
    banned = isinstance(err, IpBanned)
    summary = ("IP banned (418)" if banned else "rate limited (429)") + f": retry after {err.retry_after_ms} ms"
    ctx.alert(err.reason, Severity.CRIT if banned else Severity.WARN, summary, stage=StageName.EXECUTE_INTENT,
              symbol=symbol, metadata={"retry_after_ms": err.retry_after_ms, "sent": err.sent})
    if ctx.sysmode is not None:
        ctx.sysmode.escalate(SysMode.DEGRADE, err.reason, summary)


def on_rate_limit_over(ctx: ServiceContext) -> None:
    """The 429/418 back-off has ended: those causes no longer hold DEGRADE."""
    if ctx.sysmode is not None:
        ctx.sysmode.clear(ReasonCode.RATE_LIMIT_429, "back-off over")
        ctx.sysmode.clear(ReasonCode.RATE_LIMIT_418_BAN, "ban over")


def on_sent_unknown(ctx: ServiceContext, symbol: str, order_intent_id: str, detail: str) -> None:
    """An intent whose fate is unknown needs a REST query: alert (000 alert sources)."""
    ctx.alert(ReasonCode.INTENT_SENT_UNKNOWN, Severity.WARN, f"order fate unknown: {detail}",
              stage=StageName.EXECUTE_INTENT, symbol=symbol, order_intent_id=order_intent_id)


def on_protection_missing(ctx: ServiceContext, symbol: str, summary: str) -> None:
    """A position without an exchange-side stop is the worst state we can be in: alert CRIT."""
    ctx.alert(ReasonCode.PROTECTION_MISSING, Severity.CRIT, summary, stage=StageName.POSITION_MANAGE, symbol=symbol)
