"""`python manage.py resume`: ask the running trader of this MODE to resume (see trading/control/operator.py)."""
from __future__ import annotations

from trading.control.cli import ControlCommandBase
from trading.models.choices import ControlCommandKind


class Command(ControlCommandBase):
    kind = ControlCommandKind.RESUME
    help = "Leave an operator pause (refused while the kill-switch file is present)."
