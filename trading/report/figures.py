"""Report figures from `ReportInputs` (pure Python, no Django).

`build_report(inputs)` returns a `Report` whose `figures` dict is JSON-ready (Decimals as plain
strings, ints, lists, None) and whose `to_json_bytes()` is RFC 8785 canonical, so identical
inputs give byte-identical JSON. Conventions:

- a win is a trade with net PnL > 0, a loss one with net PnL < 0 (0 is neither);
- `*_bps` are integers rounded half-even; win rate is wins / trades;
- profit factor = sum of winning net PnL / |sum of losing net PnL|, 4 decimals; None with no loss;
- the equity curve is the given one, else start equity plus cumulated net PnL at each exit;
  max drawdown (quote and bps of the running peak) is taken over the whole curve, while the
  curve stored in the figures is thinned to at most `CURVE_POINTS_MAX` points for the charts;
- exposure is the union of the hold intervals clipped to the period (overlaps count once);
- swap uncovered p99 is the nearest-rank percentile.
"""
from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from trading.domain.contracts.canonical import canonical_json, dec_str
from trading.report.labels import LabelledTrade, bps_of, label_trade
from trading.report.records import GateOutcome, ReportInputs, TradeRecord

__all__ = ["Report", "build_report", "CURVE_POINTS_MAX"]

CURVE_POINTS_MAX = 1000
ZERO = Decimal(0)
# The report speaks the project's gate vocabulary; "APPROVE" is accepted as ALLOW.
GATE_VERDICTS = ("ALLOW", "BLOCK", "MODIFY", "ERROR")
_VERDICT_ALIASES = {"APPROVE": "ALLOW"}


@dataclass(frozen=True)
class Report:
    figures: dict[str, Any]

    def to_json_bytes(self) -> bytes:
        """Return the RFC 8785 canonical JSON of the figures."""
        return canonical_json(self.figures)


def build_report(inputs: ReportInputs) -> Report:
    """Return the report figures of `inputs` (see the module docstring for the conventions)."""
    trades = tuple(sorted(inputs.trades, key=_trade_key))
    labelled = [label_trade(t) for t in trades]
    curve = list(inputs.equity_curve) or _curve_from_trades(inputs, trades)
    dd_quote, dd_bps = _max_drawdown(curve)
    exposure = _union_ms(((t.entry_ts_ms, t.exit_ts_ms) for t in trades),
                         inputs.period_start_ms, inputs.period_end_ms)
    final_equity = curve[-1][1] if curve else inputs.start_equity_quote
    figures: dict[str, Any] = {
        "period_start_ms": inputs.period_start_ms,
        "period_end_ms": inputs.period_end_ms,
        "start_equity_quote": dec_str(inputs.start_equity_quote),
        **_pnl_figures(trades),
        "max_drawdown_quote": dec_str(dd_quote),
        "max_drawdown_bps": dd_bps,
        "exposure_ms": exposure,
        "exposure_pct_bps": _period_share_bps(exposure, inputs),
        "final_equity_quote": dec_str(final_equity),
        "per_symbol": _per_symbol(trades, inputs),
        "gate": _gate(inputs.gate_verdicts),
        "risk_blocks": _counts(inputs.risk_blocks),
        "risk_blocks_total": sum(inputs.risk_blocks.values()),
        "alerts": _counts(inputs.alerts),
        "alerts_total": sum(inputs.alerts.values()),
        **_swap_figures(inputs.swap_uncovered_ms),
        "trade_labels": [_label_row(lt) for lt in labelled],
        "label_counts": _counts(Counter(lt.label.value for lt in labelled)),
        "equity_curve": [[ts, dec_str(eq)] for ts, eq in _thin(curve, CURVE_POINTS_MAX)],
        "notes": list(inputs.notes),
    }
    return Report(figures)


def _trade_key(t: TradeRecord) -> tuple[int, int, str, str]:
    return (t.exit_ts_ms, t.entry_ts_ms, t.symbol, t.decision_id)


def _pnl_figures(trades: Sequence[TradeRecord]) -> dict[str, Any]:
    wins = [t.net_pnl_quote for t in trades if t.net_pnl_quote > 0]
    losses = [t.net_pnl_quote for t in trades if t.net_pnl_quote < 0]
    loss_sum = -sum(losses, ZERO)
    pf = None
    if losses:
        pf = dec_str((sum(wins, ZERO) / loss_sum).quantize(Decimal("0.0001"), rounding=ROUND_HALF_EVEN))
    return {
        "trades": len(trades),
        "wins": len(wins),
        "losses": len(losses),
        "win_rate_bps": bps_of(Decimal(len(wins)), Decimal(len(trades))),
        "gross_pnl_quote": dec_str(sum((t.gross_pnl_quote for t in trades), ZERO)),
        "net_pnl_quote": dec_str(sum((t.net_pnl_quote for t in trades), ZERO)),
        "fees_quote": dec_str(sum((t.fees_quote for t in trades), ZERO)),
        "profit_factor": pf,
    }


def _curve_from_trades(inputs: ReportInputs, trades: Sequence[TradeRecord]) -> list[tuple[int, Decimal]]:
    equity = inputs.start_equity_quote
    curve = [(inputs.period_start_ms, equity)]
    for t in trades:
        equity += t.net_pnl_quote
        curve.append((t.exit_ts_ms, equity))
    return curve


