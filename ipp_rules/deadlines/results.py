"""What a deadline question answers: the :class:`Deadline` model, the settings it was counted
with, the calendar years it estimated, and the fast path's tuple (:data:`Due`)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal, TypeAlias

from pydantic import AwareDatetime, BaseModel, ConfigDict

from ipp_rules.deadlines.values import Cutoff, DeadlineKind, NonBusinessTrigger

__all__ = [
    "HOURS_SEMANTICS",
    "CalendarEstimate",
    "Deadline",
    "Due",
    "PeriodSemantics",
]


class _Answer(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PeriodSemantics(_Answer):
    """The settings a deadline was counted with."""

    non_business_trigger: NonBusinessTrigger
    """For a ``business_hours`` period always ``deemed_received_next_business_day``: its
    clock starts at 00:00 of the next business day."""
    ends: Literal["end_of_day", "cutoff", "hours_elapsed"]
    """``hours_elapsed`` for a ``business_hours`` period: it ends when its hours have run."""
    cutoff: Cutoff | None = None


HOURS_SEMANTICS = PeriodSemantics(
    non_business_trigger="deemed_received_next_business_day", ends="hours_elapsed"
)
"""How every ``business_hours`` period is counted."""


class CalendarEstimate(_Answer):
    """One year of one calendar that an answer counted on although its holidays are not
    published: the days were taken from ``holidays``' rule-based guess."""

    calendar: str
    """The calendar's name (``CN``; ``*`` marks overrides)."""
    year: int
    reason: str
    """Why the year is not published, in words: ``the State Council notice with its days off
    and make-up working days is not in the data (holidays 0.109)``."""
    note: str
    """The whole story in one line: ``2027 China calendar (CN): the State Council notice ...
    is not in the data (holidays 0.109)``."""


class Deadline(_Answer):
    """When a period that started at ``received_at`` ends, on which calendar, and why."""

    kind: DeadlineKind
    platform: str
    country: str | None
    """The Lazada country platform; ``None`` for marketplaces without country platforms."""
    received_at: AwareDatetime
    """The trigger instant as given."""
    local_received_at: AwareDatetime
    """The same instant in the marketplace's timezone: its date is the trigger day."""
    due: AwareDatetime
    """The exclusive end of the period, in the marketplace's timezone: anything at or after
    ``due`` is late (24:00 of ``last_day`` is written 00:00 of the next day)."""
    last_day: date
    """The last business day of the period (local)."""
    business_days: int | None
    """N for a ``business_days`` period, else ``None``."""
    business_hours: int | None
    """H for a ``business_hours`` period, else ``None``."""
    calendar: str
    """The calendar's name: ``CN``, ``MY-14``, ``ID+government``; ``*`` marks overrides."""
    timezone: str
    """The marketplace's IANA timezone, e.g. ``Asia/Shanghai``."""
    semantics: PeriodSemantics
    estimate: bool
    """True when the period runs past the calendar's published horizon: the days past it were
    counted on ``holidays``' rule-based guess (only when the policy allows estimates)."""
    estimates: tuple[CalendarEstimate, ...] = ()
    """Each year the period counted past the horizon, with why it is not published; empty
    when ``estimate`` is false."""
    source: str
    """The policy citation of the period."""


Due: TypeAlias = tuple[datetime, date, bool]
"""The fast answer: (``due``, ``last_day``, ``estimate``)."""
