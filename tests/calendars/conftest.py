"""Calendars shared by the calendar tests: built once per session through the registry."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from ipp_rules.calendars import BusinessCalendar, get_calendar
from ipp_rules.policies.base import CalendarSpec

FIRST_YEAR = 2000
LAST_YEAR = 2027

CHINA = CalendarSpec("CN")
INDONESIA = CalendarSpec("ID")
INDONESIA_LEAVE = CalendarSpec("ID", categories=("public", "government"))
KUALA_LUMPUR = CalendarSpec("MY", "14")
KEDAH = CalendarSpec("MY", "KDH")
JOHOR = CalendarSpec("MY", "JHR")
PHILIPPINES = CalendarSpec("PH", categories=("public", "workday"))
SINGAPORE = CalendarSpec("SG")
THAILAND = CalendarSpec("TH")
VIETNAM = CalendarSpec("VN")

SPECS = (
    CHINA,
    INDONESIA_LEAVE,
    KUALA_LUMPUR,
    KEDAH,
    JOHOR,
    PHILIPPINES,
    SINGAPORE,
    THAILAND,
    VIETNAM,
)


def calendar(spec: CalendarSpec, *, allow_estimates: bool = False) -> BusinessCalendar:
    return get_calendar(
        spec, first_year=FIRST_YEAR, last_year=LAST_YEAR, allow_estimates=allow_estimates
    )


def days(first: date, last: date) -> list[date]:
    """Every date from ``first`` to ``last``, both included."""
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


@pytest.fixture(scope="session")
def china() -> BusinessCalendar:
    return calendar(CHINA)
