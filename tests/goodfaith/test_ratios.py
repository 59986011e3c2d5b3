"""ratios: exact shares, read from ``90%`` or ``0.90`` and written for people."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from pydantic import TypeAdapter, ValidationError

from ipp_rules.goodfaith import Ratio, format_percent
from ipp_rules.goodfaith.ratios import (
    decimal_text,
    exact_share,
    percent_text,
    rounded_share,
    rounded_text,
)
from ipp_rules.text.scalars import PlainFloat, PlainInt

# ---------------------------------------------------------------------------------------------
# A share for people: exact, or rounded and marked "about"


def test_format_percent_is_exact_or_says_about():
    assert format_percent(Fraction(9, 10)) == "90%"
    assert format_percent(Fraction(501, 10000)) == "5.01%"
    assert format_percent(Fraction(3, 200)) == "1.5%"
    assert format_percent(Fraction(1, 3)) == "about 33.33%"
    assert format_percent(Fraction(0)) == "0%"
    assert format_percent(Fraction(1)) == "100%"


def test_format_percent_rounds_half_even_when_it_says_about():
    assert format_percent(Fraction(1, 4000)) == "about 0.02%"  # 0.025%: a tie, to the even digit
    assert format_percent(Fraction(7, 20000)) == "about 0.04%"  # 0.035%
    assert format_percent(Fraction(1, 8000)) == "about 0.01%"  # 0.0125%
    assert format_percent(Fraction(89_999, 100_000)) == "about 90%"
    assert format_percent(Fraction(2, 3)) == "about 66.67%"


# ---------------------------------------------------------------------------------------------
# Reading a share

RATIO: TypeAdapter[Fraction] = TypeAdapter(Ratio)


@pytest.mark.parametrize(
    ("written", "share"),
    [
        ("90%", Fraction(9, 10)),
        ("1.5%", Fraction(3, 200)),
        (" 5 % ", Fraction(1, 20)),
        ("0%", Fraction(0)),
        ("100%", Fraction(1)),
        ("0.015", Fraction(3, 200)),
        ("0.00000000000001", Fraction(1, 10**14)),
        (0.9, Fraction(9, 10)),  # a float is read as the text it is written as, not its binary
        (0.1, Fraction(1, 10)),
        (PlainFloat("0.90"), Fraction(9, 10)),
        (PlainInt("1"), Fraction(1)),
        (1, Fraction(1)),
        (0, Fraction(0)),
        (Decimal("0.05"), Fraction(1, 20)),
        (Fraction(1, 2), Fraction(1, 2)),
    ],
)
def test_a_share_is_read_exactly_from_a_percentage_or_a_decimal(written: object, share: Fraction):
    read = RATIO.validate_python(written)
    assert isinstance(read, Fraction)
    assert read == share


@pytest.mark.parametrize(
    ("written", "message"),
    [
        (True, "expected a share like 0.90 or 90% (got true/false)"),
        ("5", "5 is more than 1: write a percentage with % (like 5%) or a share like 0.90"),
        (5, "5 is more than 1: write a percentage with % (like 5%) or a share like 0.90"),
        (1.5, "1.5 is more than 1: write a percentage with % (like 1.5%) or a share like 0.90"),
        ("150%", "a share must be between 0% and 100% (got 150%)"),
        ("-1%", "a share must be between 0% and 100% (got -1%)"),
        ("nan", "expected a finite share like 0.90 or 90%"),
        ("inf%", "expected a finite share like 0.90 or 90%"),
        ("abc", "expected a share like 0.90 or 90% (got 'abc')"),
        (None, "expected a share like 0.90 or 90%"),
        (Fraction(1, 3), "write the share as a decimal, like 0.05 or 5% (got 1/3)"),
        (
            "0.123456789012345",
            "write the share as a decimal, like 0.05 or 5% (got 0.123456789012345)",
        ),
        (
            "0.123456789012345%",
            "write the share as a decimal, like 0.05 or 5% (got 0.123456789012345%)",
        ),
    ],
)
def test_a_value_that_is_not_a_share_is_refused_with_the_reason(written: object, message: str):
    with pytest.raises(ValidationError) as caught:
        RATIO.validate_python(written)
    assert [(e["type"], e["msg"]) for e in caught.value.errors()] == [("ratio", message)]


# ---------------------------------------------------------------------------------------------
# Writing a share back, and as a number


def test_a_share_is_written_back_as_the_percentage_it_was_written_as():
    assert RATIO.dump_python(Fraction(3, 200)) == "1.5%"
    assert RATIO.dump_json(Fraction(9, 10)) == b'"90%"'
    for written in ("90%", "1.5%", "5%", "0.01%", "12.345678901234%", "100%"):
        assert RATIO.dump_python(RATIO.validate_python(written)) == written
    assert RATIO.dump_python(RATIO.validate_python("0.90")) == "90%"
    assert percent_text(Fraction(1, 20)) == "5%"
    assert percent_text(Fraction(1)) == "100%"


@pytest.mark.parametrize(
    ("share", "written"), [(Fraction(0), "0%"), (Fraction(1, 10**9), "0.0000001%")]
)
def test_a_share_of_zero_or_a_tiny_percentage_is_written_without_an_exponent(
    share: Fraction, written: str
):
    # str(Decimal) wrote a {max: 0%} threshold back, in threshold_percent and in findings, as
    # '0E-12%'.
    assert percent_text(share) == written
    assert Fraction(exact_share(share)) == share


def test_a_threshold_is_an_exact_decimal_number():
    assert [str(exact_share(Fraction(n, d))) for n, d in [(3, 200), (9, 10), (1, 20), (1, 1)]] == [
        "0.015",
        "0.9",
        "0.05",
        "1",
    ]
    assert exact_share(Fraction(1, 10**14)) == Decimal("1E-14")


def test_a_measured_share_is_rounded_half_even_to_six_decimals():
    assert str(rounded_share(Fraction(6, 7))) == "0.857143"
    assert str(rounded_share(Fraction(1, 7))) == "0.142857"
    assert str(rounded_share(Fraction(1, 2))) == "0.5"  # trailing zeros dropped
    assert str(rounded_share(Fraction(1))) == "1"
    assert rounded_share(Fraction(1, 2_000_000)) == 0  # 0.0000005: to the even digit, 0
    assert rounded_share(Fraction(3, 2_000_000)) == Decimal("0.000002")  # 0.0000015
    assert rounded_text(Fraction(1, 8), 2) == "0.12"
    assert rounded_text(Fraction(3, 8), 2) == "0.38"


def test_decimal_text_is_exact_or_none():
    assert decimal_text(Fraction(1, 2), 2) == "0.5"
    assert decimal_text(Fraction(1, 100), 2) == "0.01"
    assert decimal_text(Fraction(100), 2) == "100"
    assert decimal_text(Fraction(1, 1000), 2) is None
    assert decimal_text(Fraction(1, 3), 12) is None
