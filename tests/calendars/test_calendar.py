"""calendar.py: overrides (values that key the cache), input checking, immutability, pickling
and the counting conventions of a business-day calendar."""

from __future__ import annotations

import copy
import pickle
from datetime import UTC, date, datetime

import pytest

from ipp_rules.calendars import (
    BusinessCalendar,
    CalendarConfigError,
    CalendarOverrides,
    get_calendar,
)
from ipp_rules.errors import IppRulesError
from ipp_rules.policies.base import CalendarSpec

from .conftest import CHINA, FIRST_YEAR, LAST_YEAR, SINGAPORE, calendar, days

TYPHOON = date(2026, 9, 22)  # a Tuesday


def overridden(**mappings: dict[date, str]) -> BusinessCalendar:
    return get_calendar(
        CHINA,
        first_year=FIRST_YEAR,
        last_year=LAST_YEAR,
        overrides=CalendarOverrides(**mappings),
    )


def test_override_closure_moves_the_deadline(china: BusinessCalendar) -> None:
    closed = overridden(closures={TYPHOON: "Typhoon: offices closed by the city"})
    assert china.add_business_days(date(2026, 9, 18), 3) == TYPHOON
    assert not closed.is_business_day(TYPHOON)
    assert closed.add_business_days(date(2026, 9, 18), 3) == date(2026, 9, 23)
    assert closed.holiday_name(TYPHOON) == "Typhoon: offices closed by the city"
    info = closed.describe(TYPHOON)
    assert (info.business, info.kind) == (False, "closure")
    assert closed.name == "CN*"
    assert closed.business_days_between(date(2026, 9, 18), date(2026, 9, 23)) == 3


def test_override_working_day_on_a_weekend_and_on_a_holiday(china: BusinessCalendar) -> None:
    saturday, national_day = date(2026, 9, 19), date(2026, 10, 2)
    working = overridden(
        working_days={saturday: "Make-up day announced late", national_day: "Skeleton staff"}
    )
    assert not china.is_business_day(saturday)
    assert working.is_business_day(saturday)
    assert working.add_business_days(date(2026, 9, 18), 1) == saturday
    assert working.is_business_day(national_day)
    assert working.holiday_name(national_day) is None
    info = working.describe(national_day)
    assert (info.business, info.kind, info.name) == (True, "working_override", "Skeleton staff")


def test_overrides_are_values_and_key_the_cache() -> None:
    a = CalendarOverrides(closures={TYPHOON: "Typhoon"})
    b = CalendarOverrides(closures={TYPHOON: "Typhoon"})
    assert a == b and hash(a) == hash(b) and a
    assert not CalendarOverrides()
    assert overridden(closures={TYPHOON: "Typhoon"}) is overridden(closures={TYPHOON: "Typhoon"})
    assert overridden(closures={TYPHOON: "Typhoon"}) is not calendar(CHINA)
    assert pickle.loads(pickle.dumps(a)) == a
    with pytest.raises(AttributeError):
        a.closures = {}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"closures": {TYPHOON: "a"}, "working_days": {TYPHOON: "b"}}, "both a closure"),
        ({"closures": {datetime(2026, 9, 22, 10): "a"}}, "not a date"),
        ({"closures": {"2026-09-22": "a"}}, "not a date"),
        ({"working_days": {TYPHOON: "  "}}, "reason must be text"),
        ({"closures": [TYPHOON]}, "mapping"),
    ],
)
def test_bad_overrides(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(CalendarConfigError, match=message) as raised:
        CalendarOverrides(**kwargs)  # type: ignore[arg-type]
    assert isinstance(raised.value, IppRulesError) and isinstance(raised.value, ValueError)


def test_queries_refuse_datetimes_and_other_types(china: BusinessCalendar) -> None:
    aware = datetime(2026, 3, 19, 16, 30, tzinfo=UTC)
    with pytest.raises(TypeError, match="timezone"):
        china.is_business_day(aware)
    with pytest.raises(TypeError, match="expected a date"):
        china.add_business_days("2026-03-19", 1)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="n must be >= 0"):
        china.add_business_days(date(2026, 3, 19), -1)


@pytest.mark.parametrize(
    ("spec", "first", "last", "message"),
    [
        (CalendarSpec("XX"), 2020, 2021, "XX"),
        (CalendarSpec("MY", "ZZ"), 2020, 2021, "ZZ"),
        (CalendarSpec("CN", categories=("public", "bank")), 2020, 2021, "bank"),
        (CalendarSpec("ID", categories=("government",)), 2020, 2021, "lack 'public'"),
        (CalendarSpec("CN"), 2021, 2020, "after last_year"),
        (CalendarSpec("CN"), 1900, 1901, "outside the holidays data"),
    ],
)
def test_calendars_that_cannot_be_built(
    spec: CalendarSpec, first: int, last: int, message: str
) -> None:
    with pytest.raises(CalendarConfigError, match=message):
        BusinessCalendar(spec, first_year=first, last_year=last, horizon=date(2026, 12, 31))


def test_calendar_is_immutable_and_copies_to_itself(china: BusinessCalendar) -> None:
    with pytest.raises(AttributeError):
        china.horizon = date(2030, 12, 31)
    with pytest.raises(AttributeError):
        del china.horizon
    with pytest.raises(AttributeError):
        china.extra = 1
    with pytest.raises(TypeError):
        china.closures[date(2026, 9, 22)] = "x"  # type: ignore[index]
    assert copy.copy(china) is china and copy.deepcopy(china) is china


def test_calendar_pickles_by_rebuilding(china: BusinessCalendar) -> None:
    again = pickle.loads(pickle.dumps(china))
    assert again is not china and repr(again) == repr(china)
    for day in days(date(2026, 1, 1), date(2026, 12, 31)):
        assert again.is_business_day(day) == china.is_business_day(day)


def test_spec_weekend_replaces_the_package_weekend() -> None:
    six_day = calendar(CalendarSpec("SG", weekend=(6,)))
    saturday = date(2026, 3, 7)
    assert six_day.is_business_day(saturday)
    assert not calendar(SINGAPORE).is_business_day(saturday)
    assert not six_day.is_business_day(date(2026, 3, 8))
    assert six_day.name == "SG/weekend=6"


def test_previous_business_day(china: BusinessCalendar) -> None:
    assert china.previous_business_day(date(2026, 2, 24)) == date(2026, 2, 14)
    assert china.previous_business_day(date(2026, 9, 21)) == date(2026, 9, 20)
    assert china.previous_business_day(date(2026, 9, 20)) == date(2026, 9, 18)


def test_counting_conventions(china: BusinessCalendar) -> None:
    friday, tuesday = date(2026, 9, 18), date(2026, 9, 22)
    assert china.business_days_between(friday, friday) == 0
    assert china.business_days_between(friday, tuesday) == 3
    assert china.business_days_between(tuesday, friday) == -3
    sunday = date(2026, 2, 15)
    assert china.add_business_days(sunday, 0) == date(2026, 2, 24)
    assert china.add_business_days(friday, 0) == friday
    assert china.next_business_day(friday) == date(2026, 9, 20)
