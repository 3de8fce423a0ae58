"""Canonical values: plain decimal strings, RFC 8785 JSON, the SHA-256 hashes built on it, and
the small decimal and invariant helpers every contract module shares.

Every hash in livespot (decision_id, snapshot_hash, input_hash, filters_hash) goes through
`sha256_hex`, so two processes, or a replay next year, get the same bytes for the same content.
Money never travels as a float: Decimals become plain strings before canonicalization.
"""
from __future__ import annotations

import dataclasses
import hashlib
import re
from collections.abc import Mapping
from decimal import Context, Decimal, InvalidOperation
from enum import Enum
from typing import Any

import orjson
import rfc8785

from trading.domain.catalog.reasons import ReasonCode

SHA256_HEX_RE = re.compile(r"^[0-9a-f]{64}$")
_MAX_EXACT = 2**53 - 1  # RFC 8785 numbers are IEEE doubles: beyond this it refuses integers


class ContractViolation(ValueError):
    """A contract value broke one of its invariants; the message names the field and the rule."""


def require(condition: bool, message: str) -> None:
    """Raise ContractViolation(message) unless `condition` holds."""
    if not condition:
        raise ContractViolation(message)


def dec_str(d: Decimal) -> str:
    """Return `d` as a plain decimal string: no exponent, no trailing zeros, "-0" as "0".

    Decimal("1.10") and Decimal("1.1") give the same string, so they hash the same.
    Raises ValueError for NaN and infinities, TypeError for anything but a Decimal.
    """
    if not isinstance(d, Decimal):
        raise TypeError(f"dec_str needs a Decimal, got {type(d).__name__}")
    if not d.is_finite():
        raise ValueError(f"{d} has no canonical decimal form")
    # Fixed-point text, then trailing fractional zeros off by hand (Decimal.normalize() would
    # round to the context precision); integer zeros stay, so 1E+3 is "1000".
    text = format(d, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def require_positive_decimal(value: object, name: str) -> None:
    """Raise ContractViolation unless `value` is a finite Decimal greater than zero."""
    if type(value) is Decimal and value.is_finite() and value > 0:
        return  # the hot path: no message is formatted unless one is raised
    require(isinstance(value, Decimal), f"{name} must be a Decimal, got {type(value).__name__}")
    assert isinstance(value, Decimal)
    require(value.is_finite() and value > 0, f"{name} must be finite and > 0, got {value}")


def require_int(value: object, name: str, minimum: int | None = 0) -> None:
    """Raise ContractViolation unless `value` is an int (not a bool) and at least `minimum`."""
    if type(value) is int and (minimum is None or value >= minimum):
        return
    require(isinstance(value, int) and not isinstance(value, bool), f"{name} must be an int")
    assert isinstance(value, int)
    require(minimum is None or value >= minimum, f"{name} must be >= {minimum}, got {value}")


def require_text(value: object, name: str) -> None:
    """Raise ContractViolation unless `value` is a non-empty string without surrounding spaces."""
    if type(value) is str and value and value == value.strip():
        return
    require(isinstance(value, str) and value != "", f"{name} must be a non-empty string")
    assert isinstance(value, str)
    require(value == value.strip(), f"{name} must not start or end with whitespace")


def parse_decimal(value: object, name: str) -> Decimal:
    """Return `value` (a decimal string, an int or a Decimal) as a finite Decimal.

    Floats are refused: by the time a float exists the money amount is already rounded.
    Raises ContractViolation naming `name`.
    """
    if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)):
        raise ContractViolation(f"{name} must be a decimal string, got {type(value).__name__}")
    try:
        d = Decimal(value)
    except InvalidOperation:
        raise ContractViolation(f"{name} is not a decimal: {value!r}") from None
    require(d.is_finite(), f"{name} must be finite, got {value!r}")
    return d


