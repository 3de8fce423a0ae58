"""Model reason strings -> ReasonCode. Pure: no Django, no I/O.

The model may cite only the market, strategy and sanity codes below. Anything else (a typo,
free text, or a real code it has no business giving, such as KILL_SWITCH_ACTIVE or an
AIGATE_* code) becomes AIGATE_REASON_UNKNOWN: a model string never reaches the audit or risk
as if it were one of our codes.
"""
from __future__ import annotations

from collections.abc import Iterable

from trading.domain.catalog.reasons import ReasonCode

R = ReasonCode

# What a conservative reviewer of one decision can honestly observe in the payload it sees.
MODEL_REASONS: tuple[ReasonCode, ...] = (
    R.SPREAD_TOO_WIDE,
    R.EDGE_BELOW_COSTS,
    R.LIQUIDITY_TOO_LOW,
    R.DATA_STALE,
    R.NO_SIGNAL,
    R.SIGNAL_TREND_LONG,
    R.SIGNAL_RANGE_REVERSION,
    R.SIGNAL_MOMENTUM,
    R.SIGNAL_VOLUME_SURGE,
    R.SIGNAL_ABOVE_VWAP,
    R.SANITY_CHECK_FAILED,
    R.CORRELATION_GUARD,
)
_BY_VALUE: dict[str, ReasonCode] = {code.value: code for code in MODEL_REASONS}
# The model answers at most this many reasons (schema maxItems); longer strings are never codes.
MAX_MODEL_REASONS = 8
MAX_REASON_CHARS = 64


def map_model_reason(text: str) -> ReasonCode:
    """Return the ReasonCode a model reason string names, or AIGATE_REASON_UNKNOWN."""
    if len(text) > MAX_REASON_CHARS:
        return R.AIGATE_REASON_UNKNOWN
    return _BY_VALUE.get(text.strip().upper(), R.AIGATE_REASON_UNKNOWN)


def map_model_reasons(texts: Iterable[str]) -> tuple[ReasonCode, ...]:
    """Return the mapped codes in the model's order, each once (unknowns collapse into one)."""
    out: list[ReasonCode] = []
    for text in texts:
        code = map_model_reason(text)
        if code not in out:
            out.append(code)
    return tuple(out)


def result_reasons(verdict_code: ReasonCode, model_codes: Iterable[ReasonCode]) -> tuple[ReasonCode, ...]:
    """Return the result's reasons: the gate's own verdict code first, then the model's, no repeats."""
    out = [verdict_code]
    out.extend(code for code in model_codes if code is not verdict_code)
    return tuple(dict.fromkeys(out))
