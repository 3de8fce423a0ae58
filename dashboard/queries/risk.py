"""RiskSnapshot from positions, orders and fills; sums in Python (DecimalTextField is text).

Definitions (the database holds no account balance or mark price of its own):
- exposure: open positions at cost (qty * avg_entry_price), total and per symbol.
- locked_quote: quote held by open BUY orders (remaining qty * price) among the 200 latest
  orders of the last 24 h: entries expire within execution.entry_ttl_ms (<= 10 min), so an
  open BUY is always a recent order, and orders has no status index to search by.
- free_quote: what risk.max_exposure_total_quote still allows: limit - exposure - locked, >= 0.
- daily_pnl_realized_quote: net (realized - fees) of positions closed since 00:00 UTC.
- daily_pnl_unrealized_quote: open positions marked at the symbol's latest fill price.
- daily_loss_limit_remaining_quote: risk.daily_loss_limit_quote minus today's loss, >= 0.
- equity_curve (extension): cumulative net realized PnL over the latest closed positions;
  drawdown_quote: its peak minus its latest value.
- trades_today: positions opened since 00:00 UTC (entries: what risk.max_trades_per_hour
  limits). cooldowns: per symbol with positions touched in the last 24 h.
"""
from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from dashboard import encode as e
from dashboard.panel_config import PanelConfig
from dashboard.queries import sql
from dashboard.schema import EQUITY_POINTS_MAX

DAY_MS = 24 * 3600 * 1000
HOUR_MS = 3600 * 1000
OPEN_ORDER_WINDOW_MS = DAY_MS
OPEN_ORDER_ROWS = 200
EQUITY_CLOSES = 200  # = EQUITY_POINTS_MAX: one point per close, no resampling
COOLDOWN_ROWS_MAX = 50
_ROWS_24H_MAX = 2000  # positions touched in 24 h (a bot capped at 6 entries/h/symbol stays far below)
ZERO = Decimal(0)
_OPEN_ORDER_STATUSES = frozenset({"NEW", "PARTIALLY_FILLED", "PENDING_NEW"})


def _dec(raw: object) -> Decimal:
    return sql.decimal(raw) or ZERO


def risk(mode: str, now_ms: int, cfg: PanelConfig) -> dict[str, Any]:
    """Return the RiskSnapshot."""
    day_start = now_ms - now_ms % DAY_MS
    open_pos = [(str(sym), _dec(q), _dec(p)) for sym, q, p in sql.rows(
        f"SELECT symbol, qty, avg_entry_price FROM {sql.T_POSITION} WHERE state = 'OPEN' AND mode = %s", (mode,))]
    by_symbol: dict[str, Decimal] = defaultdict(Decimal)
    for sym, qty, avg in open_pos:
        by_symbol[sym] += qty * avg
    exposure = sum(by_symbol.values(), ZERO)
    locked = _locked_quote(mode, now_ms)
    recent = _positions_24h(mode, now_ms)  # one read serves realized today, trades today, cooldowns
    realized = sum((net for _, state, _, closed, net in recent if state == "CLOSED" and (closed or 0) >= day_start),
                   ZERO)
    trades = sum(1 for _, _, opened, _, _ in recent if (opened or 0) >= day_start)
    unrealized = _unrealized(mode, open_pos)
    loss_today = -min(ZERO, realized + unrealized)
    curve = equity_curve(mode)
    peak = max((p[1] for p in curve), default=ZERO)
    drawdown = max(ZERO, peak - curve[-1][1]) if curve else ZERO
    return {
        "exposure_total_quote": e.dec(exposure),
        "exposure_by_symbol_quote": [{"symbol": e.symbol(s), "quote": e.dec(q)} for s, q in sorted(by_symbol.items())],
        "locked_quote": e.dec(locked),
        "free_quote": e.dec(max(ZERO, cfg.max_exposure_total_quote - exposure - locked)),
        "daily_pnl_realized_quote": e.dec(realized),
        "daily_pnl_unrealized_quote": e.dec(unrealized),
        "daily_loss_limit_remaining_quote": e.dec(max(ZERO, cfg.daily_loss_limit_quote - loss_today)),
        "drawdown_quote": e.dec(drawdown),
        "trades_today": trades,
        "cooldowns": cooldowns(recent, now_ms, cfg.cooldown_ms),
        "equity_curve": [{"ts_ms": e.i64(ts), "equity_quote": e.dec(v)} for ts, v in curve],
    }


