"""`runtrader` as its own process against a simulator served by this (the test's) process.

The trader and the simulator share nothing but 127.0.0.1: the test starts the demo simulator
(`trading.cycle.venue.sim_server`, seed 10 at 300x) in a thread, starts `manage.py runtrader`
with `LIVESPOT_SIM_URL` pointing at it, injects faults through the simulator's own controls,
and reads the simulator's engine (its record of orders, order lists, trades, balances) to
check the trader's database and JSONL trail against it.
"""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson

from tests.integration.test_runtrader import ROOT
from trading.cycle.venue import SimOptions, sim_server

D = Decimal
# The shipped config with a faster loop (one tick = 75 s of the 300x exchange clock), market
# entries and a strategy that takes any trend (no VWAP band, no minimum edge): the first entry
# comes seconds after boot, so each scenario reaches its point quickly. Risk still decides.
BASE_CONFIG = """
[schedule]
loop_tick_ms = 250

[execution]
entry_order_type = "MARKET"

[strategy.params]
min_trend_x10000 = 0
max_vwap_extension_bps = 100000
"""
RISK = """
[risk]
min_edge_bps_after_costs = 0
max_drawdown_quote = "100000"
daily_loss_limit_quote = "100000"
max_loss_streak = 50
cooldown_s = 0
max_trades_per_hour = 120
"""
_TEMPLATES: dict[str, Path] = {}


@dataclass
class Trader:
    proc: subprocess.Popen[bytes]
    out: Path

    def wait(self, timeout: float) -> int:
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError(f"trader still running after {timeout}s:\n{self.tail()}") from None

    def stop(self, timeout: float = 30) -> int:
        """SIGTERM (a clean stop), then wait for the exit code."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        return self.wait(timeout)

    def tail(self, n: int = 4000) -> str:
        return self.out.read_text(errors="replace")[-n:]


@dataclass
class Harness:
    tmp: Path
    server: Any
    config: Path
    runs: int = 0
    traders: list[Trader] = field(default_factory=list)

    # -- processes ----------------------------------------------------------------------------
    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("LIVESPOT_CRASHPOINT")}
        env.update({"LIVESPOT_VAR_DIR": str(self.tmp), "DATABASE_URL": f"sqlite:///{self.tmp / 'db.sqlite3'}",
                    "LIVESPOT_AUDIT_DIR": str(self.tmp / "audit"), "LIVESPOT_LOCK_DIR": str(self.tmp / "locks"),
                    "EXCHANGE": "sim", "MODE": "PAPER", "AI_DEC": "0", "LIVESPOT_SIM_URL": self.server.base_url,
                    "LIVESPOT_TRADING_CONFIG": str(self.config),
                    "BINANCE_API_KEY": "", "BINANCE_API_SECRET": ""})  # the simulator's own credentials
        env.update(extra)
        return env

    def start(self, *args: str, **env: str) -> Trader:
        self.runs += 1
        out = self.tmp / f"trader-{self.runs}.out"
        with out.open("wb") as sink:
            proc = subprocess.Popen([sys.executable, "manage.py", "runtrader", *args], cwd=ROOT, env=self.env(**env),
                                    stdout=sink, stderr=subprocess.STDOUT)
        trader = Trader(proc, out)
        self.traders.append(trader)
        return trader

    def run(self, *args: str, timeout: float = 90, **env: str) -> Trader:
        """Run a bounded trader to its end; assert exit 0."""
        trader = self.start(*args, **env)
        code = trader.wait(timeout)
        assert code == 0, trader.tail()
        return trader

    def crash_at(self, point: str, *, timeout: float = 60, **env: str) -> Trader:
        """Run the trader armed with crash point `point`; return once it died of SIGKILL there."""
        trader = self.start("--duration", "300s", LIVESPOT_CRASHPOINT=point, **env)
        code = trader.wait(timeout)
        assert code == -signal.SIGKILL, f"exit {code}, expected death at {point}:\n{trader.tail()}"
        return trader

    def manage(self, *args: str) -> str:
        """Run another management command (e.g. `resume`) on the trader's database; return stdout."""
        done = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=self.env(), capture_output=True,
                              text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        return done.stdout

    def exited(self, trader: Trader, timeout: float) -> bool:
        try:
            trader.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return False
        return True

    def wait_for(self, what: Callable[[], Any], timeout: float, trader: Trader | None = None) -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            got = what()
            if got:
                return got
            if trader is not None and trader.proc.poll() is not None:
                raise AssertionError(f"trader exited {trader.proc.returncode}:\n{trader.tail()}")
            time.sleep(0.1)
        raise AssertionError(f"condition not met in {timeout}s" + (f":\n{trader.tail()}" if trader else ""))

    def close(self) -> None:
        for t in self.traders:
            if t.proc.poll() is None:
                t.proc.kill()
                t.proc.wait()
        self.server.stop_thread()

    # -- the trader's database and trail ------------------------------------------------------
    def rows(self, sql: str, *params: Any) -> list[sqlite3.Row]:
        db = self.tmp / "db.sqlite3"
        if not db.exists():
            return []
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
        con.row_factory = sqlite3.Row
        try:
            return list(con.execute(sql, params))
        except sqlite3.OperationalError:
            return []  # not migrated yet
        finally:
            con.close()

    def jsonl(self) -> list[dict[str, Any]]:
        return [orjson.loads(line) for p in sorted((self.tmp / "audit").glob("audit-*.jsonl"))
                for line in p.read_bytes().splitlines() if line.strip()]

    # -- the simulator's own record ----------------------------------------------------------
    def sim_call(self, name: str, raw: dict[str, str] | None = None) -> Any:
        engine = self.server.state.engine
        return self.server.call(getattr(engine, name), raw or {})

    def sim_orders(self) -> list[dict[str, Any]]:
        return [o for s in sorted(self.server.state.specs)
                for o in self.sim_call("all_orders", {"symbol": s, "limit": "1000"})]

    def sim_trades(self) -> list[dict[str, Any]]:
        return [dict(t, symbol=s) for s in sorted(self.server.state.specs)
                for t in self.sim_call("my_trades", {"symbol": s, "limit": "1000"})]

    def sim_open_orders(self) -> list[dict[str, Any]]:
        return list(self.sim_call("open_orders"))

    def sim_book(self, symbol: str) -> dict[str, str]:
        from trading.exchange.sim.server.market_rest import book_ticker
        return self.server.call(book_ticker, self.server.state, {"symbol": symbol})

    def sim_holdings(self) -> dict[str, Decimal]:
        """Return base assets held (free + locked), USDT excluded."""
        acct = self.sim_call("account")
        return {b["asset"]: D(b["free"]) + D(b["locked"]) for b in acct["balances"]
                if b["asset"] != "USDT" and D(b["free"]) + D(b["locked"]) > 0}


