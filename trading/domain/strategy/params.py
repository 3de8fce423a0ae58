"""Strategy parameters: TOML gives scalars only (no floats), so ratios are decimal strings.

Each strategy declares its parameters once as a frozen dataclass with defaults; `read_params`
fills it from the config's `strategy.params` table and refuses unknown keys by name.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

P = TypeVar("P")


def read_params(cls: type[P], table: Mapping[str, bool | int | str]) -> P:
    """Return `cls` built from its defaults overridden by `table`; ValueError names a bad key."""
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