def parse_reason_code(value: object) -> ReasonCode:
    """Return the ReasonCode whose stored value is `value`; raise ContractViolation for anything else."""
    if isinstance(value, ReasonCode):
        return value
    member = ReasonCode._value2member_map_.get(value) if isinstance(value, str) else None
    # Not ReasonCode(value): its two-argument __new__ makes type checkers reject the lookup.
    if not isinstance(member, ReasonCode):
        raise ContractViolation(f"{value!r} is not a ReasonCode")
    return member


def parse_optional_decimal(value: object, name: str) -> Decimal | None:
    """Return None for None, else `parse_decimal(value, name)`."""
    return None if value is None else parse_decimal(value, name)


# Enough precision that a price of 1e9 on a 1e-8 tick never hits DivisionImpossible. Held once:
# entering a localcontext per check costs more than the remainder itself (every Decision and
# order check calls this); only its flags ever change, and no result depends on them.
_GRID_CONTEXT = Context(prec=60)


def on_grid(value: Decimal, step: Decimal) -> bool:
    """Return True when `value` is a whole multiple of `step` (Binance: `value % step == 0`)."""
    return _GRID_CONTEXT.remainder(value, step) == 0


def is_sha256_hex(value: str) -> bool:
    """Return True when `value` is 64 lowercase hex characters."""
    return bool(SHA256_HEX_RE.match(value))


def to_canonical_value(obj: Any) -> Any:
    """Return `obj` as plain JSON data ready for RFC 8785.

    Decimals become plain strings, enums their values, tuples lists; objects with a
    `to_dict()` (our frozen contracts) are converted through it, other dataclasses field by field.
    Raises TypeError for anything that has no JSON form.
    """
    return _canonical(obj, False)


class _NotExact(Exception):
    """The value holds something orjson may render differently from RFC 8785 (see `canonical_json`)."""


def _canonical(obj: Any, exact: bool) -> Any:
    # `exact`: also refuse (_NotExact) floats, integers beyond 2**53 and keys that are not ASCII
    # strings, so one walk both converts the value and proves orjson's bytes are RFC 8785's.
    t = type(obj)  # exact types first: the common case of every hash, without ABC checks
    if t is str or t is bool or obj is None:
        return obj
    if t is int:
        if exact and not -_MAX_EXACT <= obj <= _MAX_EXACT:
            raise _NotExact
        return obj
    if t is Decimal:
        return dec_str(obj)
    if t is dict:
        if exact:
            return {_exact_key(k): _canonical(v, True) for k, v in obj.items()}
        return {k if type(k) is str else _canonical_key(k): _canonical(v, False) for k, v in obj.items()}
    if t is list or t is tuple:
        return [_canonical(v, exact) for v in obj]
    kind = _KINDS.get(t)
    if kind is None:
        kind = _KINDS[t] = _kind_of(t)
    if kind is _Kind.ENUM:
        return _canonical(obj._value_, exact)
    if kind is _Kind.SCALAR:
        if exact and (isinstance(obj, float) or (isinstance(obj, int) and not -_MAX_EXACT <= obj <= _MAX_EXACT)):
            raise _NotExact
        return obj
    if kind is _Kind.DECIMAL:
        return dec_str(obj)
    if kind is _Kind.MAPPING:
        return _canonical(dict(obj.items()), exact)
    if kind is _Kind.SEQUENCE:
        return [_canonical(v, exact) for v in obj]
    to_dict = getattr(obj, "to_dict", None)
    if callable(to_dict):
        data = to_dict()
        # A contract's to_dict already gives plain JSON data; when hashing, proving that is
        # enough (the data is serialized and dropped, never handed out), no copy is made.
        if exact and _is_exact_json(data):
            return data
        return _canonical(data, exact)
    if kind is _Kind.DATACLASS:
        return _canonical({name: getattr(obj, name) for name in field_names(t)}, exact)
    raise TypeError(f"{t.__name__} has no canonical JSON form")


