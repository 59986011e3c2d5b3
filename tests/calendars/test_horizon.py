"""The published horizon: found from the holidays data, enforced unless estimates are allowed."""

from __future__ import annotations

import pickle
from datetime import date
from importlib.metadata import version

import holidays
import pytest

from ipp_rules.calendars import (
    YEARLY_NOTICES,
    BusinessCalendar,
    CalendarConfigError,
    CalendarHorizonError,
    CalendarOverrides,
    YearNotice,
    get_calendar,
)
from ipp_rules.errors import IppRulesError
from ipp_rules.policies.base import CalendarSpec

from .conftest import CHINA, SPECS, calendar, days


def test_china_horizon_is_the_last_state_council_notice_in_the_data() -> None:
    data = holidays.country_holidays("CN", years=())
    last_notice = max(data.special_public_holidays)
    china = get_calendar(CHINA, first_year=2018, last_year=2030)
    assert china.horizon == date(last_notice, 12, 31)
    assert china.horizon_source == "data"
    assert china.published.notice is YEARLY_NOTICES["CN"]
    if version("holidays") == "0.109":
        assert china.horizon == date(2026, 12, 31)


# With holidays 0.109: the notice countries stop at their last notice (2026); Indonesia and the
# Philippines at their first estimated Eid (2027); Malaysia and Singapore have confirmed
# 2027 lists and estimate from 2028.
PUBLISHED_0_109 = {
    "CN": 2026,
    "ID+government": 2026,
    "MY-14": 2027,
    "MY-KDH": 2027,
    "MY-JHR": 2027,
    "PH+workday": 2026,
    "SG": 2027,
    "TH": 2026,
    "VN": 2026,
}


@pytest.mark.parametrize("spec", SPECS, ids=str)
def test_every_calendar_horizon_comes_from_its_data(spec: CalendarSpec) -> None:
    built = get_calendar(spec, first_year=2018, last_year=2030, allow_estimates=True)
    data = built.published
    assert built.horizon == data.horizon == date(data.last_published_year, 12, 31)
    # Every year up to the horizon is published: its notice is in the data, nothing estimated.
    for year in range(2018, data.last_published_year + 1):
        assert data.reasons(year) == [], year
        assert built.estimate_reasons(year) == []
    # Every year after it says why not, and the year right after names the cause.
    after = built.estimated_years()
    assert list(after) == list(range(data.last_published_year + 1, 2031))
    assert all(after.values())
    first = data.last_published_year + 1
    if data.notice is not None and (data.last_notice_year or 0) < first:
        assert data.notice.title in after[first][0]
    else:
        assert first in data.estimated and "only estimates the dates of" in after[first][-1]
    if version("holidays") == "0.109":
        assert data.last_published_year == PUBLISHED_0_109[built.name]


def test_estimated_names_come_from_the_data_without_the_label() -> None:
    indonesia = get_calendar(CalendarSpec("ID"), first_year=2018, last_year=2028)
    source = holidays.country_holidays("ID", years=range(2018, 2029), language="en_US")
    estimated_years = {d.year for d, name in source.items() if "(estimated)" in name}
    assert set(indonesia.published.estimated) == {
        y for y in estimated_years if all(z in estimated_years for z in range(y, 2029))
    }
    for names in indonesia.published.estimated.values():
        assert names and not any("estimated" in name for name in names)
    if version("holidays") == "0.109":
        assert indonesia.published.estimated[2027] == (
            "Eid al-Fitr",
            "Eid al-Fitr Second Day",
            "Eid al-Adha",
        )


def test_a_calendar_built_within_its_published_years_ends_at_its_last_day() -> None:
    singapore = get_calendar(CalendarSpec("SG"), first_year=2018, last_year=2026)
    assert singapore.horizon == singapore.last_day == date(2026, 12, 31)
    assert singapore.estimated_years() == {}


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


# A made-up notice for 2027 (the shape of the State Council's: days off, and weekend days worked).
NOTICE_2027 = YearNotice(
    year=2027,
    source="notice entered for the test",
    days_off=((date(2027, 1, 1), "New Year's Day"), (date(2027, 2, 8), "Spring Festival")),
    working_days=((date(2027, 2, 6), "make-up working day (Spring Festival)"),),
)


