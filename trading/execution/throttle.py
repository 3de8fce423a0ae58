"""SendGate: after a 429/418 the executor stops sending new entries until the back-off ends, pure.

The adapter already refuses REST calls locally during Retry-After or a ban; the gate keeps the
executor from even writing entry intents it cannot send. Protection and exits still try: a stop
matters more than request weight, and the adapter answers locally if it may not send.
"""
from __future__ import annotations


class SendGate:
    def __init__(self) -> None:
        self.blocked_until_ms: int | None = None

    def block(self, until_ms: int) -> None:
        """Refuse entries until `until_ms` (a later deadline wins)."""
        self.blocked_until_ms = max(until_ms, self.blocked_until_ms or 0)

    def allows_entries(self, now_ms: int) -> bool:
        return self.blocked_until_ms is None or now_ms >= self.blocked_until_ms
