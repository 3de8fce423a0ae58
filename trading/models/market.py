"""What the scanners saw: per-symbol market snapshots and the TopK selection of a cycle."""
from __future__ import annotations

from django.db import models

from audit.envelope import Envelope
from trading.domain.catalog.panel import RegimeLabel
from trading.models.base import hash_field
from trading.models.choices import enum_choices, reason_code_choices


class MarketSnapshot(Envelope):
    """One symbol as DEEP_SCAN / STATE_UPDATE measured it: the panel's MarketSymbolRow (000).

    Written by the trader (event_type MARKET_SNAPSHOT) once per symbol and snapshot_id.
    Integers follow the panel encoding: *_bps are basis points, *_x10000 are value * 10000.
    snapshot_hash is the SHA-256 of the canonical snapshot the strategy and the AI gate read,
    so a replay can prove it decided on the same data. Append-only.
    """

    regime = models.CharField(max_length=8, choices=enum_choices(RegimeLabel))
    score_x10000 = models.IntegerField(default=0, help_text="internal ranking score; the panel orders by it")
    trend_score_x10000 = models.IntegerField(default=0)
    range_score_x10000 = models.IntegerField(default=0)
    spread_current_bps = models.IntegerField(default=0)
    spread_p50_bps = models.IntegerField(default=0)
    spread_p90_bps = models.IntegerField(default=0)
    delta_spread_bps_p90_10s = models.IntegerField(default=0)
    imbalance_x10000 = models.IntegerField(default=0)
    edge_bps_expected = models.IntegerField(default=0)
    cost_fees_bps = models.IntegerField(default=0)
    cost_slippage_bps = models.IntegerField(default=0)
    cost_spread_bps = models.IntegerField(default=0)
    blocked_reason_code = models.CharField(max_length=48, choices=reason_code_choices, blank=True, default="")
    signal_flags = models.JSONField(default=list, blank=True, help_text="list of ReasonCode")
    snapshot_hash = hash_field()

    class Meta:
        db_table = "market_snapshots"
        indexes = [
            models.Index(fields=["-ts_ms"], name="mkt_snap_ts"),
            models.Index(fields=["symbol", "-ts_ms"], name="mkt_snap_symbol_ts"),
            models.Index(fields=["snapshot_id"], name="mkt_snap_snapshot"),
            models.Index(fields=["cycle_id"], name="mkt_snap_cycle"),
        ]

    def __str__(self) -> str:
        return f"{self.symbol} {self.regime} @{self.ts_ms}"

    @property
    def costs_bps(self) -> int:
        """Return the expected round-trip costs in basis points."""
        return self.cost_fees_bps + self.cost_slippage_bps + self.cost_spread_bps


class TopKSnapshot(Envelope):
    """The finalists of one cycle after the correlation and churn guards: the panel's TopKSnapshot.

    Written by the trader (event_type TOPK_RANKED, stage DEEP_SCAN or RANK_TOPN). `items` is a
    list of 000 TopKItemRow: {symbol, score_x10000, features_top: [{name, value_x10000}],
    churn_guard_applied}; `pairs_over_limit` lists {a, b, corr_x10000, action}. Append-only.
    """

    items = models.JSONField(default=list, blank=True)
    max_pairwise_corr_x10000 = models.IntegerField(default=0)
    pairs_over_limit = models.JSONField(default=list, blank=True)

    class Meta:
        db_table = "topk_snapshots"
        verbose_name = "TopK snapshot"
        indexes = [
            models.Index(fields=["-ts_ms"], name="topk_ts"),
            models.Index(fields=["cycle_id"], name="topk_cycle"),
        ]

    def __str__(self) -> str:
        return f"TopK {self.cycle_id} ({len(self.items)} items)"