def test_a_notice_entered_moves_the_horizon_and_replaces_the_year() -> None:
    plain = get_calendar(CHINA, first_year=2020, last_year=2028, allow_estimates=True)
    entered = get_calendar(
        CHINA,
        first_year=2020,
        last_year=2028,
        overrides=CalendarOverrides(notices=[NOTICE_2027]),
    )
    assert plain.horizon == date(2026, 12, 31)
    assert entered.horizon == date(2027, 12, 31) and entered.horizon_source == "notices"
    assert entered.name == "CN*"
    assert entered.estimate_reasons(2027) == []
    assert list(entered.estimated_years()) == [2028]
    # The year is the notice's alone: its days off close, its make-up Saturday works, and the
    # holidays' rule-based guess for 2027 (a Spring Festival week, a National Day week) is gone.
    assert not entered.is_business_day(date(2027, 2, 8))
    assert entered.describe(date(2027, 2, 8)).name == "Spring Festival"
    assert entered.is_business_day(date(2027, 2, 6))
    assert entered.describe(date(2027, 2, 6)).kind == "make_up_workday"
    guessed = [d for d in plain.closures if d.year == 2027 and d.weekday() < 5]
    assert guessed and date(2027, 10, 4) in guessed
    assert all(entered.is_business_day(d) for d in guessed if d not in dict(NOTICE_2027.days_off))
    assert entered.make_up_workdays & {d for d in plain.make_up_workdays if d.year == 2027} == set()
    # Other years are untouched.
    assert all(
        entered.is_business_day(d) == plain.is_business_day(d)
        for d in days(date(2026, 1, 1), date(2026, 12, 31))
    )


def test_a_notice_after_a_gap_does_not_move_the_horizon() -> None:
    notice_2028 = YearNotice(
        year=2028, source="test", days_off=((date(2028, 1, 3), "New Year's Day"),)
    )
    gap = get_calendar(
        CHINA,
        first_year=2020,
        last_year=2028,
        allow_estimates=True,
        overrides=CalendarOverrides(notices=[notice_2028]),
    )
    assert gap.horizon == date(2026, 12, 31) and gap.horizon_source == "data"
    assert "State Council" in gap.estimate_reasons(2027)[0]
    assert gap.estimate_reasons(2028) == [
        "its notice is entered, but the horizon stops at 2026-12-31: 2027 is neither in the "
        "data nor entered"
    ]


def test_a_horizon_set_by_hand_says_so() -> None:
    early = get_calendar(
        CHINA, first_year=2020, last_year=2028, horizon=date(2026, 6, 30), allow_estimates=True
    )
    assert early.horizon_source == "set" and early.name == "CN*"
    assert list(early.estimated_years()) == [2026, 2027, 2028]
    assert early.estimate_reasons(2026) == ["past the horizon set for this calendar (2026-06-30)"]
    assert early.estimate_reasons(2027)[0] == early.estimate_reasons(2026)[0]
    assert "State Council" in early.estimate_reasons(2027)[1]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"year": 2027, "source": " ", "days_off": ()}, "source must be text"),
        (
            {"year": 2027, "source": "x", "days_off": ((date(2026, 12, 31), "a"),)},
            "2026-12-31 is not in 2027",
        ),
        (
            {
                "year": 2027,
                "source": "x",
                "days_off": ((date(2027, 1, 1), "a"),),
                "working_days": ((date(2027, 1, 1), "b"),),
            },
            "both a day off and a working day: 2027-01-01",
        ),
    ],
)
def test_a_bad_notice_is_refused(arguments: dict[str, object], message: str) -> None:
    with pytest.raises(CalendarConfigError, match=message):
        YearNotice(**arguments)  # type: ignore[arg-type]


def test_two_notices_for_one_year_are_refused() -> None:
    with pytest.raises(CalendarConfigError, match="two notices for 2027"):
        CalendarOverrides(notices=[NOTICE_2027, NOTICE_2027])
    overrides = CalendarOverrides(notices=[NOTICE_2027])
    assert pickle.loads(pickle.dumps(overrides)) == overrides
    assert hash(overrides) == hash(CalendarOverrides(notices=[NOTICE_2027]))
    assert overrides != CalendarOverrides()
