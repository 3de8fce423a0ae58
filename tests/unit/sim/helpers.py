"""Small helpers shared by the engine tests: placing orders, moving the market, reading events."""
from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from trading.exchange.sim.engine import BinanceApiError, SimEngine

FIXTURES = Path(__file__).parent / "fixtures"
SYMBOL = "BTCUSDT"


def fixture(name: str) -> Any:
    """Return a JSON sample copied from the shared response collection."""
    return json.loads((FIXTURES / name).read_text())


def place(engine: SimEngine, **params: Any) -> dict[str, Any]:
    """Place a BTCUSDT order; keyword args are Binance parameter names."""
    return engine.new_order({"symbol": SYMBOL, **{k: str(v) for k, v in params.items()}})


def limit(engine: SimEngine, side: str, qty: str, price: str, tif: str = "GTC", **extra: Any) -> dict[str, Any]:
    return place(engine, side=side, type="LIMIT", timeInForce=tif, quantity=qty, price=price, **extra)


def tick(engine: SimEngine, bid: str, ask: str, bid_qty: str = "2", ask_qty: str = "2") -> None:
    """Move the BTCUSDT touch (time taken from the engine's clock)."""
    engine.on_book_ticker(SYMBOL, bid, bid_qty, ask, ask_qty, engine.server_time()["serverTime"])


def balance(engine: SimEngine, asset: str) -> tuple[Decimal, Decimal]:
    """Return (free, locked) from GET /account."""
    for row in engine.account()["balances"]:
        if row["asset"] == asset:
            return Decimal(row["free"]), Decimal(row["locked"])
    return Decimal(0), Decimal(0)


def query(engine: SimEngine, order_id: int) -> dict[str, Any]:
    return engine.get_order({"symbol": SYMBOL, "orderId": str(order_id)})


@contextmanager
def api_error(code: int, msg: str | None = None,
              http_status: int | None = None) -> Iterator[pytest.ExceptionInfo[BinanceApiError]]:
    """Expect a BinanceApiError with exactly this code (and message/status when given)."""
    with pytest.raises(BinanceApiError) as info:
        yield info
    assert info.value.code == code, info.value.to_dict()
    if msg is not None:
        assert info.value.msg == msg
    if http_status is not None:
        assert info.value.http_status == http_status


@dataclass
class Events:
    """Captured user-data events with a few filters."""

    items: list[dict[str, Any]]

    def kinds(self) -> list[str]:
        return [e["e"] for e in self.items]

    def reports(self, order_id: int | None = None) -> list[dict[str, Any]]:
        return [e for e in self.items if e["e"] == "executionReport" and order_id in (None, e["i"])]

    def exec_types(self, order_id: int) -> list[tuple[str, str]]:
        return [(e["x"], e["X"]) for e in self.reports(order_id)]

    def lists(self) -> list[dict[str, Any]]:
        return [e for e in self.items if e["e"] == "listStatus"]

    def clear(self) -> None:
        self.items.clear()