def make_harness(tmp: Path, config: str = "", *, risk: str = RISK, speed: float = 300.0) -> Harness:
    """Start the demo simulator in this process; give the trader a freshly migrated database."""
    path = tmp / "trading.toml"
    path.write_text(BASE_CONFIG + risk + config)
    server = sim_server(SimOptions(speed=speed)).start_in_thread()
    h = Harness(tmp, server, path)
    if "db" not in _TEMPLATES:  # migrate once per test session, copy the file for each test
        done = subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=h.env(),
                              capture_output=True, text=True, timeout=180)
        assert done.returncode == 0, done.stderr
        _TEMPLATES["db"] = Path(tempfile.mkdtemp(prefix="livespot-migrated-")) / "db.sqlite3"
        _copy_db(tmp / "db.sqlite3", _TEMPLATES["db"])
    else:
        _copy_db(_TEMPLATES["db"], tmp / "db.sqlite3")
    return h


def _copy_db(src_path: Path, dst_path: Path) -> None:
    src, dst = sqlite3.connect(src_path), sqlite3.connect(dst_path)
    try:
        with dst:
            src.backup(dst)
    finally:
        src.close()
        dst.close()


# -- invariants, each checked against the simulator's own state -------------------------------

def assert_no_duplicate_orders(h: Harness) -> None:
    """The same client order id never made two orders on the exchange."""
    counts = Counter(o["clientOrderId"] for o in h.sim_orders())
    dup = {k: n for k, n in counts.items() if n > 1}
    assert not dup, dup


