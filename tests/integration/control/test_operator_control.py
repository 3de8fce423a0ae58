"""Operator control against the simulator: pause / resume / flatten rows and the kill-switch file.

The stack is the real executor and position manager over HTTP to the project's simulator; the
simulator's own book is the judge of what was cancelled and closed.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest

from audit.models import Alert, AuditEvent
from tests.integration.execution.helpers import entry
from tests.support.sim_exchange import Stack, plan
from trading.control.flatten import flatten_step
from trading.control.operator import OperatorControl
from trading.control.requests import request_command
from trading.domain.catalog import IntentState, ReasonCode, SysMode
from trading.domain.risk.context import KillSwitch
from trading.models import ControlCommand, Position
from trading.models.choices import ControlCommandKind as K

pytestmark = pytest.mark.django_db(transaction=True)
D = Decimal


@dataclass
class StackFlattener:
    stack: Stack

    def flatten_step(self, reason: ReasonCode) -> tuple[int, str]:
        return flatten_step(self.stack.executor, self.stack.pm, self.stack.ctx.mode, reason)


def _control(stack: Stack, tmp_path: Path, boot_failures: list[str] | None = None) -> OperatorControl:
    assert stack.ctx.alerts is not None
    return OperatorControl(stack.writer, stack.ctx.alerts, stack.sysmode, kill_switch_file=tmp_path / "KILL_SWITCH",
                           flattener=StackFlattener(stack), boot_failures=lambda: list(boot_failures or []))


def _ask(stack: Stack, kind: K, note: str = "") -> ControlCommand:
    return request_command(kind, mode=stack.ctx.mode, now_ms=stack.ctx.now_ms(), note=note, requested_by="ops")


def _open_protected_position(stack: Stack) -> Position:
    out = stack.executor.submit(entry(stack))
    assert out.state is IntentState.CONFIRMED and stack.pm.on_entry(out, plan())
    assert {o["type"] for o in stack.sim_open_orders()} == {"LIMIT_MAKER", "STOP_LOSS_LIMIT"}
    return Position.objects.get(symbol="BTCUSDT", state="OPEN")


def _operator_events(stack: Stack) -> list[dict[str, object]]:
    stack.writer.flush()
    return [e.data for e in AuditEvent.objects.filter(event_type="OPERATOR_COMMAND").order_by("seq")]


def test_pause_then_resume_within_one_poll_each(stack: Stack, tmp_path: Path) -> None:
    control = _control(stack, tmp_path)
    cmd = _ask(stack, K.PAUSE, "news at 14:00")
    assert control.poll() and stack.sysmode.mode is SysMode.PAUSE
    cmd.refresh_from_db()
    assert cmd.applied_ts_ms is not None and cmd.applied_run_id == stack.writer.run_id and cmd.result == "paused"
    assert not stack.sysmode.allows_entries()

    resume = _ask(stack, K.RESUME)
    control.poll()
    resume.refresh_from_db()
    assert resume.result == "resumed: NORMAL" and stack.sysmode.mode is SysMode.NORMAL
    assert [e["command"] for e in _operator_events(stack)] == ["PAUSE", "RESUME"]
    assert not control.poll()  # nothing pending: no work, no duplicate application


def test_flatten_cancels_entries_closes_positions_and_pauses(stack: Stack, tmp_path: Path) -> None:
    pos = _open_protected_position(stack)
    resting = stack.executor.submit(entry(stack, qty="0.01000", price="2000.00", symbol="ETHUSDT"))
    assert resting.state is IntentState.CONFIRMED and stack.sim_open_orders("ETHUSDT")
    control = _control(stack, tmp_path)
    cmd = _ask(stack, K.FLATTEN)
    control.poll()
    cmd.refresh_from_db()
    assert cmd.result == "flattened: nothing left open; paused", cmd.result
    pos.refresh_from_db()
    assert (pos.state, pos.exit_reason) == ("CLOSED", ReasonCode.OPERATOR_FLATTEN.value)
    assert stack.sim_open_orders() == [] and stack.sim_open_orders("ETHUSDT") == []  # the exchange agrees
    btc = stack.venue.exchange.account().balances.get("BTC")
    assert btc is None or btc.free + btc.locked < D("0.0001")  # only dust below the lot size is left
    assert stack.sysmode.mode is SysMode.PAUSE and not control.state.flatten_pending


def test_kill_switch_file_close_only_blocks_entries_and_resume_until_removed(stack: Stack, tmp_path: Path) -> None:
    control = _control(stack, tmp_path)
    ks = tmp_path / "KILL_SWITCH"
    ks.write_text("close_only\n")
    assert control.poll()
    assert stack.sysmode.mode is SysMode.PAUSE and control.kill_switch() is KillSwitch.CLOSE_ONLY
    assert not control.halts_exits()
    stack.writer.flush()
    assert Alert.objects.filter(reason_code="KILL_SWITCH_ACTIVE").exists()

    resume = _ask(stack, K.RESUME)
    control.poll()
    resume.refresh_from_db()
    assert resume.result.startswith("refused: the kill-switch file") and stack.sysmode.mode is SysMode.PAUSE
    stack.writer.flush()
    assert Alert.objects.filter(reason_code="OPERATOR_COMMAND_REFUSED").exists()

    ks.unlink()
    assert control.poll()
    assert stack.sysmode.mode is SysMode.NORMAL and control.kill_switch() is KillSwitch.OFF


def test_kill_switch_lifted_keeps_an_operator_pause(stack: Stack, tmp_path: Path) -> None:
    control = _control(stack, tmp_path)
    _ask(stack, K.PAUSE)
    control.poll()
    ks = tmp_path / "KILL_SWITCH"
    ks.write_text("")
    control.poll()
    ks.unlink()
    control.poll()
    assert stack.sysmode.mode is SysMode.PAUSE  # the operator's own pause still holds
    assert _operator_events(stack)[-1]["result"] == "kill-switch file removed: staying PAUSE until `resume`"


def test_kill_switch_flatten_word_closes_positions_and_stays_paused(stack: Stack, tmp_path: Path) -> None:
    pos = _open_protected_position(stack)
    control = _control(stack, tmp_path)
    ks = tmp_path / "KILL_SWITCH"
    ks.write_text("flatten")
    control.poll()
    pos.refresh_from_db()
    assert (pos.state, pos.exit_reason) == ("CLOSED", ReasonCode.KILL_SWITCH_ACTIVE.value)
    assert stack.sim_open_orders() == []
    ks.unlink()
    control.poll()
    assert stack.sysmode.mode is SysMode.PAUSE  # a flatten's pause needs an explicit resume
    _ask(stack, K.RESUME)
    control.poll()
    assert stack.sysmode.mode is SysMode.NORMAL


def test_halt_all_keeps_the_stop_and_halts_voluntary_exits(stack: Stack, tmp_path: Path) -> None:
    _open_protected_position(stack)
    control = _control(stack, tmp_path)
    (tmp_path / "KILL_SWITCH").write_text("halt_all")
    control.poll()
    assert control.kill_switch() is KillSwitch.HALT_ALL and control.halts_exits()
    assert {o["type"] for o in stack.sim_open_orders()} == {"LIMIT_MAKER", "STOP_LOSS_LIMIT"}  # protection stays


def test_an_unknown_word_fails_closed_and_alerts(stack: Stack, tmp_path: Path) -> None:
    control = _control(stack, tmp_path)
    (tmp_path / "KILL_SWITCH").write_text("stop-it-now")
    control.poll()
    assert stack.sysmode.mode is SysMode.PAUSE and control.kill_switch() is KillSwitch.CLOSE_ONLY
    stack.writer.flush()
    alert = Alert.objects.get(reason_code="KILL_SWITCH_ACTIVE")
    assert "unknown kill-switch word 'stop-it-now'" in alert.summary


def test_resume_is_refused_after_a_failed_boot_check(stack: Stack, tmp_path: Path) -> None:
    control = _control(stack, tmp_path, boot_failures=["LS004"])
    stack.sysmode.transition(SysMode.PAUSE, ReasonCode.DOCTOR_CHECK_FAILED, "boot check failed")
    cmd = _ask(stack, K.RESUME)
    control.poll()
    cmd.refresh_from_db()
    assert "LS004" in cmd.result and stack.sysmode.mode is SysMode.PAUSE
