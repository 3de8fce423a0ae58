"""Canonical JSON (RFC 8785) and the hashes built on it, checked against the RFC's own vectors."""
from __future__ import annotations

import hashlib
import json
import struct
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trading.domain.catalog.reasons import ReasonCode
from trading.domain.contracts.canonical import canonical_json, dec_str, sha256_hex, to_canonical_value

# RFC 8785 §3.2.2: the sample object (numbers, string escapes, literals) and its exact output.
RFC_3_2_2_INPUT = r"""{
  "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
  "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
  "literals": [null, true, false]
}"""
RFC_3_2_2_OUTPUT = (
    '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],'
    '"string":"\u20ac$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}'
).encode()

# RFC 8785 §3.2.3: property sorting by UTF-16 code units.
RFC_3_2_3_INPUT = r"""{
  "\u20ac": "Euro Sign",
  "\r": "Carriage Return",
  "\ufb33": "Hebrew Letter Dalet With Dagesh",
  "1": "One",
  "\ud83d\ude00": "Emoji: Grinning Face",
  "\u0080": "Control",
  "\u00f6": "Latin Small Letter O With Diaeresis"
}"""
RFC_3_2_3_OUTPUT = (
    '{"\\r":"Carriage Return","1":"One","\u0080":"Control",'
    '"\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign",'
    '"\U0001F600":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}'
).encode()

# RFC 8785 Appendix B: IEEE-754 double (hex) -> ECMAScript/JCS number text; None = must be refused.
RFC_APPENDIX_B = [
    ("0000000000000000", "0"),
    ("8000000000000000", "0"),
    ("0000000000000001", "5e-324"),
    ("8000000000000001", "-5e-324"),
    ("7fefffffffffffff", "1.7976931348623157e+308"),
    ("ffefffffffffffff", "-1.7976931348623157e+308"),
    ("4340000000000000", "9007199254740992"),
    ("c340000000000000", "-9007199254740992"),
    ("4430000000000000", "295147905179352830000"),
    ("7fffffffffffffff", None),  # NaN
    ("7ff0000000000000", None),  # Infinity
    ("44b52d02c7e14af5", "9.999999999999997e+22"),
    ("44b52d02c7e14af6", "1e+23"),
    ("44b52d02c7e14af7", "1.0000000000000001e+23"),
    ("444b1ae4d6e2ef4e", "999999999999999700000"),
    ("444b1ae4d6e2ef4f", "999999999999999900000"),
    ("444b1ae4d6e2ef50", "1e+21"),
    ("3eb0c6f7a0b5ed8c", "9.999999999999997e-7"),
    ("3eb0c6f7a0b5ed8d", "0.000001"),
    ("41b3de4355555553", "333333333.3333332"),
    ("41b3de4355555554", "333333333.33333325"),
    ("41b3de4355555555", "333333333.3333333"),
    ("41b3de4355555556", "333333333.3333334"),
    ("41b3de4355555557", "333333333.33333343"),
    ("becbf647612f3696", "-0.0000033333333333333333"),
    ("43143ff3c1cb0959", "1424953923781206.2"),
]


def _double(hex_ieee: str) -> float:
    value: float = struct.unpack(">d", bytes.fromhex(hex_ieee))[0]
    return value


def test_rfc8785_sample_object_serializes_exactly_as_the_rfc_shows() -> None:
    assert canonical_json(json.loads(RFC_3_2_2_INPUT)) == RFC_3_2_2_OUTPUT


def test_rfc8785_properties_sort_by_utf16_code_units() -> None:
    assert canonical_json(json.loads(RFC_3_2_3_INPUT)) == RFC_3_2_3_OUTPUT


@pytest.mark.parametrize(("hex_ieee", "expected"), RFC_APPENDIX_B)
def test_rfc8785_appendix_b_numbers_serialize_like_ecmascript(hex_ieee: str, expected: str | None) -> None:
    number = _double(hex_ieee)
    if expected is None:
        with pytest.raises(ValueError):
            canonical_json(number)
    else:
        assert canonical_json(number) == expected.encode()


def test_negative_infinity_is_refused() -> None:
    with pytest.raises(ValueError):
        canonical_json({"x": float("-inf")})


def test_integers_beyond_the_ieee_safe_range_are_refused() -> None:
    canonical_json(2**53 - 1)
    with pytest.raises(ValueError):
        canonical_json(2**53)


def test_key_order_does_not_change_the_bytes_or_the_hash() -> None:
    a = {"b": 1, "a": {"y": [1, 2], "x": "z"}}
    b = {"a": {"x": "z", "y": [1, 2]}, "b": 1}
    assert canonical_json(a) == canonical_json(b) == b'{"a":{"x":"z","y":[1,2]},"b":1}'
    assert sha256_hex(a) == sha256_hex(b)


def test_sha256_hex_is_the_digest_of_the_canonical_bytes() -> None:
    obj = {"b": 1, "a": "x", "c": [True, 2]}
    assert sha256_hex(obj) == hashlib.sha256(b'{"a":"x","b":1,"c":[true,2]}').hexdigest()