def _is_exact_json(value: Any) -> bool:
    """Return True when `value` is made only of dicts with ASCII string keys, lists, strings, None,
    bools and integers within 2**53: what orjson renders exactly as RFC 8785 does."""
    t = type(value)
    if t is dict:
        for key, item in value.items():
            if type(key) is not str or not key.isascii():
                return False
            if type(item) is not str and item is not None and not _is_exact_json(item):
                return False
        return True
    if t is str or value is None or t is bool:
        return True
    if t is int:
        return bool(-_MAX_EXACT <= value <= _MAX_EXACT)
    if t is list:
        return all(map(_is_exact_json, value))
    return False


def _exact_key(key: Any) -> str:
    if type(key) is str and key.isascii():
        return key
    raise _NotExact  # an enum key, a non-ASCII key (RFC 8785 sorts by UTF-16 units) or no key at all


class _Kind(Enum):
    ENUM = 1
    SCALAR = 2  # bool, int, float, str and their subclasses
    DECIMAL = 3
    MAPPING = 4
    SEQUENCE = 5  # list and tuple subclasses
    OTHER = 6  # to_dict() when the object has one, else no JSON form
    DATACLASS = 7  # to_dict() when the object has one, else field by field


_KINDS: dict[type, _Kind] = {}  # the first match of to_canonical_value's order, per exact type


def _kind_of(t: type) -> _Kind:
    if issubclass(t, bool):
        return _Kind.SCALAR
    if issubclass(t, Enum):
        return _Kind.ENUM
    if issubclass(t, (int, float, str)):
        return _Kind.SCALAR
    if issubclass(t, Decimal):
        return _Kind.DECIMAL
    if issubclass(t, Mapping):
        return _Kind.MAPPING
    if issubclass(t, (list, tuple)):
        return _Kind.SEQUENCE
    return _Kind.DATACLASS if dataclasses.is_dataclass(t) else _Kind.OTHER


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def field_names(cls: type) -> tuple[str, ...]:
    """Return the names of a dataclass's fields, in order (cached: `dataclasses.fields` is slow)."""
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(f.name for f in dataclasses.fields(cls))
    return names


def fields_dict(obj: Any) -> dict[str, Any]:
    """Return a frozen contract dataclass as JSON-ready data: every field through `to_canonical_value`."""
    return {name: to_canonical_value(getattr(obj, name)) for name in field_names(type(obj))}


def _canonical_key(key: Any) -> str:
    if isinstance(key, Enum):
        key = key.value
    if not isinstance(key, str):
        raise TypeError(f"object keys must be strings, got {type(key).__name__}")
    return key


def canonical_json(obj: Any) -> bytes:
    """Return the RFC 8785 (JCS) canonical UTF-8 bytes of `obj` after `to_canonical_value`.

    Raises ValueError (rfc8785.CanonicalizationError) for NaN, infinities, integers beyond
    2**53 and strings that are not valid Unicode.

    orjson with sorted keys gives RFC 8785's bytes for null/true/false, strings (same escapes:
    backslash short forms for b, t, n, f, r, lowercase u00xx escapes for other controls,
    everything else as UTF-8), integers a double holds exactly and ASCII keys. Floats (ECMAScript
    number formatting), larger integers and non-ASCII keys (RFC 8785 sorts by UTF-16 code units)
    go through rfc8785. Every contract hash is built from decimal strings, small ints and field
    names, so the fast path is the common one; a property test checks the two agree.
    """
    if _is_exact_json(obj):  # already plain JSON (e.g. an id's few strings): nothing to convert
        value = obj
    else:
        try:
            value = _canonical(obj, True)
        except _NotExact:
            return rfc8785.dumps(to_canonical_value(obj))
    try:
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
    except TypeError:  # e.g. a string that is not valid Unicode: let rfc8785 name the problem
        return rfc8785.dumps(value)


def sha256_hex(obj: Any) -> str:
    """Return the lowercase SHA-256 hex digest of `canonical_json(obj)`."""
    return hashlib.sha256(canonical_json(obj)).hexdigest()
