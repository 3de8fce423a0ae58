"""Control records: what `pause` / `resume` / `flatten` (or the admin outside LIVE) ask of the trader.

The CLI inserts a ControlCommand row; the trader of that mode applies pending rows in request
order within one loop tick and writes back when and what it did.
"""
from __future__ import annotations

import getpass

from trading.models import ControlCommand
from trading.models.choices import CommandSource, ControlCommandKind


def request_command(kind: ControlCommandKind, *, mode: str, now_ms: int, note: str = "",
                    source: CommandSource = CommandSource.CLI, requested_by: str | None = None) -> ControlCommand:
    """Insert one pending command for the trader of `mode` and return it."""
    who = requested_by if requested_by is not None else _os_user()
    return ControlCommand.objects.create(mode=mode, command=kind.value, source=source.value, requested_by=who[:64],
                                         requested_ts_ms=now_ms, operator_note=note[:200])


def pending_commands(mode: str) -> list[ControlCommand]:
    """Return the commands of `mode` not applied yet, oldest first."""
    return list(ControlCommand.objects.filter(mode=mode, applied_ts_ms__isnull=True).order_by("requested_ts_ms", "id"))


def mark_applied(cmd: ControlCommand, *, run_id: str, now_ms: int, result: str) -> None:
    """Record that the trader of `run_id` acted on `cmd` and what it did."""
    ControlCommand.objects.filter(pk=cmd.pk, applied_ts_ms__isnull=True).update(
        applied_ts_ms=now_ms, applied_run_id=run_id, result=result[:200])


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""
