"""Strategy parameters: TOML gives scalars only (no floats), so ratios are decimal strings.

Each strategy declares its parameters once as a frozen dataclass with defaults; `read_params`
fills it from the config's `strategy.params` table and refuses unknown keys by name.
"""
from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar, cast

P = TypeVar("P")

_SCALAR_TYPES = frozenset({bool, int, str})
# One table entry as a cache key: (key, exact type, value), since True == 1 but must not read alike.
_Item = tuple[str, type, bool | int | str]


def read_params(cls: type[P], table: Mapping[str, bool | int | str]) -> P:
    """Return `cls` built from its defaults overridden by `table`; ValueError names a bad key.

    Strategies read their table on every proposal: for a frozen `cls`, a table of plain
    scalars (what TOML gives) is read once per content and the result shared.
    """
    items = tuple((key, type(raw), raw) for key, raw in table.items())
    if _is_frozen(cls) and all(kind in _SCALAR_TYPES for _, kind, _ in items):
        params_class: type = cls
        return cast(P, _read_scalar_table(params_class, items))
    return _read(cls, table)


def _is_frozen(cls: type) -> bool:
    params = getattr(cls, "__dataclass_params__", None)
    return params is not None and bool(params.frozen)


@functools.lru_cache(maxsize=256)
def _read_scalar_table(cls: type, items: tuple[_Item, ...]) -> Any:
    return _read(cls, {key: raw for key, _, raw in items})


def _read(cls: type[P], table: Mapping[str, bool | int | str]) -> P:
    fields = {f.name: f for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    unknown = sorted(set(table) - set(fields))
    if unknown:
        raise ValueError(f"strategy.params: unknown key(s) {', '.join(unknown)} for {cls.__name__}")
    values: dict[str, Any] = {}
    for key, raw in table.items():
        default = fields[key].default
        values[key] = _coerce(key, raw, default)
    return cls(**values)


def _coerce(key: str, raw: bool | int | str, default: object) -> object:
    if isinstance(default, Decimal):
        try:
            return Decimal(str(raw))
        except InvalidOperation:
            raise ValueError(f"strategy.params.{key} must be a decimal string, got {raw!r}") from None
    if isinstance(default, bool) or isinstance(default, str):
        if type(raw) is not type(default):
            raise ValueError(f"strategy.params.{key} must be a {type(default).__name__}, got {raw!r}")
        return raw
    if isinstance(default, int) and (not isinstance(raw, int) or isinstance(raw, bool)):
        raise ValueError(f"strategy.params.{key} must be an integer, got {raw!r}")
    return raw
