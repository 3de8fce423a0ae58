"""OperatorControl: the trader's side of pause / resume / flatten and the kill-switch file.

Called once per loop tick before the cycle, so a request is obeyed within one tick:
- PAUSE: sys mode PAUSE (no entries; positions stay protected and are still managed).
- RESUME: PAUSE -> NORMAL, refused (and said why) while the kill-switch file is there, a
  flatten is still closing positions, or a boot check failed.
- FLATTEN: cancel open entry orders, close every position at market (its OCO is cancelled in
  the same request), PAUSE; retried every tick until nothing is open.
- the kill-switch file (see kill_switch.py): the same without Django.

Every request is audited (OPERATOR_COMMAND) with what was done; a sys mode change is audited
and alerted by the SysModeController.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from audit.reporting import AlertRaiser
from audit.writer import AuditWriter
from trading.control.kill_switch import KillSwitchAction, KillSwitchState, read_kill_switch
from trading.control.requests import mark_applied, pending_commands
from trading.domain.catalog import AuditEventType, ReasonCode, Severity, StageName, SysMode
from trading.domain.risk.context import KillSwitch
from trading.models.choices import CommandSource, ControlCommandKind
from trading.sysmode import SysModeController

R = ReasonCode


class Flattener(Protocol):
    def flatten_step(self, reason: ReasonCode) -> tuple[int, str]:
        """Cancel open entries and close positions; return (positions still open, detail)."""
        ...


@dataclass
class ControlState:
    kill: KillSwitchState | None = None
    operator_paused: bool = False
    flatten_pending: bool = False
    flatten_reason: ReasonCode = R.OPERATOR_FLATTEN
    applied: list[str] = field(default_factory=list)  # results of this process, newest last (for tests/console)


class OperatorControl:
    def __init__(self, writer: AuditWriter, alerts: AlertRaiser, sysmode: SysModeController, *,
                 kill_switch_file: Path | str, flattener: Flattener | None,
                 boot_failures: Callable[[], list[str]] = list) -> None:
        self.writer, self.alerts, self.sysmode = writer, alerts, sysmode
        self.kill_switch_file = Path(kill_switch_file)
        self.flattener = flattener
        self.boot_failures = boot_failures
        self.state = ControlState()

    # ---- what the cycle asks ------------------------------------------------------------------
    def kill_switch(self) -> KillSwitch:
        """Return the kill-switch level the risk engine sees."""
        kill = self.state.kill
        if kill is None:
            return KillSwitch.OFF
        return KillSwitch.HALT_ALL if kill.action is KillSwitchAction.HALT_ALL else KillSwitch.CLOSE_ONLY

    def halts_exits(self) -> bool:
        """True under halt_all: no voluntary exit orders (protection is still kept)."""
        return self.kill_switch() is KillSwitch.HALT_ALL

    # ---- once per tick -------------------------------------------------------------------------
    def poll(self) -> bool:
        """Apply the kill-switch file, pending commands and a running flatten; True if anything changed."""
        did = self._poll_kill_switch()
        for cmd in pending_commands(self.writer.mode):
            result = self._apply(ControlCommandKind(cmd.command), CommandSource(cmd.source), cmd.operator_note)
            mark_applied(cmd, run_id=self.writer.run_id, now_ms=self.writer.clock.now_ms(), result=result)
            did = True
        if self.state.flatten_pending:
            did |= self._flatten_step()
        return did

    # ---- the kill-switch file ------------------------------------------------------------------
    def _poll_kill_switch(self) -> bool:
        new, old = read_kill_switch(self.kill_switch_file), self.state.kill
        if new == old:
            return False
        self.state.kill = new
        if new is None:
            return self._kill_switch_lifted(old)
        summary = f"kill-switch file {self.kill_switch_file}: {new.action.value}" + (
            f" ({new.problem})" if new.malformed else "")
        self._audit(CommandSource.KILL_SWITCH, new.action.value, R.KILL_SWITCH_ACTIVE, summary)
        self.alerts.raise_alert(R.KILL_SWITCH_ACTIVE, Severity.CRIT, summary,
                                metadata={"action": new.action.value, "word": new.word, "problem": new.problem})
        self.sysmode.escalate(SysMode.PAUSE, R.KILL_SWITCH_ACTIVE, summary)
        if new.action is KillSwitchAction.FLATTEN:
            self._start_flatten(R.KILL_SWITCH_ACTIVE)
        return True

    def _kill_switch_lifted(self, old: KillSwitchState | None) -> bool:
        held_by_others = self.state.operator_paused or self.state.flatten_pending or self.boot_failures() \
            or (old is not None and old.action is KillSwitchAction.FLATTEN)
        if self.sysmode.mode is SysMode.PAUSE and not held_by_others:
            to = self.sysmode.relaxed_mode()
            self.sysmode.transition(to, R.KILL_SWITCH_CLEARED, "kill-switch file removed")
            detail = f"kill-switch file removed: {to.value}"
        else:
            detail = f"kill-switch file removed: staying {self.sysmode.mode.value} until `resume`"
        self._audit(CommandSource.KILL_SWITCH, "lifted", R.KILL_SWITCH_CLEARED, detail)
        return True

    # ---- commands ------------------------------------------------------------------------------
    def _apply(self, kind: ControlCommandKind, source: CommandSource, note: str) -> str:
        if kind is ControlCommandKind.PAUSE:
            moved = self.sysmode.escalate(SysMode.PAUSE, R.OPERATOR_PAUSE, f"operator pause {note}".strip())
            self.state.operator_paused = self.sysmode.mode is SysMode.PAUSE
            result = "paused" if moved else f"no change: sys mode {self.sysmode.mode.value}"
            return self._done(source, kind, R.OPERATOR_PAUSE, result)
        if kind is ControlCommandKind.RESUME:
            return self._resume(source)
        self.sysmode.escalate(SysMode.PAUSE, R.OPERATOR_FLATTEN, f"operator flatten {note}".strip())
        self.state.operator_paused = True
        result = self._start_flatten(R.OPERATOR_FLATTEN)
        return self._done(source, kind, R.OPERATOR_FLATTEN, result)

    def _resume(self, source: CommandSource) -> str:
        kind = ControlCommandKind.RESUME
        why_not = self._resume_blocker()
        if why_not:
            self.alerts.raise_alert(R.OPERATOR_COMMAND_REFUSED, Severity.WARN, f"resume refused: {why_not}")
            return self._done(source, kind, R.OPERATOR_COMMAND_REFUSED, f"refused: {why_not}")
        self.state.operator_paused = False
        if self.sysmode.mode is not SysMode.PAUSE:
            return self._done(source, kind, R.OPERATOR_RESUME, f"no change: sys mode {self.sysmode.mode.value}")
        to = self.sysmode.relaxed_mode()
        self.sysmode.transition(to, R.OPERATOR_RESUME, "operator resume")
        return self._done(source, kind, R.OPERATOR_RESUME, f"resumed: {to.value}" + (
            f" (still held by {', '.join(sorted(c.value for c in self.sysmode.degrade_causes))})"
            if to is SysMode.DEGRADE else ""))

    def _resume_blocker(self) -> str:
        if self.state.kill is not None:
            return f"the kill-switch file {self.kill_switch_file} is present; remove it first"
        if self.state.flatten_pending:
            return "a flatten is still closing positions"
        failed = self.boot_failures()
        if failed:
            return f"boot check(s) failed: {', '.join(failed)}; fix them and restart the trader"
        if self.sysmode.mode is SysMode.EXIT:
            return "the trader is shutting down"
        return ""

    # ---- flatten -------------------------------------------------------------------------------
    def _start_flatten(self, reason: ReasonCode) -> str:
        if self.flattener is None:
            return "flatten: no exchange in this build, nothing to close; paused"
        self.state.flatten_pending, self.state.flatten_reason = True, reason
        self._flatten_step()
        return "flatten started" if self.state.flatten_pending else "flattened: nothing left open; paused"

    def _flatten_step(self) -> bool:
        assert self.flattener is not None
        left, detail = self.flattener.flatten_step(self.state.flatten_reason)
        if left == 0:
            self.state.flatten_pending = False
            self._audit(CommandSource.CLI, "flatten-done", self.state.flatten_reason, f"flatten complete: {detail}")
        return True

    # ---- audit ---------------------------------------------------------------------------------
    def _done(self, source: CommandSource, kind: ControlCommandKind, reason: ReasonCode, result: str) -> str:
        self._audit(source, kind.value, reason, result)
        return result

    def _audit(self, source: CommandSource, command: str, reason: ReasonCode, result: str) -> None:
        self.state.applied.append(f"{command}: {result}")
        self.writer.emit(AuditEventType.OPERATOR_COMMAND, stage=self.writer.stage_provider() or StageName.BOOT.value,
                         reasons=(reason.value,), data={"source": source.value, "command": command,
                                                        "result": result, "sys_mode": self.sysmode.mode.value},
                         wait=True)
