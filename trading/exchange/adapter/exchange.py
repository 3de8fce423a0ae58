"""BinanceExchange: the `Exchange` port over python-binance 1.0.37 and our websocket clients.

REST goes through python-binance's sync `Client` (the trader's loop is synchronous) inside a
`RestGateway`; streams run on one asyncio loop in a background thread and arrive through
queues. Orders are always addressed by client order id (design §5/§7). Weights per call are
Binance's (facts §2), used to stay under the budget before the exchange has to say no.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from trading.domain.clock import Clock, SystemClock
from trading.domain.ports import (
    AccountSnapshot,
    BookTicker,
    CancelReplaceResult,
    ExchangeInfo,
    ExchangeUnavailable,
    ExecutionUnknown,
    Kline,
    MarketStream,
    OcoRequest,
    OrderListState,
    OrderRequest,
    OrderState,
    OtocoRequest,
    Ticker24h,
    Trade,
    WeightStatus,
)

from . import parse, wire
from .config import AdapterConfig, ExchangeEndpoints
from .errors import rejected_from_body
from .rest import RestGateway, make_client
from .ws_market import MarketEventStreamHandle
from .ws_runtime import StreamRuntime
from .ws_user import UserEventStreamHandle, WsApiSigner

T = TypeVar("T")


def ticker_weight(symbols: Sequence[str] | None) -> int:
    """Return GET /ticker/24hr's weight: 2 per symbol list up to 20, 40 up to 100, else 80."""
    if symbols is None:
        return 80
    n = len(symbols)
    return 2 if n <= 20 else 40 if n <= 100 else 80


