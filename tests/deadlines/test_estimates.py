"""Past a calendar's horizon (``ipp_rules.deadlines.estimates``): answers marked as estimates with
the years and why, refusals that say what to edit, notices and horizons entered by hand, and
the years the calendars are built for."""

from __future__ import annotations

import pickle
from datetime import date, datetime

import pytest

from ipp_rules.deadlines import DeadlinePolicy, compute_deadline, compute_due
from ipp_rules.errors import CalendarHorizonError
from tests.deadlines.examples import NOTICE_2027, WIB, cn, minimal, policy_from


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
