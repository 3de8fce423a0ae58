"""Crash points: test-only fault injection that kills the process at a named point (SIGKILL).

Like FoundationDB's buggify or PostgreSQL's injection points, but only one kind: die here, now,
without cleanup, exactly as a power cut or an OOM kill would. The crash tests start `runtrader`
with `LIVESPOT_CRASHPOINT=<name>`, wait for it to die, restart it without the variable and check
that recovery leaves no duplicate order, no unprotected position and no unresolved intent.

The variable is read once at import; when it is unset (always, outside those tests) `hit` is
one comparison. Names (where the execution code calls `hit`):

- `intent_written`: the intent row is committed (write-ahead) and the request not yet sent;
- `order_sent`: the exchange answered the request, the answer is not yet recorded;
- `entry_filled`: an entry filled and the position exists, its OCO not yet requested;
- `swap_sent`: a protection cancel-replace was answered, the answer is not yet recorded.

`LIVESPOT_CRASHPOINT_SKIP=N` lets the first N hits of the point pass (crash on hit N+1).
"""
from __future__ import annotations

import os
import signal

NAMES = ("intent_written", "order_sent", "entry_filled", "swap_sent")
ENV, SKIP_ENV = "LIVESPOT_CRASHPOINT", "LIVESPOT_CRASHPOINT_SKIP"

_armed = os.environ.get(ENV, "")
_skip = int(os.environ.get(SKIP_ENV, "0") or 0)


def hit(name: str) -> None:
    """Kill this process with SIGKILL if `name` is the armed crash point (after the skipped hits)."""
    global _skip
    if name != _armed:
        return
    if _skip > 0:
        _skip -= 1
        return
    os.kill(os.getpid(), signal.SIGKILL)
