"""Deadlines at the deadline level: worked examples (State Council notices, PRC Civil Code)
with exact ``due`` instants, both non-business-trigger conventions, cut-off ends,
business-hours periods, every marketplace family and Lazada country in its own timezone, the
horizon, overrides, typed errors, and YAML errors with their locations."""

from __future__ import annotations

import copy
import pickle
import threading
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from ipp_rules.deadlines import (
    DEADLINE_KINDS,
    Deadline,
    DeadlinePolicy,
    compute_deadline,
    compute_due,
    deadline_function,
    load_deadline_policy,
)
from ipp_rules.errors import (
    CalendarHorizonError,
    DeadlineError,
    RulesetError,
    UnknownMarketplaceError,
)

REPO = Path(__file__).resolve().parents[1]
CST = timezone(timedelta(hours=8))
WIB = timezone(timedelta(hours=7))

MINIMAL = """\
semantics:
  non_business_trigger: count_from_next_day
  ends: end_of_day
calendars:
  first_year: 2024
  last_year: 2027
  allow_estimates: false
  overrides: {}
deadlines:
  merchant_counter_notification:
    title: merchant window
    source: Handbook 1 A
    default: {business_days: 3}
  rights_holder_response:
    title: response window
    source: Handbook 2 B 3
    default: {business_days: 3}
  account_verification:
    title: verification
    source: Handbook 2 A Step 4
    default: {business_days: 3}
  takedown_processing:
    title: processing
    source: Handbook 3 A
    default: {business_hours: 24}
    marketplaces:
      lazada: {business_days: 5, source: Handbook 3 B}
"""


def minimal() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(MINIMAL)
    return data


def policy_from(data: dict[str, Any]) -> DeadlinePolicy:
    return DeadlinePolicy.model_validate(data)


def with_semantics(**semantics: Any) -> DeadlinePolicy:
    data = minimal()
    data["semantics"] = {**data["semantics"], **semantics}
    return policy_from(data)


@pytest.fixture(scope="module")
def shipped() -> DeadlinePolicy:
    return load_deadline_policy(REPO / "rulesets")


def cn(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=CST)


def due_of(policy: DeadlinePolicy, received: datetime, platform: str = "taobao", **kw: Any) -> str:
    kind = kw.pop("kind", "merchant_counter_notification")
    return compute_deadline(policy, platform, kind, received, **kw).due.isoformat()


# ---------------------------------------------------------------------------------------------
# The worked examples (China, 3 business days, trigger day not counted, end 24:00 local)


@pytest.mark.parametrize(
    ("received", "due", "last_day"),
    [
        # Oct 8, 9, 10 (make-up Saturday)
        ("2026-09-30T10:00:00", "2026-10-11T00:00:00+08:00", date(2026, 10, 10)),
        # Sep 20 (make-up Sunday), 21, 22
        ("2026-09-18T10:00:00", "2026-09-23T00:00:00+08:00", date(2026, 9, 22)),
        # Sep 28 (make-up Sunday), 29, 30
        ("2025-09-26T10:00:00", "2025-10-01T00:00:00+08:00", date(2025, 9, 30)),
        # Feb 14 (make-up Saturday), then the Spring Festival Feb 15-23, then Feb 24, 25
        ("2026-02-13T10:00:00", "2026-02-26T00:00:00+08:00", date(2026, 2, 25)),
        # received on the make-up Saturday: Feb 24, 25, 26
        ("2026-02-14T10:00:00", "2026-02-27T00:00:00+08:00", date(2026, 2, 26)),
        # received on Sunday Feb 15 (a holiday), counted from the next day: Feb 24, 25, 26
        ("2026-02-15T10:00:00", "2026-02-27T00:00:00+08:00", date(2026, 2, 26)),
    ],
)
def test_worked_examples_of_china_deadlines(
    shipped: DeadlinePolicy, received: str, due: str, last_day: date
) -> None:
    deadline = compute_deadline(shipped, "taobao", "merchant_counter_notification", cn(received))
    assert deadline.due.isoformat() == due
    assert deadline.due.utcoffset() == timedelta(hours=8)
    assert str(deadline.due.tzinfo) == "Asia/Shanghai"
    assert deadline.last_day == last_day
    assert deadline.estimate is False


def test_the_design_example_in_full(shipped: DeadlinePolicy) -> None:
    received = cn("2026-09-18T10:00:00")
    deadline = compute_deadline(shipped, "taobao", "merchant_counter_notification", received)
    assert deadline.model_dump(mode="json") == {
        "kind": "merchant_counter_notification",
        "platform": "taobao",
        "country": None,
        "received_at": "2026-09-18T10:00:00+08:00",
        "local_received_at": "2026-09-18T10:00:00+08:00",
        "due": "2026-09-23T00:00:00+08:00",
        "last_day": "2026-09-22",
        "business_days": 3,
        "business_hours": None,
        "calendar": "CN",
        "timezone": "Asia/Shanghai",
        "semantics": {
            "non_business_trigger": "count_from_next_day",
            "ends": "end_of_day",
            "cutoff": None,
        },
        "estimate": False,
        "estimates": [],
        "source": deadline.source,
    }
    assert deadline.source.startswith("IPR Protection Handbook, Section 1 A")
    assert "three business days" in deadline.source


