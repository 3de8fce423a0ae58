"""Field markers for the trading config: each checks one TOML value and words its own rule.

Pydantic's messages name only the violated bound and mention Python types; an operator needs
the whole rule on one line ("must be an integer in 1..1000 (got 5000)"). So every marker
validates by hand and raises `rule_error` with a finished sentence, which the loader prints
after the dotted key. Markers are strict on purpose: a TOML float never becomes a Decimal (it
has already lost precision), a bool is never an integer, and a string never becomes a number.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Context, Decimal, InvalidOperation
from typing import Any, get_args

from pydantic import GetCoreSchemaHandler
from pydantic_core import PydanticCustomError, core_schema

RULE_ERROR_TYPE = "config_rule"
# RFC 8785 (used for the config hash) only accepts integers an IEEE double holds exactly.
JSON_SAFE_INT = 2**53 - 1
# No price, quantity or ratio needs more; it also keeps "1E-999999" from becoming a huge string.
MAX_DECIMAL_PLACES = 18
_SHOW_MAX_CHARS = 40

Scalar = bool | int | str


def rule_error(rule: str, at: str = "") -> PydanticCustomError:
    """Return a pydantic error carrying a one-line rule; `at` extends the key path (".x", "[2]")."""
    return PydanticCustomError(RULE_ERROR_TYPE, "{rule}", {"rule": rule, "at": at})


def show(value: object) -> str:
    """Return `value` written the way an operator would see it in TOML, short and on one line."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, Decimal)):
        return str(value)
    if isinstance(value, str):
        text = value if len(value) <= _SHOW_MAX_CHARS else value[: _SHOW_MAX_CHARS - 3] + "..."
        return json.dumps(text, ensure_ascii=False)
    if isinstance(value, Mapping):
        return "a table"
    if isinstance(value, (list, tuple)):
        return "an array"
    return f"a {type(value).__name__}"  # TOML dates and times


def plain_decimal(value: Decimal) -> Decimal:
    """Return `value` without trailing zeros or exponent, so "1.0", "1.00" and "1" are one value."""
    text = format(_trimmed(value), "f")
    return Decimal("0") if text in ("-0", "0") else Decimal(text)


def _trimmed(value: Decimal) -> Decimal:
    # The default context would round past 28 digits; keep every digit the operator wrote.
    return value.normalize(Context(prec=max(len(value.as_tuple().digits), 1)))


def key_part(key: object) -> str:
    """Return ".key" for a path, quoted as TOML would when the key is not a bare key."""
    text = str(key)
    return f".{text}" if re.fullmatch(r"[A-Za-z0-9_-]+", text) else f".{json.dumps(text)}"


class _Marker:
    """An `Annotated` marker whose `check` replaces pydantic's own validation of the field."""

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(self.check)

    def check(self, value: Any) -> Any:
        raise NotImplementedError


@dataclass(frozen=True)
class IntRange(_Marker):
    """An integer in lo..hi (inclusive)."""

    lo: int
    hi: int

    def check(self, value: Any) -> int:
        """Return `value` when it is an int (not a bool) within the range."""
        if type(value) is int and self.lo <= value <= self.hi:
            return value
        raise rule_error(f"must be an integer in {self.lo}..{self.hi} (got {show(value)})")


@dataclass(frozen=True)
class DecRange(_Marker):
    """A finite decimal, written as a TOML string (or an integer), within an interval."""

    lo: Decimal
    hi: Decimal
    lo_open: bool = False
    hi_open: bool = False

    def check(self, value: Any) -> Decimal:
        """Return `value` as a plain Decimal when it parses and lies in the interval."""
        number = _as_decimal(value)
        if number is None or not self._contains(number):
            raise rule_error(f"must be a decimal string in {self.interval()} (got {show(value)})")
        if -int(_trimmed(number).as_tuple().exponent) > MAX_DECIMAL_PLACES:
            rule = f"must have at most {MAX_DECIMAL_PLACES} decimal places (got {show(value)})"
            raise rule_error(rule)
        return plain_decimal(number)

    def interval(self) -> str:
        """Return the interval in math notation, e.g. "(0, 5]"."""
        left = "(" if self.lo_open else "["
        right = ")" if self.hi_open else "]"
        return f"{left}{format(self.lo, 'f')}, {format(self.hi, 'f')}{right}"

    def _contains(self, number: Decimal) -> bool:
        above = number > self.lo if self.lo_open else number >= self.lo
        below = number < self.hi if self.hi_open else number <= self.hi
        return above and below


def _as_decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)):
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


