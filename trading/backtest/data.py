"""Candle series for backtests: columnar arrays (8 bytes a value), loaded from gzip CSV.

The CSV format is the shipped market data's (`open_time_ms,open,high,low,close,volume`, see
trading/exchange/sim/data/PROVENANCE.md). Prices stay floats here; the order path converts the
few it needs with `Decimal(repr(x))`, which gives back the file's exact text for 2-decimal prices.
"""
from __future__ import annotations

import gzip
import hashlib
from array import array
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

REAL_NAME = "BTCUSDT-1m"
REAL_SYMBOL = "BTCUSDT"
_HEADER = "open_time_ms,open,high,low,close,volume"


@dataclass(frozen=True)
class Series:
    """One symbol's 1m candles, oldest first; `source` names where they came from, `digest` their content."""

    symbol: str
    source: str
    digest: str
    open_time: array  # 'q' epoch ms of each candle's open
    open: array  # 'd'
    high: array
    low: array
    close: array
    volume: array
    interval_ms: int = 60_000

    def __len__(self) -> int:
        return len(self.close)

    def slice(self, start: int, stop: int | None = None) -> Series:
        """Return candles [start:stop] as a new series (walk-forward splits, truncation tests)."""
        stop = len(self) if stop is None else stop
        cols = (self.open_time[start:stop], self.open[start:stop], self.high[start:stop], self.low[start:stop],
                self.close[start:stop], self.volume[start:stop])
        return Series(self.symbol, f"{self.source}[{start}:{stop}]", _digest_of(self.digest, start, stop), *cols,
                      interval_ms=self.interval_ms)


def _digest_of(parent: str, start: int, stop: int) -> str:
    return hashlib.sha256(f"{parent}:{start}:{stop}".encode()).hexdigest()


def parse_csv(text_lines: list[str], symbol: str, source: str, digest: str) -> Series:
    """Return the series of CSV lines (header first); ValueError names a bad line."""
    if not text_lines or text_lines[0].strip() != _HEADER:
        raise ValueError(f"{source}: expected header {_HEADER!r}")
    ts, o, h, lo, c, v = array("q"), array("d"), array("d"), array("d"), array("d"), array("d")
    prev = None
    for n, line in enumerate(text_lines[1:], start=2):
        if not line.strip():
            continue
        try:
            t_s, o_s, h_s, l_s, c_s, v_s = line.split(",")
            t = int(t_s)
            row = (float(o_s), float(h_s), float(l_s), float(c_s), float(v_s))
        except ValueError:
            raise ValueError(f"{source}: line {n} is not a candle: {line.strip()!r}") from None
        if prev is not None and t <= prev:
            raise ValueError(f"{source}: line {n}: open_time_ms {t} is not after {prev}")
        prev = t
        ts.append(t)
        o.append(row[0])
        h.append(row[1])
        lo.append(row[2])
        c.append(row[3])
        v.append(row[4])
    if not c:
        raise ValueError(f"{source}: no candles")
    steps = sorted(b - a for a, b in zip(ts[:1001], ts[1:1001]))
    if steps and steps[len(steps) // 2] != 60_000:
        raise ValueError(f"{source}: backtests run on 1m candles; these are {steps[len(steps) // 2]} ms apart")
    return Series(symbol, source, digest, ts, o, h, lo, c, v)


def load_csv_gz(path: Path, symbol: str | None = None) -> Series:
    """Return the candles of a gzip (or plain) CSV file; the symbol defaults to the file name's prefix."""
    raw = path.read_bytes()
    text = gzip.decompress(raw).decode() if raw[:2] == b"\x1f\x8b" else raw.decode()
    name = symbol or path.name.split("-")[0].upper()
    return parse_csv(text.splitlines(), name, path.name, hashlib.sha256(raw).hexdigest())


def real_series() -> Series:
    """Return the real BTCUSDT 1m series shipped with the simulator (32,027 candles, PROVENANCE.md)."""
    ref = resources.files("trading.exchange.sim.data").joinpath(f"candles/{REAL_NAME}.csv.gz")
    raw = ref.read_bytes()
    series = parse_csv(gzip.decompress(raw).decode().splitlines(), REAL_SYMBOL, f"real:{REAL_NAME}",
                       hashlib.sha256(raw).hexdigest())
    return series


def load_series(spec: str, *, seed: int = 42, candles: int | None = None) -> Series:
    """Return the series `spec` names: "real", "synthetic" (seeded, `candles` long) or a CSV path.

    `candles` also truncates real and file data to their first N candles.
    """
    if spec == "real":
        series = real_series()
    elif spec == "synthetic":
        from trading.backtest.synthetic import SYNTHETIC_CANDLES, synthetic_series
        return synthetic_series(candles or SYNTHETIC_CANDLES, seed=seed)
    else:
        path = Path(spec)
        if not path.is_file():
            raise ValueError(f"--data {spec!r}: not 'real', 'synthetic' or an existing CSV file")
        series = load_csv_gz(path)
    if candles is not None and candles < len(series):
        series = series.slice(0, candles)
    return series
