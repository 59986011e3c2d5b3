"""The one place that talks to the ``holidays`` package.

Every object made here is populated for explicit years with ``expand=False`` and read once,
single-threaded, by the code that made it; nothing keeps it afterwards. ``holidays`` fills
years lazily and racily on lookup and silently guesses years it has no published data for
(measured with ``holidays`` 0.109), so no lookup may ever reach it after a calendar is built.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import holidays
from holidays import HolidayBase

from ipp_rules.errors import CalendarConfigError
from ipp_rules.policies.base import calendar_name

if TYPE_CHECKING:
    from ipp_rules.policies.base import CalendarSpec

__all__ = [
    "LANGUAGE",
    "NON_CLOSING_CATEGORIES",
    "CalendarConfigError",
    "calendar_name",
    "closing_categories",
    "estimated_marker",
    "load_holidays",
    "marker_categories",
]

LANGUAGE = "en_US"
"""Holiday names are read in English where the country's data has it (all seven do)."""

NON_CLOSING_CATEGORIES = frozenset({"workday", "half_day"})
"""Categories whose days are named observances on which business goes on.

``workday``: the Philippines' special *working* days (2026-02-25, EDSA anniversary), Thailand's
commemorations. ``half_day``: China's Children's, Women's and Youth Days, on which only some
people are off (closing them would make Children's Day non-working for everyone).
Asking for them in a spec records their names; it never closes the day.
"""


def closing_categories(spec: CalendarSpec) -> tuple[str, ...]:
    """The spec's categories whose holidays close the marketplace (``public`` always among them)."""
    categories = tuple(dict.fromkeys(spec.categories))
    if "public" not in categories:
        raise CalendarConfigError(
            f"calendar {calendar_name(spec)}: categories {list(spec.categories)} lack 'public'; "
            "a business-day calendar starts from the public holidays"
        )
    return tuple(c for c in categories if c not in NON_CLOSING_CATEGORIES)


def marker_categories(spec: CalendarSpec) -> tuple[str, ...]:
    """The spec's categories that only name working days (see :data:`NON_CLOSING_CATEGORIES`)."""
    return tuple(c for c in dict.fromkeys(spec.categories) if c in NON_CLOSING_CATEGORIES)


def load_holidays(
    spec: CalendarSpec, years: Iterable[int], categories: Iterable[str]
) -> HolidayBase:
    """A ``holidays`` object for ``spec``, populated for ``years`` only, never to expand.

    Unknown countries, subdivisions and categories, and years outside the package's data,
    become :class:`CalendarConfigError` naming the calendar.
    """
    years = tuple(years)
    categories = tuple(categories)
    name = calendar_name(spec)
    try:
        probe = holidays.country_holidays(spec.country, subdiv=spec.subdivision, years=())
    except NotImplementedError as exc:
        raise CalendarConfigError(f"calendar {name}: {exc}") from exc
    unsupported = [c for c in categories if c not in probe.supported_categories]
    if unsupported:
        raise CalendarConfigError(
            f"calendar {name}: {spec.country} has no holiday categories {unsupported}; "
            f"it has {list(probe.supported_categories)}"
        )
    outside = [y for y in years if not probe.start_year <= y <= probe.end_year]
    if outside:
        raise CalendarConfigError(
            f"calendar {name}: years {outside[0]}..{outside[-1]} are outside the holidays "
            f"data for {spec.country} ({probe.start_year}..{probe.end_year})"
        )
    language = LANGUAGE if LANGUAGE in probe.supported_languages else None
    return holidays.country_holidays(
        spec.country,
        subdiv=spec.subdivision,
        years=years,
        expand=False,
        observed=True,
        language=language,
        categories=categories,
    )


def estimated_marker(source: HolidayBase) -> str | None:
    """The text ``holidays`` puts in the name of a holiday whose date it only estimates
    (``estimated`` in English), or ``None`` if this country never estimates a date.

    Mirrors ``ObservedHolidayBase``'s own test for estimated names.
    """
    label = getattr(source, "estimated_label", None)
    if not isinstance(label, str) or not label:
        return None
    marker = str(source.tr(label)).strip("%s ()\uff08\uff09")  # also full-width parentheses
    return marker or None
