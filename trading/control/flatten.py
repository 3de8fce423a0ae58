"""Flatten: cancel open entry orders and close every open position at market, safely.

A position with an OCO on the book is closed by cancel-replace in one request (the position
manager's exit path), so it is never left without its stop if the sell is refused. What cannot
be done now (REST down, a refusal) is left for the next tick: the caller repeats until nothing
is open.
"""
from __future__ import annotations

from trading.domain.catalog import IntentState, ReasonCode
from trading.domain.ports import ExchangeError
from trading.execution.executor import Executor
from trading.execution.protection import PositionManager
from trading.services import open_entry_intents, open_positions


def flatten_step(executor: Executor, pm: PositionManager, mode: str, reason: ReasonCode) -> tuple[int, str]:
    """Do one pass; return (entries and positions still open, a one-line detail)."""
    cancelled, failed = 0, []
    for row in open_entry_intents(mode):
        try:
            cancelled += executor.cancel(row, reason).state is IntentState.CONFIRMED
        except ExchangeError as exc:
            failed.append(f"cancel {row.symbol}: {type(exc).__name__}")
    closed = 0
    for pos in open_positions(mode):
        try:
            ok, why = pm.exit_market(pos, reason), "not confirmed"
        except ExchangeError as exc:
            ok, why = False, type(exc).__name__
        closed += ok
        if not ok:
            failed.append(f"close {pos.symbol}: {why}")
    left = len(open_positions(mode)) + len(open_entry_intents(mode))
    detail = f"cancelled {cancelled} entries, closed {closed} positions, {left} left" + (
        f" (failed: {'; '.join(failed)})" if failed else "")
    return left, detail