class BinanceExchange:
    """One venue (simulator, testnet or production), chosen by `endpoints` alone."""

    def __init__(self, endpoints: ExchangeEndpoints, api_key: str, api_secret: str,
                 config: AdapterConfig | None = None, *, clock: Clock | None = None) -> None:
        self.endpoints = endpoints
        self.config = config or AdapterConfig()
        self._clock = clock or SystemClock()
        self._client = make_client(endpoints, api_key, api_secret, self.config)
        self._rest = RestGateway(self._client, self.config, self._clock.now_ms)
        self._signer = WsApiSigner(api_key, api_secret, self._rest.timestamp_ms, self.config.recv_window_ms)
        self._runtime = StreamRuntime()

    def __repr__(self) -> str:
        return f"BinanceExchange({self.endpoints.api_url!r})"  # never the key or secret

    # -- time, limits ----------------------------------------------------------------------

    @property
    def clock_offset_ms(self) -> int:
        return self._rest.offset_ms

    @property
    def recv_window_ms(self) -> int:
        return self.config.recv_window_ms

    @property
    def clock_skew_events(self) -> int:
        """Return how many -1021 answers led to a resync."""
        return self._rest.skew_events

    def weight(self) -> WeightStatus:
        return self._rest.governor.status()

    def server_time(self) -> int:
        return int(self._rest.call(self._client.get_server_time, weight=1)["serverTime"])

    def sync_clock(self) -> int:
        return self._rest.sync_clock()

    # -- market data ---------------------------------------------------------------------

    def exchange_info(self, symbols: Sequence[str] | None = None) -> ExchangeInfo:
        body = self._rest.call(self._client.get_exchange_info, weight=20)
        info = self._read(parse.parse_exchange_info, body, False, symbols)
        self._rest.governor.learn_limit(info.weight_limit_per_minute)
        return info

    def tickers_24h(self, symbols: Sequence[str] | None = None) -> list[Ticker24h]:
        params = {"symbols": json.dumps(list(symbols), separators=(",", ":"))} if symbols else {}
        body = self._rest.call(self._client.get_ticker, params, weight=ticker_weight(symbols))
        rows = body if isinstance(body, list) else [body]
        return [self._read(parse.parse_ticker, row, False) for row in rows]

    def klines(self, symbol: str, interval: str, *, limit: int = 500, start_ms: int | None = None,
               end_ms: int | None = None) -> list[Kline]:
        params: dict[str, Any] = {"symbol": symbol, "interval": interval, "limit": limit}
        if start_ms is not None:
            params["startTime"] = start_ms
        if end_ms is not None:
            params["endTime"] = end_ms
        rows = self._rest.call(self._client.get_klines, params, weight=2)
        return [self._read(parse.parse_kline_row, row, False) for row in rows]

    def book_ticker(self, symbol: str) -> BookTicker:
        body = self._rest.call(self._client.get_orderbook_ticker, {"symbol": symbol}, weight=2)
        return self._read(parse.parse_book_ticker, body, False)

    # -- account and orders --------------------------------------------------------------

    def account(self) -> AccountSnapshot:
        body = self._rest.call(self._client.get_account, weight=20, signed=True)
        return self._read(parse.parse_account, body, False)

    def place_order(self, request: OrderRequest) -> OrderState:
        body = self._rest.call(self._client.create_order, wire.order_params(request), weight=1, signed=True,
                               mutating=True, order_path=True, new_order=True)
        return self._read(parse.parse_order, body, True)

    def cancel_order(self, symbol: str, client_order_id: str) -> OrderState:
        body = self._rest.call(self._client.cancel_order, {"symbol": symbol, "origClientOrderId": client_order_id},
                               weight=1, signed=True, mutating=True, order_path=True)
        return self._read(parse.parse_order, body, True)

    def get_order(self, symbol: str, client_order_id: str) -> OrderState:
        body = self._rest.call(self._client.get_order, {"symbol": symbol, "origClientOrderId": client_order_id},
                               weight=4, signed=True, order_path=True)
        return self._read(parse.parse_order, body, False)

    def cancel_replace(self, symbol: str, cancel_client_order_id: str, new: OrderRequest, *,
                       allow_failure: bool = False) -> CancelReplaceResult:
        params = wire.cancel_replace_params(symbol, cancel_client_order_id, new, allow_failure=allow_failure)
        body = self._rest.call(self._client.cancel_replace_order, params, weight=1, signed=True, mutating=True,
                               order_path=True, new_order=True, rescue=_partial_replace)
        if isinstance(body, CancelReplaceResult):
            return body
        return self._read(_replace_result, body, True)

    def place_oco(self, request: OcoRequest) -> OrderListState:
        body = self._rest.call(self._client.create_oco_order, wire.oco_params(request), weight=1, signed=True,
                               mutating=True, order_path=True, new_order=True)
        return self._read(parse.parse_order_list, body, True)

    def place_otoco(self, request: OtocoRequest) -> OrderListState:
        body = self._rest.call(self._client.v3_post_order_list_otoco, wire.otoco_params(request), weight=1,
                               signed=True, mutating=True, order_path=True, new_order=True)
        return self._read(parse.parse_order_list, body, True)

    def cancel_order_list(self, symbol: str, list_client_order_id: str) -> OrderListState:
        # python-binance has no named method for DELETE /orderList (facts §9): the generated one.
        body = self._rest.call(self._client.v3_delete_order_list,
                               {"symbol": symbol, "listClientOrderId": list_client_order_id},
                               weight=1, signed=True, mutating=True, order_path=True)
        return self._read(parse.parse_order_list, body, True)

    def get_order_list(self, list_client_order_id: str) -> OrderListState:
        body = self._rest.call(self._client.v3_get_order_list, {"origClientOrderId": list_client_order_id},
                               weight=4, signed=True, order_path=True)
        return self._read(parse.parse_order_list, body, False)

    def open_orders(self, symbol: str | None = None) -> list[OrderState]:
        params = {"symbol": symbol} if symbol else {}
        rows = self._rest.call(self._client.get_open_orders, params, weight=6 if symbol else 80, signed=True)
        return [self._read(parse.parse_order, row, False) for row in rows]

    def open_order_lists(self) -> list[OrderListState]:
        rows = self._rest.call(self._client.get_open_oco_orders, weight=6, signed=True)
        return [self._read(parse.parse_order_list, row, False) for row in rows]

    def my_trades(self, symbol: str, *, order_id: int | None = None, start_ms: int | None = None,
                  limit: int = 500) -> list[Trade]:
        params: dict[str, Any] = {"symbol": symbol, "limit": limit}
        if order_id is not None:
            params["orderId"] = order_id
        if start_ms is not None:
            params["startTime"] = start_ms
        rows = self._rest.call(self._client.get_my_trades, params, weight=5 if order_id is not None else 20,
                               signed=True)
        return [self._read(parse.parse_trade, row, False) for row in rows]

    # -- streams ---------------------------------------------------------------------------

    def market_stream(self, streams: Sequence[MarketStream]) -> MarketEventStreamHandle:
        return MarketEventStreamHandle(self._runtime, self.endpoints.stream_url, streams, self.config)

    def user_stream(self) -> UserEventStreamHandle:
        return UserEventStreamHandle(self._runtime, self.endpoints.ws_api_url, self._signer, self._rest.sync_clock,
                                     self.config)

    def close(self) -> None:
        """Stop every stream and close the HTTP session."""
        self._runtime.stop()
        self._client.session.close()

    @staticmethod
    def _read(fn: Callable[..., T], body: Any, mutating: bool, *args: Any) -> T:
        # An answer we cannot read: for an order it did go through, so its state is unknown.
        try:
            return fn(body, *args)
        except (KeyError, TypeError, ValueError, IndexError, ArithmeticError) as err:
            detail = f"unreadable response ({type(err).__name__} in {getattr(fn, '__name__', 'parser')})"
            if mutating:
                raise ExecutionUnknown(detail, http_status=200) from None
            raise ExchangeUnavailable(detail, http_status=200) from None


def _replace_result(body: Mapping[str, Any]) -> CancelReplaceResult:
    """Return a cancel-replace answer; a failed half carries its `{"code","msg"}` (facts §2.2)."""
    cancel, new = body.get("cancelResponse"), body.get("newOrderResponse")
    ok_cancel, ok_new = body.get("cancelResult") == "SUCCESS", body.get("newOrderResult") == "SUCCESS"
    return CancelReplaceResult(
        cancel=parse.parse_order(cancel) if ok_cancel and cancel else None,
        new=parse.parse_order(new) if ok_new and new else None,
        cancel_error=None if ok_cancel else rejected_from_body(cancel),
        new_error=None if ok_new or body.get("newOrderResult") == "NOT_ATTEMPTED" else rejected_from_body(new))


def _partial_replace(code: int, body: Mapping[str, Any]) -> CancelReplaceResult | None:
    # -2021: one half succeeded, so something changed: report both halves instead of raising.
    # -2022 (nothing happened) stays an ExchangeRejected.
    data = body.get("data")
    if code == -2021 and isinstance(data, Mapping):
        return _replace_result(data)
    return None


if TYPE_CHECKING:  # mypy proves the adapter and its streams implement the ports
    from trading.domain.ports import EventStream, Exchange, MarketEventStream

    def _implements(b: BinanceExchange, m: MarketEventStreamHandle, u: UserEventStreamHandle) -> None:
        _exchange: Exchange = b
        _market: MarketEventStream = m
        _user: EventStream = u
