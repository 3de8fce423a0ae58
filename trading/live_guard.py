"""LIVE needs an explicit confirmation variable; otherwise the trader refuses to start."""
from __future__ import annotations

from django.conf import settings

LIVE_CONFIRM_VALUE = "I_UNDERSTAND_THIS_CAN_LOSE_MONEY"


def live_refusal() -> str:
    """Return why the trader must not start in this mode, or "" if it may."""
    if settings.MODE != "LIVE":
        return ""
    if settings.LIVE_CONFIRM != LIVE_CONFIRM_VALUE:
        return (f"refusing to start in LIVE: set LIVESPOT_LIVE_CONFIRM={LIVE_CONFIRM_VALUE} "
                "to confirm that real money is at stake")
    if settings.EXCHANGE != "binance":
        return "refusing to start in LIVE: EXCHANGE must be binance (the simulator is not a live venue)"
    return ""
