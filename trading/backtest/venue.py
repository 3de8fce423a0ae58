"""The simulator's matching engine in process: orders in as the live adapter's wire parameters,
answers and fills out as the live adapter parses them. No HTTP, no threads.

The market is fed only when something can happen: a touch at a price (bid = ask = price, deep
enough for any order) sets the last price, so a resting stop or take-profit leg triggers on it
and a market order fills at it. Fills are taken from the engine's user-data executionReports,
the same events the live user stream carries.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from trading.domain.clock import ManualClock
from trading.domain.contracts.quantize import SymbolFilters
from trading.domain.ports import ExecutionReport, OcoRequest, OrderListState, OrderRequest, OrderState
from trading.exchange.adapter import parse, parse_events, wire
from trading.exchange.sim.engine import FeeSchedule, SimEngine, typical_spec

DEPTH = "1000000"  # displayed size at the touch: the reference rules assume unlimited liquidity
RESP = "ACK"  # fills are taken from the executionReports, as live takes them from the user stream


class SimVenue:
    """One symbol on a SimEngine under a ManualClock; the account starts with `start_quote` USDT."""

    def __init__(self, symbol: str, base: str, quote: str, start_quote: Decimal, clock: ManualClock,
                 fees: FeeSchedule | None = None) -> None:
        self.symbol, self.base, self.quote, self.clock = symbol, base, quote, clock
        self.engine = SimEngine(clock, [typical_spec(symbol, base, quote)], fees or FeeSchedule(), seed=0)
        self._reports: list[ExecutionReport] = []
        self.engine.subscribe(self._on_event, events=("executionReport:TRADE",))
        self.engine.deposit(quote, start_quote)
        info = self.engine.exchange_info({"symbol": symbol})
        self.filters = SymbolFilters.from_exchange_info(info["symbols"][0])

    def _on_event(self, event: dict[str, Any]) -> None:
        if event.get("e") == "executionReport" and event.get("x") == "TRADE":
            self._reports.append(parse_events.execution_report(event))

    def drain_fills(self) -> list[ExecutionReport]:
        """Return the TRADE executionReports since the last call, oldest first."""
        out, self._reports = self._reports, []
        return out

    def touch(self, price: Decimal, ts_ms: int) -> None:
        """Move the clock to `ts_ms` and set the touch (and last price) to `price`."""
        self.clock.set(ts_ms)
        self.engine.on_book_ticker(self.symbol, price, DEPTH, price, DEPTH, ts_ms)

    def place(self, request: OrderRequest) -> OrderState:
        """POST /api/v3/order."""
        return parse.parse_order(self.engine.new_order(wire.order_params(request, RESP)))

    def place_oco(self, request: OcoRequest) -> OrderListState:
        """POST /api/v3/orderList/oco."""
        return parse.parse_order_list(self.engine.new_oco(wire.oco_params(request, RESP)))

    def cancel_replace(self, cancel_order_id: int, new: OrderRequest) -> OrderState:
        """POST /api/v3/order/cancelReplace (STOP_ON_FAILURE): cancel a resting order (its whole OCO)
        and place `new` in one request; return the new order."""
        params = wire.order_params(new, RESP)
        params.update({"cancelOrderId": str(cancel_order_id), "cancelReplaceMode": "STOP_ON_FAILURE"})
        body = self.engine.cancel_replace(params)
        return parse.parse_order(body["newOrderResponse"])

    def cancel(self, order_id: int) -> None:
        """DELETE /api/v3/order by exchange order id."""
        self.engine.cancel_order({"symbol": self.symbol, "orderId": str(order_id)})

    def balances(self) -> dict[str, tuple[Decimal, Decimal]]:
        """Return free and locked per asset (GET /api/v3/account)."""
        body = self.engine.account({})
        return {b["asset"]: (Decimal(b["free"]), Decimal(b["locked"])) for b in body["balances"]}
