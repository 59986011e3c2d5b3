"""The ``calendars:`` section (``ipp_rules.deadlines.calendar_settings``): closures and working
days, Indonesia's collective leave, notices entered in full, and the years built."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from pydantic import ValidationError

from ipp_rules.deadlines import calendar_key, compute_deadline
from ipp_rules.errors import UnknownMarketplaceError
from tests.deadlines.examples import MINIMAL, cn, minimal, policy_from, problems


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


def test_the_key_of_a_marketplace_calendar() -> None:
    assert calendar_key("taobao") == "CN"
    assert calendar_key("lazada", "MY") == "MY-14"
    assert calendar_key("lazada", "ID") == "ID"
    with pytest.raises(UnknownMarketplaceError, match="needs a country"):
        calendar_key("lazada")
    with pytest.raises(UnknownMarketplaceError, match="unknown marketplace"):
        calendar_key("lazadda")
