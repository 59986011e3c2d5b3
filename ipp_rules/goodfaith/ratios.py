"""Exact shares: a threshold read from ``90%`` or ``0.90``, and a share written for people.

Shares are :class:`~fractions.Fraction` values, never floats, so that a boundary (exactly
90%) is decided exactly; text is made only for display.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction
from typing import Annotated, Any

from pydantic import BeforeValidator, PlainSerializer, WithJsonSchema
from pydantic_core import PydanticCustomError

from ipp_rules.text.scalars import PlainFloat, PlainInt

__all__ = [
    "Ratio",
    "Share",
    "decimal_text",
    "exact_share",
    "format_percent",
    "percent_text",
    "rounded_share",
    "rounded_text",
]


def decimal_text(value: Fraction, places: int) -> str | None:
    """``value`` written exactly with at most ``places`` decimals, or None if it needs more."""
    scaled = value * 10**places
    if scaled.denominator != 1:
        return None
    # Fixed-point ("f"), never str(): str(Decimal) writes 0 scaled down as 0E-12 and a tiny
    # share as 1.00000E-7.
    text = format(Decimal(scaled.numerator).scaleb(-places), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def rounded_text(value: Fraction, places: int) -> str:
    """``value`` rounded half-even to at most ``places`` decimals, trailing zeros dropped."""
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    text = str(exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN))
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def format_percent(value: Fraction) -> str:
    """``90%``, ``5.01%``; a value that needs more than two decimals is rounded and marked
    ``about`` (``about 89.99%``)."""
    percent = value * 100
    exact = decimal_text(percent, 2)
    if exact is not None:
        return f"{exact}%"
    return f"about {rounded_text(percent, 2)}%"


def rounded_share(value: Fraction, places: int = 6) -> Decimal:
    """``value`` as a decimal number rounded half-even to at most ``places`` decimals."""
    return Decimal(rounded_text(value, places))


def exact_share(value: Fraction) -> Decimal:
    """A share read by :data:`Ratio` as the exact decimal number it is (``0.015`` for 1.5%)."""
    text = decimal_text(value, 14)
    assert text is not None  # Ratio refuses a share with more than 14 decimals
    return Decimal(text)


def percent_text(value: Fraction) -> str:
    """A share read by :data:`Ratio`, as the exact percentage it was written as (``1.5%``)."""
    return f"{decimal_text(value * 100, 12)}%"


def _parse_ratio(value: Any) -> Fraction:
    """A share written ``0.90``, ``"90%"`` or ``"1.5%"``, read exactly (never via a float)."""
    if isinstance(value, bool):
        raise PydanticCustomError("ratio", "expected a share like 0.90 or 90% (got true/false)")
    if isinstance(value, PlainInt | PlainFloat):
        text: str = value.text
    elif isinstance(value, Fraction):
        return _check_ratio(value, str(value))
    elif isinstance(value, int | Decimal):
        text = str(value)
    elif isinstance(value, float):
        text = repr(value)  # the shortest text that reads back as this float
    elif isinstance(value, str):
        text = value.strip()
    else:
        raise PydanticCustomError("ratio", "expected a share like 0.90 or 90%")
    percent = text.endswith("%")
    digits = text[:-1].strip() if percent else text
    try:
        number = Decimal(digits)
    except ArithmeticError:
        raise PydanticCustomError(
            "ratio", "expected a share like 0.90 or 90% (got {given})", {"given": repr(value)}
        ) from None
    if not number.is_finite():
        raise PydanticCustomError("ratio", "expected a finite share like 0.90 or 90%")
    fraction = Fraction(number)
    if percent:
        fraction /= 100
    elif fraction > 1:
        raise PydanticCustomError(
            "ratio",
            "{given} is more than 1: write a percentage with % (like {given}%) or a share "
            "like 0.90",
            {"given": text},
        )
    return _check_ratio(fraction, text)


def _check_ratio(fraction: Fraction, text: str) -> Fraction:
    if not 0 <= fraction <= 1:
        raise PydanticCustomError(
            "ratio", "a share must be between 0% and 100% (got {given})", {"given": text}
        )
    if decimal_text(fraction * 100, 12) is None:
        raise PydanticCustomError(
            "ratio", "write the share as a decimal, like 0.05 or 5% (got {given})", {"given": text}
        )
    return fraction


Ratio = Annotated[
    Fraction,
    BeforeValidator(_parse_ratio),
    PlainSerializer(percent_text, return_type=str),
    WithJsonSchema(
        {
            "type": ["string", "number"],
            "description": "a share, written as a percentage ('90%') or a decimal (0.90)",
            "examples": ["90%", "1.5%", 0.9],
        }
    ),
]
"""A share written ``90%``, ``1.5%`` or ``0.90``, held as an exact fraction between 0 and 1
(written back as its percentage)."""

Share = Annotated[
    Decimal,
    PlainSerializer(float, return_type=float, when_used="json"),
    WithJsonSchema({"type": "number", "minimum": 0, "maximum": 1}),
]
"""A share as a number between 0 and 1 (a JSON number; a :class:`~decimal.Decimal` in Python).
Its decimals are few (at most 14), so the JSON number reads back as the same decimal."""
