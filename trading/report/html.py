"""Render a `Report` as one self-contained HTML page (pure Python, no Django).

No CDN, no script: inline CSS and inline SVG charts (equity, drawdown), then the summary,
per-symbol, AI gate, risk, alerts, swap and trades tables. The output depends only on the
report and the title (no clock inside), so the same report renders to the same bytes. Mappings are
rendered in sorted order: a JSON column (PostgreSQL jsonb) does not keep key order.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from html import escape
from typing import Any

from trading.report.figures import Report
from trading.report.labels import LABEL_MEANINGS

__all__ = ["render_html"]

_W, _H, _PAD = 760, 200, 36
_CSS = """body{font-family:system-ui,sans-serif;margin:24px;color:#222;max-width:980px}
h1{font-size:1.4em}h2{font-size:1.1em;margin-top:1.6em;border-bottom:1px solid #ddd}
table{border-collapse:collapse;font-size:.85em;margin:.4em 0}
td,th{border:1px solid #ddd;padding:3px 8px;text-align:right}th{background:#f4f4f4}
td.l,th.l{text-align:left}.neg{color:#b00}.pos{color:#070}.note{color:#555;font-size:.85em}
svg{border:1px solid #eee;background:#fcfcfc}"""


def render_html(report: Report, title: str) -> str:
    """Return the HTML page of `report` under `title`."""
    f = report.figures
    parts = [
        "<!doctype html>", '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
        _summary(f),
        "<h2>Equity</h2>", _equity_svg(f["equity_curve"]),
        "<h2>Drawdown</h2>", _drawdown_svg(f["equity_curve"]),
        "<h2>Per symbol</h2>", _per_symbol(f["per_symbol"]),
        "<h2>AI gate</h2>", _gate(f["gate"]),
        "<h2>Risk blocks by reason</h2>", _counts_table(f["risk_blocks"], "reason"),
        "<h2>Alerts by reason</h2>", _counts_table(f["alerts"], "reason"),
        "<h2>Protection swaps</h2>", _swaps(f),
        "<h2>Post-trade labels</h2>", _labels(f["label_counts"]),
        "<h2>Trades</h2>", _trades(f["trade_labels"]),
        _notes(f.get("notes", [])),
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


def _table(headers: Sequence[str], rows: Sequence[Sequence[Any]], left: int = 1) -> str:
    head = "".join(f'<th{" class=l" if i < left else ""}>{escape(h)}</th>' for i, h in enumerate(headers))
    body = []
    for row in rows:
        cells = "".join(_cell(v, i < left) for i, v in enumerate(row))
        body.append(f"<tr>{cells}</tr>")
    if not rows:
        body.append(f'<tr><td class=l colspan="{len(headers)}">none</td></tr>')
    return f"<table><tr>{head}</tr>{''.join(body)}</table>"


def _cell(value: Any, left: bool) -> str:
    text = "–" if value is None else str(value)
    cls = "l" if left else ""
    if not left and isinstance(value, str) and text.startswith("-") and text != "-":
        cls = "neg"
    return f'<td class="{cls}">{escape(text)}</td>' if cls else f"<td>{escape(text)}</td>"


def _pct(bps: int | None) -> str:
    return "–" if bps is None else f"{Decimal(bps) / 100:.2f} %"


def _summary(f: dict[str, Any]) -> str:
    rows = [
        ("trades", f["trades"]), ("wins / losses", f"{f['wins']} / {f['losses']}"),
        ("win rate", _pct(f["win_rate_bps"])), ("gross PnL (USDT)", f["gross_pnl_quote"]),
        ("fees (USDT)", f["fees_quote"]), ("net PnL (USDT)", f["net_pnl_quote"]),
        ("profit factor", f["profit_factor"] if f["profit_factor"] is not None else "n/a (no loss)"),
        ("start equity (USDT)", f["start_equity_quote"]), ("final equity (USDT)", f["final_equity_quote"]),
        ("max drawdown", f"{f['max_drawdown_quote']} USDT ({_pct(f['max_drawdown_bps'])})"),
        ("exposure", f"{_duration(f['exposure_ms'])} ({_pct(f['exposure_pct_bps'])} of the period)"),
    ]
    return _table(["figure", "value"], rows)


def _duration(ms: int) -> str:
    s = ms // 1000
    return f"{s // 3600}h {s % 3600 // 60:02d}m {s % 60:02d}s"


def _per_symbol(rows: list[dict[str, Any]]) -> str:
    return _table(["symbol", "trades", "wins", "losses", "win rate", "gross", "fees", "net", "profit factor",
                   "exposure"],
                  [(r["symbol"], r["trades"], r["wins"], r["losses"], _pct(r["win_rate_bps"]),
                    r["gross_pnl_quote"], r["fees_quote"], r["net_pnl_quote"], r["profit_factor"],
                    _duration(r["exposure_ms"])) for r in rows])


def _gate(g: dict[str, Any]) -> str:
    counts = _table(["verdict", "count"], sorted(g["verdicts"].items()))
    summary = (f'<p>{g["overridden"]} decisions blocked or modified: outcome known for {g["outcome_known"]} '
               f'({g["would_have_won"]} would have won, {g["would_have_lost"]} would have lost, '
               f'sum {g["hypothetical_net_pnl_bps_sum"]} bps); unknown for {g["outcome_unknown"]} '
               f"(no recorded prices after the decision).</p>")
    outcomes = _table(["verdict", "symbol", "decision", "would-have net (bps)"],
                      [(o["verdict"], o["symbol"], o["decision_id"][:16], o["hypothetical_net_pnl_bps"])
                       for o in g["outcomes"]], left=3)
    return counts + summary + outcomes


def _counts_table(counts: dict[str, int], what: str) -> str:
    return _table([what, "count"], sorted(counts.items()))


def _swaps(f: dict[str, Any]) -> str:
    return _table(["swaps", "uncovered max (ms)", "uncovered p99 (ms)", "uncovered total (ms)"],
                  [(f["swaps"], f["swap_uncovered_max_ms"], f["swap_uncovered_p99_ms"],
                    f["swap_uncovered_total_ms"])], left=0)


def _labels(counts: dict[str, int]) -> str:
    legend = "".join(f"<li><b>{escape(k)}</b>: {escape(v)}</li>" for k, v in LABEL_MEANINGS.items())
    return _table(["label", "count"], sorted(counts.items())) + f'<ul class="note">{legend}</ul>'


def _utc(ts_ms: int) -> str:
    return dt.datetime.fromtimestamp(ts_ms / 1000, tz=dt.UTC).strftime("%Y-%m-%d %H:%M:%S")


def _trades(rows: list[dict[str, Any]]) -> str:
    return _table(["symbol", "entry (UTC)", "exit (UTC)", "qty", "entry", "exit", "fees", "net", "net bps",
                   "MFE bps", "MAE bps", "exit reason", "label"],
                  [(r["symbol"], _utc(r["entry_ts_ms"]), _utc(r["exit_ts_ms"]), r["qty"], r["entry_price"],
                    r["exit_price"], r["fees_quote"], r["net_pnl_quote"], r["net_pnl_bps"], r["mfe_bps"],
                    r["mae_bps"], r["exit_reason"], r["label"]) for r in rows])


def _notes(notes: list[str]) -> str:
    return "".join(f'<p class="note">{escape(n)}</p>' for n in notes)


def _equity_svg(curve: list[list[Any]]) -> str:
    return _line_svg([(int(ts), Decimal(eq)) for ts, eq in curve], "#1f5fbf", "equity (USDT)")


def _drawdown_svg(curve: list[list[Any]]) -> str:
    points, peak = [], None
    for ts, eq in curve:
        e = Decimal(eq)
        peak = e if peak is None or e > peak else peak
        points.append((int(ts), (e - peak) / peak * 100 if peak > 0 else Decimal(0)))
    return _line_svg(points, "#b03030", "drawdown (%)")


def _line_svg(points: list[tuple[int, Decimal]], color: str, label: str) -> str:
    if len(points) < 2:
        return '<p class="note">not enough points for a chart</p>'
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    x0, x1 = min(xs), max(xs)
    y0, y1 = min(ys), max(ys)
    xspan = (x1 - x0) or 1
    yspan = (y1 - y0) or Decimal(1)

    def xy(ts: int, v: Decimal) -> str:
        x = _PAD + (ts - x0) * (_W - 2 * _PAD) / xspan
        y = _H - _PAD - float((v - y0) / yspan) * (_H - 2 * _PAD)
        return f"{x:.1f},{y:.1f}"

    path = " ".join(xy(ts, v) for ts, v in points)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{_W}" height="{_H}" role="img" '
            f'aria-label="{escape(label)}">'
            f'<text x="{_PAD}" y="14" font-size="11">{escape(label)}: max {_fmt(y1)}, min {_fmt(y0)}</text>'
            f'<line x1="{_PAD}" y1="{_H - _PAD}" x2="{_W - _PAD}" y2="{_H - _PAD}" stroke="#ccc"/>'
            f'<polyline fill="none" stroke="{color}" stroke-width="1.5" points="{path}"/></svg>')


def _fmt(v: Decimal) -> str:
    return f"{v:.4f}".rstrip("0").rstrip(".")
