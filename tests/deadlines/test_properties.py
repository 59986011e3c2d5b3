"""Properties of deadlines, at the deadline level (trigger instant in, ``due`` out), over every
marketplace calendar: the due day is a business day, exactly N business days are counted,
monotone in the trigger and in N, composition, independence from the offset the trigger was
written with, agreement with ``holidays``' own ``get_nth_working_day``, make-up days counted,
and the business-hours and cut-off variants."""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import holidays
import pytest
import yaml
from holidays import HolidayBase
from hypothesis import given, settings
from hypothesis import strategies as st

from ipp_rules.calendars import NON_CLOSING_CATEGORIES, BusinessCalendar
from ipp_rules.deadlines import DeadlinePolicy, compute_deadline, compute_due
from tests.conftest import REPO

KIND = "merchant_counter_notification"
PROPERTY = settings(max_examples=60, deadline=None)

MARKETPLACES: tuple[tuple[str, str | None], ...] = (
    ("taobao", None),
    ("lazada", "ID"),
    ("lazada", "MY"),
    ("lazada", "PH"),
    ("lazada", "SG"),
    ("lazada", "TH"),
    ("lazada", "VN"),
)

# Triggers chosen so that 40 business days stay within the published horizon (2026-12-31),
# even across the Spring Festival and Tet.
instants = st.datetimes(
    min_value=datetime(2018, 1, 2), max_value=datetime(2026, 9, 30), timezones=st.just(UTC)
)
small = st.integers(min_value=1, max_value=20)
marketplaces = st.sampled_from(MARKETPLACES)
offsets = st.builds(
    lambda minutes: timezone(timedelta(minutes=minutes)),
    st.integers(min_value=-12 * 60, max_value=14 * 60),
)
zones = st.sampled_from(
    ["UTC", "America/New_York", "Europe/Berlin", "Asia/Kolkata", "Asia/Makassar", "Pacific/Apia"]
)


@functools.cache
def policy(
    n: int = 3,
    trigger: str = "count_from_next_day",
    ends: str = "end_of_day",
    hours: int = 24,
) -> DeadlinePolicy:
    """The shipped policy with the merchant's window set to ``n`` business days."""
    data: dict[str, Any] = yaml.safe_load((REPO / "rulesets" / "deadlines.yaml").read_text())
    semantics: dict[str, Any] = {"non_business_trigger": trigger, "ends": ends}
    if ends == "cutoff":
        semantics["cutoff"] = "17:30"
    data["semantics"] = semantics
    data["deadlines"][KIND]["default"] = {"business_days": n}
    data["deadlines"]["takedown_processing"]["default"] = {"business_hours": hours}
    data["deadlines"]["takedown_processing"]["marketplaces"] = {}
    return DeadlinePolicy.model_validate(data)


def calendar(platform: str, country: str | None) -> BusinessCalendar:
    return policy().calendar_for(platform, country)


def local_day(received: datetime, platform: str, country: str | None) -> date:
    zone = ZoneInfo(compute_deadline(policy(), platform, KIND, received, country).timezone)
    return received.astimezone(zone).date()


@functools.cache
def oracle(platform: str, country: str | None) -> HolidayBase:
    """A fresh ``holidays`` object for the calendar's country, fully populated."""
    spec = calendar(platform, country).spec
    return holidays.country_holidays(
        spec.country,
        subdiv=spec.subdivision,
        years=range(2018, 2028),
        categories=[c for c in spec.categories if c not in NON_CLOSING_CATEGORIES],
        expand=False,
    )


@PROPERTY
@given(instants, small, marketplaces)
def test_the_due_day_is_a_business_day_and_due_is_its_end(
    received: datetime, n: int, where: tuple[str, str | None]
) -> None:
    deadline = compute_deadline(policy(n), where[0], KIND, received, where[1])
    cal = calendar(*where)
    assert cal.is_business_day(deadline.last_day)
    zone = ZoneInfo(deadline.timezone)
    assert deadline.due == datetime.combine(deadline.last_day + timedelta(days=1), time(0), zone)
    assert deadline.due > received


@PROPERTY
@given(instants, small, marketplaces)
def test_exactly_n_business_days_are_counted(
    received: datetime, n: int, where: tuple[str, str | None]
) -> None:
    deadline = compute_deadline(policy(n), where[0], KIND, received, where[1])
    cal = calendar(*where)
    start = deadline.local_received_at.date()
    days = [start + timedelta(days=i) for i in range(1, (deadline.last_day - start).days + 1)]
    counted = [d for d in days if cal.is_business_day(d)]
    assert len(counted) == n
    assert counted[-1] == deadline.last_day


@PROPERTY
@given(instants, instants, small, marketplaces)
def test_monotone_in_the_trigger(
    a: datetime, b: datetime, n: int, where: tuple[str, str | None]
) -> None:
    early, late = min(a, b), max(a, b)
    first = compute_due(policy(n), where[0], KIND, early, where[1])
    second = compute_due(policy(n), where[0], KIND, late, where[1])
    assert first[0] <= second[0]
    assert first[1] <= second[1]


@PROPERTY
@given(instants, small, small, marketplaces)
def test_strictly_monotone_in_n(
    received: datetime, a: int, b: int, where: tuple[str, str | None]
) -> None:
    if a == b:
        b = a + 1
    fewer, more = min(a, b), max(a, b)
    first = compute_due(policy(fewer), where[0], KIND, received, where[1])
    second = compute_due(policy(more), where[0], KIND, received, where[1])
    assert first[0] < second[0]


