"""The explicit cost model (002): fees + spread + slippage, in round-trip basis points.

- fees: one taker fee per side, two sides;
- spread: crossing the book once per round trip, at the worse of the current and median spread;
- slippage: the configured floor plus a volatility-timing part, k x micro-volatility (a fast
  market moves between decision and fill).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from trading.domain.config.sections import RiskSection
from trading.domain.contracts.decision import Costs


@dataclass(frozen=True, slots=True)
class CostModel:
    """Round-trip costs from the risk config's fee and slippage and the live spread."""

    fee_bps_per_side: int
    slippage_bps: int
    vol_slippage_k: float = 0.5

    @classmethod
    def from_config(cls, risk: RiskSection) -> CostModel:
        """Return the model for the configured fee and slippage floor."""
        return cls(fee_bps_per_side=risk.fee_bps, slippage_bps=risk.slippage_bps)

    def estimate(self, spread_bps: int, spread_p50_bps: int, micro_vol_bps: int) -> Costs:
        """Return the expected round-trip Costs (integers, rounded up: costs never flatter)."""
        spread = max(spread_bps, spread_p50_bps, 0)
        slippage = self.slippage_bps + math.ceil(self.vol_slippage_k * max(micro_vol_bps, 0))
        return Costs(fees_bps=2 * self.fee_bps_per_side, spread_bps=spread, slippage_bps=slippage)
