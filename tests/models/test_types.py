"""types.py: the field types every file format shares: names, ids, codes and fact paths worded
when they do not match, dates only as YYYY-MM-DD, text as it was typed, and strict models."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from pydantic import ValidationError

from ipp_rules.models.types import Code, FactPath, IsoDate, Name, RuleId, Strict, Text
from ipp_rules.pydantic_errors import validation_problems
from ipp_rules.text.scalars import PlainFloat, PlainInt


class Fields(Strict):
    name: Name | None = None
    rule: RuleId | None = None
    code: Code | None = None
    fact: FactPath | None = None
    day: IsoDate | None = None
    text: Text | None = None


def problem(**values: Any) -> tuple[str, str, str]:
    with pytest.raises(ValidationError) as raised:
        Fields(**values)
    (found,) = validation_problems(raised.value, Fields, values)
    return found.location, found.code, found.message


def test_well_formed_values_are_taken() -> None:
    fields = Fields(
        name="good_faith",
        rule="account.right_expired",
        code="RIGHT_EXPIRED",
        fact="right.valid_until",
        day="2026-03-02",
        text="free text",
    )
    assert (fields.name, fields.rule, fields.code, fields.fact, fields.day) == (
        "good_faith",
        "account.right_expired",
        "RIGHT_EXPIRED",
        "right.valid_until",
        date(2026, 3, 2),
    )
    assert Fields(day=date(2026, 3, 2)).day == date(2026, 3, 2)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (
            {"name": "Good"},
            (
                "name",
                "string_pattern_mismatch",
                "expected a name of lower-case letters, digits and _, starting with a letter "
                "(like good_faith), got 'Good'",
            ),
        ),
        (
            {"rule": "account"},
            (
                "rule",
                "string_pattern_mismatch",
                "expected an id of lower-case words joined by dots, at least two (like "
                "account.right_expired), got 'account'",
            ),
        ),
        (
            {"code": "right_expired"},
            (
                "code",
                "string_pattern_mismatch",
                "expected a code of capital letters, digits and _, starting with a letter (like "
                "RIGHT_EXPIRED), got 'right_expired'",
            ),
        ),
        (
            {"fact": "right..x"},
            (
                "fact",
                "string_pattern_mismatch",
                "expected a fact name of lower-case words joined by dots (like "
                "right.valid_until), got 'right..x'",
            ),
        ),
    ],
    ids=["name", "rule_id", "code", "fact_path"],
)
def test_a_value_that_does_not_match_is_worded(
    values: dict[str, Any], expected: tuple[str, str, str]
) -> None:
    assert problem(**values) == expected


@pytest.mark.parametrize(
    ("day", "shown"),
    [
        (1767225600, "1767225600"),  # a Unix timestamp
        ("2026-3-2", "'2026-3-2'"),
        (datetime(2026, 3, 2, 10), "2026-03-02T10:00:00"),  # a time of day
    ],
    ids=["timestamp", "short_form", "datetime"],
)
def test_a_date_is_only_written_yyyy_mm_dd(day: object, shown: str) -> None:
    assert problem(day=day) == (
        "day",
        "date_type",
        f"expected a date written YYYY-MM-DD, like 2026-03-02, got {shown}",
    )


def test_text_is_what_was_typed_even_a_plain_yaml_number() -> None:
    assert Fields(text=PlainInt("0304")).text == "0304"
    assert Fields(text=PlainFloat("3.10")).text == "3.10"
    # A name is checked as the text typed (and a name never starts with a digit).
    assert problem(name=PlainInt("1688")) == (
        "name",
        "string_pattern_mismatch",
        "expected a name of lower-case letters, digits and _, starting with a letter "
        "(like good_faith), got '1688'",
    )


def test_a_strict_model_refuses_unknown_keys_and_is_frozen() -> None:
    assert problem(other=1) == (
        "other",
        "extra_forbidden",
        "unknown key 'other' (allowed here: name, rule, code, fact, day, text)",
    )
    fields = Fields(name="a")
    with pytest.raises(ValidationError):
        fields.name = "b"
