"""Business-day calendars: immutable tables built once from ``holidays``, plus overrides.

>>> from datetime import date
>>> from ipp_rules.calendars import get_calendar
>>> from ipp_rules.policies.base import CalendarSpec
>>> china = get_calendar(CalendarSpec("CN"), first_year=2020, last_year=2026)
>>> china.add_business_days(date(2026, 9, 18), 3)   # make-up Sunday 09-20, 09-21, 09-22
datetime.date(2026, 9, 22)

See :mod:`ipp_rules.calendars.calendar` for what a business day is,
:mod:`ipp_rules.calendars.horizon` for how far each calendar may answer and
:mod:`ipp_rules.calendars.holiday_data` for the one place that reads ``holidays``. Each name
is imported from its module on first use (:mod:`ipp_rules.exports`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ipp_rules.errors import CalendarHorizonError
from ipp_rules.exports import lazy_exports

if TYPE_CHECKING:
    from ipp_rules.calendars.calendar import (
        NO_OVERRIDES,
        BusinessCalendar,
        CalendarOverrides,
        DayInfo,
        DayKind,
        HorizonSource,
        NthBusinessDay,
        YearNotice,
    )
    from ipp_rules.calendars.holiday_data import (
        NON_CLOSING_CATEGORIES,
        CalendarConfigError,
        calendar_name,
    )
    from ipp_rules.calendars.horizon import (
        HOLIDAYS_VERSION,
        YEARLY_NOTICES,
        Published,
        YearlyNotice,
        country_name,
    )
    from ipp_rules.calendars.registry import clear_calendar_cache, get_calendar

# Type checkers read the imports above; at run time each module is imported on first use.
if not TYPE_CHECKING:
    __getattr__, __dir__ = lazy_exports(
        __name__,
        {
            "ipp_rules.calendars.calendar": (
                "NO_OVERRIDES",
                "BusinessCalendar",
                "CalendarOverrides",
                "DayInfo",
                "DayKind",
                "HorizonSource",
                "NthBusinessDay",
                "YearNotice",
            ),
            "ipp_rules.calendars.holiday_data": (
                "NON_CLOSING_CATEGORIES",
                "CalendarConfigError",
                "calendar_name",
            ),
            "ipp_rules.calendars.horizon": (
                "HOLIDAYS_VERSION",
                "YEARLY_NOTICES",
                "Published",
                "YearlyNotice",
                "country_name",
            ),
            "ipp_rules.calendars.registry": (
                "clear_calendar_cache",
                "get_calendar",
            ),
        },
    )


__all__ = [
    "HOLIDAYS_VERSION",
    "NON_CLOSING_CATEGORIES",
    "NO_OVERRIDES",
    "YEARLY_NOTICES",
    "BusinessCalendar",
    "CalendarConfigError",
    "CalendarHorizonError",
    "CalendarOverrides",
    "DayInfo",
    "DayKind",
    "HorizonSource",
    "NthBusinessDay",
    "Published",
    "YearNotice",
    "YearlyNotice",
    "calendar_name",
    "clear_calendar_cache",
    "country_name",
    "get_calendar",
]
