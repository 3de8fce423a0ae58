"""Market data shipped with the simulator: real Binance spot USDT candles (see PROVENANCE.md).

`SHIPPED` is the one place that says which file is which symbol, interval and filters; the
product reads the files from this package only.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

CANDLE_DIR = Path(__file__).resolve().parent / "candles"


@dataclass(frozen=True)
class ShippedSeries:
    """One shipped candle file and the exchange filters of its symbol at the time."""

    name: str
    symbol: str
    base_asset: str
    interval: str
    tick_size: Decimal
    step_size: Decimal
    min_notional: Decimal = Decimal(5)
    has_gaps: bool = False

    @property
    def path(self) -> Path:
        """Return the path of the gzip CSV."""
        return CANDLE_DIR / f"{self.name}.csv.gz"


def _spot(name: str, base: str, interval: str, tick: str, step: str, gaps: bool = False) -> ShippedSeries:
    return ShippedSeries(name, base + "USDT", base, interval, Decimal(tick), Decimal(step),
                         has_gaps=gaps)


SHIPPED: dict[str, ShippedSeries] = {s.name: s for s in (
    _spot("BTCUSDT-1m", "BTC", "1m", "0.01", "0.00001"),
    _spot("BTCUSDT-5m", "BTC", "5m", "0.01", "0.00001"),
    _spot("BTCUSDT-1h", "BTC", "1h", "0.01", "0.000001"),
    _spot("BTCUSDT-1m-20180428", "BTC", "1m", "0.01", "0.000001", gaps=True),
    _spot("BTCUSDT-5m-20180426", "BTC", "5m", "0.01", "0.000001"),
    _spot("ETHUSDT-1m", "ETH", "1m", "0.01", "0.00001"),
    _spot("ADAUSDT-1m", "ADA", "1m", "0.00001", "0.1"),
)}

DEFAULT_SERIES = "BTCUSDT-1m"


def shipped(name: str) -> ShippedSeries:
    """Return the catalog entry `name`; raise KeyError listing the known names."""
    try:
        return SHIPPED[name]
    except KeyError:
        raise KeyError(f"no shipped candle series {name!r}; known: {', '.join(SHIPPED)}") from None
