"""Built calendars, cached per arguments and shared between threads.

Building a calendar costs milliseconds (``holidays`` computes every year); a lookup costs
well under a microsecond. :func:`get_calendar` builds each distinct calendar once, under a
lock, and hands every caller the same immutable object. The cache holds one calendar per
distinct argument set and is never evicted: a process uses a handful (one per marketplace
calendar and year range).
"""

from __future__ import annotations

import threading
from datetime import date
from typing import TYPE_CHECKING

from ipp_rules.calendars.calendar import NO_OVERRIDES, BusinessCalendar, CalendarOverrides

if TYPE_CHECKING:
    from ipp_rules.policies.base import CalendarSpec

__all__ = ["clear_calendar_cache", "get_calendar"]

_CacheKey = tuple["CalendarSpec", int, int, CalendarOverrides, bool, date | None]

_lock = threading.Lock()
_calendars: dict[_CacheKey, BusinessCalendar] = {}


def get_calendar(
    spec: CalendarSpec,
    *,
    first_year: int,
    last_year: int,
    overrides: CalendarOverrides | None = None,
    allow_estimates: bool = False,
    horizon: date | None = None,
) -> BusinessCalendar:
    """The business-day calendar of ``spec`` over ``first_year..last_year``, built once.

    Its horizon is ``horizon``, by default the last date the ``holidays`` data (and the
    notices ``overrides`` enters) publishes, or 31 December of ``last_year`` if earlier.
    With ``allow_estimates`` it also answers for the days between the horizon and the end of
    ``last_year`` from ``holidays``' rule-based guess, and says so. ``overrides`` adds
    closures and working days on top of the data, and whole years from their notices.
    """
    key: _CacheKey = (
        spec,
        first_year,
        last_year,
        NO_OVERRIDES if overrides is None else overrides,
        bool(allow_estimates),
        horizon,
    )
    found = _calendars.get(key)
    if found is not None:
        return found
    with _lock:
        found = _calendars.get(key)
        if found is None:
            found = BusinessCalendar(
                spec,
                first_year=first_year,
                last_year=last_year,
                overrides=key[3],
                allow_estimates=key[4],
                horizon=horizon,
            )
            _calendars[key] = found
        return found


def clear_calendar_cache() -> None:
    """Forget every built calendar (tests; a reload of calendar overrides). Calendars
    already handed out stay valid: they are immutable."""
    with _lock:
        _calendars.clear()
