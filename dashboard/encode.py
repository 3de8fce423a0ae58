"""Value coercion for the panel payloads: int32/int64 clamps, decimal strings, safe JSON.

Rows come from JSON columns written by other processes, so anything may be there; the panel
coerces and clamps instead of failing, because one odd row must not blank the whole console.
Every number in a payload is an int (never a float), so NaN/Inf can't appear by construction.
"""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

import orjson

from dashboard.schema import INT32_MAX, INT32_MIN, INT64_MAX, INT64_MIN
from trading.domain.catalog import ReasonCode, StageName
from trading.domain.contracts.canonical import dec_str

_REASONS = frozenset(m.value for m in ReasonCode)
_SYMBOL_OK = re.compile(r"[A-Z0-9]{0,32}").fullmatch
_STAGES = frozenset(m.value for m in StageName)
ZERO = Decimal(0)


def i64(value: Any, default: int = 0) -> int:
    """Return `value` as an int clamped to int64; `default` for anything not a finite number."""
    return _int(value, default, INT64_MIN, INT64_MAX)


def i32(value: Any, default: int = 0) -> int:
    """Return `value` as an int clamped to int32; `default` for anything not a finite number."""
    return _int(value, default, INT32_MIN, INT32_MAX)


def nonneg(value: Any) -> int:
    return max(0, i64(value))


def _int(value: Any, default: int, low: int, high: int) -> int:
    if type(value) is int and low <= value <= high:  # the common case, kept cheap
        return value
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        n = value
    elif isinstance(value, (float, Decimal, str)):
        try:
            d = Decimal(str(value).strip())
        except InvalidOperation:
            return default
        if not d.is_finite():
            return default
        n = int(d)
    else:
        return default
    return min(high, max(low, n))


def dec(value: Decimal | None) -> str:
    """Return a Decimal as the canonical decimal string ("0" for None or non-finite)."""
    if value is None or not isinstance(value, Decimal) or not value.is_finite():
        return "0"
    return dec_str(value)


def opt_dec(value: Decimal | None) -> str:
    """Return a Decimal as a decimal string, or "" when there is none."""
    return "" if value is None else dec(value)


def text(value: Any, limit: int = 200) -> str:
    """Return `value` as one line of text of at most `limit` characters."""
    s = value if isinstance(value, str) else ("" if value is None else str(value))
    if len(s) <= limit and s.isprintable():
        return s
    return " ".join(s.split())[:limit]


def ascii_id(value: Any) -> str:
    """Return an id as ASCII ("" when missing); non-ASCII characters are dropped."""
    s = value if isinstance(value, str) else ""
    if len(s) <= 64 and s.isascii():
        return s
    return s.encode("ascii", "ignore").decode("ascii")[:64]


def symbol(value: Any) -> str:
    """Return a symbol as upper-case ASCII letters and digits ("" when missing)."""
    if type(value) is str and _SYMBOL_OK(value):
        return value
    s = value if isinstance(value, str) else ""
    return "".join(c for c in s.upper() if c.isascii() and c.isalnum())[:32]


def reasons(values: Any) -> list[str]:
    """Return the ReasonCodes in `values`, in order, dropping anything outside the catalog."""
    if not isinstance(values, (list, tuple)):
        return []
    return [v for v in values if isinstance(v, str) and v in _REASONS]


def reason_or_empty(value: Any) -> str:
    return value if isinstance(value, str) and value in _REASONS else ""


def stage(value: Any, default: str = StageName.BOOT.value) -> str:
    return value if isinstance(value, str) and value in _STAGES else default


def one_of(value: Any, allowed: tuple[str, ...], default: str) -> str:
    return value if isinstance(value, str) and value in allowed else default


def dumps(payload: Any) -> bytes:
    """Return compact UTF-8 JSON on one line (SSE needs one line per event)."""
    return orjson.dumps(payload)
