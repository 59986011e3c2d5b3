"""How far a calendar's holiday data is published (its *horizon*), and why later years are
estimates.

``holidays`` answers for any year up to 2100, but past the last official list it answers from
rules: China 2027 comes out with no make-up working days and no warning, Indonesia's Eid after
2026 is marked "estimated". The horizon is read from the installed ``holidays`` data, for the
years a calendar is built for, without a clock:

1. **Estimated dates.** ``holidays`` marks a lunar or Islamic date that no official list has
   confirmed yet with an "estimated" label in its name. The run of years with such dates that
   reaches the last year built lies past the horizon (Indonesia with ``holidays`` 0.109: from
   2027; Malaysia and Singapore: from 2028).
2. **Yearly notices.** Some countries' holidays are set each year by an official notice
   (:data:`YEARLY_NOTICES`: China's State Council notice with its make-up working days,
   Thailand's Cabinet resolutions, ...). ``holidays`` carries a notice as that year's entries
   in its ``special_*_holidays`` tables; a year after the last such entry lies past the
   horizon, whatever rules would say about it.

The horizon is 31 December of the last year before both; a year whose notice the bundle
enters in full (:class:`~ipp_rules.calendars.calendar.CalendarOverrides` ``notices``) moves it
on (see :class:`~ipp_rules.calendars.calendar.BusinessCalendar`). Upgrading ``holidays`` to a
release with the next year's lists moves it by itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from importlib.metadata import version
from types import MappingProxyType
from typing import TYPE_CHECKING, Final

import holidays
from holidays import HolidayBase
from holidays import registry as holidays_registry

from ipp_rules.calendars.holiday_data import calendar_name, estimated_marker

if TYPE_CHECKING:
    from ipp_rules.policies.base import CalendarSpec

__all__ = [
    "HOLIDAYS_VERSION",
    "YEARLY_NOTICES",
    "Published",
    "YearlyNotice",
    "country_name",
    "published",
]

HOLIDAYS_VERSION: Final[str] = version("holidays")
"""The installed ``holidays`` release, named wherever a horizon comes from its data."""


@dataclass(frozen=True, slots=True)
class YearlyNotice:
    """An official notice that sets a country's holidays for one year at a time."""

    country: str
    """The ISO 3166-1 code of the country (a ``holidays`` country code)."""
    data_category: str
    """The ``holidays`` category whose ``special_<category>_holidays`` table carries the
    notice, one entry per year."""
    title: str
    """The notice in words, as messages name it."""


YEARLY_NOTICES: Final[Mapping[str, YearlyNotice]] = MappingProxyType(
    {
        notice.country: notice
        for notice in (
            YearlyNotice(
                "CN",
                "public",
                "the State Council notice with its days off and make-up working days",
            ),
            YearlyNotice(
                "ID",
                "government",
                "the joint ministerial decree (SKB) on national holidays and collective leave",
            ),
            YearlyNotice(
                "PH",
                "public",
                "the presidential proclamation of regular holidays and special non-working days",
            ),
            YearlyNotice(
                "TH",
                "public",
                "the Cabinet's resolution on the year's special and substitution holidays",
            ),
            YearlyNotice(
                "VN",
                "public",
                "the government's decision on the Tet holiday and swapped working days",
            ),
        )
    }
)
"""Countries whose holidays depend on a yearly official notice, by country code. China's
notice sets every year's days off and the weekend days worked to bridge them; Indonesia's
joint decree (SKB) of the ministers of religious affairs, manpower and administrative reform
lists the national holidays and collective leave; the Philippines' proclamation moves holidays
and adds special days; Thailand's Cabinet adds special and substitution holidays; Vietnam's
government decides the Tet days off and the working days swapped around holidays. A country
not listed is published as far as its rules and confirmed dates go."""


