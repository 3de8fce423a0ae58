"""Stream frames from real captures (market) and the docs/live samples (user data)."""
from __future__ import annotations

from decimal import Decimal

import pytest

from trading.domain.contracts.intent import OrderType
from trading.domain.ports import (
    AccountPosition,
    BalanceDelta,
    BookTicker,
    ExecutionReport,
    KlineUpdate,
    ListStatus,
    OrderStatus,
    Side,
)
from trading.exchange.adapter.parse_events import FrameError, market_event, user_event

from .helpers import frames, load

D = Decimal


@pytest.mark.parametrize("capture", ["ws/combined_stream_spot_20211012_mainnet.jsonl",
                                     "ws/combined_stream_spot_20210814_mainnet.jsonl"])
def test_every_book_ticker_and_kline_frame_of_a_live_capture_parses(capture: str) -> None:
    captured = frames(capture)
    wanted = [f for f in captured if f["stream"].endswith("@bookTicker") or "@kline_" in f["stream"]]
    for frame in captured:
        if frame not in wanted:  # depth and aggTrade: streams the bot does not subscribe to
            with pytest.raises(FrameError):
                market_event(frame["stream"], frame["data"])
    parsed = [market_event(f["stream"], f["data"]) for f in wanted]
    books = [e for e in parsed if isinstance(e, BookTicker)]
    klines = [e for e in parsed if isinstance(e, KlineUpdate)]
    assert len(books) >= 84 and len(klines) >= 2 and len(books) + len(klines) == len(wanted)
    assert all(b.bid_price <= b.ask_price and b.update_id and b.event_time_ms is None for b in books)
    assert all(k.kline.open_time_ms < k.kline.close_time_ms and k.symbol == k.symbol.upper() for k in klines)


def test_book_ticker_samples_old_and_new_shape() -> None:
    old = [market_event(f["stream"], f["data"]) for f in frames("ws/sample_bookTicker_mainnet.json")]
    assert old[0] == BookTicker("NKNUSDT", D("0.3521"), D("672"), D("0.3526"), D("3199"), 499869768, None)
    new = load("testnet/ws_bookTicker_ETHUSDT_20220302_testnet.json")
    tick = market_event(new["stream"], new["data"])
    assert isinstance(tick, BookTicker) and tick.event_time_ms == 1646199228123  # E is read when sent


@pytest.mark.parametrize(("name", "closed"), [("ws/sample_kline_open_mainnet.json", False),
                                              ("ws/sample_kline_closed_mainnet.json", True)])
def test_kline_samples(name: str, closed: bool) -> None:
    for frame in frames(name):
        update = market_event(frame["stream"], frame["data"])
        k = frame["data"]["k"]
        assert isinstance(update, KlineUpdate) and update.closed is closed and update.interval == k["i"]
        assert (update.kline.open_time_ms, str(update.kline.close), update.kline.trades) == (k["t"], k["c"], k["n"])


@pytest.mark.parametrize("bad", [None, [], {"u": 1}, {"u": 1, "s": "X", "b": 1.5, "B": "1", "a": "2", "A": "1"},
                                 {"u": "x", "s": "X", "b": "1", "B": "1", "a": "2", "A": "1"}])
def test_a_malformed_book_ticker_is_a_frame_error(bad: object) -> None:
    with pytest.raises(FrameError):
        market_event("btcusdt@bookTicker", bad)


def test_docs_execution_reports() -> None:
    new = user_event(load("docs-examples/ws/execution_report_new.json"))
    assert isinstance(new, ExecutionReport)
    assert (new.exec_type, new.status, new.side, new.type, new.trade_id, new.commission_asset) == (
        "NEW", OrderStatus.NEW, Side.BUY, OrderType.LIMIT, None, None)
    trade = user_event(load("docs-examples/ws/execution_report_trade.json"))
    assert isinstance(trade, ExecutionReport)
    assert (trade.status, trade.last_qty, trade.last_price, trade.trade_id, trade.is_maker) == (
        OrderStatus.FILLED, D(1), D(2500), 98765432, True)
    expired = user_event(load("docs-examples/ws/execution_report_expired.json"))
    assert isinstance(expired, ExecutionReport) and expired.expiry_reason == "INSUFFICIENT_LIQUIDITY"
    canceled = user_event(load("docs-examples/ws/execution_report_canceled.json"))
    assert isinstance(canceled, ExecutionReport) and canceled.orig_client_order_id is None  # "" -> None


def test_live_execution_reports_with_every_field() -> None:
    new = user_event(load("live-ccxt/live_execution_report_market_new_ccxt.json"))
    assert isinstance(new, ExecutionReport) and new.quantity == D("0.153") and new.order_list_id is None
    trade = user_event(load("live-ccxt/live_execution_report_market_trade_ccxt.json"))
    assert isinstance(trade, ExecutionReport)
    assert (trade.status, trade.cum_quote_qty, trade.commission_asset) == (OrderStatus.FILLED, D("130.3599"), "BTC")


def test_list_status_inside_its_ws_api_envelope() -> None:
    wrapped = load("docs-examples/ws/list_status_wrapped.json")
    status = user_event(wrapped["event"])
    assert isinstance(status, ListStatus)
    assert (status.order_list_id, status.contingency_type, status.list_order_status) == (2, "OCO", "EXECUTING")
    assert [o.order_id for o in status.orders] == [17, 18] and status.list_client_order_id == "F4QN4G8DlFATFlIUQ0cjdD"


def test_balance_events() -> None:
    position = user_event(load("docs-examples/ws/account_position.json"))
    assert isinstance(position, AccountPosition)
    assert [(b.asset, b.free, b.locked) for b in position.balances] == [
        ("USDT", D(10000), D(2500)), ("ETH", D(5), D(0))]
    delta = user_event(load("docs-examples/ws/balance_update.json"))
    assert isinstance(delta, BalanceDelta) and (delta.asset, delta.delta) == ("BTC", D("0.001"))


def test_unknown_and_ignored_user_events() -> None:
    assert user_event({"e": "externalLockUpdate", "E": 1, "a": "BTC", "d": "1", "T": 1}) is None
    with pytest.raises(FrameError):
        user_event({"e": "somethingNew"})
    with pytest.raises(FrameError):
        user_event({**load("docs-examples/ws/execution_report_new.json"), "X": "NOT_A_STATUS"})
