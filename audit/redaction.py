"""Keep the values of secret settings out of every row, JSONL line, log line and console line.

The redactor is built from the settings named in SECRET_SETTING_NAMES (plus credentials
embedded in URLs). It matches both the raw value and its JSON-escaped form, so a secret
hidden inside a serialized payload is caught too.
"""
from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

import orjson

REDACTED = "***REDACTED***"
# Shorter values would redact ordinary words; doctor rejects secrets this short anyway.
MIN_SECRET_LEN = 6


class Redactor:
    """Replaces known secret values in text and bytes. Cheap when nothing matches."""

    def __init__(self, secrets: Iterable[str]) -> None:
        values = sorted({s for s in secrets if s and len(s) >= MIN_SECRET_LEN}, key=len, reverse=True)
        self._text: tuple[str, ...] = tuple(values)
        escaped = {orjson.dumps(s)[1:-1] for s in values} | {s.encode() for s in values}
        self._bytes: tuple[bytes, ...] = tuple(sorted(escaped, key=len, reverse=True))
        self._escaped_text: tuple[str, ...] = tuple(sorted({e.decode() for e in escaped}, key=len, reverse=True))

    def __bool__(self) -> bool:
        return bool(self._text)

    def text(self, value: str) -> str:
        """Return `value` with every secret (raw or JSON-escaped) replaced."""
        for secret in self._escaped_text:
            if secret in value:
                value = value.replace(secret, REDACTED)
        return value

    def contains_bytes(self, blob: bytes) -> bool:
        """Return True if any secret (raw or JSON-escaped) occurs in `blob`."""
        for secret in self._bytes:  # a plain loop: this runs once per audit event
            if secret in blob:
                return True
        return False

    def value(self, obj: Any) -> Any:
        """Return a copy of a JSON-like structure with secrets replaced in every string."""
        if isinstance(obj, str):
            return self.text(obj)
        if isinstance(obj, dict):
            return {self.text(str(k)): self.value(v) for k, v in obj.items()}
        if isinstance(obj, (list, tuple)):
            return [self.value(v) for v in obj]
        return obj


_redactor: Redactor | None = None


def secret_values_from_settings() -> list[str]:
    """Return the values of every secret setting (empty ones dropped)."""
    from django.conf import settings

    values = [getattr(settings, name, "") for name in settings.SECRET_SETTING_NAMES]
    values.extend(getattr(settings, "EXTRA_SECRET_VALUES", ()))
    return [str(v) for v in values if v]


def get_redactor() -> Redactor:
    """Return the process-wide redactor built from settings (built once)."""
    global _redactor
    if _redactor is None:
        _redactor = Redactor(secret_values_from_settings())
    return _redactor


def reset_redactor() -> None:
    """Forget the cached redactor (tests that change secret settings call this)."""
    global _redactor
    _redactor = None


class RedactingFormatter(logging.Formatter):
    """A logging formatter whose output (message, args and traceback) is redacted."""

    def format(self, record: logging.LogRecord) -> str:
        return get_redactor().text(super().format(record))
