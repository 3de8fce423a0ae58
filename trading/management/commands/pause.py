"""`python manage.py pause`: ask the running trader of this MODE to pause (see trading/control/operator.py)."""
from __future__ import annotations

from trading.control.cli import ControlCommandBase
from trading.models.choices import ControlCommandKind


class Command(ControlCommandBase):
    kind = ControlCommandKind.PAUSE
    help = "Stop new entries; positions stay protected and managed."
