"""DecimalTextField: an exact Decimal stored as normalized decimal text.

Why not models.DecimalField: on SQLite its column has NUMERIC affinity, so a value with more
than 15 significant digits is stored as a REAL and comes back rounded (0.000000010000000001
becomes 1e-08). A varchar column has TEXT affinity and keeps every digit. The text is the
canonical form of `dec_str` (no exponent, no trailing zeros, "-0" as "0"), the same one the
JSON contracts and the hashes use, so equal amounts store equal text and `exact`/`in`
lookups work.

The price of text: the database cannot order or compare these columns numerically
("10" < "9"), so ordering lookups (gt, lt, range…) are refused and sums are done in Python.
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

from trading.domain.contracts.canonical import dec_str

# Lookups whose SQL would compare text, not numbers: refused rather than silently wrong.
_TEXT_ORDER_LOOKUPS = frozenset({"gt", "gte", "lt", "lte", "range"})
DEFAULT_MAX_LENGTH = 64
ZERO = Decimal(0)


def to_exact_decimal(value: Any) -> Decimal:
    """Return `value` (Decimal, int or decimal string) as a finite Decimal.

    Raises ValidationError for floats (already rounded), bools, NaN, infinities and junk.
    """
    if isinstance(value, (bool, float)) or not isinstance(value, (Decimal, int, str)):
        raise ValidationError(f"an exact decimal is needed, got {type(value).__name__}", code="invalid")
    try:
        number = value if isinstance(value, Decimal) else Decimal(value.strip() if isinstance(value, str) else value)
    except InvalidOperation:
        raise ValidationError(f"not a decimal number: {value!r}", code="invalid") from None
    if not number.is_finite():
        raise ValidationError(f"a finite decimal is needed, got {value!r}", code="invalid")
    return number


class DecimalTextFormField(forms.CharField):
    """Admin/form counterpart: parses text to Decimal and shows a Decimal without an exponent."""

    def to_python(self, value: Any) -> Decimal | None:
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        return to_exact_decimal(text)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Decimal) and value.is_finite():
            return dec_str(value)
        return value


class DecimalTextField(models.Field):  # type: ignore[type-arg]
    """A money or quantity column: Decimal in Python, normalized decimal text in the database."""

    description = "Exact decimal stored as normalized text"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", DEFAULT_MAX_LENGTH)
        super().__init__(*args, **kwargs)

    def get_internal_type(self) -> str:
        # varchar(n): TEXT affinity on SQLite, a bounded string on PostgreSQL.
        return "CharField"

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        if kwargs.get("max_length") == DEFAULT_MAX_LENGTH:
            del kwargs["max_length"]
        return name, path, args, kwargs

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Decimal | None:
        if value is None:
            return None
        # Raw SQL may have inserted a number; TEXT affinity already turned it into text.
        return Decimal(value if isinstance(value, str) else str(value))

    def to_python(self, value: Any) -> Decimal | None:
        if value is None or value == "":
            return None
        return to_exact_decimal(value)

    def get_prep_value(self, value: Any) -> str | None:
        value = super().get_prep_value(value)
        if value is None:
            return None
        text = dec_str(to_exact_decimal(value))
        if self.max_length is not None and len(text) > self.max_length:
            raise ValidationError(f"{self.name}: {len(text)} characters exceed max_length {self.max_length}")
        return text

    def value_to_string(self, obj: models.Model) -> str:
        value = self.value_from_object(obj)
        return "" if value is None else dec_str(to_exact_decimal(value))

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name in _TEXT_ORDER_LOOKUPS:
            return None  # Django then raises FieldError("Unsupported lookup ...")
        return super().get_lookup(lookup_name)

    def formfield(self, **kwargs: Any) -> Any:
        return super().formfield(**{"form_class": DecimalTextFormField, **kwargs})
