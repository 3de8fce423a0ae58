"""SysMode transitions are audited and alerted; the console shows one line per stage."""
from __future__ import annotations

import io

import pytest

from audit.console import ConsoleSink
from audit.models import Alert, AuditEvent
from audit.redaction import Redactor
from tests.support.audit import WriterFactory
from trading.domain.catalog import ReasonCode, SysMode, WriterPressure
from trading.domain.states import IllegalTransition
from trading.sysmode import SysModeController

pytestmark = pytest.mark.django_db(transaction=True)


def test_every_transition_is_audited_and_alerted(writer_factory: WriterFactory) -> None:
    writer = writer_factory()
    _, alerts, stream = writer_factory.reporting(writer)
    ctl = SysModeController(writer, alerts)
    assert ctl.transition(SysMode.DEGRADE, ReasonCode.RECONCILE_DRIFT_BAD, "drift BAD")
    assert not ctl.transition(SysMode.DEGRADE, ReasonCode.RECONCILE_DRIFT_BAD, "again")  # no-op
    assert ctl.transition(SysMode.NORMAL, ReasonCode.RECONCILE_OK, "drift OK")
    writer.flush()
    changes = AuditEvent.objects.filter(run_id=writer.run_id, event_type="SYS_MODE_CHANGED").order_by("seq")
    assert [(e.data["from"], e.data["to"]) for e in changes] == [("NORMAL", "DEGRADE"), ("DEGRADE", "NORMAL")]
    assert changes[0].reasons == ["ENTER_DEGRADE", "RECONCILE_DRIFT_BAD"]
    assert list(Alert.objects.filter(run_id=writer.run_id).order_by("seq").values_list("reason_code", flat=True)) == [
        "ENTER_DEGRADE", "ENTER_NORMAL"]
    assert stream.getvalue().count("!! ALERT") == 2


def test_exit_is_terminal_and_illegal_moves_raise(writer_factory: WriterFactory) -> None:
    writer = writer_factory()
    _, alerts, _ = writer_factory.reporting(writer)
    ctl = SysModeController(writer, alerts)
    ctl.transition(SysMode.EXIT, ReasonCode.SHUTDOWN_REQUESTED, "bye")
    with pytest.raises(IllegalTransition):
        ctl.transition(SysMode.NORMAL, ReasonCode.OPERATOR_RESUME, "resurrect")


def test_writer_full_escalates_to_degrade_but_never_loosens_pause(writer_factory: WriterFactory) -> None:
    writer = writer_factory()
    _, alerts, _ = writer_factory.reporting(writer)
    ctl = SysModeController(writer, alerts)
    ctl.on_writer_pressure(WriterPressure.HIGH)
    assert ctl.mode == SysMode.NORMAL
    ctl.on_writer_pressure(WriterPressure.FULL)
    assert ctl.mode == SysMode.DEGRADE and ReasonCode.DB_WRITER_QUEUE_FULL in ctl.active_reasons
    ctl.transition(SysMode.PAUSE, ReasonCode.OPERATOR_PAUSE, "operator")
    ctl.on_writer_pressure(WriterPressure.FULL)
    assert ctl.mode == SysMode.PAUSE


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_single_line_display_rewrites_one_line_and_alerts_break_it() -> None:
    stream = _Tty()
    sink = ConsoleSink(Redactor([]), stream, stage_display="single_line")
    sink.stage("t1 BOOT")
    sink.stage("t2 DOCTOR_CHECKS")
    sink.alert("CRIT", "!! ALERT boom")
    sink.close()
    out = stream.getvalue()
    assert out.count("\n") == 1  # only the alert ends a line
    assert out.startswith("\r\x1b[2Kt1 BOOT\r\x1b[2Kt2 DOCTOR_CHECKS\r\x1b[2K")
    assert "\x1b[1;37;41m!! ALERT boom\x1b[0m\n" in out


def test_single_line_display_falls_back_to_lines_when_not_a_terminal() -> None:
    stream = io.StringIO()
    sink = ConsoleSink(Redactor([]), stream, stage_display="single_line")
    sink.stage("t1 BOOT")
    sink.stage("t2 DOCTOR_CHECKS")
    assert stream.getvalue() == "t1 BOOT\nt2 DOCTOR_CHECKS\n"


def test_degrade_lifts_only_when_its_last_cause_clears(writer_factory: WriterFactory) -> None:
    writer = writer_factory()
    _, alerts, _ = writer_factory.reporting(writer)
    ctl = SysModeController(writer, alerts)
    assert ctl.escalate(SysMode.DEGRADE, ReasonCode.RECONCILE_DRIFT_BAD, "drift BAD")
    assert not ctl.escalate(SysMode.DEGRADE, ReasonCode.RATE_LIMIT_429, "429")  # remembered, no move
    assert not ctl.clear(ReasonCode.RECONCILE_DRIFT_BAD, "drift OK") and ctl.mode is SysMode.DEGRADE
    assert not ctl.clear(ReasonCode.DB_WRITER_QUEUE_FULL, "never held")
    assert ctl.clear(ReasonCode.RATE_LIMIT_429, "back-off over") and ctl.mode is SysMode.NORMAL
    writer.flush()
    last = AuditEvent.objects.filter(run_id=writer.run_id, event_type="SYS_MODE_CHANGED").order_by("-seq").first()
    assert last is not None and last.reasons == ["ENTER_NORMAL", "DEGRADE_CAUSE_CLEARED"]
    assert "RATE_LIMIT_429 cleared" in last.data["summary"]


def test_a_degrade_cause_seen_while_paused_holds_after_resume(writer_factory: WriterFactory) -> None:
    writer = writer_factory()
    _, alerts, _ = writer_factory.reporting(writer)
    ctl = SysModeController(writer, alerts)
    ctl.transition(SysMode.PAUSE, ReasonCode.OPERATOR_PAUSE, "pause")
    ctl.on_writer_pressure(WriterPressure.FULL)
    assert ctl.mode is SysMode.PAUSE and ctl.relaxed_mode() is SysMode.DEGRADE
    ctl.on_writer_pressure(WriterPressure.OK)
    assert ctl.mode is SysMode.PAUSE and ctl.relaxed_mode() is SysMode.NORMAL  # clearing never leaves PAUSE