def test_the_two_non_business_trigger_conventions() -> None:
    sunday_holiday = cn("2026-02-15T10:00:00")
    counted = with_semantics(non_business_trigger="count_from_next_day")
    deemed = with_semantics(non_business_trigger="deemed_received_next_business_day")
    assert due_of(counted, sunday_holiday) == "2026-02-27T00:00:00+08:00"
    assert due_of(deemed, sunday_holiday) == "2026-02-28T00:00:00+08:00"
    late = compute_deadline(deemed, "taobao", "rights_holder_response", sunday_holiday)
    assert late.semantics.non_business_trigger == "deemed_received_next_business_day"
    assert late.last_day == date(2026, 2, 27)
    # They differ only for a receipt on a non-business day (the make-up Saturday is one).
    for text in ("2026-02-13T10:00:00", "2026-02-14T10:00:00", "2026-09-18T23:59:59"):
        assert due_of(counted, cn(text)) == due_of(deemed, cn(text))


def test_the_trigger_instant_is_taken_in_the_marketplace_timezone(
    shipped: DeadlinePolicy,
) -> None:
    # 2026-09-17T18:00Z is Friday 02:00 in Shanghai; 15:59:59Z is still Thursday there.
    friday = datetime(2026, 9, 17, 18, 0, tzinfo=UTC)
    thursday = datetime(2026, 9, 17, 15, 59, 59, tzinfo=UTC)
    deadline = compute_deadline(shipped, "tmall", "merchant_counter_notification", friday)
    assert deadline.local_received_at.isoformat() == "2026-09-18T02:00:00+08:00"
    assert deadline.received_at == friday
    assert deadline.due.isoformat() == "2026-09-23T00:00:00+08:00"
    assert due_of(shipped, thursday, "tmall") == "2026-09-22T00:00:00+08:00"


# ---------------------------------------------------------------------------------------------
# Ends at a cut-off time


def test_a_cutoff_end_from_the_file_defaults() -> None:
    policy = with_semantics(ends="cutoff", cutoff="18:00")
    deadline = compute_deadline(
        policy, "taobao", "merchant_counter_notification", cn("2026-09-18T10:00:00")
    )
    assert deadline.due.isoformat() == "2026-09-22T18:00:00+08:00"
    assert deadline.last_day == date(2026, 9, 22)
    assert deadline.semantics.model_dump(mode="json") == {
        "non_business_trigger": "count_from_next_day",
        "ends": "cutoff",
        "cutoff": "18:00",
    }


def test_a_period_with_its_own_settings_overrides_the_file() -> None:
    data = minimal()
    data["deadlines"]["rights_holder_response"]["default"] = {
        "business_days": 2,
        "ends": "cutoff",
        "cutoff": "17:30",
        "non_business_trigger": "deemed_received_next_business_day",
    }
    policy = policy_from(data)
    # Sunday Feb 15 (holiday) deemed received Tue Feb 24; Feb 25, 26; ends 17:30 on Feb 26.
    deadline = compute_deadline(policy, "1688", "rights_holder_response", cn("2026-02-15T09:00:00"))
    assert deadline.due.isoformat() == "2026-02-26T17:30:00+08:00"
    assert deadline.business_days == 2
    # The other kinds keep the file's settings.
    assert due_of(policy, cn("2026-02-15T09:00:00"), "1688") == "2026-02-27T00:00:00+08:00"


def test_a_period_may_return_to_end_of_day_under_a_cutoff_default() -> None:
    data = minimal()
    data["semantics"] = {"ends": "cutoff", "cutoff": "18:00"}
    data["deadlines"]["account_verification"]["default"] = {
        "business_days": 3,
        "ends": "end_of_day",
    }
    policy = policy_from(data)
    received = cn("2026-09-18T10:00:00")
    assert due_of(policy, received, kind="account_verification") == "2026-09-23T00:00:00+08:00"
    assert due_of(policy, received) == "2026-09-22T18:00:00+08:00"


# ---------------------------------------------------------------------------------------------
# Business hours: 24 hours that run on business days only


@pytest.mark.parametrize(
    ("received", "due", "last_day"),
    [
        # Friday 15:00 with Saturday and Sunday off: 9 hours Friday, 15 hours Monday.
        ("2026-09-11T15:00:00", "2026-09-14T15:00:00+08:00", date(2026, 9, 14)),
        # received on Saturday: the clock starts at 00:00 on Monday
        ("2026-09-12T10:00:00", "2026-09-15T00:00:00+08:00", date(2026, 9, 14)),
        # received at 00:00 of a business day: 24:00 the same day
        ("2026-09-14T00:00:00", "2026-09-15T00:00:00+08:00", date(2026, 9, 14)),
        # Friday before the Spring Festival: Saturday Feb 14 is a make-up working day
        ("2026-02-13T15:00:00", "2026-02-14T15:00:00+08:00", date(2026, 2, 14)),
        # the make-up Saturday 15:00: 9 hours, then Feb 15-23 are off, then 15 hours on Feb 24
        ("2026-02-14T15:00:00", "2026-02-24T15:00:00+08:00", date(2026, 2, 24)),
        # during the holiday: from 00:00 on Feb 24
        ("2026-02-18T11:00:00", "2026-02-25T00:00:00+08:00", date(2026, 2, 24)),
        # a second is kept to the microsecond
        ("2026-09-11T15:00:00.000123", "2026-09-14T15:00:00.000123+08:00", date(2026, 9, 14)),
    ],
)
def test_business_hours_periods(
    shipped: DeadlinePolicy, received: str, due: str, last_day: date
) -> None:
    deadline = compute_deadline(shipped, "aliexpress", "takedown_processing", cn(received))
    assert deadline.due.isoformat() == due
    assert deadline.last_day == last_day
    assert deadline.business_hours == 24
    assert deadline.business_days is None
    assert deadline.semantics.ends == "hours_elapsed"
    assert deadline.semantics.non_business_trigger == "deemed_received_next_business_day"


