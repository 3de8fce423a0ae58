"""`python manage.py flatten`: ask the running trader of this MODE to flatten (see trading/control/operator.py)."""
from __future__ import annotations

from trading.control.cli import ControlCommandBase
from trading.models.choices import ControlCommandKind


class Command(ControlCommandBase):
    kind = ControlCommandKind.FLATTEN
    help = "Cancel open entries, close every position at market, then pause."
