"""SysMode controller: the one place the system mode changes; every transition is audited
(SYS_MODE_CHANGED) and raises an alert (design.md §3).

DEGRADE is held by causes (drift BAD, a 429/418 back-off, a full audit queue, ...). Each cause
is remembered until the code that raised it sees it clear (`clear`); when the last one clears
the system returns to NORMAL by itself, audited like any move. PAUSE and EXIT are left only on
purpose (operator resume, kill switch lifted); leaving PAUSE goes to DEGRADE while a degrade
cause still holds (`relaxed_mode`).
"""
from __future__ import annotations

import threading

from audit.reporting import AlertRaiser
from audit.writer import AuditWriter
from trading.domain.catalog import AuditEventType, ReasonCode, Severity, SysMode, WriterPressure
from trading.domain.states import can_transition_sys_mode, check_sys_mode_transition

_ENTER_REASON = {
    SysMode.NORMAL: ReasonCode.ENTER_NORMAL,
    SysMode.DEGRADE: ReasonCode.ENTER_DEGRADE,
    SysMode.PAUSE: ReasonCode.ENTER_PAUSE,
    SysMode.EXIT: ReasonCode.ENTER_EXIT,
}
_SEVERITY = {SysMode.NORMAL: Severity.INFO, SysMode.DEGRADE: Severity.WARN,
             SysMode.PAUSE: Severity.WARN, SysMode.EXIT: Severity.INFO}
# How strict each mode is: a request never loosens the current mode by accident.
_STRICTNESS = {SysMode.NORMAL: 0, SysMode.DEGRADE: 1, SysMode.PAUSE: 2, SysMode.EXIT: 3}


class SysModeController:
    def __init__(self, writer: AuditWriter, alerts: AlertRaiser) -> None:
        self._writer, self._alerts = writer, alerts
        self._lock = threading.Lock()
        self.mode = SysMode.NORMAL
        self.since_ms = writer.clock.now_ms()
        self.active_reasons: tuple[ReasonCode, ...] = ()
        self.degrade_causes: set[ReasonCode] = set()

    def transition(self, new: SysMode, cause: ReasonCode, summary: str) -> bool:
        """Move to `new` (audited + alerted); return False if already there. Illegal moves raise."""
        with self._lock:
            if new == self.mode:
                return False
            check_sys_mode_transition(self.mode, new)
            old, self.mode = self.mode, new
            self.since_ms = self._writer.clock.now_ms()
            self.active_reasons = () if new == SysMode.NORMAL else (_ENTER_REASON[new], cause)
        reasons = (_ENTER_REASON[new], cause)
        self._writer.emit(AuditEventType.SYS_MODE_CHANGED, stage=self._alerts_stage(), reasons=reasons,
                          data={"from": old.value, "to": new.value, "cause": cause.value, "summary": summary})
        self._alerts.raise_alert(_ENTER_REASON[new], _SEVERITY[new], f"{old.value} -> {new.value}: {summary}",
                                 metadata={"from": old.value, "to": new.value, "cause": cause.value})
        return True

    def escalate(self, new: SysMode, cause: ReasonCode, summary: str) -> bool:
        """Move to `new` only if it is stricter than the current mode; return True if moved.

        A DEGRADE cause is remembered even when the mode is already as strict or stricter.
        """
        with self._lock:
            if new is SysMode.DEGRADE:
                self.degrade_causes.add(cause)
            stricter = _STRICTNESS[new] > _STRICTNESS[self.mode] and can_transition_sys_mode(self.mode, new)
        return stricter and self.transition(new, cause, summary)

    def clear(self, cause: ReasonCode, summary: str) -> bool:
        """Forget a DEGRADE cause; back to NORMAL when none is left. Return True if the mode moved."""
        with self._lock:
            if cause not in self.degrade_causes:
                return False
            self.degrade_causes.discard(cause)
            back = self.mode is SysMode.DEGRADE and not self.degrade_causes
        return back and self.transition(SysMode.NORMAL, ReasonCode.DEGRADE_CAUSE_CLEARED,
                                        f"{cause.value} cleared: {summary}")

    def relaxed_mode(self) -> SysMode:
        """Where leaving PAUSE goes: DEGRADE while a degrade cause holds, else NORMAL."""
        with self._lock:
            return SysMode.DEGRADE if self.degrade_causes else SysMode.NORMAL

    def on_writer_pressure(self, level: WriterPressure) -> None:
        """Audit writer FULL asks the system to DEGRADE (000 local alerting); back to OK clears it."""
        if level == WriterPressure.FULL:
            self.escalate(SysMode.DEGRADE, ReasonCode.DB_WRITER_QUEUE_FULL, "audit writer queue full")
        elif level == WriterPressure.OK:
            self.clear(ReasonCode.DB_WRITER_QUEUE_FULL, "audit writer queue drained")

    def allows_entries(self) -> bool:
        return self.mode == SysMode.NORMAL

    def _alerts_stage(self) -> str:
        return self._writer.stage_provider()