def test_equal_decimals_with_different_scales_hash_the_same() -> None:
    assert sha256_hex({"p": Decimal("1.10")}) == sha256_hex({"p": Decimal("1.1")})
    assert canonical_json({"p": Decimal("1.10")}) == b'{"p":"1.1"}'
    assert sha256_hex({"p": Decimal("1.1")}) != sha256_hex({"p": Decimal("1.11")})


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1.10", "1.1"),
        ("100", "100"),
        ("1E+3", "1000"),
        ("1.23E-10", "0.000000000123"),
        ("-0", "0"),
        ("-0.000", "0"),
        ("0E-8", "0"),
        ("-5.50", "-5.5"),
        ("0.00001000", "0.00001"),
        ("60123.45000000", "60123.45"),
        # Longer than the default 28-digit context: must not be rounded.
        ("1234567890.123456789012345678901234567890", "1234567890.12345678901234567890123456789"),
    ],
)
def test_dec_str_gives_plain_strings_without_exponent_or_trailing_zeros(value: str, expected: str) -> None:
    assert dec_str(Decimal(value)) == expected


@pytest.mark.parametrize("value", ["NaN", "sNaN", "Infinity", "-Infinity"])
def test_dec_str_refuses_non_finite_decimals(value: str) -> None:
    with pytest.raises(ValueError):
        dec_str(Decimal(value))


def test_dec_str_refuses_floats() -> None:
    with pytest.raises(TypeError):
        dec_str(1.5)  # type: ignore[arg-type]


# Any sign, up to 40 digits, exponents on both sides of the point (incl. trailing zeros and -0).
_decimals = st.tuples(
    st.integers(0, 1), st.lists(st.integers(0, 9), min_size=1, max_size=40), st.integers(-40, 40)
).map(lambda t: Decimal((t[0], tuple(t[1]), t[2])))


@settings(max_examples=500, deadline=None, database=None)
@given(_decimals)
def test_dec_str_round_trips_to_an_equal_decimal_without_exponent(d: Decimal) -> None:
    text = dec_str(d)
    assert Decimal(text) == d
    assert "E" not in text and "e" not in text
    assert text == "0" or not (text.endswith("0") and "." in text)


class _Color(Enum):
    RED = "red"


@dataclass(frozen=True)
class _WithToDict:
    n: int

    def to_dict(self) -> dict[str, object]:
        return {"n_as_text": str(self.n)}


@dataclass(frozen=True)
class _Plain:
    price: Decimal
    tags: tuple[str, ...]


def test_to_canonical_value_converts_decimals_enums_tuples_and_dataclasses() -> None:
    value = to_canonical_value({
        "d": Decimal("2.50"),
        "e": _Color.RED,
        "r": ReasonCode.SPREAD_TOO_WIDE,
        "t": (1, (2, 3)),
        "c": _WithToDict(7),
        "p": _Plain(Decimal("0.10"), ("a",)),
        ReasonCode.NO_SIGNAL: None,
    })
    assert value == {
        "d": "2.5", "e": "red", "r": "SPREAD_TOO_WIDE", "t": [1, [2, 3]],
        "c": {"n_as_text": "7"}, "p": {"price": "0.1", "tags": ["a"]}, "NO_SIGNAL": None,
    }


@pytest.mark.parametrize("value", [{1, 2}, object(), b"bytes", {1: "non-string key"}])
def test_values_without_a_json_form_are_refused(value: object) -> None:
    with pytest.raises(TypeError):
        canonical_json(value)


_json_leaf = (st.none() | st.booleans() | st.integers(min_value=-(2**53 - 1), max_value=2**53 - 1)
              | st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12))
_json = st.recursive(_json_leaf, lambda inner: st.lists(inner, max_size=4)
                     | st.dictionaries(st.text(max_size=6), inner, max_size=4), max_leaves=20)


@settings(max_examples=400, deadline=None)
@given(_json)
def test_the_fast_path_is_byte_identical_to_rfc8785(value: object) -> None:
    import rfc8785
    assert canonical_json(value) == rfc8785.dumps(value)


def test_values_the_fast_path_cannot_take_still_canonicalize() -> None:
    import rfc8785
    for value in ({"\u20ac": 1, "\U0001F600": 2, "\ufb33": 3, "a": 0}, {"x": 0.1}, [2**53 - 1, 4.5]):
        assert canonical_json(value) == rfc8785.dumps(value)
    with pytest.raises(ValueError):
        canonical_json({"n": 2**53 + 1})


class _Gives:
    """An object whose to_dict returns whatever it was given (the contract-object hash path)."""

    def __init__(self, data: object) -> None:
        self.data = data

    def to_dict(self) -> object:
        return self.data


_any_leaf = (_json_leaf | st.floats(allow_nan=False, allow_infinity=False) | st.integers()
             | st.decimals(allow_nan=False, allow_infinity=False, places=4) | st.sampled_from(list(_Color)))
_any = st.recursive(_any_leaf, lambda inner: st.lists(inner, max_size=4) | st.tuples(inner, inner)
                    | st.dictionaries(st.text(max_size=6), inner, max_size=4), max_leaves=20)


@settings(max_examples=400, deadline=None)
@given(_any)
def test_a_to_dict_result_hashes_as_its_plain_value_whatever_it_holds(value: object) -> None:
    # Taken as is when it is plain JSON orjson renders exactly; converted or sent to rfc8785 otherwise.
    import rfc8785
    try:
        expected = rfc8785.dumps(to_canonical_value(value))
    except ValueError:  # an integer beyond 2**53: both refuse
        with pytest.raises(ValueError):
            canonical_json({"x": _Gives(value)})
        return
    assert canonical_json(_Gives(value)) == expected
    assert canonical_json({"x": _Gives(value)}) == b'{"x":' + expected + b"}"
