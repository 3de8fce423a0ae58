"""What the panel needs from the trading config and settings, read once per process."""
from __future__ import annotations

import functools
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

from trading.domain.config import load_trader_config


@dataclass(frozen=True)
class PanelConfig:
    snapshot_interval_ms: int
    ping_interval_ms: int
    intents_recent_limit: int
    reconcile_diffs_recent_limit: int
    market_symbols_limit: int
    topk_limit: int
    daily_loss_limit_quote: Decimal
    max_exposure_total_quote: Decimal
    cooldown_ms: int


@functools.cache
def panel_config() -> PanelConfig:
    """Return the panel's config; the trading config file is read on first use only.

    Raises trading.domain.config.ConfigError (one clear line) when the file is bad.
    """
    cfg = load_trader_config(settings.TRADING_CONFIG)
    return PanelConfig(
        snapshot_interval_ms=cfg.panel.stream_snapshot_interval_ms,
        ping_interval_ms=settings.WEBUI_SSE_PING_MS,
        intents_recent_limit=cfg.panel.intents_recent_limit,
        reconcile_diffs_recent_limit=cfg.panel.reconcile_diffs_recent_limit,
        market_symbols_limit=cfg.panel.market_symbols_limit,
        # 000: "topk.items: limited by topk configured in Strategy".
        topk_limit=max(cfg.topn.n, cfg.deep_scan.finalists_max),
        daily_loss_limit_quote=cfg.risk.daily_loss_limit_quote,
        max_exposure_total_quote=cfg.risk.max_exposure_total_quote,
        cooldown_ms=cfg.risk.cooldown_s * 1000,
    )