def test_business_hours_longer_than_a_day() -> None:
    data = minimal()
    data["deadlines"]["takedown_processing"]["default"] = {"business_hours": 48}
    policy = policy_from(data)
    # 9 hours Fri Feb 13, 24 hours on the make-up Sat Feb 14, 15 hours on Tue Feb 24.
    deadline = compute_deadline(policy, "tmall", "takedown_processing", cn("2026-02-13T15:00:00"))
    assert deadline.due.isoformat() == "2026-02-24T15:00:00+08:00"
    assert deadline.business_hours == 48


# ---------------------------------------------------------------------------------------------
# Every marketplace family, every Lazada country, in its own timezone


@pytest.mark.parametrize("platform", ["taobao", "tmall", "tmall_global", "1688", "aliexpress"])
def test_the_china_marketplaces_share_the_china_calendar(
    shipped: DeadlinePolicy, platform: str
) -> None:
    deadline = compute_deadline(
        shipped, platform, "rights_holder_response", cn("2026-09-30T10:00:00")
    )
    assert deadline.due.isoformat() == "2026-10-11T00:00:00+08:00"
    assert (deadline.calendar, deadline.timezone) == ("CN", "Asia/Shanghai")
    assert deadline.platform == platform
    assert deadline.country is None


def test_alibaba_com(shipped: DeadlinePolicy) -> None:
    deadline = compute_deadline(
        shipped, "alibaba_com", "account_verification", cn("2025-09-26T18:00:00")
    )
    assert deadline.due.isoformat() == "2025-10-01T00:00:00+08:00"
    assert "three working days" in deadline.source


@pytest.mark.parametrize(
    ("country", "received", "due", "local_day", "zone"),
    [
        # 16:30Z is 23:30 on Mar 19 in WIB (Nyepi, the Day of Silence); in WITA it would be
        # Mar 20. Counted: Fri Mar 20 (collective leave, a working day by default), 23, 24.
        ("ID", "2026-03-19T16:30:00+00:00", "2026-03-25T00:00:00+07:00", "2026-03-19", "Jakarta"),
        # Kuala Lumpur: Federal Territory Day and Thaipusam fall on Sunday Feb 1 and are
        # observed on Monday Feb 2: counted Feb 3, 4, 5.
        ("MY", "2026-01-30T10:00:00+08:00", "2026-02-06T00:00:00+08:00", "2026-01-30", "Kuala"),
        # Feb 25 (EDSA anniversary) is a special *working* day: counted Feb 25, 26, 27.
        ("PH", "2026-02-24T10:00:00+08:00", "2026-02-28T00:00:00+08:00", "2026-02-24", "Manila"),
        # Vesak Day on Sunday May 31 is observed on Monday Jun 1: counted Jun 2, 3, 4.
        ("SG", "2026-05-29T10:00:00+08:00", "2026-06-05T00:00:00+08:00", "2026-05-29", "Singapore"),
        # Songkran Apr 13-15: counted Apr 16, 17, 20.
        ("TH", "2026-04-10T10:00:00+07:00", "2026-04-21T00:00:00+07:00", "2026-04-10", "Bangkok"),
        # Tet Feb 14-22 (weekends included): counted Feb 23, 24, 25.
        ("VN", "2026-02-13T10:00:00+07:00", "2026-02-26T00:00:00+07:00", "2026-02-13", "Ho_Chi"),
    ],
)
def test_every_lazada_country(
    shipped: DeadlinePolicy, country: str, received: str, due: str, local_day: str, zone: str
) -> None:
    deadline = compute_deadline(
        shipped,
        "lazada",
        "merchant_counter_notification",
        datetime.fromisoformat(received),
        country=country,
    )
    assert deadline.due.isoformat() == due
    assert deadline.local_received_at.date().isoformat() == local_day
    assert zone in deadline.timezone
    assert str(deadline.due.tzinfo) == deadline.timezone
    assert deadline.country == country


def test_lazada_takes_down_in_five_working_days(shipped: DeadlinePolicy) -> None:
    deadline = compute_deadline(
        shipped,
        "lazada",
        "takedown_processing",
        datetime(2026, 3, 19, 16, 30, tzinfo=UTC),
        country="ID",
    )
    # Fri Mar 20, Mon 23, Tue 24, Wed 25, Thu 26
    assert deadline.due.isoformat() == "2026-03-27T00:00:00+07:00"
    assert deadline.business_days == 5
    assert deadline.source.startswith('IPR Protection Handbook, Section 3 B "Supplemental Lazada')


def test_indonesia_collective_leave_can_close_the_calendar() -> None:
    data = minimal()
    data["calendars"]["indonesia_collective_leave"] = True
    policy = policy_from(data)
    deadline = compute_deadline(
        policy,
        "lazada",
        "merchant_counter_notification",
        datetime(2026, 3, 19, 16, 30, tzinfo=UTC),
        country="ID",
    )
    # Mar 20, 23 and 24 are cuti bersama: counted Mar 25, 26, 27.
    assert deadline.due.isoformat() == "2026-03-28T00:00:00+07:00"
    assert deadline.calendar == "ID+government"


