"""Running the trader: its heartbeat, operator commands, and the daily reports."""
from __future__ import annotations

from django.db import models
from django.db.models import Q

from audit.envelope import ID_MAX, Envelope, stage_choices
from trading.domain.catalog import Mode, SysMode
from trading.models.base import SUMMARY_MAX, id_field
from trading.models.choices import CommandSource, ControlCommandKind, enum_choices


class Heartbeat(models.Model):
    """The live state of the trader of one mode: one row per mode, rewritten every loop tick.

    Written only by the trader's run loop (one trader per database and mode). Feeds doctor
    and the panel: sys_mode and since, active reasons, stage and since, last cycle, uptime.
    Kept here, not only in stage events, because STAGE_CHANGED is telemetry and may be shed.
    Not append-only: SYS_MODE_CHANGED / STAGE_CHANGED / HEARTBEAT audit events are the history.
    """

    mode = models.CharField(max_length=8, choices=enum_choices(Mode), unique=True)
    run_id = models.CharField(max_length=ID_MAX)
    pid = models.PositiveIntegerField(default=0)
    started_ts_ms = models.BigIntegerField()
    ts_ms = models.BigIntegerField(help_text="time of the latest beat")
    cycle_id = id_field()
    last_cycle_ts_ms = models.BigIntegerField(default=0)
    stage = models.CharField(max_length=32, choices=stage_choices)
    stage_since_ts_ms = models.BigIntegerField()
    sys_mode = models.CharField(max_length=8, choices=enum_choices(SysMode), default=SysMode.NORMAL.value)
    sys_mode_since_ts_ms = models.BigIntegerField()
    active_reasons = models.JSONField(default=list, blank=True, help_text="ReasonCodes holding sys_mode")
    last_error = models.CharField(max_length=SUMMARY_MAX, blank=True, default="")

    class Meta:
        db_table = "heartbeats"

    def __str__(self) -> str:
        return f"{self.mode} {self.sys_mode} {self.stage} @{self.ts_ms}"


class ControlCommand(models.Model):
    """An operator's pause / resume / flatten request, which the trader obeys within one tick.

    Inserted by the `pause` / `resume` / `flatten` commands (or the admin outside LIVE); the
    trader then sets applied_ts_ms, applied_run_id and result when it acts. Not append-only:
    the trader's OPERATOR_COMMAND audit event records the request and what was done.
    """

    mode = models.CharField(max_length=8, choices=enum_choices(Mode))
    command = models.CharField(max_length=8, choices=enum_choices(ControlCommandKind))
    source = models.CharField(max_length=12, choices=enum_choices(CommandSource), default=CommandSource.CLI.value)
    requested_by = models.CharField(max_length=64, blank=True, default="", help_text="OS or admin user")
    requested_ts_ms = models.BigIntegerField()
    operator_note = models.CharField(max_length=SUMMARY_MAX, blank=True, default="")
    applied_ts_ms = models.BigIntegerField(null=True, blank=True)
    applied_run_id = id_field()
    result = models.CharField(max_length=SUMMARY_MAX, blank=True, default="")

    class Meta:
        db_table = "control_commands"
        indexes = [
            models.Index(fields=["-requested_ts_ms"], name="control_requested"),
            # The trader polls for pending commands every tick.
            models.Index(fields=["mode", "requested_ts_ms"], condition=Q(applied_ts_ms__isnull=True),
                         name="control_pending"),
        ]

    def __str__(self) -> str:
        return f"{self.command} ({self.mode}) @{self.requested_ts_ms}"


class DailyReport(Envelope):
    """The REPORT_DAILY_SUMMARY of one UTC day and mode: its figures and the rendered HTML.

    Written once per day by the daily-report job (event_type DAILY_REPORT); a second run for
    the same day conflicts on (mode, day) and is skipped. `figures` holds decimal strings and
    integers (PnL, fees, trades, win rate, drawdown). Append-only.
    """

    day = models.DateField(help_text="UTC day")
    figures = models.JSONField(default=dict, blank=True)
    html_path = models.CharField(max_length=500, blank=True, default="")

    class Meta:
        db_table = "daily_reports"
        constraints = [models.UniqueConstraint(fields=["mode", "day"], name="daily_report_mode_day_uniq")]
        indexes = [models.Index(fields=["-ts_ms"], name="daily_report_ts")]

    def __str__(self) -> str:
        return f"daily report {self.day} ({self.mode})"
