"""Worked deadline examples and the official holidays of each marketplace calendar (from the
State Council's and the other governments' published notices), as tests."""

from __future__ import annotations

from datetime import date

import pytest

from ipp_rules.calendars import BusinessCalendar
from ipp_rules.policies.base import CalendarSpec

from .conftest import (
    INDONESIA,
    INDONESIA_LEAVE,
    JOHOR,
    KEDAH,
    KUALA_LUMPUR,
    PHILIPPINES,
    SINGAPORE,
    calendar,
    days,
)

D = date


# China, N = 3, the trigger day not counted: (received, the three business days counted).
WORKED_EXAMPLES = [
    (D(2026, 9, 30), [D(2026, 10, 8), D(2026, 10, 9), D(2026, 10, 10)]),
    (D(2026, 9, 18), [D(2026, 9, 20), D(2026, 9, 21), D(2026, 9, 22)]),
    (D(2025, 9, 26), [D(2025, 9, 28), D(2025, 9, 29), D(2025, 9, 30)]),
    (D(2026, 2, 13), [D(2026, 2, 14), D(2026, 2, 24), D(2026, 2, 25)]),
    (D(2026, 2, 14), [D(2026, 2, 24), D(2026, 2, 25), D(2026, 2, 26)]),
    (D(2026, 2, 15), [D(2026, 2, 24), D(2026, 2, 25), D(2026, 2, 26)]),
]


@pytest.mark.parametrize(("received", "counted"), WORKED_EXAMPLES)
def test_worked_examples_china_three_business_days(
    china: BusinessCalendar, received: date, counted: list[date]
) -> None:
    assert [china.add_business_days(received, n) for n in (1, 2, 3)] == counted
    assert china.business_days_between(received, counted[-1]) == 3
    assert all(china.is_business_day(day) for day in counted)


def test_holiday_gap_in_the_spring_festival_example(china: BusinessCalendar) -> None:
    # From the make-up Saturday 2026-02-14 nothing is a business day until 02-24.
    for day in days(D(2026, 2, 15), D(2026, 2, 23)):
        assert not china.is_business_day(day), day
    assert china.next_business_day(D(2026, 2, 14)) == D(2026, 2, 24)


def test_the_two_receipt_conventions_differ_only_on_a_non_business_day(
    china: BusinessCalendar,
) -> None:
    sunday = D(2026, 2, 15)
    # "count from the next day": the trigger day is simply not counted.
    assert china.add_business_days(sunday, 3) == D(2026, 2, 26)
    # "deem received on the next business day": n = 0 gives that day, then count from it.
    deemed = china.add_business_days(sunday, 0)
    assert deemed == D(2026, 2, 24)
    assert china.add_business_days(deemed, 3) == D(2026, 2, 27)
    friday = D(2026, 9, 18)
    assert china.add_business_days(china.add_business_days(friday, 0), 3) == (
        china.add_business_days(friday, 3)
    )


def test_design_example_make_up_sunday(china: BusinessCalendar) -> None:
    info = china.describe(D(2026, 9, 20))
    assert info.business and info.kind == "make_up_workday" and not info.estimate


CHINA_MAKE_UP = {
    2025: {D(2025, 1, 26), D(2025, 2, 8), D(2025, 4, 27), D(2025, 9, 28), D(2025, 10, 11)},
    2026: {
        D(2026, 1, 4),
        D(2026, 2, 14),
        D(2026, 2, 28),
        D(2026, 5, 9),
        D(2026, 9, 20),
        D(2026, 10, 10),
    },
}

CHINA_HOLIDAYS = {
    2025: [
        (D(2025, 1, 1), D(2025, 1, 1)),
        (D(2025, 1, 28), D(2025, 2, 4)),
        (D(2025, 4, 4), D(2025, 4, 6)),
        (D(2025, 5, 1), D(2025, 5, 5)),
        (D(2025, 5, 31), D(2025, 6, 2)),
        (D(2025, 10, 1), D(2025, 10, 8)),
    ],
    2026: [
        (D(2026, 1, 1), D(2026, 1, 3)),
        (D(2026, 2, 15), D(2026, 2, 23)),
        (D(2026, 4, 4), D(2026, 4, 6)),
        (D(2026, 5, 1), D(2026, 5, 5)),
        (D(2026, 6, 19), D(2026, 6, 21)),
        (D(2026, 9, 25), D(2026, 9, 27)),
        (D(2026, 10, 1), D(2026, 10, 7)),
    ],
}