# ---------------------------------------------------------------------------------------------
# Per-marketplace and per-country periods


def test_marketplace_and_country_periods_with_their_sources() -> None:
    data = minimal()
    data["deadlines"]["merchant_counter_notification"]["marketplaces"] = {
        "alibaba_com": {"business_days": 5, "source": "Alibaba.com rule"},
        "lazada": {
            "business_days": 4,
            "countries": {"VN": {"business_days": 2, "ends": "cutoff", "cutoff": "17:00"}},
        },
    }
    policy = policy_from(data)
    received = cn("2026-09-18T10:00:00")
    com = compute_deadline(policy, "alibaba_com", "merchant_counter_notification", received)
    assert (com.business_days, com.source) == (5, "Alibaba.com rule")
    assert com.due.isoformat() == "2026-09-25T00:00:00+08:00"
    tao = compute_deadline(policy, "taobao", "merchant_counter_notification", received)
    assert (tao.business_days, tao.source) == (3, "Handbook 1 A")
    vn = compute_deadline(policy, "lazada", "merchant_counter_notification", received, "VN")
    assert vn.due.isoformat() == "2026-09-22T17:00:00+07:00"
    assert vn.source == "Handbook 1 A"
    sg = compute_deadline(policy, "lazada", "merchant_counter_notification", received, "SG")
    assert sg.business_days == 4
    assert sg.due.isoformat() == "2026-09-25T00:00:00+08:00"


# ---------------------------------------------------------------------------------------------
# Calendar overrides


def test_overrides_add_closures_and_working_days() -> None:
    data = minimal()
    data["calendars"]["overrides"] = {
        "CN": {
            "closures": {"2026-09-21": "IPP maintenance closure"},
            "working_days": {"2026-09-19": "Extra working Saturday"},
        },
        "MY-14": {"closures": {"2026-09-21": "Office move"}},
    }
    policy = policy_from(data)
    received = cn("2026-09-18T10:00:00")
    # Sat 19 (override), Sun 20 (make-up), skip Mon 21 (closure), Tue 22
    deadline = compute_deadline(policy, "taobao", "merchant_counter_notification", received)
    assert deadline.due.isoformat() == "2026-09-23T00:00:00+08:00"
    assert deadline.last_day == date(2026, 9, 22)
    assert deadline.calendar == "CN*"
    account = compute_deadline(policy, "taobao", "account_verification", cn("2026-09-17T10:00"))
    assert account.last_day == date(2026, 9, 20)  # Fri 18, Sat 19 (override), Sun 20
    malaysia = compute_deadline(policy, "lazada", "merchant_counter_notification", received, "MY")
    assert malaysia.last_day == date(2026, 9, 24)  # Tue 22, Wed 23, Thu 24 (Mon 21 closed)
    assert malaysia.calendar == "MY-14*"
    singapore = compute_deadline(policy, "lazada", "merchant_counter_notification", received, "SG")
    assert singapore.last_day == date(2026, 9, 23)
    assert singapore.calendar == "SG"


# ---------------------------------------------------------------------------------------------
# The horizon and estimates


def test_a_china_deadline_into_the_next_year_answers_as_an_estimate(
    shipped: DeadlinePolicy,
) -> None:
    """The bundled rules answer past the horizon, and say which calendar year is guessed."""
    received = cn("2026-12-30T10:00:00")
    deadline = compute_deadline(shipped, "taobao", "merchant_counter_notification", received)
    # Thu Dec 31; Fri Jan 1 is New Year's Day (by holidays' rule); Mon Jan 4; Tue Jan 5.
    assert deadline.due.isoformat() == "2027-01-06T00:00:00+08:00"
    assert deadline.estimate is True
    (estimate,) = deadline.estimates
    assert (estimate.calendar, estimate.year) == ("CN", 2027)
    assert estimate.reason.startswith(
        "the State Council notice with its days off and make-up working days is not in the data"
    )
    assert estimate.note == f"2027 China calendar (CN): {estimate.reason}"
    assert compute_due(shipped, "taobao", "merchant_counter_notification", received)[2] is True
    # A period that ends before the horizon is no estimate.
    inside = compute_deadline(shipped, "taobao", "merchant_counter_notification", cn("2026-12-25"))
    assert (inside.last_day, inside.estimate, inside.estimates) == (date(2026, 12, 30), False, ())


def test_every_calendar_past_its_horizon_says_why(shipped: DeadlinePolicy) -> None:
    received = datetime(2027, 1, 5, 10, tzinfo=WIB)
    thailand = compute_deadline(shipped, "lazada", "rights_holder_response", received, "TH")
    assert thailand.due.isoformat() == "2027-01-09T00:00:00+07:00"
    assert thailand.estimate is True
    assert [e.year for e in thailand.estimates] == [2027]
    assert "Cabinet" in thailand.estimates[0].reason
    indonesia = compute_deadline(shipped, "lazada", "rights_holder_response", received, "ID")
    assert "only estimates the dates of Eid al-Fitr" in indonesia.estimates[0].reason
    # Malaysia's and Singapore's 2027 lists are published: no estimate in 2027.
    for country in ("MY", "SG"):
        published = compute_deadline(shipped, "lazada", "rights_holder_response", received, country)
        assert (published.estimate, published.estimates) == (False, ())


