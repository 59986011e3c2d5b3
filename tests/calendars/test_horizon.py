"""The published horizon: found from the holidays data, enforced unless estimates are allowed."""

from __future__ import annotations

import pickle
from datetime import date
from importlib.metadata import version

import holidays
import pytest

from ipp_rules.calendars import (
    DEFAULT_HORIZON_YEAR,
    BusinessCalendar,
    CalendarHorizonError,
    get_calendar,
    horizon_for,
)
from ipp_rules.errors import IppRulesError
from ipp_rules.policies.base import CalendarSpec

from .conftest import CHINA, SPECS, calendar


def test_china_horizon_is_the_last_year_with_make_up_days_in_the_data() -> None:
    source = holidays.country_holidays("CN", years=range(1950, 2101), expand=False)
    last = max(day.year for day in source.weekend_workdays)
    assert horizon_for(CHINA) == date(last, 12, 31)
    if version("holidays") == "0.109":
        assert horizon_for(CHINA) == date(2026, 12, 31)


@pytest.mark.parametrize("spec", [s for s in SPECS if s.country != "CN"], ids=str)
def test_other_countries_use_the_documented_default(spec: CalendarSpec) -> None:
    assert horizon_for(spec) == date(DEFAULT_HORIZON_YEAR, 12, 31)


def test_china_past_the_horizon_raises_with_the_horizon_in_the_message(
    china: BusinessCalendar,
) -> None:
    assert china.horizon == date(2026, 12, 31)
    assert china.last_day == date(2027, 12, 31)
    with pytest.raises(CalendarHorizonError) as raised:
        china.is_business_day(date(2027, 1, 4))
    error = raised.value
    assert isinstance(error, IppRulesError)
    assert (error.calendar, error.asked, error.horizon) == ("CN", date(2027, 1, 4), china.horizon)
    assert "2026-12-31" in str(error) and "2027-01-04" in str(error) and "CN" in str(error)
    assert "allow_estimates" in str(error)
    assert error.past_horizon is True
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.calendar, copy.asked, copy.horizon, copy.past_horizon, str(copy)) == (
        error.calendar,
        error.asked,
        error.horizon,
        True,
        str(error),
    )


@pytest.mark.parametrize(
    "ask",
    [
        lambda c: c.add_business_days(date(2026, 12, 28), 5),
        lambda c: c.add_business_days(date(2027, 3, 1), 0),
        lambda c: c.next_business_day(date(2026, 12, 31)),
        lambda c: c.business_days_between(date(2026, 12, 1), date(2027, 1, 5)),
        lambda c: c.holiday_name(date(2027, 1, 1)),
        lambda c: c.describe(date(2027, 1, 1)),
    ],
)
def test_every_query_past_the_horizon_raises(china: BusinessCalendar, ask: object) -> None:
    with pytest.raises(CalendarHorizonError, match="2026-12-31"):
        ask(china)  # type: ignore[operator]


def test_the_last_days_before_the_horizon_still_answer(china: BusinessCalendar) -> None:
    assert china.add_business_days(date(2026, 12, 25), 3) == date(2026, 12, 30)
    assert china.is_business_day(date(2026, 12, 31))


def test_with_allow_estimates_it_answers_and_says_so() -> None:
    estimating = calendar(CHINA, allow_estimates=True)
    assert estimating.horizon == date(2026, 12, 31)
    assert estimating.is_business_day(date(2027, 1, 4))
    result = estimating.nth_business_day(date(2026, 12, 28), 5)
    assert result.estimate and result.day > estimating.horizon
    assert result.day == estimating.add_business_days(date(2026, 12, 28), 5)
    early = estimating.nth_business_day(date(2026, 9, 18), 3)
    assert early.day == date(2026, 9, 22) and not early.estimate
    assert estimating.describe(date(2027, 1, 4)).estimate
    assert estimating.is_estimate(date(2027, 1, 1))
    assert not estimating.is_estimate(date(2026, 12, 31))
    # holidays' 2027 guess for China has no make-up days: that is why it is an estimate.
    assert not {d for d in estimating.make_up_workdays if d.year == 2027}
    # Still bounded by the years built.
    with pytest.raises(CalendarHorizonError, match="last day this calendar was built for"):
        estimating.add_business_days(date(2027, 12, 20), 30)


def test_outside_the_years_built() -> None:
    cal = get_calendar(CHINA, first_year=2010, last_year=2020)
    assert cal.horizon == date(2020, 12, 31)
    with pytest.raises(CalendarHorizonError, match="first day this calendar was built for"):
        cal.is_business_day(date(2009, 12, 31))
    with pytest.raises(CalendarHorizonError, match="last day this calendar was built for"):
        cal.add_business_days(date(2020, 12, 30), 5)
    with pytest.raises(CalendarHorizonError, match="first day"):
        cal.previous_business_day(date(2010, 1, 1))
