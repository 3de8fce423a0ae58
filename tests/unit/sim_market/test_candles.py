"""Loading and validating candle files, and the shipped data catalog."""
from __future__ import annotations

import gzip
from decimal import Decimal
from pathlib import Path

import pytest

from trading.exchange.sim.data import SHIPPED
from trading.exchange.sim.market import CandleDataError, CandleSeries, load_candles, load_shipped, parse_candles

HEADER = "open_time_ms,open,high,low,close,volume"
GOOD = [HEADER, "60000,10.5,11,10,10.75,3.25", "120000,10.75,10.8,10.1,10.2,0"]


def _write(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "x.csv.gz"
    with gzip.open(path, "wt") as fh:
        fh.write("\n".join(lines) + "\n")
    return path


def test_loads_a_file_into_ints_with_decimal_edges(tmp_path: Path) -> None:
    series = load_candles(_write(tmp_path, GOOD))
    assert len(series) == 2 and series.interval_ms == 60_000 and series.gaps == ()
    assert series.price_decimals == 2 and series.volume_decimals == 2
    assert series.raw(0) == (60_000, 1050, 1100, 1000, 1075, 325)
    c = series.candle(1)
    assert (c.open, c.high, c.low, c.close, c.volume) == (
        Decimal("10.75"), Decimal("10.80"), Decimal("10.10"), Decimal("10.20"), Decimal("0"))
    assert series.end_ms == 180_000


def test_series_columns_are_read_only(tmp_path: Path) -> None:
    series = load_candles(_write(tmp_path, GOOD))
    with pytest.raises(TypeError):
        series.column("close")[0] = 1  # type: ignore[index]


@pytest.mark.parametrize(("lines", "message"), [
    (["time,o,h,l,c,v", "60000,1,1,1,1,1"], "expected header"),
    ([HEADER, "60000,1,1,1,1"], "expected 6 fields"),
    ([HEADER, "60000,1,abc,1,1,1"], "not a number"),
    ([HEADER, "60000,1,2,1.5,1,1"], "inconsistent OHLC"),
    ([HEADER, "60000,1,2,1,3,1"], "inconsistent OHLC"),
    ([HEADER, "60000,1,1,1,1,-1"], "must not be negative"),
    ([HEADER, "60000,0,1,0,1,1"], "must be positive"),
    ([HEADER, "120000,1,1,1,1,1", "60000,1,1,1,1,1", "180000,1,1,1,1,1"], "must increase"),
    ([HEADER, "60000,1,1,1,1,1", "150000,1,1,1,1,1"], "not aligned"),
    ([HEADER], "no candles"),
])
def test_rejects_a_bad_file_naming_the_line(tmp_path: Path, lines: list[str], message: str) -> None:
    with pytest.raises(CandleDataError, match=message) as err:
        load_candles(_write(tmp_path, lines))
    assert "x.csv.gz" in str(err.value)


def test_rejects_a_file_that_is_not_gzip(tmp_path: Path) -> None:
    path = tmp_path / "plain.csv.gz"
    path.write_text("\n".join(GOOD))
    with pytest.raises(CandleDataError, match="cannot read as gzip"):
        load_candles(path)


def test_reports_gaps_and_rejects_them_unless_allowed() -> None:
    lines = [HEADER, "60000,1,1,1,1,1", "120000,1,1,1,1,1", "300000,1,1,1,1,1"]
    with pytest.raises(CandleDataError, match="1 gap"):
        parse_candles(lines)
    series = parse_candles(lines, allow_gaps=True)
    assert [(g.after_ms, g.before_ms, g.missing) for g in series.gaps] == [(120_000, 300_000, 2)]


def test_one_candle_needs_its_interval() -> None:
    with pytest.raises(CandleDataError, match="pass interval_ms"):
        parse_candles([HEADER, "60000,1,1,1,1,1"])
    assert parse_candles([HEADER, "60000,1,1,1,1,1"], interval_ms=60_000).interval_ms == 60_000


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_every_shipped_series_loads_on_its_symbols_grid(name: str) -> None:
    entry = SHIPPED[name]
    series: CandleSeries = load_shipped(name)
    assert entry.symbol.endswith("USDT")
    assert Decimal(1).scaleb(-series.price_decimals) <= entry.tick_size
    assert Decimal(1).scaleb(-series.volume_decimals) <= entry.step_size
    assert bool(series.gaps) == entry.has_gaps
    first, last = series.candle(0), series.candle(len(series) - 1)
    for c in (first, last):
        assert c.close % entry.tick_size == 0 and c.volume % entry.step_size == 0


def test_the_2018_btc_file_reports_its_one_missing_minute() -> None:
    series = load_shipped("BTCUSDT-1m-20180428")
    assert [(g.after_ms, g.missing) for g in series.gaps] == [(1_524_910_260_000, 1)]


def test_the_main_series_is_the_documented_one(btc_1m: CandleSeries) -> None:
    assert len(btc_1m) == 32_027 and btc_1m.interval_ms == 60_000 and btc_1m.gaps == ()
    assert btc_1m.candle(0).open == Decimal("29496.94")


def test_shipped_files_live_inside_the_package() -> None:
    package = Path(__file__).resolve().parents[3] / "trading" / "exchange" / "sim" / "data"
    for entry in SHIPPED.values():
        assert entry.path.is_file() and package in entry.path.parents
    assert (package / "PROVENANCE.md").is_file()