def test_a_period_across_two_estimated_years_names_both(shipped: DeadlinePolicy) -> None:
    deadline = compute_deadline(
        shipped, "taobao", "merchant_counter_notification", cn("2027-12-30T10:00:00")
    )
    assert deadline.estimate is True
    assert [(e.calendar, e.year) for e in deadline.estimates] == [("CN", 2027), ("CN", 2028)]


def test_the_strict_setting_refuses_past_the_horizon() -> None:
    strict = policy_from(minimal())
    assert strict.calendars.allow_estimates is False
    received = cn("2026-12-30T10:00:00")
    with pytest.raises(CalendarHorizonError) as caught:
        compute_deadline(strict, "taobao", "merchant_counter_notification", received)
    error = caught.value
    assert (error.calendar, error.asked, error.horizon, error.past_horizon) == (
        "CN",
        date(2026, 12, 30),
        date(2026, 12, 31),
        True,
    )
    message = str(error)
    assert "merchant_counter_notification on taobao" in message
    assert "allow_estimates: false in its deadlines.yaml" in message
    assert "2027 China calendar: the State Council notice" in message
    assert "calendars: overrides: CN: notices: 2027" in message
    assert "`ipp-rules init FOLDER`" in message and "--rules FOLDER" in message
    with pytest.raises(CalendarHorizonError):
        compute_due(strict, "taobao", "merchant_counter_notification", received)
    inside = compute_deadline(strict, "taobao", "merchant_counter_notification", cn("2026-12-25"))
    assert inside.last_day == date(2026, 12, 30)


def test_the_model_answers_with_estimates_when_the_file_does_not_say() -> None:
    data = minimal()
    del data["calendars"]["allow_estimates"]
    policy = policy_from(data)
    assert policy.calendars.allow_estimates is True
    deadline = compute_deadline(
        policy, "taobao", "merchant_counter_notification", cn("2026-12-30T10:00:00")
    )
    assert deadline.estimate is True


NOTICE_2027 = {
    "source": "notice entered for the test",
    "days_off": {
        "2027-01-01": "New Year's Day",
        "2027-01-04": "New Year holiday (moved)",
    },
    "working_days": {"2027-01-09": "make-up working day"},
}


def test_an_override_that_enters_a_notice_moves_the_horizon_and_removes_the_estimate() -> None:
    data = minimal()
    data["calendars"]["allow_estimates"] = True
    data["calendars"]["overrides"] = {"CN": {"notices": {2027: NOTICE_2027}}}
    policy = policy_from(data)
    received = cn("2026-12-30T10:00:00")
    deadline = compute_deadline(policy, "taobao", "merchant_counter_notification", received)
    # Thu Dec 31; Fri Jan 1 and Mon Jan 4 are days off by the notice; Tue 5, Wed 6.
    assert deadline.last_day == date(2027, 1, 6)
    assert (deadline.estimate, deadline.estimates, deadline.calendar) == (False, (), "CN*")
    assert policy.calendar_for("taobao").horizon == date(2027, 12, 31)
    # The notice's make-up Saturday is a business day.
    saturday = compute_deadline(
        policy, "taobao", "merchant_counter_notification", cn("2027-01-07T10:00:00")
    )
    assert saturday.last_day == date(2027, 1, 11)  # Fri 8, Sat 9, Mon 11
    # With the strict setting the entered year answers too.
    data["calendars"]["allow_estimates"] = False
    strict = compute_deadline(
        policy_from(data), "taobao", "merchant_counter_notification", received
    )
    assert strict.last_day == date(2027, 1, 6)
    # Other calendars keep their own horizon.
    other = compute_deadline(
        policy, "lazada", "merchant_counter_notification", received, country="TH"
    )
    assert other.estimate is True


def test_estimates_when_the_policy_allows_them() -> None:
    data = minimal()
    data["calendars"]["allow_estimates"] = True
    policy = policy_from(data)
    received = cn("2026-12-30T10:00:00")
    deadline = compute_deadline(policy, "taobao", "merchant_counter_notification", received)
    # Thu Dec 31; Fri Jan 1 is New Year's Day (by holidays' rule); Mon Jan 4; Tue Jan 5.
    assert deadline.due.isoformat() == "2027-01-06T00:00:00+08:00"
    assert deadline.estimate is True
    assert compute_due(policy, "taobao", "merchant_counter_notification", received)[2] is True
    within = compute_deadline(policy, "taobao", "merchant_counter_notification", cn("2026-12-01"))
    assert within.estimate is False
    with pytest.raises(CalendarHorizonError, match="after 2027-12-31"):
        compute_deadline(policy, "taobao", "merchant_counter_notification", cn("2027-12-30"))


