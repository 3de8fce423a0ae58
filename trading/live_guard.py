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


def live_doctor_refusal(config_path: object) -> str:
    """LIVE boot runs the whole doctor; return why the trader must not trade, or "" if every check passed.

    Outside LIVE the worker's own boot checks are enough (a failure there pauses, it does not refuse).
    """
    if settings.MODE != "LIVE":
        return ""
    from pathlib import Path

    from trading.checks import FAIL
    from trading.doctor import run_doctor

    report = run_doctor(Path(str(config_path)))
    failed = [r for r in report.results if r.status == FAIL]
    if not failed:
        return ""
    lines = "\n".join(f"  {r.check_id} {r.name}: {r.detail}" + (f" (fix: {r.hint})" if r.hint else "")
                      for r in failed)
    return f"refusing to start in LIVE: {len(failed)} doctor check(s) failed:\n{lines}"
