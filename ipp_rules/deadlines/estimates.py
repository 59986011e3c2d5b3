"""Answers past a calendar's horizon, in words: which years a deadline estimated and why, and,
when the policy refuses estimates, an error that says what to edit in the bundle.

A calendar's horizon is the last day of published holiday data (see
:mod:`ipp_rules.calendars.horizon`). Past it a deadline is either counted on ``holidays``'
rule-based guess and marked as an estimate (:class:`~ipp_rules.deadlines.results
.CalendarEstimate`), or refused with a :class:`~ipp_rules.errors.CalendarHorizonError` naming
the setting or the notice to enter.
"""

from __future__ import annotations

from datetime import date, timedelta

from ipp_rules.calendars import BusinessCalendar
from ipp_rules.deadlines.policy import POLICY_FILE, DeadlineTerms
from ipp_rules.deadlines.results import CalendarEstimate
from ipp_rules.errors import CalendarHorizonError

__all__ = [
    "EDIT_A_BUNDLE",
    "estimate_fix",
    "estimated_years",
    "horizon_error",
]

_ONE_DAY = timedelta(days=1)

EDIT_A_BUNDLE = (
    "`ipp-rules init FOLDER` copies the bundled rules into FOLDER to edit; then pass "
    "--rules FOLDER to every command (Engine.from_path(FOLDER) in Python)"
)
"""How to change a policy setting when the bundled rules are in use, for messages."""


def estimated_years(terms: DeadlineTerms, first: date, last: date) -> tuple[CalendarEstimate, ...]:
    """The years between ``first`` and ``last`` that lie past the horizon of ``terms``'
    calendar, each explained once and kept on ``terms``."""
    start = max(first, terms.horizon + _ONE_DAY).year
    return tuple(_estimated_year(terms, year) for year in range(start, last.year + 1))


def _estimated_year(terms: DeadlineTerms, year: int) -> CalendarEstimate:
    found = terms.estimated_years.get(year)
    if found is None:
        calendar = terms.calendar
        name = terms.calendar_name
        reason = "; ".join(calendar.estimate_reasons(year))
        found = CalendarEstimate(
            calendar=name,
            year=year,
            reason=reason,
            note=f"{year} {calendar.published.label} calendar ({name}): {reason}",
        )
        terms.estimated_years[year] = found
    return found


def estimate_fix(calendar_key: str, calendar: BusinessCalendar) -> str:
    """What to edit in the bundle so that the first year past ``calendar``'s horizon (its key
    under ``calendars: overrides:`` is ``calendar_key``) is answered without estimating."""
    year = (calendar.horizon + _ONE_DAY).year
    enter = (
        f"enter the {year} notice under calendars: overrides: {calendar_key}: notices: {year} "
        f"in the bundle's {POLICY_FILE} (or upgrade holidays once a release carries it)"
    )
    if calendar.horizon_source != "set":
        return enter
    fix = (
        f"move or remove the horizon set by hand under calendars: overrides: {calendar_key}: "
        f"horizon ({calendar.horizon.isoformat()}) in the bundle's {POLICY_FILE}"
    )
    if year in calendar.overrides.notices or not calendar.published.reasons(year):
        return fix
    return f"{fix}, and {enter}"


def horizon_error(exc: CalendarHorizonError, terms: DeadlineTerms) -> CalendarHorizonError:
    """The calendar's error, worded for the deadline that asked, with what to edit."""
    where = terms.platform + (f" {terms.country}" if terms.country else "")
    calendar = terms.calendar
    if exc.past_horizon:
        year = (calendar.horizon + _ONE_DAY).year
        why = "; ".join(calendar.estimate_reasons(year))
        detail = (
            f"{terms.kind} on {where}: the period from {exc.asked.isoformat()} runs past the "
            f"calendar's horizon, and the bundle refuses estimates (calendars: "
            f"allow_estimates: false in its {POLICY_FILE}). {year} {calendar.published.label} "
            f"calendar: {why}. To answer, set allow_estimates: true there (answers past the "
            f"horizon are then marked estimate: true), or "
            f"{estimate_fix(terms.calendar_key, calendar)}. {EDIT_A_BUNDLE}"
        )
    else:
        bound = "first_year" if exc.asked < calendar.first_day else "last_year"
        detail = (
            f"{terms.kind} on {where}: {exc.detail}. The years the calendars are built for are "
            f"calendars: first_year and last_year in the bundle's {POLICY_FILE}; change "
            f"{bound} there. {EDIT_A_BUNDLE}"
        )
    return CalendarHorizonError(
        exc.calendar, exc.asked, exc.horizon, detail, past_horizon=exc.past_horizon
    )