def _max_drawdown(curve: Sequence[tuple[int, Decimal]]) -> tuple[Decimal, int]:
    """Return (largest peak-to-trough fall in quote, largest fall in bps of its running peak)."""
    if not curve:
        return ZERO, 0
    peak = curve[0][1]
    dd_quote = ZERO
    worst_fall, worst_peak = ZERO, Decimal(1)  # the largest fall / peak ratio, kept as a fraction
    peak_fall = ZERO  # the deepest fall below the current peak
    for _, equity in curve:
        if equity >= peak:
            peak, peak_fall = equity, ZERO
            continue
        fall = peak - equity
        if fall <= peak_fall:
            continue  # for one peak the largest fall is also the largest ratio
        peak_fall = fall
        if fall > dd_quote:
            dd_quote = fall
        # Cross-multiplied so a million-point backtest curve needs no division per point.
        if peak > 0 and fall * worst_peak > worst_fall * peak:
            worst_fall, worst_peak = fall, peak
    return dd_quote, bps_of(worst_fall, worst_peak)


def _union_ms(intervals: Iterable[tuple[int, int]], start: int, end: int) -> int:
    """Return the total length of the union of `intervals` clipped to [start, end]."""
    total, covered_to = 0, start
    for a, b in sorted((max(a, start), min(b, end)) for a, b in intervals):
        a = max(a, covered_to)
        if b > a:
            total += b - a
            covered_to = b
    return total


def _period_share_bps(ms: int, inputs: ReportInputs) -> int:
    return bps_of(Decimal(ms), Decimal(max(inputs.period_end_ms - inputs.period_start_ms, 0)))


def _per_symbol(trades: Sequence[TradeRecord], inputs: ReportInputs) -> list[dict[str, Any]]:
    rows = []
    for symbol in sorted({t.symbol for t in trades}):
        mine = [t for t in trades if t.symbol == symbol]
        pnl = _pnl_figures(mine)
        exposure = _union_ms(((t.entry_ts_ms, t.exit_ts_ms) for t in mine),
                             inputs.period_start_ms, inputs.period_end_ms)
        rows.append({"symbol": symbol, **pnl, "exposure_ms": exposure})
    return rows


def _gate(outcomes: Sequence[GateOutcome]) -> dict[str, Any]:
    counts = Counter(_VERDICT_ALIASES.get(o.verdict, o.verdict) for o in outcomes)
    verdicts = _counts({**dict.fromkeys(GATE_VERDICTS, 0), **counts})
    overridden = sorted((o for o in outcomes if o.verdict in ("BLOCK", "MODIFY")),
                        key=lambda o: (o.verdict, o.symbol, o.decision_id))
    known = [o.hypothetical_net_pnl_bps for o in overridden if o.hypothetical_net_pnl_bps is not None]
    return {
        "verdicts": verdicts,
        "total": len(outcomes),
        "overridden": len(overridden),
        "outcome_known": len(known),
        "outcome_unknown": len(overridden) - len(known),
        "would_have_won": sum(1 for b in known if b > 0),
        "would_have_lost": sum(1 for b in known if b < 0),
        "hypothetical_net_pnl_bps_sum": sum(known),
        "outcomes": [{"verdict": o.verdict, "decision_id": o.decision_id, "symbol": o.symbol,
                      "hypothetical_net_pnl_bps": o.hypothetical_net_pnl_bps} for o in overridden],
    }


def _counts(counts: Mapping[str, int]) -> dict[str, int]:
    return {k: int(counts[k]) for k in sorted(counts)}


def _swap_figures(uncovered: Sequence[int]) -> dict[str, Any]:
    ordered = sorted(uncovered)
    p99 = ordered[max(math.ceil(0.99 * len(ordered)) - 1, 0)] if ordered else None
    return {
        "swaps": len(ordered),
        "swap_uncovered_max_ms": ordered[-1] if ordered else None,
        "swap_uncovered_p99_ms": p99,
        "swap_uncovered_total_ms": sum(ordered),
    }


def _label_row(lt: LabelledTrade) -> dict[str, Any]:
    t = lt.trade
    return {
        "symbol": t.symbol,
        "decision_id": t.decision_id,
        "entry_ts_ms": t.entry_ts_ms,
        "exit_ts_ms": t.exit_ts_ms,
        "qty": dec_str(t.qty),
        "entry_price": dec_str(t.entry_price),
        "exit_price": dec_str(t.exit_price),
        "fees_quote": dec_str(t.fees_quote),
        "gross_pnl_quote": dec_str(t.gross_pnl_quote),
        "net_pnl_quote": dec_str(t.net_pnl_quote),
        "net_pnl_bps": lt.net_pnl_bps,
        "captured_bps": lt.captured_bps,
        "mfe_bps": t.mfe_bps,
        "mae_bps": t.mae_bps,
        "exit_reason": t.exit_reason,
        "label": lt.label.value,
    }


def _thin(curve: Sequence[tuple[int, Decimal]], limit: int) -> list[tuple[int, Decimal]]:
    """Return at most `limit` points of `curve`: first, last, and each bucket's low and high."""
    if len(curve) <= limit:
        return list(curve)
    buckets = max((limit - 2) // 2, 1)
    size = math.ceil((len(curve) - 2) / buckets)
    kept: list[tuple[int, Decimal]] = [curve[0]]
    for i in range(1, len(curve) - 1, size):
        chunk = curve[i:min(i + size, len(curve) - 1)]
        values = [p[1] for p in chunk]
        lo, hi = values.index(min(values)), values.index(max(values))
        kept.extend(chunk[j] for j in sorted({lo, hi}))
    kept.append(curve[-1])
    return kept
