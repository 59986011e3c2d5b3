"""Properties of business-day arithmetic over every marketplace calendar, with holidays'
own ``get_nth_working_day`` as the oracle, and concurrent building and querying."""

from __future__ import annotations

import sys
import threading
from datetime import date, timedelta

import holidays
import pytest
from holidays import HolidayBase
from hypothesis import given, settings
from hypothesis import strategies as st

from ipp_rules.calendars import (
    NON_CLOSING_CATEGORIES,
    BusinessCalendar,
    CalendarOverrides,
    YearNotice,
    clear_calendar_cache,
    get_calendar,
)
from ipp_rules.policies.base import CalendarSpec

from .conftest import CHINA, FIRST_YEAR, LAST_YEAR, SPECS, calendar, days

# Starts and offsets chosen so every answer stays within the published horizon
# (2026-12-31): 40 business days are at most about ten weeks, even across Spring Festival.
starts = st.dates(min_value=date(FIRST_YEAR, 1, 1), max_value=date(2026, 8, 31))
offsets = st.integers(min_value=0, max_value=20)
positive = st.integers(min_value=1, max_value=20)
specs = st.sampled_from(SPECS)

PROPERTY = settings(max_examples=80, deadline=None)

_oracles: dict[CalendarSpec, HolidayBase] = {}


def oracle(spec: CalendarSpec) -> HolidayBase:
    """A fresh holidays object for the same years, fully populated (no lazy expansion)."""
    if spec not in _oracles:
        _oracles[spec] = holidays.country_holidays(
            spec.country,
            subdiv=spec.subdivision,
            years=range(FIRST_YEAR, LAST_YEAR + 1),
            categories=[c for c in spec.categories if c not in NON_CLOSING_CATEGORIES],
            expand=False,
        )
    return _oracles[spec]


def test_oracle_semantics_first() -> None:
    """What get_nth_working_day means: trigger day not counted, make-up days working, n=0
    rolls forward to a working day. Only then is it a fair oracle."""
    source = oracle(CHINA)
    assert source.is_working_day(date(2026, 9, 20))  # make-up Sunday
    assert date(2026, 9, 20) in source.weekend_workdays
    assert source.get_nth_working_day(date(2026, 9, 18), 1) == date(2026, 9, 20)
    assert source.get_nth_working_day(date(2026, 9, 18), 3) == date(2026, 9, 22)
    assert source.get_nth_working_day(date(2026, 2, 15), 0) == date(2026, 2, 24)
    assert source.get_nth_working_day(date(2026, 9, 18), 0) == date(2026, 9, 18)


@PROPERTY
@given(spec=specs, d=starts, n=offsets)
def test_agrees_with_holidays_get_nth_working_day(spec: CalendarSpec, d: date, n: int) -> None:
    cal = calendar(spec)
    source = oracle(spec)
    assert cal.add_business_days(d, n) == source.get_nth_working_day(d, n)
    assert cal.is_business_day(d) == source.is_working_day(d)


@pytest.mark.parametrize("spec", SPECS, ids=str)
def test_every_day_agrees_with_holidays_is_working_day(spec: CalendarSpec) -> None:
    cal = calendar(spec)
    source = oracle(spec)
    for day in days(cal.first_day, cal.horizon):
        assert cal.is_business_day(day) == source.is_working_day(day), day


@PROPERTY
@given(spec=specs, d=starts, n=positive)
def test_result_is_a_business_day_with_exactly_n_in_between(
    spec: CalendarSpec, d: date, n: int
) -> None:
    cal = calendar(spec)
    result = cal.add_business_days(d, n)
    assert result > d
    assert cal.is_business_day(result)
    counted = [day for day in days(d + timedelta(days=1), result) if cal.is_business_day(day)]
    assert len(counted) == n
    assert cal.business_days_between(d, result) == n
    assert n <= (result - d).days


@PROPERTY
@given(spec=specs, d=starts, n=offsets)
def test_strictly_increasing_in_n(spec: CalendarSpec, d: date, n: int) -> None:
    cal = calendar(spec)
    if n == 0 and not cal.is_business_day(d):
        # n = 0 rolls a non-business d forward: the same day as n = 1.
        assert cal.add_business_days(d, 0) == cal.add_business_days(d, 1)
        return
    assert cal.add_business_days(d, n) < cal.add_business_days(d, n + 1)


@PROPERTY
@given(spec=specs, a=starts, b=starts, n=offsets)
def test_monotone_in_the_start(spec: CalendarSpec, a: date, b: date, n: int) -> None:
    cal = calendar(spec)
    early, late = min(a, b), max(a, b)
    assert cal.add_business_days(early, n) <= cal.add_business_days(late, n)


@PROPERTY
@given(spec=specs, d=starts, a=offsets, b=offsets)
def test_composition(spec: CalendarSpec, d: date, a: int, b: int) -> None:
    cal = calendar(spec)
    if a == 0 and not cal.is_business_day(d):
        # n = 0 rolls a non-business d forward to add(d, 1); the rest composes from there.
        expected = cal.add_business_days(d, b + 1 if b else 0)
        assert cal.add_business_days(cal.add_business_days(d, 0), b) == expected
        return
    assert cal.add_business_days(cal.add_business_days(d, a), b) == cal.add_business_days(d, a + b)


