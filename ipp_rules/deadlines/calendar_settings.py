"""The ``calendars:`` section of the deadlines file, and the marketplace calendars built from it.

The years the calendars cover, whether answers past a horizon are estimated, Indonesia's
collective leave, and per calendar the days the ``holidays`` data gets wrong, the years
entered from their official holiday notices and a horizon set by hand. A marketplace's
calendar is named by its policy in the registry (``CN``, ``MY-14``, ...).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Annotated

from pydantic import Field, StrictBool, StrictInt, model_validator

from ipp_rules.deadlines.values import CalendarKey, Citation, PolicyPart, Reason
from ipp_rules.models.types import IsoDate
from ipp_rules.policies.base import MarketplacePolicy, calendar_name
from ipp_rules.policies.registry import get_policy

if TYPE_CHECKING:
    from ipp_rules.calendars import BusinessCalendar, CalendarOverrides

__all__ = [
    "CalendarDays",
    "CalendarSettings",
    "HolidayNotice",
    "calendar_key",
]

_YEARS = (1990, 2100)
"""The first and last years a calendar may be built for."""


class HolidayNotice(PolicyPart):
    """One year's official holiday notice, entered in full: the calendar builds that year from
    it alone (the ``holidays`` data for the year is not read), and the calendar's horizon moves
    to the end of the year once every year before it is published or entered."""

    source: Citation
    """The notice: its issuer, number and date, as published."""
    days_off: Annotated[dict[IsoDate, Reason], Field(min_length=1)]
    """Every day off the notice sets, with its name; weekend days may be listed too."""
    working_days: dict[IsoDate, Reason] = Field(default_factory=dict)
    """The weekend days the notice makes working days (China's make-up working days)."""

    @model_validator(mode="after")
    def _not_both(self) -> HolidayNotice:
        both = sorted(self.days_off.keys() & self.working_days.keys())
        if both:
            listed = ", ".join(d.isoformat() for d in both)
            raise ValueError(f"{listed}: a date cannot be both a day off and a working day")
        return self


NoticeYear = Annotated[int, Field(ge=_YEARS[0], le=_YEARS[1])]
"""A notice's year: a mapping key, so written as text in YAML and read as a number."""


class CalendarDays(PolicyPart):
    """Days a calendar gets wrong, with the reason for each, and years entered from their
    official notices."""

    closures: dict[IsoDate, Reason] = Field(default_factory=dict)
    """Dates the marketplace is closed although the ``holidays`` data says it works
    (``2026-12-31: Office closure notice 2026-12``)."""
    working_days: dict[IsoDate, Reason] = Field(default_factory=dict)
    """Dates it works although the data says it is closed or a weekend day."""
    notices: dict[NoticeYear, HolidayNotice] = Field(default_factory=dict)
    """Years entered from their official notice, by year (``2027: {source: ..., days_off:
    ..., working_days: ...}``): the way to answer a year ``holidays`` does not publish yet."""
    horizon: IsoDate | None = None
    """The last day answered without estimating, in place of the calendar's own (the data's,
    moved on by ``notices``): a horizon set by hand, e.g. after entering a notice as closures
    and working days above."""

    @model_validator(mode="after")
    def _not_both(self) -> CalendarDays:
        both = sorted(self.closures.keys() & self.working_days.keys())
        if both:
            listed = ", ".join(d.isoformat() for d in both)
            raise ValueError(f"{listed}: a date cannot be both a closure and a working day")
        for year, notice in self.notices.items():
            outside = sorted(d for d in (*notice.days_off, *notice.working_days) if d.year != year)
            if outside:
                raise ValueError(
                    f"notices.{year}: {outside[0].isoformat()} is not in {year}; a notice "
                    "lists the days of its own year"
                )
        return self

    def overrides(self) -> CalendarOverrides:
        """These days and notices as the calendar takes them."""
        # Imported here, not above: reading a bundle checks this file without building a
        # calendar, and the calendars import the ``holidays`` data.
        from ipp_rules.calendars import CalendarOverrides, YearNotice

        return CalendarOverrides(
            closures=self.closures,
            working_days=self.working_days,
            notices=[
                YearNotice(
                    year=year,
                    source=notice.source,
                    days_off=tuple(notice.days_off.items()),
                    working_days=tuple(notice.working_days.items()),
                )
                for year, notice in self.notices.items()
            ],
        )


class CalendarSettings(PolicyPart):
    """How the business-day calendars are built."""

    first_year: Annotated[StrictInt, Field(ge=_YEARS[0], le=_YEARS[1])]
    """The first year the calendars cover; a trigger before 1 January of it is an error."""
    last_year: Annotated[StrictInt, Field(ge=_YEARS[0], le=_YEARS[1])]
    """The last year they cover. Past a calendar's horizon (the last year of official holiday
    data, read from ``holidays``; ``ipp-rules calendars`` lists them) only estimates exist."""
    allow_estimates: StrictBool = True
    """Answer past the horizon from ``holidays``' rule-based guess, marked as an estimate
    (``estimate: true``, with the calendar, the years and why); false: such a question is a
    ``CalendarHorizonError``. True by default: a deadline near the end of a year must not
    stop answering on 1 January while the next year's notices are not in the data."""
    indonesia_collective_leave: StrictBool = False
    """Close Lazada Indonesia on the collective-leave days (cuti bersama, ``holidays``'
    ``government`` category) as well as on the national holidays."""
    overrides: dict[CalendarKey, CalendarDays] = Field(default_factory=dict)
    """Closures and working days per calendar, by its name: ``CN`` (every marketplace but
    Lazada), ``ID``, ``MY-14`` (Kuala Lumpur), ``PH``, ``SG``, ``TH``, ``VN``."""

    @model_validator(mode="after")
    def _years_in_order(self) -> CalendarSettings:
        if self.first_year > self.last_year:
            raise ValueError(f"first_year {self.first_year} is after last_year {self.last_year}")
        for name, days in self.overrides.items():
            horizon = days.horizon
            if horizon is not None and not self.first_year <= horizon.year <= self.last_year:
                raise ValueError(
                    f"overrides.{name}.horizon {horizon.isoformat()} is outside the years the "
                    f"calendars are built for ({self.first_year} to {self.last_year})"
                )
            outside = [y for y in days.notices if not self.first_year <= y <= self.last_year]
            if outside:
                raise ValueError(
                    f"overrides.{name}.notices.{outside[0]} is outside the years the calendars "
                    f"are built for ({self.first_year} to {self.last_year}); raise last_year"
                )
        return self

    def calendar_of(self, marketplace: MarketplacePolicy, country: str | None) -> BusinessCalendar:
        """The calendar ``marketplace`` (its ``country`` platform, already checked) counts on,
        built with these settings (built once per process and shared)."""
        from ipp_rules.calendars import get_calendar  # see overrides()

        spec = marketplace.calendar(country)
        name = calendar_name(spec)
        if (
            spec.country == "ID"
            and self.indonesia_collective_leave
            and "government" not in spec.categories
        ):
            spec = replace(spec, categories=(*spec.categories, "government"))
        days = self.overrides.get(name)
        return get_calendar(
            spec,
            first_year=self.first_year,
            last_year=self.last_year,
            overrides=None if days is None else days.overrides(),
            allow_estimates=self.allow_estimates,
            horizon=None if days is None else days.horizon,
        )


def calendar_key(platform: str, country: str | None = None) -> str:
    """The key of ``platform``'s calendar under ``calendars: overrides:`` (``CN``, ``MY-14``)."""
    policy = get_policy(platform)
    return calendar_name(policy.calendar(policy.check_country(country)))
