"""registry.py: one calendar per distinct argument set, built once and shared; emptying the
registry leaves the calendars handed out valid."""

from __future__ import annotations

from datetime import date

from ipp_rules.calendars import CalendarOverrides, clear_calendar_cache, get_calendar

from .conftest import SINGAPORE


def test_registry_caches_per_arguments() -> None:
    a = get_calendar(SINGAPORE, first_year=2020, last_year=2026)
    assert get_calendar(SINGAPORE, first_year=2020, last_year=2026) is a
    assert get_calendar(SINGAPORE, first_year=2020, last_year=2026, allow_estimates=True) is not a
    assert get_calendar(SINGAPORE, first_year=2021, last_year=2026) is not a
    clear_calendar_cache()
    b = get_calendar(SINGAPORE, first_year=2020, last_year=2026)
    assert b is not a and b.is_business_day(date(2026, 6, 2)) == a.is_business_day(date(2026, 6, 2))


def test_no_overrides_and_empty_overrides_are_one_calendar() -> None:
    plain = get_calendar(SINGAPORE, first_year=2020, last_year=2026)
    assert get_calendar(SINGAPORE, first_year=2020, last_year=2026, overrides=None) is plain
    empty = CalendarOverrides()
    assert get_calendar(SINGAPORE, first_year=2020, last_year=2026, overrides=empty) is plain


def test_a_horizon_given_is_part_of_the_key() -> None:
    plain = get_calendar(SINGAPORE, first_year=2020, last_year=2026)
    early = get_calendar(SINGAPORE, first_year=2020, last_year=2026, horizon=date(2026, 6, 30))
    assert early is not plain
    assert (early.horizon, plain.horizon) == (date(2026, 6, 30), date(2026, 12, 31))
    again = get_calendar(SINGAPORE, first_year=2020, last_year=2026, horizon=date(2026, 6, 30))
    assert again is early