def _locked_quote(mode: str, now_ms: int) -> Decimal:
    found = sql.rows(
        f"SELECT orig_qty, executed_qty, price, side, status FROM {sql.T_ORDER} WHERE updated_ts_ms >= %s"
        f" AND mode = %s ORDER BY updated_ts_ms DESC, id ASC LIMIT %s",
        (now_ms - OPEN_ORDER_WINDOW_MS, mode, OPEN_ORDER_ROWS))
    return sum((max(ZERO, _dec(q) - _dec(x)) * _dec(p) for q, x, p, side, status in found
                if side == "BUY" and status in _OPEN_ORDER_STATUSES), ZERO)


def _unrealized(mode: str, open_pos: list[tuple[str, Decimal, Decimal]]) -> Decimal:
    total = ZERO
    for sym, qty, avg in open_pos:
        mark = sql.one(f"SELECT price FROM {sql.T_FILL} WHERE symbol = %s AND mode = %s"
                       f" ORDER BY ts_ms DESC, id ASC LIMIT 1", (sym, mode))
        if mark is not None:
            total += (_dec(mark[0]) - avg) * qty
    return total


def equity_curve(mode: str) -> list[tuple[int, Decimal]]:
    """Return (close ts_ms, cumulative net PnL) for the latest closed positions, oldest first.

    The curve starts at 0 before the oldest of the EQUITY_CLOSES latest closes (older closes are
    not summed: the panel shows the recent path, the daily report the account's).
    """
    # By close time, not by last update: a position is closed at its exit fill's exchange time
    # and its row may be touched later (a late stream report, a swap's accounting), so update
    # order can differ from close order and the running sum would be attached to the wrong points.
    found = sql.rows(f"SELECT closed_ts_ms, realized_pnl_quote, fees_quote FROM {sql.T_POSITION}"
                     f" WHERE state = 'CLOSED' AND mode = %s AND closed_ts_ms IS NOT NULL"
                     f" ORDER BY closed_ts_ms DESC, id DESC LIMIT %s", (mode, EQUITY_CLOSES))
    found.reverse()
    points: list[tuple[int, Decimal]] = []
    level = ZERO
    for closed, r, f in found:
        level += _dec(r) - _dec(f)
        points.append((int(closed), level))
    step = max(1, -(-len(points) // EQUITY_POINTS_MAX))
    sampled = points[step - 1::step]
    if points and sampled[-1] != points[-1]:
        sampled[-1] = points[-1]
    return sampled[-EQUITY_POINTS_MAX:]


def _positions_24h(mode: str, now_ms: int) -> list[tuple[Any, ...]]:
    """Return (symbol, state, opened, closed, net PnL) of positions touched in 24 h, newest first.

    Net is realized minus fees, converted once here for every reader.
    """
    return [(sym, state, opened, closed, _dec(r) - _dec(f)) for sym, state, opened, closed, r, f in sql.rows(
        f"SELECT symbol, state, opened_ts_ms, closed_ts_ms, realized_pnl_quote, fees_quote FROM {sql.T_POSITION}"
        f" WHERE updated_ts_ms >= %s AND mode = %s ORDER BY updated_ts_ms DESC, id ASC LIMIT %s",
        (now_ms - DAY_MS, mode, _ROWS_24H_MAX))]


def cooldowns(recent: list[tuple[Any, ...]], now_ms: int, cooldown_ms: int) -> list[dict[str, Any]]:
    """Return per-symbol cooldown, entries in the last hour and current loss streak.

    Symbols with positions touched in the last 24 h; those still cooling down first.
    """
    per: dict[str, dict[str, Any]] = {}
    hour_ago = now_ms - HOUR_MS
    # Newest close first, whatever order the rows were read in: the streak is of closes.
    for sym, state, opened, closed, net in sorted(recent, key=lambda row: -(row[3] or 0)):
        s = per.setdefault(sym, {"last_close": 0, "per_hour": 0, "streak": 0, "streak_open": True})
        if (opened or 0) >= hour_ago:
            s["per_hour"] += 1
        if state != "CLOSED":
            continue
        s["last_close"] = max(s["last_close"], int(closed or 0))
        if s["streak_open"] and net < ZERO:
            s["streak"] += 1
        else:
            s["streak_open"] = False
    out = [{"symbol": e.symbol(sym), "cooldown_until_ts_ms": e.i64(s["last_close"] + cooldown_ms if s["last_close"] else 0),
            "trades_per_hour": s["per_hour"], "loss_streak": s["streak"]} for sym, s in per.items()]
    out.sort(key=lambda c: (-c["cooldown_until_ts_ms"], c["symbol"]))
    return out[:COOLDOWN_ROWS_MAX]
