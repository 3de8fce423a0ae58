"""ReasonCode: atomic reasons, SUBJECT_CONDITION, each with a one-line description.

Numbers never go into a code; they go into key=value metadata next to it.
`docs/reason-codes.md` is generated from this enum (`python manage.py catalog_docs`)
and a test fails when it is stale. Adding a code is one line here.
"""
from __future__ import annotations

from enum import StrEnum


class ReasonCode(StrEnum):
    description: str

    def __new__(cls, value: str, description: str) -> "ReasonCode":
        obj = str.__new__(cls, value)
        obj._value_ = value
        obj.description = description
        return obj

    # --- system state transitions (000 stage status) ---
    ENTER_DEGRADE = "ENTER_DEGRADE", "The system entered DEGRADE: no new entries."
    ENTER_PAUSE = "ENTER_PAUSE", "The system entered PAUSE: no entries, diagnostics only."
    ENTER_EXIT = "ENTER_EXIT", "The system is terminating with an audited reason."
    ENTER_NORMAL = "ENTER_NORMAL", "The system returned to NORMAL operation."
    SHUTDOWN_REQUESTED = "SHUTDOWN_REQUESTED", "SIGINT/SIGTERM or a bounded run asked for a clean shutdown."
    OPERATOR_PAUSE = "OPERATOR_PAUSE", "An operator paused trading."
    OPERATOR_RESUME = "OPERATOR_RESUME", "An operator resumed trading."
    OPERATOR_FLATTEN = "OPERATOR_FLATTEN", "An operator asked to close all positions and pause."
    KILL_SWITCH_ACTIVE = "KILL_SWITCH_ACTIVE", "The kill-switch file is present."
    KILL_SWITCH_CLEARED = "KILL_SWITCH_CLEARED", "The kill-switch file was removed."
    INTERNAL_ERROR = "INTERNAL_ERROR", "A trader stage failed on an unexpected error (a bug): paused, positions kept protected."
    DEGRADE_CAUSE_CLEARED = "DEGRADE_CAUSE_CLEARED", "The last condition holding DEGRADE cleared."
    OPERATOR_COMMAND_REFUSED = "OPERATOR_COMMAND_REFUSED", "An operator command could not be applied as asked."
    LIVE_CONFIRM_MISSING = "LIVE_CONFIRM_MISSING", "LIVE mode was requested without the confirmation variable."
    INSTANCE_LOCKED = "INSTANCE_LOCKED", "Another trader holds the lock for this database and mode."
    # --- boot, config, doctor ---
    CONFIG_VALID = "CONFIG_VALID", "The runtime trading config passed validation."
    CONFIG_INVALID = "CONFIG_INVALID", "The runtime trading config failed validation."
    CONFIG_RELOADED = "CONFIG_RELOADED", "The runtime trading config changed on disk and was reloaded."
    DOCTOR_CHECK_FAILED = "DOCTOR_CHECK_FAILED", "A doctor check failed."
    DOCTOR_OK = "DOCTOR_OK", "Every applicable doctor check passed."
    RECOVERY_NOTHING_OPEN = "RECOVERY_NOTHING_OPEN", "Startup recovery found nothing open to adopt or close."
    RECOVERY_ADOPTED = "RECOVERY_ADOPTED", "Startup recovery adopted an open position or order."
    RECOVERY_CLOSED = "RECOVERY_CLOSED", "Startup recovery closed an open position safely."
    EXCHANGE_NOT_CONFIGURED = "EXCHANGE_NOT_CONFIGURED", "No exchange adapter is available for this run."
    # --- audit writer and storage (000 local alerting sources) ---
    DB_WRITER_QUEUE_HIGH = "DB_WRITER_QUEUE_HIGH", "The audit writer queue is above its high-water mark."
    DB_WRITER_QUEUE_FULL = "DB_WRITER_QUEUE_FULL", "The audit writer queue is full: telemetry is being shed."
    DB_WRITER_QUEUE_RECOVERED = "DB_WRITER_QUEUE_RECOVERED", "The audit writer queue drained back to normal."
    DB_WRITER_FAILED = "DB_WRITER_FAILED", "The audit writer cannot commit: audit guarantees are at risk."
    DB_BUSY = "DB_BUSY", "The database stayed locked (SQLITE_BUSY) past the busy timeout."
    TELEMETRY_SHED = "TELEMETRY_SHED", "Low-value telemetry events were dropped under queue pressure."
    DISK_LOW_WARN = "DISK_LOW_WARN", "Free disk space is below the warning threshold."
    DISK_LOW_DEGRADE = "DISK_LOW_DEGRADE", "Free disk space is below the degrade threshold."
    WAL_GROWTH_ABNORMAL = "WAL_GROWTH_ABNORMAL", "The SQLite WAL file grew beyond its expected size."
    JSONL_TRAIL_REPAIRED = "JSONL_TRAIL_REPAIRED", "The JSONL trail was completed from the database after a crash."
    # --- exchange and reconcile ---
    RATE_LIMIT_429 = "RATE_LIMIT_429", "The exchange answered 429: request weight exhausted."
    RATE_LIMIT_418_BAN = "RATE_LIMIT_418_BAN", "The exchange banned this IP (418): REST calls stopped."
    WEIGHT_BUDGET_LOW = "WEIGHT_BUDGET_LOW", "Used request weight is close to the limit: backing off."
    EXCHANGE_UNREACHABLE = "EXCHANGE_UNREACHABLE", "The exchange could not be reached."
    EXCHANGE_5XX = "EXCHANGE_5XX", "The exchange answered 5xx: execution status unknown."
    CLOCK_SKEW = "CLOCK_SKEW", "Local clock and exchange clock disagree beyond tolerance (-1021)."
    WS_DISCONNECTED = "WS_DISCONNECTED", "A websocket stream disconnected."
    WS_FRAME_INVALID = "WS_FRAME_INVALID", "A websocket frame could not be parsed and was discarded."
    USER_STREAM_UNSTABLE = "USER_STREAM_UNSTABLE", "The user data stream is unstable: relying on REST reconcile."
    FILTERS_HASH_DRIFT = "FILTERS_HASH_DRIFT", "A symbol's exchange filters changed."
    SYMBOL_NOT_TRADING = "SYMBOL_NOT_TRADING", "A symbol's status is not TRADING."
    RECONCILE_DRIFT_WARN = "RECONCILE_DRIFT_WARN", "Reconcile found drift above the warning tolerance."
    RECONCILE_DRIFT_BAD = "RECONCILE_DRIFT_BAD", "Reconcile found drift above the degrade tolerance."
    RECONCILE_OK = "RECONCILE_OK", "Reconcile found the database and the exchange in agreement."
    # --- execution and intents ---
    INTENT_SENT_UNKNOWN = "INTENT_SENT_UNKNOWN", "An order's fate is unknown after sending: REST query required."
    INTENT_CONFIRMED = "INTENT_CONFIRMED", "The exchange confirmed the order of an intent."
    INTENT_NOT_FOUND = "INTENT_NOT_FOUND", "The order of an intent was not found after its recvWindow passed."
    INTENT_REJECTED = "INTENT_REJECTED", "The exchange rejected the order of an intent for good."
    ENTRY_TTL_EXPIRED = "ENTRY_TTL_EXPIRED", "An entry order reached its time-to-live and was cancelled."
    DUPLICATE_CLIENT_ORDER_ID = "DUPLICATE_CLIENT_ORDER_ID", "The client order id is already in use."
    PROTECTION_PLACED = "PROTECTION_PLACED", "Exchange-side protection (OCO/stop) is in place."
    PROTECTION_MISSING = "PROTECTION_MISSING", "A position has no exchange-side stop."
    PROTECTION_SWAP_GUARD_FIRED = "PROTECTION_SWAP_GUARD_FIRED", "The stop was crossed while uncovered: closed at market."
    TRAIL_ACTIVATED = "TRAIL_ACTIVATED", "The trailing stop activated."
    TIME_STOP = "TIME_STOP", "The position reached its maximum holding time."
    TAKE_PROFIT_HIT = "TAKE_PROFIT_HIT", "The take-profit leg filled."
    STOP_LOSS_HIT = "STOP_LOSS_HIT", "The stop-loss leg filled."
    # --- strategy and selection ---
    SIGNAL_TREND_LONG = "SIGNAL_TREND_LONG", "Trend regime with a long setup."
    SIGNAL_RANGE_REVERSION = "SIGNAL_RANGE_REVERSION", "Range regime with a mean-reversion setup."
    SIGNAL_MOMENTUM = "SIGNAL_MOMENTUM", "Multi-timeframe momentum is positive."
    SIGNAL_VOLUME_SURGE = "SIGNAL_VOLUME_SURGE", "Relative volume is above its threshold."
    SIGNAL_ABOVE_VWAP = "SIGNAL_ABOVE_VWAP", "Price is above VWAP."
    NO_SIGNAL = "NO_SIGNAL", "The strategy found no setup."
    EDGE_BELOW_COSTS = "EDGE_BELOW_COSTS", "Expected edge does not cover fees, spread and slippage."
    SPREAD_TOO_WIDE = "SPREAD_TOO_WIDE", "The spread is wider than the configured maximum."
    CORRELATION_GUARD = "CORRELATION_GUARD", "A finalist was dropped: correlation with another is over the limit."
    CHURN_GUARD = "CHURN_GUARD", "A finalist was kept to avoid churning the watchlist."
    UNIVERSE_EXCLUDED = "UNIVERSE_EXCLUDED", "The symbol is not eligible (deny list, leveraged token, stable pair)."
    LIQUIDITY_TOO_LOW = "LIQUIDITY_TOO_LOW", "24h quote volume is below the configured minimum."
    DATA_STALE = "DATA_STALE", "Market data for the symbol is older than allowed."
    RANK_BELOW_CUTOFF = "RANK_BELOW_CUTOFF", "The symbol ranked below the TopN cutoff."
    FINALISTS_FULL = "FINALISTS_FULL", "The deep scan already picked its maximum number of finalists."
    SIGNAL_EMA_CROSS_UP = "SIGNAL_EMA_CROSS_UP", "The fast EMA crossed above the slow EMA."
    SIGNAL_EMA_CROSS_DOWN = "SIGNAL_EMA_CROSS_DOWN", "The fast EMA crossed below the slow EMA."
    WARMUP_INCOMPLETE = "WARMUP_INCOMPLETE", "Not enough closed bars yet for the strategy's indicators."
    SIZE_IN_NO_TRADE_BAND = "SIZE_IN_NO_TRADE_BAND", "The size change is inside the no-trade band."
    # --- quantization and filters ---
    NOTIONAL_BELOW_MINIMUM = "NOTIONAL_BELOW_MINIMUM", "Order notional is below the symbol's minimum."
    NOTIONAL_ABOVE_MAXIMUM = "NOTIONAL_ABOVE_MAXIMUM", "Order notional is above the symbol's maximum."
    QTY_BELOW_MINIMUM = "QTY_BELOW_MINIMUM", "Quantity rounds below the symbol's minimum quantity."
    QTY_ABOVE_MAXIMUM = "QTY_ABOVE_MAXIMUM", "Quantity is above the symbol's maximum quantity."
    PRICE_OUT_OF_RANGE = "PRICE_OUT_OF_RANGE", "Price is outside the symbol's price filter range."
    PRICE_NOT_ON_TICK = "PRICE_NOT_ON_TICK", "Price is not a multiple of the symbol's tick size."
    QTY_NOT_ON_STEP = "QTY_NOT_ON_STEP", "Quantity is not a multiple of the symbol's step size."
    # --- risk engine ---
    RISK_APPROVED = "RISK_APPROVED", "Every risk rule passed."
    SYS_MODE_BLOCKS_ENTRY = "SYS_MODE_BLOCKS_ENTRY", "The current system mode allows no new entries."
    EXPOSURE_LIMIT_TOTAL = "EXPOSURE_LIMIT_TOTAL", "Total exposure would exceed its limit."
    EXPOSURE_LIMIT_SYMBOL = "EXPOSURE_LIMIT_SYMBOL", "Exposure on the symbol would exceed its limit."
    DAILY_LOSS_LIMIT_REACHED = "DAILY_LOSS_LIMIT_REACHED", "The daily loss limit is reached."
    DRAWDOWN_LIMIT_REACHED = "DRAWDOWN_LIMIT_REACHED", "The drawdown limit is reached."
    COOLDOWN_ACTIVE = "COOLDOWN_ACTIVE", "The symbol is in its cooldown period."
    TRADES_PER_HOUR_LIMIT = "TRADES_PER_HOUR_LIMIT", "The trades-per-hour limit is reached."
    LOSS_STREAK_LIMIT = "LOSS_STREAK_LIMIT", "Too many consecutive losses."
    MIN_HOLD_TIME_NOT_REACHED = "MIN_HOLD_TIME_NOT_REACHED", "The position is younger than the minimum hold time."
    MAX_POSITIONS_REACHED = "MAX_POSITIONS_REACHED", "The maximum number of open positions is reached."
    INSUFFICIENT_BALANCE = "INSUFFICIENT_BALANCE", "Free quote balance does not cover the order."
    SANITY_CHECK_FAILED = "SANITY_CHECK_FAILED", "The decision failed a sanity check (prices, sizes, staleness)."
    MAX_HOLD_TIME_EXCEEDED = "MAX_HOLD_TIME_EXCEEDED", "The position is past its maximum hold time: close it, do not re-protect it."
    AIGATE_BLOCKED = "AIGATE_BLOCKED", "Risk kept the AI gate's BLOCK."
    # --- AI gate (000 AIGATE_CALL) ---
    AIGATE_DISABLED = "AIGATE_DISABLED", "The AI gate is off (AI_DEC=0)."
    AIGATE_ALLOW = "AIGATE_ALLOW", "The model allowed the decision."
    AIGATE_BLOCK = "AIGATE_BLOCK", "The model blocked the decision."
    AIGATE_MODIFY_APPLIED = "AIGATE_MODIFY_APPLIED", "The model's risk-reducing modification was applied."
    AIGATE_TIMEOUT = "AIGATE_TIMEOUT", "The model did not answer within the timeout."
    AIGATE_SCHEMA_INVALID = "AIGATE_SCHEMA_INVALID", "The model's answer did not match the strict schema."
    AIGATE_PARSE_FAIL = "AIGATE_PARSE_FAIL", "The model's answer was not valid JSON."
    AIGATE_MODIFY_INVALID = "AIGATE_MODIFY_INVALID", "The model's modification would not only reduce risk."
    AIGATE_REASON_UNKNOWN = "AIGATE_REASON_UNKNOWN", "The model gave a reason outside the catalog."
    AIGATE_HTTP_ERROR = "AIGATE_HTTP_ERROR", "The model endpoint answered with an HTTP error."
    AIGATE_FAIL_CLOSED = "AIGATE_FAIL_CLOSED", "AI gate failure under AI_DEC=2: fail-closed to PAUSE."
    AIGATE_SKIPPED_SYS_MODE = "AIGATE_SKIPPED_SYS_MODE", "No gate call for a new entry in DEGRADE or PAUSE."


REASON_VALUES: frozenset[str] = frozenset(m.value for m in ReasonCode)
