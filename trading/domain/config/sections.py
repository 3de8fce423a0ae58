"""The sections of the trading config file, one frozen model per TOML table.

Every field has a default, so an empty file is a complete config. Rules that tie two fields
together live in `model.py`, where the full dotted names are known for the error message.
"""
from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field

from trading.domain.config.fields import (
    DecRange,
    Flag,
    IntRange,
    OneOf,
    ParamTable,
    ScalarTable,
    StrList,
    Text,
)

SYMBOL_PATTERN = r"[A-Z0-9]{2,20}USDT"
ASSET_PATTERN = r"[A-Z0-9]{1,20}"
# Binance rejects any other kline interval with -1120. Interval lists keep their order (a
# strategy may read the first as its main timeframe); symbol and asset lists are sets.
KLINE_INTERVALS = (
    "1s", "1m", "3m", "5m", "15m", "30m", "1h", "2h",
    "4h", "6h", "8h", "12h", "1d", "3d", "1w", "1M",
)
_KLINE_PATTERN = "|".join(KLINE_INTERVALS)
_KLINE_RULE = "must be a Binance kline interval (" + ", ".join(KLINE_INTERVALS) + ")"
_VERSION_PATTERN = r"[A-Za-z0-9][A-Za-z0-9._-]{0,31}"
_VERSION_RULE = "must be 1..32 letters, digits, '.', '_' or '-'"
_NAME_PATTERN = r"[a-z][a-z0-9_]{1,63}"
_NAME_RULE = f"must be a lower-case name matching ^{_NAME_PATTERN}$"
_MODEL_PATTERN = r"[A-Za-z0-9][A-Za-z0-9._:/-]{0,99}"
_MODEL_RULE = "must be a model name of 1..100 letters, digits or ._:/-"
_HHMM_PATTERN = r"([01][0-9]|2[0-3]):[0-5][0-9]"
_HHMM_RULE = 'must be a UTC time "HH:MM" from 00:00 to 23:59'

MAX_QUOTE = Decimal("1000000000")  # 1e9 USDT: far above any desk, low enough to catch typos
MAX_BYTES = 10**15

_SYMBOL_RULE = f"must be a symbol matching ^{SYMBOL_PATTERN}$"
_ASSET_RULE = f"must be an asset matching ^{ASSET_PATTERN}$"

Symbols = Annotated[tuple[str, ...], StrList(SYMBOL_PATTERN, _SYMBOL_RULE, as_set=True)]
Assets = Annotated[tuple[str, ...], StrList(ASSET_PATTERN, _ASSET_RULE, as_set=True)]
Intervals = Annotated[tuple[str, ...], StrList(_KLINE_PATTERN, _KLINE_RULE, min_len=1, max_len=6)]
Version = Annotated[str, Text(_VERSION_PATTERN, _VERSION_RULE)]
Quote = Annotated[Decimal, DecRange(Decimal(0), MAX_QUOTE, lo_open=True)]
Weight = Annotated[Decimal, DecRange(Decimal(0), Decimal(1))]
Bool = Annotated[bool, Flag()]


class Section(BaseModel):
    """Base of every table: unknown keys are errors, values are frozen, defaults are checked."""

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """Return a copy with `update` applied and validated again.

        Pydantic's own model_copy skips validation and would carry over a cached config_hash.
        """
        if not update:
            return self  # frozen all the way down: sharing is as good as copying
        values = {name: getattr(self, name) for name in type(self).model_fields}
        return self.model_validate({**values, **update})


