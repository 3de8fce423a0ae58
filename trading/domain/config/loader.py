"""Read the TOML trading config into a TraderConfig, turning every failure into one clear line."""
from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from trading.domain.config.fields import RULE_ERROR_TYPE, key_part, show
from trading.domain.config.model import TraderConfig

_TABLE_ERRORS = frozenset({"model_type", "model_attributes_type", "dict_type"})


class ConfigError(ValueError):
    """A config that can't be used; `str()` is one line: "<source>: <key>: <rule>".

    `problems` holds every problem found ("<key>: <rule>"); the message shows the first and
    counts the rest, so a doctor check or an alert stays one line.
    """

    def __init__(self, source: str, problems: Sequence[str]) -> None:
        self.source = source
        self.problems = tuple(problems) or ("invalid config",)
        more = len(self.problems) - 1
        suffix = f" (+{more} more)" if more else ""
        super().__init__(f"{source}: {self.problems[0]}{suffix}")

    def __reduce__(self) -> tuple[type[ConfigError], tuple[str, tuple[str, ...]]]:
        # Lets the error cross a process boundary (Celery, multiprocessing) intact.
        return (type(self), (self.source, self.problems))


def load_trader_config(path: str | os.PathLike[str]) -> TraderConfig:
    """Read and validate the TOML file at `path`; return the TraderConfig or raise ConfigError."""
    source = os.fspath(path)
    return parse_trader_config(_read_toml(source), source=source)


def parse_trader_config(data: Mapping[str, Any], source: str = "<dict>") -> TraderConfig:
    """Validate an in-memory mapping (TOML-shaped); return the TraderConfig or raise ConfigError."""
    if not isinstance(data, Mapping):
        raise ConfigError(source, [f"the config must be a table (got {show(data)})"])
    try:
        return TraderConfig.model_validate(dict(data))
    except ValidationError as exc:
        raise ConfigError(source, [_describe(error) for error in exc.errors()]) from None


def _read_toml(source: str) -> dict[str, Any]:
    try:
        with open(source, "rb") as handle:
            raw = handle.read()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise ConfigError(source, [f"cannot read the file ({reason})"]) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(source, [f"the file is not valid UTF-8 (byte {exc.start})"]) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(source, [f"TOML syntax error: {_one_line(str(exc))}"]) from None


def _describe(error: ErrorDetails) -> str:
    """Return one pydantic error as "<dotted key>: <rule>"."""
    key = _dotted(error["loc"])
    kind = error["type"]
    if kind == RULE_ERROR_TYPE:
        context = error.get("ctx") or {}
        key = _join(key, str(context.get("at", "")))
        rule = str(context.get("rule", error["msg"]))
    elif kind == "extra_forbidden":
        rule = "unknown key"
    elif kind in _TABLE_ERRORS:
        rule = f"must be a table (got {show(error['input'])})"
    else:  # not expected: every field has a marker; keep pydantic's words, on one line
        rule = _one_line(error["msg"])
    return f"{key or '<top level>'}: {rule}"


def _dotted(loc: tuple[int | str, ...]) -> str:
    key = ""
    for part in loc:
        key = _join(key, f"[{part}]" if isinstance(part, int) else key_part(part))
    return key


def _join(key: str, at: str) -> str:
    if not at:
        return key
    if at.startswith("."):
        return f"{key}{at}" if key else at[1:]
    return f"{key}{at}"


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()
