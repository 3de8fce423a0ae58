"""TraderConfig: the whole runtime trading config, its cross-field rules, canonical form, hash."""
from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal
from functools import cached_property
from typing import Any

from pydantic import Field, model_validator

from trading.domain.contracts.canonical import sha256_hex
from trading.domain.config.fields import plain_decimal, rule_error, show
from trading.domain.config.sections import (
    AISection,
    AlertsSection,
    ConsoleSection,
    DeepScanSection,
    ExecutionSection,
    PanelSection,
    ReconcileSection,
    RiskSection,
    ScheduleSection,
    Section,
    StrategySection,
    TopNSection,
    UniverseSection,
)

JsonValue = Any
# A rule returns None when it holds, else (dotted key, rule sentence).
Problem = tuple[str, str]


class TraderConfig(Section):
    """The validated, frozen trading config; build it with `load_trader_config`."""

    universe: UniverseSection = Field(default_factory=UniverseSection)
    topn: TopNSection = Field(default_factory=TopNSection)
    deep_scan: DeepScanSection = Field(default_factory=DeepScanSection)
    strategy: StrategySection = Field(default_factory=StrategySection)
    risk: RiskSection = Field(default_factory=RiskSection)
    ai: AISection = Field(default_factory=AISection)
    execution: ExecutionSection = Field(default_factory=ExecutionSection)
    reconcile: ReconcileSection = Field(default_factory=ReconcileSection)
    schedule: ScheduleSection = Field(default_factory=ScheduleSection)
    console: ConsoleSection = Field(default_factory=ConsoleSection)
    panel: PanelSection = Field(default_factory=PanelSection)
    alerts: AlertsSection = Field(default_factory=AlertsSection)

    @model_validator(mode="after")
    def _check_cross_field_rules(self) -> TraderConfig:
        # Only the first broken rule is reported: each one is a single edit to fix.
        for rule in CROSS_FIELD_RULES:
            problem = rule(self)
            if problem is not None:
                raise rule_error(problem[1], at=problem[0])
        return self

    def canonical_dict(self) -> dict[str, JsonValue]:
        """Return the config as JSON-ready data: Decimals as plain strings, arrays as lists."""
        return {name: _canonical(getattr(self, name)) for name in type(self).model_fields}

    @cached_property
    def config_hash(self) -> str:
        """Return the SHA-256 hex of the RFC 8785 canonical JSON of `canonical_dict()`."""
        return sha256_hex(self.canonical_dict())


def _canonical(value: Any) -> JsonValue:
    if isinstance(value, Section):
        return {name: _canonical(getattr(value, name)) for name in type(value).model_fields}
    if isinstance(value, Decimal):
        return format(plain_decimal(value), "f")
    if isinstance(value, Mapping):
        return {str(key): _canonical(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_canonical(item) for item in value]
    return value


def changed_keys(old: TraderConfig, new: TraderConfig) -> tuple[str, ...]:
    """Return the sorted dotted keys whose values differ (an array counts as one value)."""
    before = dict(_flatten(old.canonical_dict()))
    after = dict(_flatten(new.canonical_dict()))
    keys = before.keys() | after.keys()
    return tuple(sorted(key for key in keys if before.get(key) != after.get(key)))


def _flatten(data: Mapping[str, JsonValue], prefix: str = "") -> Iterator[tuple[str, JsonValue]]:
    for key, value in data.items():
        if isinstance(value, Mapping):
            yield from _flatten(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", value


# --- cross-field rules: each checks one relation and names the key to edit ---------------------


def _must_not_exceed(
    at: str, value: int | Decimal, limit_key: str, limit: int | Decimal
) -> Problem | None:
    if value <= limit:
        return None
    return at, f"must be <= {limit_key} (got {show(value)} > {show(limit)})"


def _must_be_below(at: str, value: int, limit_key: str, limit: int) -> Problem | None:
    if value < limit:
        return None
    return at, f"must be < {limit_key} (got {value} >= {limit})"


def _allow_and_deny_disjoint(config: TraderConfig) -> Problem | None:
    both = [s for s in config.universe.deny_symbols if s in config.universe.allow_symbols]
    if not both:
        return None
    rule = f"must not list a symbol of universe.allow_symbols (got {show(both[0])})"
    return "universe.deny_symbols", rule


def _rank_weights_positive(config: TraderConfig) -> Problem | None:
    weights = config.topn.weights
    if weights.volume + weights.liquidity + weights.momentum > 0:
        return None
    return "topn.weights", "at least one weight must be > 0 (got all 0)"


def _radar_weights_positive(config: TraderConfig) -> Problem | None:
    radar = config.topn.radar_weights
    if radar.momentum_bps + radar.price_vs_vwap_bps + radar.rvol + radar.atr > 0:
        return None
    return "topn.radar_weights", "at least one weight must be > 0 (got all 0)"


def _finalists_ordered(config: TraderConfig) -> Problem | None:
    scan = config.deep_scan
    return _must_not_exceed(
        "deep_scan.finalists_min", scan.finalists_min,
        "deep_scan.finalists_max", scan.finalists_max,
    )


def _topn_feeds_finalists(config: TraderConfig) -> Problem | None:
    # The deep scan picks finalists among the TopN; fewer candidates than finalists can't work.
    n, finalists = config.topn.n, config.deep_scan.finalists_max
    if n >= finalists:
        return None
    return "topn.n", f"must be >= deep_scan.finalists_max (got {n} < {finalists})"


def _symbol_exposure_within_total(config: TraderConfig) -> Problem | None:
    risk = config.risk
    return _must_not_exceed(
        "risk.max_exposure_symbol_quote", risk.max_exposure_symbol_quote,
        "risk.max_exposure_total_quote", risk.max_exposure_total_quote,
    )


def _hold_window_ordered(config: TraderConfig) -> Problem | None:
    risk = config.risk
    if risk.max_hold_s > risk.min_hold_s:
        return None
    rule = f"must be > risk.min_hold_s (got {risk.max_hold_s} <= {risk.min_hold_s})"
    return "risk.max_hold_s", rule


def _otoco_needs_limit_entry(config: TraderConfig) -> Problem | None:
    # Binance OTOCO's working (entry) order must be a LIMIT or LIMIT_MAKER; MARKET is refused.
    execution = config.execution
    if execution.protection != "OTOCO" or execution.entry_order_type == "LIMIT":
        return None
    rule = f'"OTOCO" needs execution.entry_order_type "LIMIT" (got "{execution.entry_order_type}")'
    return "execution.protection", rule


def _drift_thresholds_ordered(config: TraderConfig) -> Problem | None:
    recon = config.reconcile
    return _must_be_below(
        "reconcile.drift_warn_x10000", recon.drift_warn_x10000,
        "reconcile.drift_bad_x10000", recon.drift_bad_x10000,
    )


def _disk_thresholds_ordered(config: TraderConfig) -> Problem | None:
    alerts = config.alerts
    return _must_be_below(
        "alerts.disk_degrade_free_bytes", alerts.disk_degrade_free_bytes,
        "alerts.disk_warn_free_bytes", alerts.disk_warn_free_bytes,
    )


CROSS_FIELD_RULES: tuple[Callable[[TraderConfig], Problem | None], ...] = (
    _allow_and_deny_disjoint,
    _rank_weights_positive,
    _radar_weights_positive,
    _finalists_ordered,
    _topn_feeds_finalists,
    _symbol_exposure_within_total,
    _hold_window_ordered,
    _otoco_needs_limit_entry,
    _drift_thresholds_ordered,
    _disk_thresholds_ordered,
)