class UniverseSection(Section):
    """UNIVERSE_SCAN: which pairs may be traded at all."""

    quote_asset: Annotated[Literal["USDT"], OneOf()] = "USDT"
    # Empty allow list = every eligible pair; the deny list always wins.
    allow_symbols: Symbols = ()
    deny_symbols: Symbols = ()
    exclude_leveraged_tokens: Bool = True
    leveraged_token_suffixes: Assets = ("UP", "DOWN", "BULL", "BEAR")
    exclude_stable_pairs: Bool = True
    # A base asset in this list makes a stable/stable pair (USDCUSDT) when quoted in USDT.
    stable_assets: Assets = (
        "USDC", "FDUSD", "TUSD", "USDP", "DAI", "BUSD", "USDE", "PYUSD", "EUR", "EURI", "AEUR",
    )
    min_quote_volume_24h: Annotated[Decimal, DecRange(Decimal(0), MAX_QUOTE * 1000)] = Decimal(
        "20000000"
    )


class RankWeights(Section):
    """RANK_TOPN score: how much each family counts (need not add up to 1)."""

    volume: Weight = Decimal("0.4")
    liquidity: Weight = Decimal("0.3")
    momentum: Weight = Decimal("0.3")


class RadarWeights(Section):
    """The momentum family's radar features (004): how much each one counts."""

    momentum_bps: Weight = Decimal("0.4")
    price_vs_vwap_bps: Weight = Decimal("0.2")
    rvol: Weight = Decimal("0.25")
    atr: Weight = Decimal("0.15")


class TopNSection(Section):
    """RANK_TOPN: how many candidates go on to the deep scan, and how they are ranked."""

    n: Annotated[int, IntRange(2, 100)] = 10
    weights: RankWeights = Field(default_factory=RankWeights)
    radar_weights: RadarWeights = Field(default_factory=RadarWeights)
    radar_intervals: Intervals = ("1m", "5m", "15m")


class DeepScanSection(Section):
    """DEEP_SCAN: finalists, with the correlation and churn guards."""

    finalists_min: Annotated[int, IntRange(1, 3)] = 2
    finalists_max: Annotated[int, IntRange(1, 3)] = 3
    max_pairwise_corr: Annotated[
        Decimal, DecRange(Decimal(0), Decimal(1), lo_open=True)
    ] = Decimal("0.85")
    corr_window_bars: Annotated[int, IntRange(10, 1000)] = 120
    # A finalist stays at least this long, so the watchlist does not flap between scans.
    churn_min_keep_s: Annotated[int, IntRange(0, 86_400)] = 900
    kline_intervals: Intervals = ("1m", "5m", "1h")
    kline_limit: Annotated[int, IntRange(20, 1000)] = 200  # Binance serves at most 1000
    book_samples: Annotated[int, IntRange(1, 120)] = 10


class StrategySection(Section):
    """STRATEGY_PROPOSE: which strategy runs, and its own parameters (scalars only)."""

    name: Annotated[str, Text(_NAME_PATTERN, _NAME_RULE)] = "baseline"
    version: Version = "1"
    params: Annotated[ParamTable, ScalarTable()] = Field(default_factory=ParamTable)


class RiskSection(Section):
    """RISK_VERDICT: the hard limits; risk has the final word over strategy and AI."""

    max_exposure_total_quote: Quote = Decimal("1000")
    max_exposure_symbol_quote: Quote = Decimal("500")
    daily_loss_limit_quote: Quote = Decimal("30")
    max_drawdown_quote: Quote = Decimal("100")
    max_spread_bps: Annotated[int, IntRange(1, 1000)] = 15
    min_edge_bps_after_costs: Annotated[int, IntRange(0, 1000)] = 5
    fee_bps: Annotated[int, IntRange(0, 100)] = 10
    slippage_bps: Annotated[int, IntRange(0, 500)] = 5
    cooldown_s: Annotated[int, IntRange(0, 86_400)] = 300
    max_trades_per_hour: Annotated[int, IntRange(1, 120)] = 6
    max_loss_streak: Annotated[int, IntRange(1, 50)] = 3
    min_hold_s: Annotated[int, IntRange(0, 86_400)] = 30
    max_hold_s: Annotated[int, IntRange(1, 604_800)] = 14_400
    max_open_positions: Annotated[int, IntRange(1, 20)] = 2
    risk_per_trade_pct: Annotated[
        Decimal, DecRange(Decimal(0), Decimal(5), lo_open=True)
    ] = Decimal("0.5")


