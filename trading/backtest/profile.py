"""The trading config a backtest runs under: the strategy it names, and a risk section that lets the
reference rules trade as written while every guard still runs on every decision.

The live defaults (500 USDT per symbol, 5 bps edge, 300 s cooldown, 6 entries an hour, 3 losses in
a row...) would block most of reference-backtest.md's trades; here the limits are wide, the fee
is the reference's 0.1 % per side and the edge floor is 0 (the reference strategy declares no
edge). A user config (`--config FILE`) replaces this whole profile.
"""
from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path

from trading.domain.config.fields import ParamTable
from trading.domain.config.model import TraderConfig
from trading.domain.config.sections import RiskSection, StrategySection

Scalar = bool | int | str

REFERENCE_RISK = RiskSection(
    max_exposure_total_quote=Decimal("1000000000"), max_exposure_symbol_quote=Decimal("1000000000"),
    daily_loss_limit_quote=Decimal("1000000000"), max_drawdown_quote=Decimal("1000000000"),
    max_spread_bps=1000, min_edge_bps_after_costs=0, fee_bps=10, slippage_bps=0, cooldown_s=0,
    max_trades_per_hour=120, max_loss_streak=50, min_hold_s=0, max_hold_s=604_800, max_open_positions=1,
)


def backtest_config(strategy: str = "ema_cross", params: Mapping[str, Scalar] | None = None,
                    path: Path | None = None) -> TraderConfig:
    """Return the config of a backtest: the file at `path` if given, else the reference profile."""
    if path is not None:
        from trading.domain.config.loader import load_trader_config  # a TOML file, validated like live
        return load_trader_config(path)
    section = StrategySection(name=strategy, version="1", params=ParamTable(params or {}))
    return TraderConfig(strategy=section, risk=REFERENCE_RISK)
