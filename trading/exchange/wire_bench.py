"""`bench pipeline`, the whole path: the domain figures plus bookTickers from the wire.

`trading.domain.pipeline_bench` measures STATE_UPDATE on parsed events (pure, no I/O code). A
bookTicker reaches the trader as a combined-stream text frame, so this adds
`wire_events_per_s`: frame -> json.loads -> the adapter's `market_event` parser -> the state
store, exactly the calls `ws_market._on_frame` and the market loop make (no socket: the
network cost is the exchange bench's), and `wire_us` per event.
"""
from __future__ import annotations

import json
import time
from typing import Any

from trading.domain import pipeline_bench
from trading.domain.state.store import StateStore
from trading.exchange.adapter.parse_events import market_event


def _frames(symbols: list[str], n: int) -> list[bytes]:
    out = []
    for i in range(n):
        sym = symbols[i % len(symbols)]
        bid = 100 + (i % 997) / 100
        data = {"u": i, "s": sym, "b": f"{bid:.4f}", "B": "3.120", "a": f"{bid + 0.0002:.4f}", "A": "1.500",
                "E": pipeline_bench.T0 + i // 20, "T": pipeline_bench.T0 + i // 20}
        out.append(json.dumps({"stream": f"{sym.lower()}@bookTicker", "data": data}).encode())
    return out


def wire_rate(symbols: int = 200, events: int = 100_000) -> tuple[float, float]:
    """Return (us per event, events/s) from frame bytes to the state store."""
    names = [f"S{i:03d}USDT" for i in range(symbols)]
    frames = _frames(names, events)
    store = StateStore()
    start = time.perf_counter()
    for raw in frames:
        msg = json.loads(raw)
        ev = market_event(str(msg["stream"]), msg["data"])
        store.on_book_ticker(ev, ev.event_time_ms or 0)  # type: ignore[union-attr,arg-type]
    elapsed = time.perf_counter() - start
    assert len(store) == symbols
    return elapsed / events * 1e6, events / elapsed


def run(options: dict[str, Any]) -> tuple[list[str], dict[str, float]]:
    lines, figures = pipeline_bench.run(options)
    wire_rate(events=10_000)  # warm-up
    us, rate = wire_rate()
    figures = {**figures, "wire_us": round(us, 2), "wire_events_per_s": round(rate)}
    lines.insert(2, f"  from the wire (frame -> json -> parser -> store): {us:.2f} us/event, "
                    f"{rate:,.0f} events/s (target >= 20,000)")
    return lines, figures
