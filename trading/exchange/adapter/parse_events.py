"""WebSocket payloads -> typed stream events (facts §6 market streams, §7 user data).

Every parser raises `FrameError` for a payload of the wrong shape, whatever went wrong inside,
so the stream loops can count and drop it without ever dying on one bad frame.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import InvalidOperation
from typing import Any, TypeVar

from trading.domain.contracts.decision import Side
from trading.domain.contracts.intent import OrderType
from trading.domain.ports import (
    AccountPosition,
    Balance,
    BalanceDelta,
    BookTicker,
    ExecutionReport,
    Kline,
    KlineUpdate,
    ListStatus,
    OrderRef,
    OrderStatus,
)

from .parse import dec, num, opt_id

Payload = Mapping[str, Any]
T = TypeVar("T")
UserEvent = ExecutionReport | AccountPosition | BalanceDelta | ListStatus


class FrameError(ValueError):
    """A frame that is JSON but not the payload its stream promises."""


def guarded(parse: Callable[[Payload], T], payload: Any) -> T:
    """Return `parse(payload)`, turning any shape problem into FrameError."""
    if not isinstance(payload, Mapping):
        raise FrameError("payload is not an object")
    try:
        return parse(payload)
    except (KeyError, TypeError, ValueError, IndexError, InvalidOperation) as err:
        raise FrameError(f"{type(err).__name__} in {parse.__name__}") from None


def book_ticker(d: Payload) -> BookTicker:
    """Return `<s>@bookTicker` ({u,s,b,B,a,A}; newer frames add E and T, facts §6)."""
    event_ms = d.get("E")
    return BookTicker(symbol=d["s"], bid_price=dec(d["b"]), bid_qty=dec(d["B"]), ask_price=dec(d["a"]),
                      ask_qty=dec(d["A"]), update_id=num(d["u"]),
                      event_time_ms=num(event_ms) if event_ms is not None else None)


def kline_update(d: Payload) -> KlineUpdate:
    """Return `<s>@kline_<i>`; `x` says whether the candle is closed."""
    if d.get("e") != "kline":
        raise FrameError("not a kline event")
    k = d["k"]
    if not isinstance(k["x"], bool):
        raise FrameError("kline x is not a boolean")
    kline = Kline(open_time_ms=num(k["t"]), open=dec(k["o"]), high=dec(k["h"]), low=dec(k["l"]),
                  close=dec(k["c"]), volume=dec(k["v"]), close_time_ms=num(k["T"]), quote_volume=dec(k["q"]),
                  trades=num(k["n"]), taker_buy_base=dec(k["V"]), taker_buy_quote=dec(k["Q"]))
    return KlineUpdate(symbol=d["s"], interval=k["i"], kline=kline, closed=k["x"], event_time_ms=num(d["E"]))


def market_event(stream: str, data: Any) -> BookTicker | KlineUpdate:
    """Return the event of one combined-stream frame `{"stream": stream, "data": data}`."""
    if stream.endswith("@bookTicker"):
        return guarded(book_ticker, data)
    if "@kline_" in stream:
        return guarded(kline_update, data)
    raise FrameError("stream kind not handled")


def execution_report(d: Payload) -> ExecutionReport:
    """Return an executionReport (facts §7); `C` is the cancelled order's id on cancels."""
    delta = d.get("d")
    return ExecutionReport(
        symbol=d["s"], order_id=num(d["i"]), client_order_id=d["c"], side=Side(d["S"]), type=OrderType(d["o"]),
        exec_type=d["x"], status=OrderStatus(d["X"]), quantity=dec(d["q"]), price=dec(d["p"]),
        stop_price=dec(d["P"]), last_qty=dec(d["l"]), last_price=dec(d["L"]), cum_qty=dec(d["z"]),
        cum_quote_qty=dec(d["Z"]), commission=dec(d["n"]), commission_asset=d.get("N"),
        trade_id=opt_id(d.get("t")), order_list_id=opt_id(d.get("g")), orig_client_order_id=d.get("C") or None,
        reject_reason=d.get("r", "NONE"), expiry_reason=d.get("eR"), is_maker=bool(d.get("m", False)),
        event_time_ms=num(d["E"]), transaction_time_ms=num(d["T"]), time_in_force=d.get("f"),
        trailing_delta=num(delta) if delta is not None else None)


def account_position(d: Payload) -> AccountPosition:
    """Return outboundAccountPosition: the balances that changed."""
    return AccountPosition(event_time_ms=num(d["E"]), update_time_ms=num(d["u"]),
                           balances=tuple(Balance(b["a"], dec(b["f"]), dec(b["l"])) for b in d["B"]))


def balance_delta(d: Payload) -> BalanceDelta:
    """Return balanceUpdate (deposits, withdrawals, transfers)."""
    return BalanceDelta(asset=d["a"], delta=dec(d["d"]), event_time_ms=num(d["E"]), clear_time_ms=num(d["T"]))


def list_status(d: Payload) -> ListStatus:
    """Return listStatus (sent in addition to the legs' executionReports)."""
    return ListStatus(
        symbol=d["s"], order_list_id=num(d["g"]), contingency_type=d["c"], list_status_type=d["l"],
        list_order_status=d["L"], list_reject_reason=d.get("r", "NONE"), list_client_order_id=d["C"],
        transaction_time_ms=num(d["T"]), event_time_ms=num(d["E"]),
        orders=tuple(OrderRef(o["s"], num(o["i"]), o["c"]) for o in d["O"]))


_USER_PARSERS: dict[str, Callable[[Payload], UserEvent]] = {
    "executionReport": execution_report,
    "outboundAccountPosition": account_position,
    "balanceUpdate": balance_delta,
    "listStatus": list_status,
}
# Known events the bot does not act on: accepted silently rather than counted as invalid.
IGNORED_USER_EVENTS = frozenset({"externalLockUpdate"})


def user_event(event: Any) -> UserEvent | None:
    """Return the typed user-data event; None for a known event the bot ignores."""
    if not isinstance(event, Mapping):
        raise FrameError("event is not an object")
    kind = event.get("e")
    if kind in IGNORED_USER_EVENTS:
        return None
    parser = _USER_PARSERS.get(str(kind))
    if parser is None:
        raise FrameError("unknown user event")
    return guarded(parser, event)