def uncovered_holdings(h: Harness) -> dict[str, str]:
    """Return {symbol: why} for base assets held beyond dust without resting SELL stops covering them."""
    stops: Counter[str] = Counter()
    for o in h.sim_open_orders():
        if o["side"] == "SELL" and o["type"] in ("STOP_LOSS", "STOP_LOSS_LIMIT"):
            stops[o["symbol"]] += D(o["origQty"]) - D(o["executedQty"])  # type: ignore[assignment]
    bad = {}
    for asset, qty in h.sim_holdings().items():
        symbol = f"{asset}USDT"
        dust = _dust(h.server.state.specs[symbol], h.sim_book(symbol))
        if qty > dust and stops[symbol] < qty - dust:
            bad[symbol] = f"holds {qty}, stops cover {stops[symbol]}"
    return bad


def assert_holdings_protected(h: Harness, *, grace_s: float = 0.6) -> None:
    """Every base asset held beyond dust has resting SELL stop(s) on the simulator covering it.

    An OCO placed on a fill leaves the fill uncovered until the OCO request is answered (one
    request, same tick): a holding may be uncovered at one look, but not for `grace_s` on end.
    """
    deadline = time.monotonic() + grace_s
    bad = uncovered_holdings(h)
    while bad and time.monotonic() < deadline:
        time.sleep(0.1)
        bad = {s: why for s, why in uncovered_holdings(h).items() if s in bad}
    assert not bad, bad


def _dust(spec: Any, book: dict[str, str]) -> Decimal:
    # What a sell cannot place (below LOT_SIZE minQty, or below the minimum notional at the bid).
    f = {x["filterType"]: x for x in spec.filters}
    min_qty = D(f["LOT_SIZE"]["minQty"]) if "LOT_SIZE" in f else D(0)
    notional = f.get("NOTIONAL") or f.get("MIN_NOTIONAL") or {}
    by_notional = D(notional.get("minNotional", "0")) / D(book["bidPrice"]) if notional else D(0)
    return max(min_qty, by_notional)


def assert_intents_resolved(h: Harness) -> None:
    left = h.rows("SELECT order_intent_id, kind, state FROM order_intents WHERE state IN ('CREATED', 'SENT_UNKNOWN')")
    assert not left, [dict(r) for r in left]


def assert_audit_matches_sim(h: Harness) -> None:
    """Orders and fills in the database (and the JSONL trail) are what the simulator executed."""
    sim_orders = {(o["symbol"], o["orderId"]): o for o in h.sim_orders()}
    for o in h.rows("SELECT * FROM orders"):
        s = sim_orders[(o["symbol"], o["exchange_order_id"])]
        assert (s["clientOrderId"], s["side"], s["type"]) == (o["client_order_id"], o["side"], o["order_type"])
        assert D(s["origQty"]) == D(o["orig_qty"])
    sim_trades = {(t["symbol"], t["id"]): t for t in h.sim_trades()}
    fills = h.rows("SELECT * FROM fills")
    for f in fills:
        t = sim_trades[(f["symbol"], f["trade_id"])]
        assert t["orderId"] == f["exchange_order_id"]
        assert (D(t["qty"]), D(t["price"]), D(t["commission"])) == (D(f["qty"]), D(f["price"]), D(f["commission"]))
    # Every trade the exchange made up to the last reconcile is recorded (the trader stopped since).
    last = max((r["t"] for r in h.rows("SELECT ts_ms - duration_ms AS t FROM reconcile_runs")), default=0)
    recorded = {(f["symbol"], f["trade_id"]) for f in fills}
    missing = [k for k, t in sim_trades.items() if t["time"] <= last and k not in recorded]
    assert not missing, missing
    # The JSONL trail mirrors the audit table line for line (the crashed run's tail is repaired).
    lines = {(x["run_id"], x["seq"]) for x in h.jsonl()}
    rows = {(r["run_id"], r["seq"]) for r in h.rows("SELECT run_id, seq FROM audit_event")}
    assert rows <= lines, sorted(rows - lines)[:5]
    trail_fills = {(x["symbol"], x["data"]["trade_id"]) for x in h.jsonl() if x["event_type"] == "FILL"}
    assert trail_fills == recorded
