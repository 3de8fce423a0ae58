"""Column conventions shared by the trading tables.

Append-only tables inherit `audit.envelope.Envelope` directly. Tables whose rows change
state inherit `StateRow`: the same correlation columns with the same names, but updatable.
"""
from __future__ import annotations

from django.db import models

from audit.envelope import ID_MAX
from trading.domain.catalog import Mode
from trading.models.choices import enum_choices

HASH_LEN = 64  # SHA-256 hex
SYMBOL_MAX = 32
SUMMARY_MAX = 200
CLIENT_ORDER_ID_MAX = 36  # Binance newClientOrderId: ^[a-zA-Z0-9-_]{1,36}$


def id_field(**kwargs: object) -> models.CharField:  # type: ignore[type-arg]
    """Return an optional correlation id column ("" when missing, as in the envelope)."""
    return models.CharField(max_length=ID_MAX, blank=True, default="", **kwargs)  # type: ignore[arg-type]


def hash_field() -> models.CharField:  # type: ignore[type-arg]
    return models.CharField(max_length=HASH_LEN, blank=True, default="", help_text="SHA-256 hex, or empty")


class StateRow(models.Model):
    """Correlation columns of a row that changes state; ids are those of its latest change."""

    run_id = id_field()
    cycle_id = id_field()
    decision_id = id_field()
    mode = models.CharField(max_length=8, choices=enum_choices(Mode))
    symbol = models.CharField(max_length=SYMBOL_MAX)

    class Meta:
        abstract = True