def test_a_horizon_set_with_the_overrides_answers_past_the_published_one() -> None:
    """Staff who entered the year's official notice extend the horizon without estimates."""
    data = minimal()
    data["calendars"]["overrides"] = {
        "CN": {
            "horizon": "2027-12-31",
            "closures": {"2027-01-04": "2027 notice: New Year holiday moved"},
            "working_days": {"2027-01-09": "2027 notice: make-up working Saturday"},
        }
    }
    policy = policy_from(data)
    deadline = compute_deadline(
        policy, "taobao", "merchant_counter_notification", cn("2026-12-30T10:00:00")
    )
    # Thu Dec 31; Fri Jan 1 (New Year); Mon Jan 4 closed by the notice; Tue 5, Wed 6.
    assert deadline.last_day == date(2027, 1, 6)
    assert deadline.estimate is False
    assert deadline.calendar == "CN*"
    # The notice's make-up Saturday is a business day.
    saturday = compute_deadline(
        policy, "taobao", "merchant_counter_notification", cn("2027-01-07T10:00:00")
    )
    assert saturday.last_day == date(2027, 1, 11)  # Fri 8, Sat 9, Mon 11
    # Other calendars keep the published horizon.
    with pytest.raises(CalendarHorizonError) as caught:
        compute_deadline(
            policy,
            "lazada",
            "merchant_counter_notification",
            cn("2026-12-30T10:00:00"),
            country="TH",
        )
    assert caught.value.horizon == date(2026, 12, 31)
    assert "calendars: overrides: TH: notices: 2027" in str(caught.value)
    # A horizon alone (the notice matched the data) marks the calendar too.
    data["calendars"]["overrides"] = {"CN": {"horizon": "2027-06-30"}}
    alone = compute_deadline(
        policy_from(data), "taobao", "merchant_counter_notification", cn("2026-12-30T10:00:00")
    )
    assert (alone.calendar, alone.last_day, alone.estimate) == ("CN*", date(2027, 1, 5), False)


def test_a_horizon_outside_the_built_years_is_refused(tmp_path: Path) -> None:
    text = MINIMAL.replace(
        "  overrides: {}\n",
        "  overrides:\n    CN:\n      horizon: 2029-12-31\n",
    )
    (found,) = problems(tmp_path, text)
    assert found == (
        "deadlines.yaml:5:3: overrides.CN.horizon 2029-12-31 is outside the years the "
        "calendars are built for (2024 to 2027)"
    )


def test_before_the_first_year_is_an_error(shipped: DeadlinePolicy) -> None:
    with pytest.raises(CalendarHorizonError, match="before 2018-01-01") as caught:
        compute_deadline(shipped, "taobao", "merchant_counter_notification", cn("2017-12-31"))
    assert caught.value.past_horizon is False
    assert str(caught.value) == (
        "calendar CN: cannot answer for 2017-12-31 (merchant_counter_notification on taobao: "
        "before 2018-01-01, the first day this calendar was built for. The years the calendars "
        "are built for are calendars: first_year and last_year in the bundle's deadlines.yaml; "
        "change first_year there. `ipp-rules init FOLDER` copies the bundled rules into FOLDER "
        "to edit; then pass --rules FOLDER to every command (Engine.from_path(FOLDER) in "
        "Python))"
    )


def test_after_the_last_year_the_horizon_is_not_blamed(shipped: DeadlinePolicy) -> None:
    with pytest.raises(CalendarHorizonError) as caught:
        compute_deadline(shipped, "taobao", "merchant_counter_notification", cn("2099-01-01"))
    assert caught.value.past_horizon is False
    assert "horizon" not in str(caught.value)
    assert "after 2028-12-31, the last day this calendar was built for" in str(caught.value)
    copy = pickle.loads(pickle.dumps(caught.value))
    assert (copy.past_horizon, str(copy)) == (False, str(caught.value))


# ---------------------------------------------------------------------------------------------
# Typed errors


def test_a_naive_received_at_is_an_error(shipped: DeadlinePolicy) -> None:
    with pytest.raises(DeadlineError) as caught:
        compute_deadline(
            shipped, "taobao", "merchant_counter_notification", datetime(2026, 9, 18, 10)
        )
    (problem,) = caught.value.problems
    assert problem.location == "received_at"
    assert "no UTC offset" in problem.message
    with pytest.raises(DeadlineError, match="expected an aware datetime, got date"):
        compute_due(shipped, "taobao", "merchant_counter_notification", date(2026, 9, 18))  # type: ignore[arg-type]


def test_an_unknown_kind_lists_the_known_ones(shipped: DeadlinePolicy) -> None:
    with pytest.raises(DeadlineError) as caught:
        compute_deadline(shipped, "taobao", "merchant_counter_notice", cn("2026-09-18"))
    (problem,) = caught.value.problems
    assert problem.location == "kind"
    assert "did you mean 'merchant_counter_notification'?" in problem.message
    for kind in DEADLINE_KINDS:
        assert kind in problem.message


def test_unknown_marketplaces_and_countries(shipped: DeadlinePolicy) -> None:
    received = cn("2026-09-18T10:00:00")
    with pytest.raises(UnknownMarketplaceError) as caught:
        compute_deadline(shipped, "taobo", "merchant_counter_notification", received)
    assert caught.value.suggestion == "taobao"
    with pytest.raises(UnknownMarketplaceError, match="needs a country: one of ID, MY, PH"):
        compute_deadline(shipped, "lazada", "merchant_counter_notification", received)
    with pytest.raises(UnknownMarketplaceError, match="has no country 'CN'"):
        compute_deadline(shipped, "lazada", "merchant_counter_notification", received, "CN")
    with pytest.raises(UnknownMarketplaceError, match="has no country platforms"):
        compute_deadline(shipped, "taobao", "merchant_counter_notification", received, "ID")
    with pytest.raises(UnknownMarketplaceError):
        compute_due(shipped, "lazada", "takedown_processing", received, "id")
    with pytest.raises(UnknownMarketplaceError):
        deadline_function(shipped, "lazada")