@dataclass(frozen=True, slots=True)
class Published:
    """What the installed ``holidays`` data publishes for one calendar over the years it is
    built for."""

    calendar: str
    """The calendar's name (``CN``, ``MY-14``, ``ID+government``)."""
    label: str
    """The country (and subdivision) in words: ``China``, ``Malaysia (Kuala Lumpur)``."""
    first_year: int
    last_year: int
    notice: YearlyNotice | None
    """The country's yearly notice, if its holidays depend on one."""
    last_notice_year: int | None
    """The last year whose notice the data carries (``None``: none at all, or no notice)."""
    estimated: Mapping[int, tuple[str, ...]] = field(default_factory=dict)
    """The run of years that reaches ``last_year`` in which ``holidays`` only estimates some
    dates, with the names it estimates (without the label)."""

    @property
    def last_published_year(self) -> int:
        """The last year answered from published data (``last_year`` at most)."""
        year = self.last_year
        if self.estimated:
            year = min(self.estimated) - 1
        if self.notice is not None:
            year = min(
                year,
                self.first_year - 1 if self.last_notice_year is None else self.last_notice_year,
            )
        return year

    @property
    def horizon(self) -> date:
        """31 December of :attr:`last_published_year`."""
        return date(self.last_published_year, 12, 31)

    def reasons(self, year: int) -> list[str]:
        """Why ``year`` is not published in the data, in words (empty if it is)."""
        found: list[str] = []
        notice = self.notice
        if notice is not None and (self.last_notice_year is None or year > self.last_notice_year):
            found.append(f"{notice.title} is not in the data (holidays {HOLIDAYS_VERSION})")
        names = self.estimated.get(year)
        if names:
            found.append(
                f"holidays {HOLIDAYS_VERSION} only estimates the dates of {_listed(names)}"
            )
        return found

    def source(self) -> str:
        """Where :attr:`horizon` comes from, in words: ``holidays 0.109``."""
        return f"holidays {HOLIDAYS_VERSION}"


def published(
    spec: CalendarSpec, source: HolidayBase, first_year: int, last_year: int
) -> Published:
    """What ``source`` (``holidays`` data for ``spec``, populated for ``first_year`` ..
    ``last_year``) publishes: the calendar's horizon and why later years are estimates."""
    notice = YEARLY_NOTICES.get(spec.country)
    last_notice: int | None = None
    if notice is not None:
        table = getattr(source, f"special_{notice.data_category}_holidays", None)
        years = [year for year in table or () if isinstance(year, int)]
        last_notice = max(years) if years else None
    return Published(
        calendar=calendar_name(spec),
        label=country_name(spec),
        first_year=first_year,
        last_year=last_year,
        notice=notice,
        last_notice_year=last_notice,
        estimated=MappingProxyType(_estimated_tail(source, first_year, last_year)),
    )


def _estimated_tail(
    source: HolidayBase, first_year: int, last_year: int
) -> dict[int, tuple[str, ...]]:
    marker = estimated_marker(source)
    if marker is None:
        return {}
    by_year: dict[int, dict[str, None]] = {}
    for day, names in source.items():
        for name in str(names).split(";"):
            if marker in name:
                by_year.setdefault(day.year, {})[_without(name, marker)] = None
    tail: dict[int, tuple[str, ...]] = {}
    for year in range(last_year, first_year - 1, -1):
        if year not in by_year:
            break
        tail[year] = tuple(by_year[year])
    return dict(sorted(tail.items()))


def _without(name: str, marker: str) -> str:
    """A holiday's name without the estimated label: ``Eid al-Fitr (estimated)`` ->
    ``Eid al-Fitr``; ``Eid al-Fitr (observed, estimated)`` -> ``Eid al-Fitr (observed)``."""
    text = name.strip()
    for pattern in (f" ({marker})", f", {marker})", f"\uff08{marker}\uff09"):
        if pattern in text:
            return text.replace(pattern, ")" if pattern.startswith(",") else "").strip()
    return text.replace(marker, "").strip()


def country_name(spec: CalendarSpec) -> str:
    """The country of ``spec`` in words, with its subdivision: ``Malaysia (Kuala Lumpur)``."""
    name = spec.country
    for names in holidays_registry.COUNTRIES.values():
        if spec.country in names[1:]:
            name = names[0]
            break
    if spec.subdivision is None:
        return name
    return f"{name} ({_subdivision_name(spec.country, spec.subdivision)})"


def _subdivision_name(country: str, subdivision: str) -> str:
    try:
        aliases = holidays.country_holidays(country, years=()).subdivisions_aliases
    except (NotImplementedError, AttributeError):
        return subdivision
    names = [alias for alias, code in aliases.items() if code == subdivision and len(alias) > 3]
    if not names:
        return subdivision
    return names[0].removeprefix("Wilayah Persekutuan ")


def _listed(names: Iterable[str]) -> str:
    items = list(names)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