class AISection(Section):
    """AIGATE_CALL: the model call. The policy (AI_DEC) and the key come from the environment."""

    model: Annotated[str, Text(_MODEL_PATTERN, _MODEL_RULE)] = "gpt-4.1-mini"
    timeout_ms: Annotated[int, IntRange(100, 30_000)] = 5000
    max_retries: Annotated[int, IntRange(0, 3)] = 1
    prompt_version: Version = "v1"
    # Length of the redacted request/response copies kept in the audit (0 = hashes only).
    request_max_chars: Annotated[int, IntRange(0, 20_000)] = 2000
    response_max_chars: Annotated[int, IntRange(0, 20_000)] = 2000


class TrailingSection(Section):
    """OCO -> trailing swap: when it activates and how far the stop trails (Binance BIPS)."""

    enabled: Bool = True
    activation_bps: Annotated[int, IntRange(1, 10_000)] = 60
    delta_bps: Annotated[int, IntRange(10, 2000)] = 40  # Binance TRAILING_DELTA allows 10..2000


class ExecutionSection(Section):
    """EXECUTE_INTENT and protection."""

    entry_order_type: Annotated[Literal["LIMIT", "MARKET"], OneOf()] = "LIMIT"
    entry_ttl_ms: Annotated[int, IntRange(1000, 600_000)] = 20_000
    recv_window_ms: Annotated[int, IntRange(1000, 60_000)] = 5000  # Binance: > 60000 is -1102
    protection: Annotated[Literal["OCO", "OTOCO"], OneOf()] = "OCO"
    trailing: TrailingSection = Field(default_factory=TrailingSection)


class ReconcileSection(Section):
    """RECONCILE_REST: drift thresholds and what to do with what boot finds."""

    drift_warn_x10000: Annotated[int, IntRange(0, 10_000)] = 100
    drift_bad_x10000: Annotated[int, IntRange(0, 10_000)] = 500
    startup_policy: Annotated[
        Literal["MANAGE_ONLY", "CLOSE_SAFELY", "PAUSE"], OneOf()
    ] = "MANAGE_ONLY"


class ScheduleSection(Section):
    """Periodic jobs (Celery beat, or in-process without a broker) and the worker tick."""

    topn_interval_s: Annotated[int, IntRange(60, 86_400)] = 900
    reconcile_interval_s: Annotated[int, IntRange(5, 3600)] = 60
    daily_report_utc: Annotated[str, Text(_HHMM_PATTERN, _HHMM_RULE)] = "00:05"
    # Pause/resume/flatten are obeyed within one tick.
    loop_tick_ms: Annotated[int, IntRange(100, 10_000)] = 1000


class ConsoleSection(Section):
    """Console stage display (000: one updating line OR short lines)."""

    stage_display: Annotated[Literal["lines", "single_line"], OneOf()] = "lines"
    beep: Bool = False


class PanelSection(Section):
    """Web panel limits (000 WEBUI defaults and SIZE LIMITS)."""

    stream_snapshot_interval_ms: Annotated[int, IntRange(100, 60_000)] = 1000
    intents_recent_limit: Annotated[int, IntRange(10, 200)] = 50
    reconcile_diffs_recent_limit: Annotated[int, IntRange(10, 200)] = 50
    market_symbols_limit: Annotated[int, IntRange(10, 200)] = 50


class AlertsSection(Section):
    """Local alerting thresholds for disk and the SQLite WAL."""

    disk_warn_free_bytes: Annotated[int, IntRange(0, MAX_BYTES)] = 2 * 1024**3
    disk_degrade_free_bytes: Annotated[int, IntRange(0, MAX_BYTES)] = 512 * 1024**2
    wal_warn_bytes: Annotated[int, IntRange(1024**2, MAX_BYTES)] = 256 * 1024**2
