"""Each calendar a deadline policy counts on, with its horizon, where the horizon comes from,
how many days are left before it, and which years past it are estimates.

``ipp-rules calendars`` prints it; ``ipp-rules check`` warns from it when a horizon is near
(:func:`horizon_warnings`). Nothing here reads a clock: ``today`` is always passed in, and
:func:`today_from_environment` is where the tools get it when nobody gives one.
"""

from __future__ import annotations

import os
from datetime import date, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict

from ipp_rules.calendars import HOLIDAYS_VERSION, BusinessCalendar, calendar_name
from ipp_rules.deadlines import EDIT_A_BUNDLE, POLICY_FILE, DeadlinePolicy, estimate_fix
from ipp_rules.errors import ArgumentError
from ipp_rules.policies.registry import policies

__all__ = [
    "DEFAULT_WARNING_DAYS",
    "TODAY_VARIABLE",
    "CalendarStatus",
    "EstimatedYear",
    "HorizonWarning",
    "calendar_statuses",
    "days_text",
    "horizon_warnings",
    "marketplaces_text",
    "today_from_environment",
]

DEFAULT_WARNING_DAYS = 60
"""``check`` warns when a calendar's horizon is this many days away or fewer."""

TODAY_VARIABLE = "IPP_RULES_TODAY"
"""An environment variable that sets today's date for ``check`` and ``calendars`` when
``--today`` is not given (``YYYY-MM-DD``): reproducible runs, e.g. in a CI job."""


def today_from_environment() -> date:
    """:data:`TODAY_VARIABLE` as a date when it is set, else the machine's date;
    :class:`ArgumentError` naming the variable when it is not a date."""
    text = os.environ.get(TODAY_VARIABLE)
    if text is None:
        return date.today()
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ArgumentError(
            f"{TODAY_VARIABLE}: expected a date written YYYY-MM-DD (got {text!r})"
        ) from None


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EstimatedYear(_Frozen):
    """A year a calendar is built for but only estimates, and why."""

    year: int
    reasons: tuple[str, ...]


class Marketplace(_Frozen):
    platform: str
    country: str | None


class CalendarStatus(_Frozen):
    """One calendar of a deadline policy, as of ``today``."""

    calendar: str
    """The calendar's name as deadlines name it (``CN``, ``MY-14``; ``*`` marks overrides)."""
    key: str
    """Its key under ``calendars: overrides:`` in ``deadlines.yaml`` (``CN``, ``MY-14``)."""
    label: str
    """The country in words: ``China``, ``Malaysia (Kuala Lumpur)``."""
    marketplaces: tuple[Marketplace, ...]
    """The marketplaces (and Lazada countries) whose deadlines count on it."""
    first_day: date
    last_day: date
    """The calendar's years, from ``first_year`` and ``last_year`` in ``deadlines.yaml``."""
    horizon: date
    """The last day answered from published data."""
    horizon_source: Literal["data", "notices", "set"]
    """``data``: the ``holidays`` release; ``notices``: years entered under ``notices``;
    ``set``: a ``horizon`` set in ``deadlines.yaml``."""
    source: str
    """Where the horizon comes from, in words."""
    holidays_version: str
    days_left: int
    """Days from ``today`` to the horizon (0 on the horizon itself; negative once past)."""
    days_to_last_day: int
    """Days from ``today`` to :attr:`last_day`, after which no deadline is answered at all."""
    allow_estimates: bool
    estimated_years: tuple[EstimatedYear, ...]
    """The years between the horizon and :attr:`last_day`, and why each is an estimate."""
    fix: str
    """What to edit in the bundle so that the first year past the horizon is published."""


def calendar_statuses(policy: DeadlinePolicy, today: date) -> list[CalendarStatus]:
    """Every calendar the marketplaces' deadlines count on under ``policy``, in the order of
    the marketplace registry."""
    found: dict[str, tuple[BusinessCalendar, str, list[Marketplace]]] = {}
    for marketplace in policies().values():
        for country in marketplace.countries or (None,):
            calendar = policy.calendar_for(marketplace.id, country)
            key = calendar_name(marketplace.calendar(country))
            entry = found.setdefault(calendar.name, (calendar, key, []))
            entry[2].append(Marketplace(platform=marketplace.id, country=country))
    return [
        _status(calendar, key, marketplaces, policy, today)
        for calendar, key, marketplaces in found.values()
    ]


