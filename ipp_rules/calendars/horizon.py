"""How far a calendar's holiday data is published: its *horizon*.

``holidays`` answers for any year up to 2100, but past the last official notice it answers
from rules (China 2027 comes out with no make-up working days and no warning; Indonesia's
Eid after 2026 is marked "estimated"). A calendar refuses to answer past its horizon unless
it is built to accept estimates.

The horizon is found without a clock, from the installed ``holidays`` data:

- China (:data:`MAKE_UP_NOTICE_COUNTRIES`): the State Council's yearly holiday notice always
  moves days off and sets make-up working days (``weekend_workdays``), every year since 2001.
  The last year with any make-up day in the whole ``holidays`` range is the last notice the
  package has: 2026 with holidays 0.109. Upgrading ``holidays`` to a version with the 2027
  notice moves the horizon by itself.
- Every other country: :data:`DEFAULT_HORIZON_YEAR`, the one constant here (why it is 2026 is
  said there), lowered while a year of the spec's data has dates ``holidays`` itself marks
  "estimated" (lunar and Islamic dates not yet confirmed), so an older ``holidays`` can only
  shorten it.

Each answer is computed once per spec, under a lock, and kept.
"""

from __future__ import annotations

import threading
from datetime import date
from typing import TYPE_CHECKING, Final

from ipp_rules.calendars._source import (
    CalendarConfigError,
    calendar_name,
    closing_categories,
    estimated_marker,
    load_holidays,
)

if TYPE_CHECKING:
    from ipp_rules.policies.base import CalendarSpec

__all__ = ["DEFAULT_HORIZON_YEAR", "MAKE_UP_NOTICE_COUNTRIES", "horizon_for"]

DEFAULT_HORIZON_YEAR: Final = 2026
"""The last year whose official holiday lists were checked against ``holidays`` 0.109 for the
countries without a make-up-day notice: Indonesia (SKB 1497/2/5 of 2025, with its 8 cuti
bersama days), Malaysia (with Johor's return to a Saturday-Sunday weekend), the Philippines
(Proclamation 1006), Singapore (MOM), Thailand and Vietnam (Tet 2026); see
``reference/domain-notes.md`` section 5 and ``reference/calendar-notes.md``. Their 2027 lists
are not in the checked data (Thailand's Cabinet substitutions, Vietnam's Tet decision,
Indonesia's confirmed Eid dates), so 2027 answers would be guesses. Raise this constant only
after checking the next year's lists against the installed ``holidays``."""

MAKE_UP_NOTICE_COUNTRIES: Final = frozenset({"CN"})
"""Countries whose yearly official notice always sets make-up working days, so that the last
year with any ``weekend_workdays`` in the data is the last published notice."""

_lock = threading.Lock()
_horizons: dict[CalendarSpec, date] = {}


def horizon_for(spec: CalendarSpec) -> date:
    """The last date ``spec``'s holiday data is published for (31 December of a year)."""
    found = _horizons.get(spec)
    if found is not None:
        return found
    with _lock:
        found = _horizons.get(spec)
        if found is None:
            found = date(_horizon_year(spec), 12, 31)
            _horizons[spec] = found
        return found


def _horizon_year(spec: CalendarSpec) -> int:
    if spec.country in MAKE_UP_NOTICE_COUNTRIES:
        year = _last_make_up_year(spec)
    else:
        year = DEFAULT_HORIZON_YEAR
    return _before_estimates(spec, year)


def _last_make_up_year(spec: CalendarSpec) -> int:
    """The last year with a make-up working day anywhere in the package's range for spec."""
    probe = load_holidays(spec, (), ("public",))
    source = load_holidays(
        spec, range(probe.start_year, probe.end_year + 1), closing_categories(spec)
    )
    years = {day.year for day in source.weekend_workdays}
    if not years:
        raise CalendarConfigError(
            f"calendar {calendar_name(spec)}: the holidays data has no make-up working days "
            "at all, so the last published notice cannot be found"
        )
    return max(years)


def _before_estimates(spec: CalendarSpec, year: int) -> int:
    """``year``, or the latest year before it whose data has no estimated dates."""
    categories = closing_categories(spec)
    while True:
        source = load_holidays(spec, (year,), categories)
        marker = estimated_marker(source)
        if marker is None or not any(marker in name for name in source.values()):
            return year
        if year <= source.start_year:
            raise CalendarConfigError(
                f"calendar {calendar_name(spec)}: every year of the holidays data up to "
                f"{year} has estimated dates"
            )
        year -= 1
