"""The wire figure of `bench pipeline`: frames go through the real parser into the state store."""
from __future__ import annotations

import json

from trading.exchange.wire_bench import _frames, wire_rate


def test_frames_are_combined_stream_booktickers_and_all_reach_the_store() -> None:
    frames = _frames(["AAAUSDT", "BBBUSDT"], 4)
    msg = json.loads(frames[1])
    assert msg["stream"] == "bbbusdt@bookTicker" and msg["data"]["s"] == "BBBUSDT"
    us, rate = wire_rate(symbols=50, events=500)  # asserts every symbol reached the store
    assert us > 0 and rate > 0