@PROPERTY
@given(instants, small, small, marketplaces)
def test_n_then_m_is_n_plus_m(
    received: datetime, n: int, m: int, where: tuple[str, str | None]
) -> None:
    platform, country = where
    first = compute_deadline(policy(n), platform, KIND, received, country)
    zone = ZoneInfo(first.timezone)
    again = datetime.combine(first.last_day, time(12), zone)
    then = compute_due(policy(m), platform, KIND, again, country)
    both = compute_due(policy(n + m), platform, KIND, received, country)
    assert then == both


@PROPERTY
@given(instants, small, marketplaces, offsets, zones)
def test_independent_of_the_offset_the_trigger_was_written_with(
    received: datetime, n: int, where: tuple[str, str | None], offset: timezone, zone: str
) -> None:
    platform, country = where
    expected = compute_deadline(policy(n), platform, KIND, received, country)
    for written in (received.astimezone(offset), received.astimezone(ZoneInfo(zone))):
        deadline = compute_deadline(policy(n), platform, KIND, written, country)
        assert deadline.due.isoformat() == expected.due.isoformat()
        assert deadline.last_day == expected.last_day
        assert deadline.local_received_at == expected.local_received_at
        assert deadline.received_at == written


@PROPERTY
@given(instants, st.integers(min_value=1, max_value=40), marketplaces)
def test_agrees_with_holidays_get_nth_working_day(
    received: datetime, n: int, where: tuple[str, str | None]
) -> None:
    deadline = compute_deadline(policy(n), where[0], KIND, received, where[1])
    expected = oracle(*where).get_nth_working_day(deadline.local_received_at.date(), n)
    assert deadline.last_day == expected


@pytest.mark.parametrize(
    "make_up",
    # Every make-up working day in the policy's years (2018-) up to the calendar's horizon.
    [
        d
        for d in sorted(calendar("taobao", None).make_up_workdays)
        if date(2018, 1, 2) <= d and d.year <= 2026
    ],
)
def test_make_up_days_are_counted(make_up: date) -> None:
    zone = ZoneInfo("Asia/Shanghai")
    eve = datetime.combine(make_up - timedelta(days=1), time(20), zone)
    deadline = compute_deadline(policy(1), "taobao", KIND, eve)
    assert deadline.last_day == make_up
    assert make_up.weekday() >= 5


@PROPERTY
@given(instants, small, marketplaces)
def test_the_two_conventions(received: datetime, n: int, where: tuple[str, str | None]) -> None:
    platform, country = where
    cal = calendar(platform, country)
    counted = compute_deadline(policy(n), platform, KIND, received, country)
    deemed = compute_deadline(
        policy(n, "deemed_received_next_business_day"), platform, KIND, received, country
    )
    day = counted.local_received_at.date()
    if cal.is_business_day(day):
        assert deemed.due == counted.due
    else:
        # count from the next day: as if received on the previous business day;
        # deemed received: as if received on the next business day.
        zone = ZoneInfo(counted.timezone)
        before = datetime.combine(cal.previous_business_day(day), time(9), zone)
        after = datetime.combine(cal.next_business_day(day), time(9), zone)
        assert counted.due == compute_due(policy(n), platform, KIND, before, country)[0]
        assert deemed.due == compute_due(policy(n), platform, KIND, after, country)[0]
        assert deemed.due > counted.due


@PROPERTY
@given(instants, small, marketplaces)
def test_a_cutoff_ends_the_same_last_day(
    received: datetime, n: int, where: tuple[str, str | None]
) -> None:
    platform, country = where
    full = compute_deadline(policy(n), platform, KIND, received, country)
    cut = compute_deadline(policy(n, ends="cutoff"), platform, KIND, received, country)
    assert cut.last_day == full.last_day
    assert cut.due == datetime.combine(full.last_day, time(17, 30), ZoneInfo(full.timezone))


@PROPERTY
@given(instants, st.integers(min_value=1, max_value=10), marketplaces)
def test_whole_days_of_business_hours_keep_the_clock_time(
    received: datetime, n: int, where: tuple[str, str | None]
) -> None:
    platform, country = where
    cal = calendar(platform, country)
    hours = policy(hours=24 * n)
    deadline = compute_deadline(hours, platform, "takedown_processing", received, country)
    local = deadline.local_received_at
    day = local.date()
    zone = ZoneInfo(deadline.timezone)
    if not cal.is_business_day(day):
        start = datetime.combine(cal.next_business_day(day), time(0), zone)
        assert (
            deadline.due == compute_due(hours, platform, "takedown_processing", start, country)[0]
        )
    elif local.time() != time(0):
        expected = datetime.combine(cal.add_business_days(day, n), local.time(), zone)
        assert deadline.due == expected
        assert deadline.last_day == cal.add_business_days(day, n)
    assert cal.is_business_day(deadline.last_day)
    # Every hour of the period lies on a business day: 24 n hours in all.
    total = timedelta(0)
    cursor = (
        local
        if cal.is_business_day(day)
        else datetime.combine(cal.next_business_day(day), time(0), zone)
    )
    while cursor < deadline.due:
        end_of_day = datetime.combine(cursor.date() + timedelta(days=1), time(0), zone)
        stop = min(end_of_day, deadline.due)
        if cal.is_business_day(cursor.date()):
            total += stop.replace(tzinfo=None) - cursor.replace(tzinfo=None)
        cursor = stop
    assert total == timedelta(hours=24 * n)
