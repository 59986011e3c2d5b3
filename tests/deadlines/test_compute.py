"""The business-day arithmetic (``ipp_rules.deadlines.compute``): worked examples (State Council
notices, PRC Civil Code) with exact ``due`` instants, both non-business-trigger conventions,
business-hours periods, every marketplace family and Lazada country in its own timezone, the
fast path, and typed errors for the arguments."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from ipp_rules.deadlines import (
    DEADLINE_KINDS,
    Deadline,
    DeadlinePolicy,
    compute_deadline,
    compute_due,
    deadline_function,
)
from ipp_rules.errors import CalendarHorizonError, DeadlineError, UnknownMarketplaceError
from tests.deadlines.examples import CST, cn, due_of, minimal, policy_from, with_semantics

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


@pytest.mark.parametrize("received_at", ["0001-01-01T00:00:00+08:00", "9999-12-31T23:59:59-23:59"])
def test_a_moment_at_the_edge_of_the_datetime_range_is_a_horizon_error(
    shipped: DeadlinePolicy, received_at: str
) -> None:
    # Converting it to Asia/Shanghai overflowed: OverflowError, a traceback from the command.
    with pytest.raises(CalendarHorizonError, match=received_at[:10]):
        compute_deadline(
            shipped, "taobao", "takedown_processing", datetime.fromisoformat(received_at)
        )


# ---------------------------------------------------------------------------------------------
# The model and the fast path


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
