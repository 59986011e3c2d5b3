"""The periods of the file (``ipp_rules.deadlines.periods``): one length each, settings only on
business-day periods, ``ends: cutoff`` with its time, countries only for a marketplace with
country platforms; each mistake located."""

from __future__ import annotations

from pathlib import Path

from tests.deadlines.examples import MINIMAL, problems


def test_an_unknown_key_in_a_period(tmp_path: Path) -> None:
    text = MINIMAL.replace(
        "default: {business_days: 3}\n  rights", "default: {busines_days: 3}\n  rights"
    )
    found = problems(tmp_path, text)
    assert found[0].startswith(
        "deadlines.yaml:13:15: unknown key 'busines_days'; did you mean 'business_days'?"
    )


def test_a_cutoff_end_without_its_time(tmp_path: Path) -> None:
    text = MINIMAL.replace("  ends: end_of_day\n", "  ends: cutoff\n")
    assert problems(tmp_path, text) == [
        'deadlines.yaml:2:3: ends: cutoff needs the time it ends at, like cutoff: "18:00"'
    ]
    in_period = MINIMAL.replace(
        "default: {business_days: 3}\n  account",
        "default: {business_days: 3, ends: cutoff}\n  account",
    )
    assert problems(tmp_path, in_period) == [
        'deadlines.yaml:17:14: ends: cutoff needs the time it ends at, like cutoff: "18:00"'
    ]


def test_a_cutoff_without_ends_cutoff_and_a_bad_time(tmp_path: Path) -> None:
    text = MINIMAL.replace("  ends: end_of_day\n", '  ends: end_of_day\n  cutoff: "18:00"\n')
    (found,) = problems(tmp_path, text)
    assert found.startswith("deadlines.yaml:2:3: cutoff is the time of an ends: cutoff period")
    text = MINIMAL.replace("  ends: end_of_day\n", "  ends: cutoff\n  cutoff: 25:00\n")
    assert problems(tmp_path, text) == [
        'deadlines.yaml:4:11: expected a local time written "HH:MM", like "18:00" (got \'25:00\')'
    ]
    text = MINIMAL.replace("  ends: end_of_day\n", "  ends: cutoff\n  cutoff: 00:00\n")
    (found,) = problems(tmp_path, text)
    assert found.startswith('deadlines.yaml:4:11: a cut-off at "00:00" would end the period')


def test_countries_need_a_marketplace_with_country_platforms(tmp_path: Path) -> None:
    text = MINIMAL + (
        "      taobao:\n"
        "        business_days: 2\n"
        "        countries:\n"
        "          ID: {business_days: 1}\n"
    )
    (found,) = problems(tmp_path, text)
    assert found == (
        "deadlines.yaml:23:5: marketplaces: taobao has no country platforms, so it cannot have "
        "countries"
    )
    text = MINIMAL + "      aliexpress:\n        business_days: 2\n        countries: {XX: {}}\n"
    found = problems(tmp_path, text)[0]
    assert found.startswith("deadlines.yaml:30:21: unknown country platform 'XX'; known: ID")


def test_period_shapes(tmp_path: Path) -> None:
    both = MINIMAL.replace("{business_hours: 24}", "{business_hours: 24, business_days: 1}")
    (found,) = problems(tmp_path, both)
    assert found.startswith("deadlines.yaml:25:14: write exactly one of business_days or")
    hours_with_ends = MINIMAL.replace("{business_hours: 24}", "{business_hours: 24, ends: cutoff}")
    (found,) = problems(tmp_path, hours_with_ends)
    assert found.startswith(
        "deadlines.yaml:25:14: ends applies to business_days periods only: a business_hours"
    )
    zero = MINIMAL.replace("{business_hours: 24}", "{business_days: 0}")
    (found,) = problems(tmp_path, zero)
    assert found.startswith("deadlines.yaml:25:30:")
    assert found.endswith("expected a number of at least 1, got 0")
