"""Parse human durations for command-line flags: '90s', '5m', '1h', '250ms', or plain seconds."""
from __future__ import annotations

import re

_UNITS_MS = {"ms": 1, "s": 1000, "m": 60_000, "h": 3_600_000, "d": 86_400_000}
_PATTERN = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$")


def parse_duration_ms(text: str) -> int:
    """Return the duration in milliseconds; raise ValueError with a readable message."""
    match = _PATTERN.match(text)
    if not match:
        raise ValueError(f"not a duration: {text!r} (use e.g. 90s, 5m, 1h)")
    value, unit = float(match.group(1)), match.group(2) or "s"
    ms = int(round(value * _UNITS_MS[unit]))
    if ms <= 0:
        raise ValueError(f"duration must be positive: {text!r}")
    return ms