@pytest.mark.parametrize("year", [2025, 2026])
def test_china_make_up_days_exactly_as_published(china: BusinessCalendar, year: int) -> None:
    assert {d for d in china.make_up_workdays if d.year == year} == CHINA_MAKE_UP[year]
    for day in CHINA_MAKE_UP[year]:
        assert day.weekday() >= 5 and china.is_business_day(day)


@pytest.mark.parametrize("year", [2025, 2026])
def test_china_non_business_days_are_exactly_weekends_and_the_notice(
    china: BusinessCalendar, year: int
) -> None:
    closed = {day for first, last in CHINA_HOLIDAYS[year] for day in days(first, last)}
    weekends = {day for day in days(D(year, 1, 1), D(year, 12, 31)) if day.weekday() >= 5}
    expected = (weekends - CHINA_MAKE_UP[year]) | closed
    actual = {day for day in days(D(year, 1, 1), D(year, 12, 31)) if not china.is_business_day(day)}
    assert actual == expected


def test_china_holiday_names(china: BusinessCalendar) -> None:
    assert china.holiday_name(D(2026, 10, 1)) == "National Day"
    assert china.holiday_name(D(2026, 10, 9)) is None
    assert china.describe(D(2026, 10, 1)).kind == "holiday"


def test_malaysia_kedah_friday_is_not_a_business_day() -> None:
    kedah = calendar(KEDAH)
    friday, saturday, sunday = D(2026, 1, 9), D(2026, 1, 10), D(2026, 1, 11)
    assert friday.weekday() == 4
    assert not kedah.is_business_day(friday)
    assert not kedah.is_business_day(saturday)
    assert kedah.is_business_day(sunday)
    assert kedah.describe(friday).kind == "weekend"
    assert calendar(KUALA_LUMPUR).is_business_day(friday)
    assert not calendar(KUALA_LUMPUR).is_business_day(sunday)


def test_malaysia_johor_went_back_to_saturday_sunday_in_2025() -> None:
    johor = calendar(JOHOR)
    assert johor.is_business_day(D(2025, 1, 10))  # Friday, 2025
    assert not johor.is_business_day(D(2025, 1, 12))  # Sunday, 2025
    assert not johor.is_business_day(D(2024, 1, 12))  # Friday, 2024: Fri-Sat weekend
    assert johor.is_business_day(D(2024, 1, 14))  # Sunday, 2024
    assert not johor.is_business_day(D(2014, 1, 10))  # Friday, 2014
    assert johor.is_business_day(D(2013, 1, 11))  # Friday, 2013: Sat-Sun weekend then


CUTI_BERSAMA_2026 = [
    D(2026, 2, 16),
    D(2026, 3, 18),
    D(2026, 3, 20),
    D(2026, 3, 23),
    D(2026, 3, 24),
    D(2026, 5, 15),
    D(2026, 5, 28),
    D(2026, 12, 24),
]


def test_indonesia_collective_leave_only_with_the_government_category() -> None:
    public = calendar(INDONESIA)
    leave = calendar(INDONESIA_LEAVE)
    assert public.is_business_day(D(2026, 3, 20))
    assert not leave.is_business_day(D(2026, 3, 20))
    assert leave.holiday_name(D(2026, 3, 20)) == "Eid al-Fitr Joint Holiday"
    for day in CUTI_BERSAMA_2026:
        assert public.is_business_day(day), day
        assert not leave.is_business_day(day), day
    # Nyepi is a public holiday in both.
    assert not public.is_business_day(D(2026, 3, 19))


def test_philippines_special_working_day() -> None:
    philippines = calendar(PHILIPPINES)
    info = philippines.describe(D(2026, 2, 25))
    assert info.business
    assert info.kind == "observance"
    assert info.name == "EDSA People Power Revolution Anniversary"
    assert philippines.holiday_name(D(2026, 2, 25)) is None
    assert philippines.observances[D(2026, 2, 25)] == info.name
    # The marker category adds names only: the same days as the public-only calendar.
    public_only = calendar(CalendarSpec("PH"))
    for day in days(D(2025, 1, 1), D(2026, 12, 31)):
        assert philippines.is_business_day(day) == public_only.is_business_day(day), day


def test_singapore_sunday_holiday_moves_to_monday() -> None:
    singapore = calendar(SINGAPORE)
    for monday in (D(2026, 6, 1), D(2026, 8, 10), D(2026, 11, 9)):
        assert monday.weekday() == 0
        assert not singapore.is_business_day(monday), monday
