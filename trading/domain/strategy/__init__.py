"""STRATEGY_PROPOSE: the Strategy interface, the default ("baseline") and the reference EMA cross.

    strategy = build_strategy(config.strategy)
    outcome = strategy.propose(StrategyInput(...))   # Decision | NoTrade
"""
from trading.domain.strategy.base import NoTrade, OpenPosition, Strategy, StrategyInput
from trading.domain.strategy.baseline import BaselineStrategy
from trading.domain.strategy.costs import CostModel
from trading.domain.strategy.ema_cross import Cross, EmaCrossStrategy, ema_cross
from trading.domain.strategy.registry import build_strategy

__all__ = [
    "BaselineStrategy", "CostModel", "Cross", "EmaCrossStrategy", "NoTrade", "OpenPosition", "Strategy",
    "StrategyInput", "build_strategy", "ema_cross",
]