def _status(
    calendar: BusinessCalendar,
    key: str,
    marketplaces: list[Marketplace],
    policy: DeadlinePolicy,
    today: date,
) -> CalendarStatus:
    if calendar.horizon_source == "data":
        source = calendar.published.source()
    elif calendar.horizon_source == "notices":
        entered = [
            year
            for year in calendar.overrides.notices
            if year > calendar.published.last_published_year
        ]
        years = ", ".join(str(year) for year in entered if date(year, 12, 31) <= calendar.horizon)
        source = f"{calendar.published.source()}, and notices entered in {POLICY_FILE} ({years})"
    else:
        source = f"the horizon set in {POLICY_FILE} (calendars: overrides: {key}: horizon)"
    return CalendarStatus(
        calendar=calendar.name,
        key=key,
        label=calendar.published.label,
        marketplaces=tuple(marketplaces),
        first_day=calendar.first_day,
        last_day=calendar.last_day,
        horizon=calendar.horizon,
        horizon_source=calendar.horizon_source,
        source=source,
        holidays_version=HOLIDAYS_VERSION,
        days_left=(calendar.horizon - today).days,
        days_to_last_day=(calendar.last_day - today).days,
        allow_estimates=policy.calendars.allow_estimates,
        estimated_years=tuple(
            EstimatedYear(year=year, reasons=tuple(reasons))
            for year, reasons in calendar.estimated_years().items()
        ),
        fix=estimate_fix(key, calendar),
    )


class HorizonWarning(_Frozen):
    """A calendar whose horizon is near or past: what happens then, and what to edit."""

    calendar: str
    key: str
    horizon: date
    days_left: int
    message: str


def horizon_warnings(
    statuses: list[CalendarStatus], today: date, days: int = DEFAULT_WARNING_DAYS
) -> list[HorizonWarning]:
    """A warning for each calendar whose horizon is at most ``days`` days after ``today`` (or
    already past), and for each whose last built day is: after that day no deadline is
    answered at all, estimate or not."""
    warnings: list[HorizonWarning] = []
    for status in statuses:
        if status.days_left <= days:
            warnings.append(_warning(status, today))
        if status.horizon < status.last_day and status.days_to_last_day <= days:
            warnings.append(_end_warning(status, today))
    return warnings


def marketplaces_text(status: CalendarStatus) -> str:
    """The marketplaces on a calendar: ``taobao, tmall`` or ``lazada TH``."""
    return ", ".join(
        m.platform + (f" {m.country}" if m.country else "") for m in status.marketplaces
    )


def days_text(days: int) -> str:
    """``1 day``, ``28 days`` (of a count that may be negative: its size)."""
    return f"{abs(days)} day{'s' if abs(days) != 1 else ''}"


def _when(days: int) -> str:
    if days == 0:
        return "today"
    return f"in {days_text(days)}" if days > 0 else f"{days_text(days)} ago"


def _end_message(status: CalendarStatus) -> str:
    first_after = status.last_day + timedelta(days=1)
    return (
        f"deadlines from {first_after.isoformat()} on cannot be answered, estimate or not. "
        f"Raise calendars: last_year in the bundle's {POLICY_FILE}. {EDIT_A_BUNDLE}"
    )


def _warning(status: CalendarStatus, today: date) -> HorizonWarning:
    verb = "ended" if status.days_left < 0 else "ends"
    head = (
        f"calendar {status.key} ({status.label}; {marketplaces_text(status)}): its horizon "
        f"{status.horizon.isoformat()} {verb} {_when(status.days_left)} (today "
        f"{today.isoformat()})"
    )
    if status.horizon >= status.last_day or not status.estimated_years:
        message = (
            f"{head}: it is the last day the calendars are built for, so {_end_message(status)}"
        )
    else:
        year = status.estimated_years[0]
        then = (
            "deadlines past it are estimates (estimate: true)"
            if status.allow_estimates
            else "deadlines past it are refused (allow_estimates: false)"
        )
        message = (
            f"{head}; {then}: {year.year}: {'; '.join(year.reasons)}. To answer {year.year} "
            f"without estimating, {status.fix}. {EDIT_A_BUNDLE}"
        )
    return HorizonWarning(
        calendar=status.calendar,
        key=status.key,
        horizon=status.horizon,
        days_left=status.days_left,
        message=message,
    )


def _end_warning(status: CalendarStatus, today: date) -> HorizonWarning:
    verb = "ended" if status.days_to_last_day < 0 else "end"
    return HorizonWarning(
        calendar=status.calendar,
        key=status.key,
        horizon=status.last_day,
        days_left=status.days_to_last_day,
        message=(
            f"calendar {status.key} ({status.label}; {marketplaces_text(status)}): the years "
            f"it is built for {verb} on {status.last_day.isoformat()}, "
            f"{_when(status.days_to_last_day)} (today {today.isoformat()}): "
            f"{_end_message(status)}"
        ),
    )
