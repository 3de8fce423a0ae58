"""Property test: random order flows never create or destroy assets beyond fees, never drive
free or locked negative, and leave nothing locked once every order is closed."""
from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trading.domain.clock import ManualClock
from trading.exchange.sim.engine import BinanceApiError, SimEngine, typical_spec

START = {"USDT": Decimal(50000), "BTC": Decimal(2)}
CENTS = st.integers(min_value=2_950_000, max_value=3_050_000)  # 29500.00 .. 30500.00
QTY = st.integers(min_value=10, max_value=60_000).map(lambda n: str(Decimal(n) / 100000))  # 0.0001 .. 0.6
SIDE = st.sampled_from(["BUY", "SELL"])


def px(cents: int) -> str:
    return str(Decimal(cents) / 100)


tick_action = st.tuples(st.just("tick"), CENTS, st.integers(1, 500), QTY, QTY)
trade_action = st.tuples(st.just("trade"), CENTS, QTY)
limit_action = st.tuples(st.just("limit"), SIDE, QTY, CENTS, st.sampled_from(["GTC", "IOC", "FOK"]))
maker_action = st.tuples(st.just("maker"), SIDE, QTY, CENTS)
market_action = st.tuples(st.just("market"), SIDE, QTY, st.booleans())
stop_action = st.tuples(st.just("stop"), SIDE, QTY, CENTS, st.sampled_from(
    ["STOP_LOSS", "STOP_LOSS_LIMIT", "TAKE_PROFIT", "TAKE_PROFIT_LIMIT"]), st.sampled_from([None, 50, 300]))
oco_action = st.tuples(st.just("oco"), QTY, st.integers(1000, 50000), st.integers(1000, 50000))
otoco_action = st.tuples(st.just("otoco"), QTY, CENTS)
cancel_action = st.tuples(st.just("cancel"), st.integers(0, 50))
replace_action = st.tuples(st.just("replace"), st.integers(0, 50), SIDE, QTY, CENTS,
                           st.sampled_from(["STOP_ON_FAILURE", "ALLOW_FAILURE"]))
ACTIONS = st.lists(st.one_of(tick_action, trade_action, limit_action, maker_action, market_action, stop_action,
                             oco_action, otoco_action, cancel_action, replace_action), max_size=30)


def run(sim: SimEngine, clock: ManualClock, action: tuple[Any, ...]) -> None:
    kind, *a = action
    base = {"symbol": "BTCUSDT"}
    clock.advance(250)
    if kind == "tick":
        sim.on_book_ticker("BTCUSDT", px(a[0]), a[2], px(a[0] + a[1]), a[3], clock.now_ms())
    elif kind == "trade":
        sim.on_trade("BTCUSDT", px(a[0]), a[1], clock.now_ms())
    elif kind == "limit":
        sim.new_order(base | {"side": a[0], "type": "LIMIT", "quantity": a[1], "price": px(a[2]),
                              "timeInForce": a[3]})
    elif kind == "maker":
        sim.new_order(base | {"side": a[0], "type": "LIMIT_MAKER", "quantity": a[1], "price": px(a[2])})
    elif kind == "market":
        size = {"quoteOrderQty": str(Decimal(a[1]) * 10000)} if a[2] else {"quantity": a[1]}
        sim.new_order(base | {"side": a[0], "type": "MARKET"} | size)
    elif kind == "stop":
        run_stop(sim, base, *a)
    elif kind == "oco":
        sim.new_oco(base | {"side": "SELL", "quantity": a[0], "aboveType": "LIMIT_MAKER",
                            "abovePrice": px(3_000_000 + a[1]), "belowType": "STOP_LOSS",
                            "belowStopPrice": px(3_000_000 - a[2])})
    elif kind == "otoco":
        sim.new_otoco(base | {
            "workingType": "LIMIT", "workingSide": "BUY", "workingPrice": px(a[1]), "workingQuantity": a[0],
            "workingTimeInForce": "GTC", "pendingSide": "SELL", "pendingQuantity": a[0],
            "pendingAboveType": "LIMIT_MAKER", "pendingAbovePrice": px(a[1] + 20000),
            "pendingBelowType": "STOP_LOSS", "pendingBelowStopPrice": px(a[1] - 20000)})
    else:
        run_cancel(sim, kind, base, a)