@PROPERTY
@given(spec=specs, d=starts, n=positive)
def test_between_is_the_inverse_of_add(spec: CalendarSpec, d: date, n: int) -> None:
    cal = calendar(spec)
    result = cal.add_business_days(d, n)
    assert cal.business_days_between(d, result) == n
    # And the other way round: the k-th business day after d, for any later business day.
    later = cal.add_business_days(d + timedelta(days=n), 0)
    assert cal.add_business_days(d, cal.business_days_between(d, later)) == later


@PROPERTY
@given(spec=specs, a=starts, b=starts, c=starts)
def test_counts_add_up_and_are_antisymmetric(spec: CalendarSpec, a: date, b: date, c: date) -> None:
    cal = calendar(spec)
    assert cal.business_days_between(a, b) + cal.business_days_between(
        b, c
    ) == cal.business_days_between(a, c)
    assert cal.business_days_between(a, b) == -cal.business_days_between(b, a)


@PROPERTY
@given(
    spec=specs,
    d=st.dates(min_value=date(FIRST_YEAR, 1, 15), max_value=date(2026, 8, 31)),
    n=positive,
)
def test_receipt_on_a_non_business_day_counts_like_the_previous_business_day(
    spec: CalendarSpec, d: date, n: int
) -> None:
    cal = calendar(spec)
    if not cal.is_business_day(d):
        assert cal.add_business_days(d, n) == cal.add_business_days(cal.previous_business_day(d), n)


@PROPERTY
@given(d=st.sampled_from(sorted(calendar(CHINA).make_up_workdays)), n=positive)
def test_make_up_days_count_as_working_days(d: date, n: int) -> None:
    china = calendar(CHINA)
    assert d.weekday() >= 5
    assert china.is_business_day(d)
    before = d - timedelta(days=1)
    if d.year <= 2026:
        assert china.business_days_between(before, d) == 1
        assert china.describe(d).kind == "make_up_workday"


def test_make_up_days_are_the_weekend_workdays_of_the_data() -> None:
    china = calendar(CHINA)
    source = oracle(CHINA)
    expected = {d for d in source.weekend_workdays if china.first_day <= d <= china.last_day}
    assert china.make_up_workdays == expected
    assert len(expected) > 100


def test_threads_building_and_querying_the_same_calendar_agree() -> None:
    """Eight threads at once: each builds the calendar itself and fetches it from an emptied
    registry, then asks every question; a tiny switch interval interleaves them hard."""
    probe_days = days(date(2024, 1, 1), date(2026, 9, 30))[::3]

    def answers(cal: BusinessCalendar) -> list[object]:
        out: list[object] = []
        for day in probe_days:
            out.append(cal.is_business_day(day))
            out.append(cal.add_business_days(day, 3))
            out.append(cal.business_days_between(date(2024, 1, 1), day))
            out.append(cal.holiday_name(day))
        return out

    reference = answers(BusinessCalendar(CHINA, first_year=FIRST_YEAR, last_year=LAST_YEAR))
    clear_calendar_cache()
    barrier = threading.Barrier(8)
    shared: list[BusinessCalendar] = []
    horizons: list[date] = []
    results: list[list[object]] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def work() -> None:
        try:
            barrier.wait()
            own = BusinessCalendar(CHINA, first_year=FIRST_YEAR, last_year=LAST_YEAR)
            cached = get_calendar(CHINA, first_year=FIRST_YEAR, last_year=LAST_YEAR)
            mine = [answers(own), answers(cached)]
            with lock:
                shared.append(cached)
                horizons.append(own.horizon)
                results.extend(mine)
        except BaseException as exc:
            with lock:
                errors.append(exc)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        threads = [threading.Thread(target=work) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    finally:
        sys.setswitchinterval(interval)
    assert not errors
    assert len(results) == 16
    assert all(result == reference for result in results)
    assert len({id(cal) for cal in shared}) == 1
    assert horizons == [shared[0].horizon] * 8


_YEAR_2027 = days(date(2027, 1, 1), date(2027, 12, 31))


@settings(max_examples=25, deadline=None)
@given(
    st.sets(st.sampled_from(_YEAR_2027), max_size=30),
    st.sets(st.sampled_from([d for d in _YEAR_2027 if d.weekday() >= 5]), max_size=8),
    specs,
)
def test_an_entered_notice_is_the_whole_of_its_year(
    days_off: set[date], worked: set[date], spec: CalendarSpec
) -> None:
    """A year entered from its notice: a day works exactly when it is a weekday not off, or a
    weekend day the notice works; the horizon covers the year; the year before is untouched."""
    worked -= days_off
    notice = YearNotice(
        year=2027,
        source="generated",
        days_off=tuple((d, "off") for d in sorted(days_off)),
        working_days=tuple((d, "worked") for d in sorted(worked)),
    )
    plain = get_calendar(spec, first_year=2026, last_year=2027)
    entered = get_calendar(
        spec, first_year=2026, last_year=2027, overrides=CalendarOverrides(notices=[notice])
    )
    assert entered.horizon == date(2027, 12, 31) and entered.estimated_years() == {}
    weekend = BusinessCalendar(spec, first_year=2027, last_year=2027, allow_estimates=True)
    for day in _YEAR_2027:
        off_weekend = weekend.describe(day).kind in ("weekend", "make_up_workday")
        expected = day in worked if off_weekend else day not in days_off
        assert entered.is_business_day(day) is expected, day
    for day in days(date(2026, 1, 1), date(2026, 12, 31)):
        assert entered.is_business_day(day) == plain.is_business_day(day)
