"""Strategies by config name (`strategy.name`): the built-ins plus whatever a user registers."""
from __future__ import annotations

from collections.abc import Callable

from trading.domain.config.sections import StrategySection
from trading.domain.strategy.base import Strategy
from trading.domain.strategy.baseline import BaselineStrategy
from trading.domain.strategy.ema_cross import EmaCrossStrategy

StrategyFactory = Callable[[], Strategy]

BUILTIN: dict[str, StrategyFactory] = {"baseline": BaselineStrategy, "ema_cross": EmaCrossStrategy}


def build_strategy(section: StrategySection, extra: dict[str, StrategyFactory] | None = None) -> Strategy:
    """Return the strategy the config names; `extra` adds user strategies. KeyError names the unknown one."""
    factories = {**BUILTIN, **(extra or {})}
    if section.name not in factories:
        raise KeyError(f"strategy.name {section.name!r} is not one of {', '.join(sorted(factories))}")
    return factories[section.name]()