def run_stop(sim: SimEngine, base: dict[str, str], side: str, qty: str, cents: int, kind: str,
             trailing: int | None) -> None:
    params = base | {"side": side, "type": kind, "quantity": qty, "stopPrice": px(cents)}
    if kind.endswith("LIMIT"):
        params |= {"price": px(cents), "timeInForce": "GTC"}
    if trailing is not None:
        params["trailingDelta"] = str(trailing)
    sim.new_order(params)


def run_cancel(sim: SimEngine, kind: str, base: dict[str, str], a: list[Any]) -> None:
    open_ids = [o["orderId"] for o in sim.open_orders()]
    target = str(open_ids[a[0] % len(open_ids)]) if open_ids else "999999"
    if kind == "cancel":
        sim.cancel_order(base | {"orderId": target})
        return
    sim.cancel_replace(base | {"cancelReplaceMode": a[4], "cancelOrderId": target, "side": a[1],
                               "type": "LIMIT", "timeInForce": "GTC", "quantity": a[2], "price": px(a[3])})


def totals(sim: SimEngine) -> dict[str, tuple[Decimal, Decimal]]:
    return {b["asset"]: (Decimal(b["free"]), Decimal(b["locked"])) for b in sim.account()["balances"]}


def expected_from_trades(sim: SimEngine) -> dict[str, Decimal]:
    """Return START moved by every trade: base and quote change hands, commission leaves."""
    expected: dict[str, Decimal] = defaultdict(Decimal, START)
    for t in sim.my_trades({"symbol": "BTCUSDT", "limit": "1000"}):
        sign = 1 if t["isBuyer"] else -1
        expected["BTC"] += sign * Decimal(t["qty"])
        expected["USDT"] -= sign * Decimal(t["quoteQty"])
        expected[t["commissionAsset"]] -= Decimal(t["commission"])
    return expected


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ACTIONS)
def test_random_flows_conserve_assets_and_release_every_lock(actions: list[tuple[Any, ...]]) -> None:
    clock = ManualClock(1_700_000_000_000)
    sim = SimEngine(clock, [typical_spec()])
    events: list[dict[str, Any]] = []
    sim.subscribe(events.append)
    for asset, amount in START.items():
        sim.deposit(asset, amount)
    sim.on_book_ticker("BTCUSDT", "30000.00", "1", "30001.00", "1", clock.now_ms())
    for action in actions:
        try:
            run(sim, clock, action)
        except BinanceApiError:
            pass  # rejections are fine; only a state change must keep the books straight
        for free, locked in totals(sim).values():
            assert free >= 0 and locked >= 0
    expected = expected_from_trades(sim)
    assert {a: f + lk for a, (f, lk) in totals(sim).items()} == {a: v for a, v in expected.items() if a in START}
    if sim.open_orders():
        sim.cancel_open_orders({"symbol": "BTCUSDT"})
    assert all(locked == 0 for _, locked in totals(sim).values())
    assert_events_consistent(events)


def assert_events_consistent(events: list[dict[str, Any]]) -> None:
    trade_ids = [e["t"] for e in events if e["e"] == "executionReport" and e["x"] == "TRADE"]
    assert trade_ids == sorted(trade_ids) and len(set(trade_ids)) == len(trade_ids)
    cumulative: dict[int, Decimal] = {}
    for e in (e for e in events if e["e"] == "executionReport"):
        assert Decimal(e["z"]) >= cumulative.get(e["i"], Decimal(0))
        assert Decimal(e["z"]) <= Decimal(e["q"])
        cumulative[e["i"]] = Decimal(e["z"])
    exec_ids = [e["I"] for e in events if e["e"] == "executionReport"]
    assert exec_ids == sorted(exec_ids)
