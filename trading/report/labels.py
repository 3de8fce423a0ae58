"""Post-trade labels: the "blunder" analysis of each closed trade (idea of seed 003).

Each closed round trip gets one label that says what went right or wrong, from its PnL, its
exit reason and, when known, the price path during the hold (MFE/MAE) and after the exit:

| label | meaning |
|---|---|
| GOOD_EXIT | a winner that kept most of what the market offered |
| EARLY_EXIT | a winner, but after the exit the price kept going our way by more than we took |
| LATE_EXIT | the trade was well in profit during the hold and gave most (or all) of it back |
| FEES_EXCEEDED_EDGE | the price moved our way but fees ate the move: gross > 0, net <= 0 |
| STOPPED_OUT | a loser closed by the stop-loss leg (the plan worked as designed) |
| BAD_ENTRY | a loser that never went our way (MFE below the noise level) |
| LOSS_CUT | a loser closed by the strategy or the time stop (no path data to say more) |

Rules are applied in the order of the table's "why" (fees first, then winners, then losers);
thresholds are module constants so a backtest and the daily report label alike.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from enum import StrEnum

from trading.report.records import TradeRecord

__all__ = ["LABEL_MEANINGS", "LabelledTrade", "TradeLabel", "bps_of", "label_trade"]

# A move smaller than this is noise (about one round trip of taker fees plus spread).
NOISE_BPS = 20
# MFE at least this large counts as "was well in profit".
LATE_EXIT_MIN_MFE_BPS = 50
# A winner that kept less than this share of its MFE gave back too much.
LATE_EXIT_KEPT_SHARE = Decimal("0.5")
# The move after the exit must be at least this large (and larger than what we took).
EARLY_EXIT_MIN_BPS = 50

STOP_REASONS = frozenset({"STOP_LOSS_HIT", "PROTECTION_SWAP_GUARD_FIRED"})


class TradeLabel(StrEnum):
    GOOD_EXIT = "GOOD_EXIT"
    EARLY_EXIT = "EARLY_EXIT"
    LATE_EXIT = "LATE_EXIT"
    FEES_EXCEEDED_EDGE = "FEES_EXCEEDED_EDGE"
    STOPPED_OUT = "STOPPED_OUT"
    BAD_ENTRY = "BAD_ENTRY"
    LOSS_CUT = "LOSS_CUT"


LABEL_MEANINGS: dict[str, str] = {
    TradeLabel.GOOD_EXIT: "a winner that kept most of what the market offered",
    TradeLabel.EARLY_EXIT: "a winner, but the price kept going our way after the exit by more than we took",
    TradeLabel.LATE_EXIT: "well in profit during the hold, then gave most or all of it back",
    TradeLabel.FEES_EXCEEDED_EDGE: "the price moved our way but fees ate the move",
    TradeLabel.STOPPED_OUT: "a loser closed by its stop (the plan worked as designed)",
    TradeLabel.BAD_ENTRY: "a loser that never went our way",
    TradeLabel.LOSS_CUT: "a loser closed by the strategy or the time stop",
}


@dataclass(frozen=True)
class LabelledTrade:
    trade: TradeRecord
    label: TradeLabel
    captured_bps: int  # gross move entry -> exit, bps of entry
    net_pnl_bps: int  # net PnL, bps of the entry notional


def bps_of(numerator: Decimal, denominator: Decimal) -> int:
    """Return numerator / denominator in basis points, rounded half-even; 0 when denominator is 0."""
    if denominator == 0:
        return 0
    return int((numerator * 10000 / denominator).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


def label_trade(trade: TradeRecord) -> LabelledTrade:
    """Return `trade` with its post-trade label and its captured / net move in bps."""
    notional = trade.entry_price * trade.qty
    captured = bps_of(trade.exit_price - trade.entry_price, trade.entry_price)
    net_bps = bps_of(trade.net_pnl_quote, notional)
    return LabelledTrade(trade, _label(trade, captured), captured, net_bps)


def _label(t: TradeRecord, captured_bps: int) -> TradeLabel:
    if t.gross_pnl_quote > 0 and t.net_pnl_quote <= 0:
        return TradeLabel.FEES_EXCEEDED_EDGE
    gave_back = (t.mfe_bps is not None and t.mfe_bps >= LATE_EXIT_MIN_MFE_BPS
                 and Decimal(captured_bps) < Decimal(t.mfe_bps) * LATE_EXIT_KEPT_SHARE)
    if t.net_pnl_quote > 0:
        post = t.post_exit_mfe_bps
        if post is not None and post >= EARLY_EXIT_MIN_BPS and post > captured_bps:
            return TradeLabel.EARLY_EXIT
        return TradeLabel.LATE_EXIT if gave_back else TradeLabel.GOOD_EXIT
    if gave_back:
        return TradeLabel.LATE_EXIT
    if t.mfe_bps is not None and t.mfe_bps < NOISE_BPS and t.exit_reason not in STOP_REASONS:
        return TradeLabel.BAD_ENTRY
    if t.exit_reason in STOP_REASONS:
        return TradeLabel.STOPPED_OUT
    return TradeLabel.LOSS_CUT
