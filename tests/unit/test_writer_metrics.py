"""Pressure hysteresis and per-minute counters of the audit writer."""
from __future__ import annotations

from audit.metrics import PressureGauge, RollingCounter
from trading.domain.catalog import WriterPressure as P


def test_pressure_rises_at_high_water_and_capacity_and_recovers_only_below_half_high() -> None:
    g = PressureGauge(capacity=100, high_pct=70)
    assert g.update(peak_len=69, current_len=69, shed_since=0) is None
    assert g.update(70, 70, 0) == P.HIGH
    assert g.update(100, 100, 0) == P.FULL
    assert g.update(90, 90, 0) == P.HIGH  # below capacity again: FULL decays to HIGH
    assert g.update(50, 50, 0) is None  # between recovery (35) and high (70): hold HIGH
    assert g.update(34, 34, 0) == P.OK


def test_shedding_means_full_even_if_the_queue_drained_since() -> None:
    g = PressureGauge(capacity=100, high_pct=70)
    assert g.update(peak_len=10, current_len=0, shed_since=3) == P.FULL


def test_rolling_counter_forgets_events_older_than_a_minute() -> None:
    c = RollingCounter()
    c.add(1_000, 5)
    c.add(30_500, 2)
    assert c.total(59_999) == 7
    assert c.total(61_000) == 2  # the first second's bucket left the window
    assert c.total(200_000) == 0
