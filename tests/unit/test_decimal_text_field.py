"""DecimalTextField keeps money exact: normalized text in the database, Decimal in Python."""
from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import FieldError, ValidationError
from django.db import connection, transaction

from tests.support.factories import FillFactory
from trading.fields import DecimalTextField, DecimalTextFormField
from trading.models import Fill

TINY = Decimal("0.000000010000000001")  # 19 significant digits: a REAL would round it


@pytest.fixture
def field() -> DecimalTextField:
    f = DecimalTextField()
    f.name = "price"
    return f


@pytest.mark.parametrize(("value", "stored"), [
    (TINY, "0.000000010000000001"),
    (Decimal("1.50"), "1.5"),
    (Decimal("1E+2"), "100"),
    (Decimal("-0.000"), "0"),
    (Decimal("-12.340"), "-12.34"),
    (7, "7"),
    (" 2.50 ", "2.5"),
    (Decimal("123456789012345678901234567890.123456789"), "123456789012345678901234567890.123456789"),
])
def test_stores_the_normalized_plain_text_form(field: DecimalTextField, value: object, stored: str) -> None:
    assert field.get_prep_value(value) == stored


@pytest.mark.parametrize("bad", [
    Decimal("NaN"), Decimal("sNaN"), Decimal("Infinity"), Decimal("-Infinity"), "NaN", "inf", 0.1, True, "1,5", "",
])
def test_rejects_non_finite_inexact_or_malformed_values(field: DecimalTextField, bad: object) -> None:
    with pytest.raises(ValidationError):
        field.get_prep_value(bad)


def test_rejects_text_longer_than_the_column(field: DecimalTextField) -> None:
    with pytest.raises(ValidationError):
        field.get_prep_value(Decimal("1" * 65))


def test_reads_text_back_as_an_exact_decimal(field: DecimalTextField) -> None:
    value = field.from_db_value("0.000000010000000001", None, connection)
    assert isinstance(value, Decimal) and value == TINY and str(value) == str(TINY)
    assert field.from_db_value(None, None, connection) is None


def test_refuses_ordering_lookups_that_would_compare_text() -> None:
    with pytest.raises(FieldError):
        Fill.objects.filter(price__gt=Decimal("9"))


def test_form_field_parses_and_shows_plain_decimals() -> None:
    form_field = DecimalTextFormField(required=False)
    assert form_field.clean("1.10") == Decimal("1.10")
    assert form_field.clean("") is None
    assert form_field.prepare_value(Decimal("1E-8")) == "0.00000001"
    with pytest.raises(ValidationError):
        form_field.clean("NaN")


@pytest.mark.django_db
def test_round_trips_exact_values_through_the_database() -> None:
    big = Decimal("98765432109876543210.000000000000000001")
    fill = FillFactory(price=TINY, qty=big, commission=Decimal("0.00010"))
    fresh = Fill.objects.get(pk=fill.pk)
    assert (fresh.price, fresh.qty, fresh.commission) == (TINY, big, Decimal("0.0001"))
    assert str(fresh.price) == str(TINY)
    with connection.cursor() as cur:
        cur.execute("SELECT price, typeof(price), commission FROM fills WHERE id = %s", [fill.pk])
        assert cur.fetchone() == ("0.000000010000000001", "text", "0.0001")
    # Lookups normalize too, so equal amounts written differently still match.
    assert Fill.objects.filter(price=Decimal("0.0000000100000000010")).get().pk == fill.pk


@pytest.mark.django_db
def test_a_non_finite_amount_never_reaches_the_database() -> None:
    with pytest.raises(ValidationError), transaction.atomic():
        FillFactory(price=Decimal("NaN"))
    assert not Fill.objects.exists()