def test_arguments_of_the_wrong_type_are_typed_errors(shipped: DeadlinePolicy) -> None:
    received = cn("2026-09-18T10:00:00")
    with pytest.raises(DeadlineError, match="unknown deadline kind"):
        compute_deadline(shipped, "taobao", ["takedown_processing"], received)  # type: ignore[arg-type]
    with pytest.raises(UnknownMarketplaceError, match="has no country"):
        compute_due(shipped, "lazada", "takedown_processing", received, ["ID"])  # type: ignore[arg-type]
    with pytest.raises(UnknownMarketplaceError, match="unknown marketplace"):
        compute_due(shipped, {"lazada"}, "takedown_processing", received)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------
# The model, the fast path, the shipped file


def test_fast_path_agrees_with_the_model(shipped: DeadlinePolicy) -> None:
    for platform, country in (("taobao", None), ("lazada", "TH"), ("lazada", "MY")):
        for kind in DEADLINE_KINDS:
            for day in range(1, 28, 3):
                received = datetime(2026, 6, day, 17, 45, tzinfo=UTC)
                deadline = compute_deadline(shipped, platform, kind, received, country)
                fast = compute_due(shipped, platform, kind, received, country)
                assert fast == (deadline.due, deadline.last_day, deadline.estimate)


def test_the_deadline_is_frozen_and_round_trips(shipped: DeadlinePolicy) -> None:
    deadline = compute_deadline(shipped, "taobao", "takedown_processing", cn("2026-09-11T15:00"))
    with pytest.raises(ValueError, match="frozen"):
        deadline.due = deadline.received_at  # type: ignore[misc]
    again = Deadline.model_validate_json(deadline.model_dump_json())
    assert again == deadline


def test_deadline_function_for_one_marketplace(shipped: DeadlinePolicy) -> None:
    deadlines = deadline_function(shipped, "lazada", "PH")
    deadline = deadlines("rights_holder_response", datetime(2026, 2, 24, 10, tzinfo=CST))
    assert deadline.due.isoformat() == "2026-02-28T00:00:00+08:00"
    assert deadline.country == "PH"


def test_the_shipped_policy(shipped: DeadlinePolicy) -> None:
    assert load_deadline_policy(REPO / "rulesets" / "deadlines.yaml") == shipped
    assert shipped.calendars.allow_estimates is True
    assert shipped.calendars.indonesia_collective_leave is False
    assert shipped.semantics.non_business_trigger == "count_from_next_day"
    assert shipped.semantics.ends == "end_of_day"
    assert [shipped.rule(kind).default.business_days for kind in DEADLINE_KINDS] == [
        3,
        3,
        3,
        None,
    ]
    assert shipped.rule("takedown_processing").default.business_hours == 24
    shipped.warm_up()
    schema = DeadlinePolicy.model_json_schema()
    assert set(schema["properties"]) == {"semantics", "calendars", "deadlines"}