@dataclass(frozen=True)
class OneOf(_Marker):
    """One of the strings of the field's `Literal[...]` type."""

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        choices = tuple(str(choice) for choice in get_args(source))
        listed = ", ".join(json.dumps(choice) for choice in choices)

        def check(value: Any) -> str:
            if isinstance(value, str) and value in choices:
                return value
            raise rule_error(f"must be one of {listed} (got {show(value)})")

        return core_schema.no_info_plain_validator_function(check)


@dataclass(frozen=True)
class Flag(_Marker):
    """A TOML boolean; 0/1 and "yes" are refused so a typo can't flip a safety switch."""

    def check(self, value: Any) -> bool:
        """Return `value` when it is a bool."""
        if isinstance(value, bool):
            return value
        raise rule_error(f"must be true or false (got {show(value)})")


@dataclass(frozen=True)
class Text(_Marker):
    """A string matching `pattern`; `rule` words the requirement for the operator."""

    pattern: str
    rule: str = ""

    def check(self, value: Any) -> str:
        """Return `value` when it is a string that fully matches the pattern."""
        if isinstance(value, str) and re.fullmatch(self.pattern, value):
            return value
        raise rule_error(f"{self.rule or 'must match ' + self.pattern} (got {show(value)})")


@dataclass(frozen=True)
class StrList(_Marker):
    """An array of distinct strings, each matching `pattern`; stored as a tuple.

    With `as_set`, order carries no meaning and the tuple is sorted, so a reordered list
    is the same config with the same hash.
    """

    pattern: str
    rule: str
    min_len: int = 0
    max_len: int = 1000
    as_set: bool = False

    def check(self, value: Any) -> tuple[str, ...]:
        """Return the items as a tuple; an item error names its index, e.g. "[2]"."""
        if not isinstance(value, (list, tuple)):
            raise rule_error(f"must be an array of strings (got {show(value)})")
        if not self.min_len <= len(value) <= self.max_len:
            raise rule_error(f"must have {self.min_len}..{self.max_len} items (got {len(value)})")
        seen: set[str] = set()
        for index, item in enumerate(value):
            if not isinstance(item, str) or not re.fullmatch(self.pattern, item):
                raise rule_error(f"{self.rule} (got {show(item)})", at=f"[{index}]")
            if item in seen:
                rule = f"must not repeat an earlier item (got {show(item)})"
                raise rule_error(rule, at=f"[{index}]")
            seen.add(item)
        return tuple(sorted(value)) if self.as_set else tuple(value)


class ParamTable(Mapping[str, Scalar]):
    """An immutable, hashable table of strategy parameters (keys kept sorted)."""

    __slots__ = ("_items",)

    def __init__(self, items: Mapping[str, Scalar] | None = None) -> None:
        self._items = dict(sorted((items or {}).items()))

    def __getitem__(self, key: str) -> Scalar:
        return self._items[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __hash__(self) -> int:
        return hash(tuple(self._items.items()))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Mapping) and dict(self._items) == dict(other)

    def __repr__(self) -> str:
        return f"ParamTable({self._items!r})"

    def __deepcopy__(self, memo: dict[int, Any]) -> ParamTable:
        return self  # immutable: a copy would be identical


@dataclass(frozen=True)
class ScalarTable(_Marker):
    """A free-form table whose values are scalars (string, integer, boolean), never floats."""

    key_pattern: str = r"[a-z][a-z0-9_]{0,63}"
    max_items: int = 64
    max_str_chars: int = 200

    def check(self, value: Any) -> ParamTable:
        """Return the table as a ParamTable; a bad entry names its key, e.g. ".ema_fast"."""
        if not isinstance(value, Mapping):
            raise rule_error(f"must be a table (got {show(value)})")
        if len(value) > self.max_items:
            raise rule_error(f"must have at most {self.max_items} entries (got {len(value)})")
        for key, item in value.items():
            if not isinstance(key, str) or not re.fullmatch(self.key_pattern, key):
                rule = f"parameter names must match ^{self.key_pattern}$"
                raise rule_error(rule, at=key_part(key))
            self._check_scalar(item, key_part(key))
        return ParamTable(value)

    def _check_scalar(self, item: Any, at: str) -> None:
        if isinstance(item, bool):
            return
        if type(item) is int:
            if abs(item) > JSON_SAFE_INT:
                rule = f"must be an integer in -{JSON_SAFE_INT}..{JSON_SAFE_INT} (got {item})"
                raise rule_error(rule, at=at)
            return
        if isinstance(item, str):
            if len(item) > self.max_str_chars:
                rule = f"must be at most {self.max_str_chars} characters (got {len(item)})"
                raise rule_error(rule, at=at)
            return
        raise rule_error(
            "must be a string, an integer or true/false; write decimals as strings"
            f" (got {show(item)})",
            at=at,
        )
