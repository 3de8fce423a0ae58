"""Loading the recorded Binance samples (copied into ./fixtures, see its PROVENANCE.md)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).parent / "fixtures"


def load(relative: str) -> Any:
    """Return one JSON fixture, e.g. `load("rest/time_mainnet.json")`."""
    return json.loads((FIXTURES / relative).read_text())


def frames(relative: str) -> list[dict[str, Any]]:
    """Return the frames of a recorded capture (`{recv_ts, frame}` lines or a JSON list of them)."""
    path = FIXTURES / relative
    if path.suffix == ".jsonl":
        lines = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
        return [line["frame"] for line in lines if "frame" in line]
    return [item["frame"] for item in load(relative)]
