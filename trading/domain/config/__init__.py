"""The runtime trading config: one TOML file, validated at load, frozen, hashed for the audit.

    config = load_trader_config(settings.TRADING_CONFIG)   # raises ConfigError (one line)
    config.risk.max_spread_bps, config.config_hash, config.canonical_dict()

Sections: universe, topn, deep_scan, strategy, risk, ai, execution, reconcile, schedule,
console, panel, alerts. Every key has a default, so an empty file equals `TraderConfig()`.
"""
from trading.domain.config.fields import ParamTable
from trading.domain.config.loader import ConfigError, load_trader_config, parse_trader_config
from trading.domain.config.model import TraderConfig, changed_keys
from trading.domain.config.sections import (
    KLINE_INTERVALS,
    AISection,
    AlertsSection,
    ConsoleSection,
    DeepScanSection,
    ExecutionSection,
    PanelSection,
    RadarWeights,
    RankWeights,
    ReconcileSection,
    RiskSection,
    ScheduleSection,
    StrategySection,
    TopNSection,
    TrailingSection,
    UniverseSection,
)
from trading.domain.config.watcher import ConfigWatcher

__all__ = [
    "KLINE_INTERVALS",
    "AISection",
    "AlertsSection",
    "ConfigError",
    "ConfigWatcher",
    "ConsoleSection",
    "DeepScanSection",
    "ExecutionSection",
    "PanelSection",
    "ParamTable",
    "RadarWeights",
    "RankWeights",
    "ReconcileSection",
    "RiskSection",
    "ScheduleSection",
    "StrategySection",
    "TopNSection",
    "TraderConfig",
    "TrailingSection",
    "UniverseSection",
    "changed_keys",
    "load_trader_config",
    "parse_trader_config",
]
