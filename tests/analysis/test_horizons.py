"""Calendar horizons: how many days are left, and when ``check`` warns. Every "today" is
fixed: no test here depends on the real date."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from ipp_rules.analysis.horizons import (
    TODAY_VARIABLE,
    calendar_statuses,
    horizon_warnings,
    today_from_environment,
)
from ipp_rules.deadlines import DeadlinePolicy, load_deadline_policy
from ipp_rules.errors import ArgumentError
from tests.conftest import BUNDLE

HORIZON = date(2026, 12, 31)  # CN, ID, PH, TH and VN with holidays 0.109
NEAR = {"CN", "ID", "PH", "TH", "VN"}

NOTICE_2027 = """  overrides:
    CN:
      notices:
        2027:
          source: notice entered for the test
          days_off:
            2027-01-01: New Year's Day
          working_days:
            2027-02-06: make-up working day
"""


@pytest.fixture(scope="module")
def statuses_59_days_before() -> list:  # type: ignore[type-arg]
    return calendar_statuses(load_deadline_policy(BUNDLE), HORIZON - timedelta(days=59))


def horizon_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if " W-HORIZON " in line]


def test_the_days_are_configurable(statuses_59_days_before: list) -> None:  # type: ignore[type-arg]
    today = HORIZON - timedelta(days=59)
    assert {w.key for w in horizon_warnings(statuses_59_days_before, today)} == NEAR
    assert horizon_warnings(statuses_59_days_before, today, days=58) == []
    assert {w.key for w in horizon_warnings(statuses_59_days_before, today, days=59)} == NEAR
    # MY-14 and SG reach to 2027-12-31: 424 days after.
    assert {w.key for w in horizon_warnings(statuses_59_days_before, today, days=424)} == (
        NEAR | {"MY-14", "SG"}
    )


def test_exactly_60_days_before_warns_and_a_past_horizon_says_so() -> None:
    policy = load_deadline_policy(BUNDLE)
    on_60 = HORIZON - timedelta(days=60)
    assert {w.key for w in horizon_warnings(calendar_statuses(policy, on_60), on_60)} == NEAR
    after = HORIZON + timedelta(days=3)
    (china, *_) = horizon_warnings(calendar_statuses(policy, after), after)
    assert china.days_left == -3
    assert "its horizon 2026-12-31 ended 3 days ago" in china.message


def test_a_horizon_at_the_end_of_the_built_years_says_to_raise_last_year() -> None:
    data = load_deadline_policy(BUNDLE).model_dump(mode="json")
    data["calendars"]["last_year"] = 2027
    policy = DeadlinePolicy.model_validate(data)
    today = date(2027, 12, 1)
    warned = horizon_warnings(calendar_statuses(policy, today), today)
    # Each calendar's horizon: past for five of them, the end of the years for MY-14 and SG.
    horizons = {
        w.key: w for w in warned if w.horizon < date(2027, 12, 31) or w.key in ("MY-14", "SG")
    }
    assert set(horizons) == NEAR | {"MY-14", "SG"}
    singapore = horizons["SG"].message
    assert "its horizon 2027-12-31 ends in 30 days (today 2027-12-01)" in singapore
    assert "it is the last day the calendars are built for, so deadlines from 2028-01-01" in (
        singapore
    )
    assert "Raise calendars: last_year in the bundle's deadlines.yaml" in singapore
    assert "its horizon 2026-12-31 ended 335 days ago" in horizons["CN"].message
    # The five whose horizon passed also get the end of the years, once each.
    ends = [
        w.key for w in warned if w.horizon == date(2027, 12, 31) and w.key not in ("MY-14", "SG")
    ]
    assert sorted(ends) == sorted(NEAR)


def test_today_comes_from_the_environment_when_it_is_set(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv(TODAY_VARIABLE, "2026-12-30")
    assert today_from_environment() == date(2026, 12, 30)
    monkeypatch.setenv(TODAY_VARIABLE, "soon")
    with pytest.raises(ArgumentError, match="IPP_RULES_TODAY: expected a date written YYYY-MM-DD"):
        today_from_environment()
    monkeypatch.delenv(TODAY_VARIABLE)
    before = date.today()
    assert today_from_environment() in {before, date.today()}  # the machine's date, at midnight too
