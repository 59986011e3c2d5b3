"""Deadlines: how long a party has, counted on the marketplace's business-day calendar, and
what happens to a complaint when one passes.

This package re-exports the public API of its modules, one job each (bottom to top):

- :mod:`~ipp_rules.deadlines.values`: the values the deadlines file is written with (kinds, a
  cut-off time, texts, and marketplace, country and calendar names checked against the
  marketplace registry);
- :mod:`~ipp_rules.deadlines.periods`: the periods per kind, marketplace and country, and the
  default settings that say what a period means;
- :mod:`~ipp_rules.deadlines.calendar_settings`: how the business-day calendars are built, and
  a marketplace's calendar;
- :mod:`~ipp_rules.deadlines.results`: what a deadline question answers (:class:`Deadline`);
- :mod:`~ipp_rules.deadlines.policy`: the whole file, its loader, and what it says for one
  (marketplace, country, kind);
- :mod:`~ipp_rules.deadlines.estimates`: answers past a calendar's horizon, in words;
- :mod:`~ipp_rules.deadlines.compute`: the business-day arithmetic (:func:`compute_deadline`,
  :func:`compute_due`, :func:`deadline_function`);
- :mod:`~ipp_rules.deadlines.events` and :mod:`~ipp_rules.deadlines.lifecycle`: a complaint's
  events, and its state replayed from them (:func:`replay`).

``docs/deadlines.md`` explains the file and the lifecycle with examples. Each name is imported
from its module on first use (:mod:`ipp_rules.exports`), so reading the file does not build the
calendars.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ipp_rules.exports import lazy_exports

if TYPE_CHECKING:
    from ipp_rules.deadlines.calendar_settings import (
        CalendarDays,
        CalendarSettings,
        HolidayNotice,
        calendar_key,
    )
    from ipp_rules.deadlines.compute import compute_deadline, compute_due, deadline_function
    from ipp_rules.deadlines.estimates import EDIT_A_BUNDLE, estimate_fix
    from ipp_rules.deadlines.events import EVENT_KINDS, CaseEvent, EventKind
    from ipp_rules.deadlines.lifecycle import (
        FINAL_STATES,
        STATES,
        CaseState,
        DeadlineFunction,
        NextStep,
        replay,
    )
    from ipp_rules.deadlines.periods import (
        CountryPeriod,
        DeadlinePeriod,
        DeadlineRule,
        DeadlineRules,
        DefaultSemantics,
        MarketplacePeriod,
    )
    from ipp_rules.deadlines.policy import (
        POLICY_FILE,
        DeadlinePolicy,
        deadline_policy_from,
        load_deadline_policy,
    )
    from ipp_rules.deadlines.results import CalendarEstimate, Deadline, Due, PeriodSemantics
    from ipp_rules.deadlines.values import DEADLINE_KINDS, DeadlineKind

# Type checkers read the imports above; at run time each module is imported on first use.
if not TYPE_CHECKING:
    __getattr__, __dir__ = lazy_exports(
        __name__,
        {
            "ipp_rules.deadlines.calendar_settings": (
                "CalendarDays",
                "CalendarSettings",
                "HolidayNotice",
                "calendar_key",
            ),
            "ipp_rules.deadlines.compute": (
                "compute_deadline",
                "compute_due",
                "deadline_function",
            ),
            "ipp_rules.deadlines.estimates": (
                "EDIT_A_BUNDLE",
                "estimate_fix",
            ),
            "ipp_rules.deadlines.events": (
                "EVENT_KINDS",
                "CaseEvent",
                "EventKind",
            ),
            "ipp_rules.deadlines.lifecycle": (
                "FINAL_STATES",
                "STATES",
                "CaseState",
                "DeadlineFunction",
                "NextStep",
                "replay",
            ),
            "ipp_rules.deadlines.periods": (
                "CountryPeriod",
                "DeadlinePeriod",
                "DeadlineRule",
                "DeadlineRules",
                "DefaultSemantics",
                "MarketplacePeriod",
            ),
            "ipp_rules.deadlines.policy": (
                "POLICY_FILE",
                "DeadlinePolicy",
                "deadline_policy_from",
                "load_deadline_policy",
            ),
            "ipp_rules.deadlines.results": (
                "CalendarEstimate",
                "Deadline",
                "Due",
                "PeriodSemantics",
            ),
            "ipp_rules.deadlines.values": (
                "DEADLINE_KINDS",
                "DeadlineKind",
            ),
        },
    )

__all__ = [
    "DEADLINE_KINDS",
    "EDIT_A_BUNDLE",
    "EVENT_KINDS",
    "FINAL_STATES",
    "POLICY_FILE",
    "STATES",
    "CalendarDays",
    "CalendarEstimate",
    "CalendarSettings",
    "CaseEvent",
    "CaseState",
    "CountryPeriod",
    "Deadline",
    "DeadlineFunction",
    "DeadlineKind",
    "DeadlinePeriod",
    "DeadlinePolicy",
    "DeadlineRule",
    "DeadlineRules",
    "DefaultSemantics",
    "Due",
    "EventKind",
    "HolidayNotice",
    "MarketplacePeriod",
    "NextStep",
    "PeriodSemantics",
    "calendar_key",
    "compute_deadline",
    "compute_due",
    "deadline_function",
    "deadline_policy_from",
    "estimate_fix",
    "load_deadline_policy",
    "replay",
]