def test_concurrent_first_use_gives_one_answer() -> None:
    policy = with_semantics()
    received = [datetime(2026, 5, 1, tzinfo=UTC) + timedelta(hours=7 * i) for i in range(200)]
    expected = [
        compute_due(with_semantics(), "lazada", "takedown_processing", r, "VN") for r in received
    ]
    results: list[list[object]] = []
    barrier = threading.Barrier(6)

    def work() -> None:
        barrier.wait()
        results.append(
            [compute_due(policy, "lazada", "takedown_processing", r, "VN") for r in received]
        )

    threads = [threading.Thread(target=work) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [expected] * 6


# ---------------------------------------------------------------------------------------------
# YAML errors, with file:line:column


def load_text(tmp_path: Path, text: str) -> DeadlinePolicy:
    file = tmp_path / "deadlines.yaml"
    file.write_text(text, encoding="utf-8")
    return load_deadline_policy(tmp_path)


def problems(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(RulesetError) as caught:
        load_text(tmp_path, text)
    return [str(problem).removeprefix(str(tmp_path) + "/") for problem in caught.value.problems]


def test_the_minimal_file_loads(tmp_path: Path) -> None:
    policy = load_text(tmp_path, MINIMAL)
    assert policy == policy_from(minimal())


def test_an_unknown_key_with_a_suggestion(tmp_path: Path) -> None:
    text = MINIMAL.replace("  allow_estimates: false", "  allow_estimate: false")
    assert problems(tmp_path, text) == [
        "deadlines.yaml:7:3: unknown key 'allow_estimate'; did you mean 'allow_estimates'? "
        "(allowed here: first_year, last_year, allow_estimates, indonesia_collective_leave, "
        "overrides)"
    ]


def test_an_unknown_key_in_a_period(tmp_path: Path) -> None:
    text = MINIMAL.replace(
        "default: {business_days: 3}\n  rights", "default: {busines_days: 3}\n  rights"
    )
    found = problems(tmp_path, text)
    assert found[0].startswith(
        "deadlines.yaml:13:15: unknown key 'busines_days'; did you mean 'business_days'?"
    )


def test_an_unknown_deadline_kind(tmp_path: Path) -> None:
    text = MINIMAL.replace("  account_verification:", "  acount_verification:")
    assert problems(tmp_path, text) == [
        "deadlines.yaml:10:3: missing required key 'account_verification'",
        "deadlines.yaml:18:3: unknown deadline kind 'acount_verification'; did you mean "
        "'account_verification'? (allowed here: merchant_counter_notification, "
        "rights_holder_response, account_verification, takedown_processing)",
    ]


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


def test_an_unknown_marketplace(tmp_path: Path) -> None:
    text = MINIMAL.replace("      lazada: {", "      lazadda: {")
    assert problems(tmp_path, text) == [
        "deadlines.yaml:27:7: unknown marketplace 'lazadda' (did you mean 'lazada'?); known: "
        "taobao, tmall, tmall_global, 1688, aliexpress, alibaba_com, lazada"
    ]


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


def test_unknown_calendars_and_bad_dates_in_overrides(tmp_path: Path) -> None:
    text = MINIMAL.replace(
        "  overrides: {}\n",
        "  overrides:\n"
        "    CNN:\n"
        "      closures: {2026-10-09: maintenance}\n"
        "    MY:\n"
        "      closures:\n"
        "        2026-13-09: maintenance\n"
        "        2026-10-08: ''\n",
    )
    assert problems(tmp_path, text) == [
        "deadlines.yaml:9:5: unknown calendar 'CNN' (did you mean 'CN'?); the marketplaces' "
        "calendars are: CN, ID, MY-14, PH, SG, TH, VN",
        "deadlines.yaml:11:5: unknown calendar 'MY' (did you mean 'MY-14'?); the marketplaces' "
        "calendars are: CN, ID, MY-14, PH, SG, TH, VN",
        "deadlines.yaml:13:9: expected a date written YYYY-MM-DD, like 2026-03-02 "
        "(got '2026-13-09')",
        "deadlines.yaml:14:21: the reason must not be empty",
    ]


def test_a_date_that_is_both_closed_and_working(tmp_path: Path) -> None:
    text = MINIMAL.replace(
        "  overrides: {}\n",
        "  overrides:\n"
        "    CN:\n"
        "      closures: {2026-10-09: closed}\n"
        "      working_days: {2026-10-09: working}\n",
    )
    assert problems(tmp_path, text) == [
        "deadlines.yaml:10:7: 2026-10-09: a date cannot be both a closure and a working day"
    ]


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
    assert found.endswith("expected a number of at least 1 (got 0)")


def test_years_values_and_file_shape(tmp_path: Path) -> None:
    text = MINIMAL.replace("first_year: 2024", "first_year: 2030")
    assert problems(tmp_path, text) == [
        "deadlines.yaml:5:3: first_year 2030 is after last_year 2027"
    ]
    text = MINIMAL.replace("allow_estimates: false", "allow_estimates: no")
    assert problems(tmp_path, text) == [
        "deadlines.yaml:7:20: 'no' is text here, not a yes/no value: write true or false"
    ]
    assert problems(tmp_path, "- a list\n") == [
        "deadlines.yaml:1:1: expected a mapping of keys to values at the top of the file"
    ]
    with pytest.raises(RulesetError, match="cannot read file"):
        load_deadline_policy(tmp_path / "missing")


def test_a_python_built_policy_is_checked_too() -> None:
    data = copy.deepcopy(minimal())
    data["deadlines"]["takedown_processing"]["marketplaces"] = {"lazadda": {"business_days": 5}}
    with pytest.raises(ValueError, match="unknown marketplace 'lazadda'"):
        policy_from(data)


# ---------------------------------------------------------------------------------------------
# Notices, and the advice on estimates


@pytest.mark.parametrize(
    ("notices", "message"),
    [
        (
            "        2027:\n          source: x\n          days_off:\n            2026-12-31: y\n",
            "deadlines.yaml:10:7: notices.2027: 2026-12-31 is not in 2027; a notice lists the "
            "days of its own year",
        ),
        (
            "        2030:\n          source: x\n          days_off: {2030-01-01: y}\n",
            "deadlines.yaml:5:3: overrides.CN.notices.2030 is outside the years the calendars are "
            "built for (2024 to 2027); raise last_year",
        ),
        (
            "        2027:\n          days_off: {}\n",
            "deadlines.yaml:12:11: missing required key 'source'",
        ),
    ],
)
def test_a_bad_notice_is_located(tmp_path: Path, notices: str, message: str) -> None:
    text = MINIMAL.replace("  overrides: {}\n", "  overrides:\n    CN:\n      notices:\n" + notices)
    found = problems(tmp_path, text)
    assert any(message in problem for problem in found), found


def test_a_notice_lists_its_days_off() -> None:
    data = minimal()
    data["calendars"]["overrides"] = {
        "CN": {"notices": {2027: {"source": "to be filled", "days_off": {}}}}
    }
    with pytest.raises(ValidationError, match="at least 1 item"):
        policy_from(data)


def test_a_horizon_set_by_hand_is_named_as_the_fix() -> None:
    data = minimal()
    data["calendars"]["overrides"] = {
        "CN": {"horizon": "2026-12-31", "notices": {2027: NOTICE_2027}}
    }
    strict = policy_from(data)
    with pytest.raises(CalendarHorizonError) as caught:
        compute_deadline(strict, "taobao", "merchant_counter_notification", cn("2026-12-30"))
    message = str(caught.value)
    assert "2027 China calendar: its notice is entered, but the horizon is set by hand to " in (
        message
    )
    assert (
        "move or remove the horizon set by hand under calendars: overrides: CN: horizon "
        "(2026-12-31)" in message
    )
    assert "enter the 2027 notice" not in message
    data["calendars"]["overrides"] = {"CN": {"horizon": "2026-06-30"}}
    early = policy_from(data)
    with pytest.raises(CalendarHorizonError) as caught:
        compute_deadline(early, "taobao", "merchant_counter_notification", cn("2026-07-01"))
    message = str(caught.value)
    assert "2026 China calendar: past the horizon set for this calendar (2026-06-30)" in message
    assert "move or remove the horizon set by hand" in message
    assert "enter the 2026 notice" not in message
