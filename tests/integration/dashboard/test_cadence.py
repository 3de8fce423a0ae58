"""The stream schedule (000 SSE rules): on time it keeps the grid, after a stall it sends once."""
from __future__ import annotations

from dashboard.streams import Cadence


def sends(cadence: Cadence, times: list[float]) -> list[float]:
    return [t for t in times if cadence.due(t)]


def test_it_sends_at_once_then_every_interval_without_drift() -> None:
    c = Cadence(1.0, start=100.0)
    assert sends(c, [100.0, 100.5, 101.02, 101.5, 102.0, 102.99, 103.001]) == [100.0, 101.02, 102.0, 103.001]
    assert c.next == 104.0  # a little late never shifts the grid


def test_a_stall_gives_exactly_one_send_then_restarts_from_now() -> None:
    c = Cadence(1.0, start=0.0)
    assert c.due(0.0)
    # The loop was frozen from 0.1 s to 4.6 s: four slots were missed.
    assert sends(c, [4.6, 4.6, 4.7, 5.0, 5.5]) == [4.6]
    assert c.next == 5.6 and sends(c, [5.6, 6.0, 6.6]) == [5.6, 6.6]


def test_pings_wait_one_interval_before_the_first() -> None:
    c = Cadence(15.0, start=0.0, immediate=False)
    assert sends(c, [0.0, 14.9, 15.0, 29.9, 30.0]) == [15.0, 30.0]
