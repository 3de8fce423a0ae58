"""Stage reporter and alert raiser: the console line, the JSONL event and the DB row, together.

Every stage change prints one short line (ts, stage, symbol, cycle_id, decision_id,
summary) and emits STAGE_CHANGED; every alert prints a highlighted line (ts_ms, stage,
mode, reason_code, summary) and emits ALERT_RAISED (000 "LOCAL ALERTING").
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from audit.console import ConsoleSink, fmt_ts
from audit.writer import AuditWriter
from trading.domain.catalog import AuditEventType, ReasonCode, Severity, StageName

log = logging.getLogger(__name__)

SUMMARY_MAX = 200


class RunContext:
    """The current stage and ids of this process, shared by reporter, alerts and writer."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.stage = StageName.BOOT.value
        self.stage_since_ms = 0
        self.cycle_id = ""
        self.decision_id = ""
        self.symbol = ""

    def set_stage(self, stage: str, ts_ms: int, cycle_id: str, decision_id: str, symbol: str) -> None:
        with self._lock:
            self.stage, self.stage_since_ms = stage, ts_ms
            self.cycle_id, self.decision_id, self.symbol = cycle_id, decision_id, symbol


class StageReporter:
    def __init__(self, writer: AuditWriter, console: ConsoleSink, context: RunContext) -> None:
        self._writer, self._console, self.context = writer, console, context
        writer.stage_provider = lambda: context.stage

    def enter(self, stage: StageName | str, summary: str = "", *, symbol: str = "", cycle_id: str = "",
              decision_id: str = "", reasons: tuple[ReasonCode, ...] = ()) -> int:
        """Report a stage change; return the seq of its STAGE_CHANGED event (0 if shed)."""
        stage = StageName(stage)
        summary = summary[:SUMMARY_MAX]
        ts_ms = self._writer.clock.now_ms()
        self.context.set_stage(stage.value, ts_ms, cycle_id, decision_id, symbol)
        parts = [fmt_ts(ts_ms), f"{stage.value:<20}", symbol, f"cycle={cycle_id or '-'}",
                 f"decision={decision_id}" if decision_id else "", f"| {summary}" if summary else ""]
        self._console.stage(" ".join(part for part in parts if part))
        return self._writer.emit(
            AuditEventType.STAGE_CHANGED, stage=stage, symbol=symbol, cycle_id=cycle_id,
            decision_id=decision_id, reasons=tuple(reasons), data={"summary": summary},
        )


# Alerts that mark one event each (a sys-mode transition, an operator act) are never merged.
NEVER_DEDUPED = frozenset({
    ReasonCode.ENTER_DEGRADE, ReasonCode.ENTER_PAUSE, ReasonCode.ENTER_EXIT, ReasonCode.ENTER_NORMAL,
    ReasonCode.OPERATOR_PAUSE, ReasonCode.OPERATOR_RESUME, ReasonCode.OPERATOR_FLATTEN,
    ReasonCode.OPERATOR_COMMAND_REFUSED, ReasonCode.KILL_SWITCH_ACTIVE, ReasonCode.KILL_SWITCH_CLEARED,
})
DEDUPE_WINDOW_MS = 60_000


class AlertRaiser:
    """Raises alerts; the same (reason, severity, symbol) again within `dedupe_ms` is merged.

    A condition that persists (a symbol halted, a rate limit, drift) is re-raised by every tick
    that sees it; the first raise records the alert, repeats inside the window are only counted,
    and the first raise after the window records it again with `repeats` in its metadata.
    """

    def __init__(self, writer: AuditWriter, console: ConsoleSink, context: RunContext, *,
                 dedupe_ms: int = DEDUPE_WINDOW_MS) -> None:
        self._writer, self._console, self._context = writer, console, context
        self.dedupe_ms = dedupe_ms
        self._last: dict[tuple[str, str, str], tuple[int, int]] = {}  # key -> (raised_ms, repeats since)
        self._lock = threading.Lock()
        # Called with each recorded alert (e.g. audit.panel_push.push_alert_to_panel, wired by
        # runtrader when a shared channel layer exists); a failing push never fails the raise.
        self.push: Callable[[dict[str, Any]], object] | None = None
        writer.add_alert_listener(self._show_writer_alert)

    def raise_alert(self, reason: ReasonCode | str, severity: Severity | str, summary: str, *,
                    stage: StageName | str | None = None, symbol: str = "", order_intent_id: str = "",
                    metadata: dict[str, Any] | None = None, wait: bool = False) -> int:
        """Show a highlighted console line and record ALERT_RAISED; return its seq (0 if merged)."""
        reason, severity = ReasonCode(reason), Severity(severity)
        repeats = self._repeats(reason, severity, symbol)
        if repeats is None:
            return 0
        stage_value = StageName(stage).value if stage else self._context.stage
        summary = summary[:SUMMARY_MAX]
        self._show(stage_value, reason, severity, summary)
        meta = dict(metadata or {})
        if repeats:
            meta["repeats"] = repeats
        seq = self._writer.emit(
            AuditEventType.ALERT_RAISED, stage=stage_value, symbol=symbol, severity=severity,
            reasons=(reason,), cycle_id=self._context.cycle_id, decision_id=self._context.decision_id,
            order_intent_id=order_intent_id, wait=wait,
            data={"reason_code": reason.value, "severity": severity.value, "summary": summary,
                  "metadata": meta},
        )
        if self.push is not None:
            self._push(self.push, {"ts_ms": self._writer.clock.now_ms(), "severity": severity.value, "reason_code": reason.value,
                        "summary": summary, "stage": stage_value, "symbol": symbol, "count": 1 + repeats,
                        "cycle_id": self._context.cycle_id, "decision_id": self._context.decision_id,
                        "order_intent_id": order_intent_id})
        return seq

    @staticmethod
    def _push(push: Callable[[dict[str, Any]], object], alert: dict[str, Any]) -> None:
        try:
            push(alert)
        except Exception:  # noqa: BLE001 - the ALERT_RAISED record is what counts
            log.warning("alert push failed", exc_info=True)

    def _repeats(self, reason: ReasonCode, severity: Severity, symbol: str) -> int | None:
        """Return None to merge this raise into the last one, else the repeats merged since it."""
        if reason in NEVER_DEDUPED or self.dedupe_ms <= 0:
            return 0
        key, now = (reason.value, severity.value, symbol), self._writer.clock.now_ms()
        with self._lock:
            last = self._last.get(key)
            if last is not None and now - last[0] < self.dedupe_ms:
                self._last[key] = (last[0], last[1] + 1)
                return None
            self._last[key] = (now, 0)
            return last[1] if last is not None else 0

    def _show(self, stage: str, reason: str, severity: str, summary: str) -> None:
        ts_ms = self._writer.clock.now_ms()
        self._console.alert(severity, f"!! ALERT {severity} ts_ms={ts_ms} stage={stage} "
                                      f"mode={self._writer.mode} reason={reason} {summary}")

    def _show_writer_alert(self, reason: str, severity: str, summary: str, metadata: dict[str, Any]) -> None:
        # The writer already recorded ALERT_RAISED for its own alerts; only the console is left.
        self._show(self._context.stage, reason, severity, summary)
