"""results: what an assessment returns, its rates as numbers beside percentages for people,
and its JSON, which reads back as the same result."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction

import pytest
from pydantic import ValidationError

from ipp_rules.goodfaith import Eligibility, Rate
from tests.goodfaith.histories import SH, evaluate, many


def test_rates_are_numbers_and_percentages():
    # The rate was a string ("0.857143") beside a threshold written "90%".
    result = evaluate(many(6) + many(1, "rejected") + many(1, "taken_down", "succeeded"))
    rate = result.metrics.takedown_success_rate
    assert (rate.value, rate.percent) == (Decimal("0.875"), "87.5%")
    counter = result.metrics.counter_notification_success_rate
    assert (counter.value, counter.percent) == (Decimal("0.142857"), "about 14.29%")
    assert (counter.threshold, counter.threshold_percent) == (Decimal("0.05"), "5%")
    dumped = json.loads(result.model_dump_json())["metrics"]["rates"]
    assert dumped["counter_notification_success_rate"] == {
        "numerator": 1,
        "denominator": 7,
        "value": 0.142857,
        "percent": "about 14.29%",
        "bound": "max",
        "threshold": 0.05,
        "threshold_percent": "5%",
        "met": False,
    }
    assert Eligibility.model_validate_json(result.model_dump_json()) == result
    old = evaluate(many(10, when=datetime(2017, 5, 2, tzinfo=SH)), date(2017, 6, 1))
    assert old.metrics.counter_notification_success_rate.threshold == Decimal("0.015")


def test_a_rate_fraction_is_exact_from_its_counts():
    # The fraction decides, not the rounded value: 8,999,999 of 10,000,000 shows as 0.9.
    rate = Rate(numerator=8_999_999, denominator=10_000_000, value=Decimal("0.9"))
    assert rate.fraction() == Fraction(8_999_999, 10_000_000)
    assert rate.fraction() != Fraction(9, 10)
    assert Rate(numerator=6, denominator=8, value=Decimal("0.75")).fraction() == Fraction(3, 4)
    none_taken_down = Rate(numerator=0, denominator=5, value=Decimal(0)).fraction()
    assert none_taken_down == 0 and none_taken_down is not None
    assert Rate(numerator=0, denominator=0, value=None).fraction() is None


def test_a_rate_with_nothing_to_measure_has_no_value_but_keeps_its_threshold():
    result = evaluate([], date(2017, 6, 1))  # the 2015 period: at least 90%, at most 1.5%
    rates = result.metrics.rates
    assert [
        (r.numerator, r.denominator, r.value, r.percent, r.fraction()) for r in rates.values()
    ] == [(0, 0, None, None, None)] * 2
    success = result.metrics.takedown_success_rate
    assert (success.bound, success.threshold, success.threshold_percent, success.met) == (
        "min",
        Decimal("0.9"),
        "90%",
        False,
    )
    dumped = json.loads(result.model_dump_json())["metrics"]["rates"]
    assert dumped["counter_notification_success_rate"] == {
        "numerator": 0,
        "denominator": 0,
        "value": None,
        "percent": None,
        "bound": "max",
        "threshold": 0.015,
        "threshold_percent": "1.5%",
        "met": False,
    }


def test_a_rate_without_a_threshold_has_only_its_measure():
    # Before 2022-04-15 no reason code is tested on its own: its rates carry no threshold.
    result = evaluate(many(10, when=datetime(2019, 5, 2, tzinfo=SH)), date(2019, 6, 1))
    rate = result.metrics.per_reason["counterfeit"].rates["takedown_success_rate"]
    assert rate == Rate(numerator=10, denominator=10, value=Decimal(1), percent="100%")
    assert (rate.bound, rate.threshold, rate.threshold_percent, rate.met) == (None,) * 4


def test_a_share_reads_back_from_json_as_the_same_decimal():
    # 0.015 read through a float would be 0.01499999999999999944...
    rate = Rate.model_validate_json(
        '{"numerator": 3, "denominator": 200, "value": 0.015, "percent": "1.5%", '
        '"bound": "max", "threshold": 0.015, "threshold_percent": "1.5%", "met": true}'
    )
    assert (rate.value, rate.threshold) == (Decimal("0.015"), Decimal("0.015"))
    assert json.loads(rate.model_dump_json())["value"] == 0.015
    assert rate.model_dump()["threshold"] == Decimal("0.015")


def test_eligible_must_agree_with_the_findings():
    refused = evaluate(many(99)).model_dump()
    assert refused["eligible"] is False
    with pytest.raises(ValidationError, match="eligible contradicts the findings"):
        Eligibility.model_validate({**refused, "eligible": True})
    admitted = evaluate(many(100)).model_dump()
    with pytest.raises(ValidationError, match="eligible contradicts the findings"):
        Eligibility.model_validate({**admitted, "eligible": False})
    # Only an error blocks: a finding that informs leaves the account eligible.
    warning = {**refused["findings"][0], "severity": "warning"}
    assert Eligibility.model_validate({**admitted, "findings": [warning]}).eligible
