"""Deadlines: how long a party has, counted on the marketplace's business-day calendar.

The policy is data (``rulesets/deadlines.yaml``, read by :func:`load_deadline_policy`): per
deadline kind a period (``business_days: N`` or ``business_hours: H``), optionally different
per marketplace and per Lazada country, the three settings that say what a period means, and
how the calendars are built (years, estimates, closures and working days the ``holidays`` data
lacks). This module computes.

What a period means (``docs/deadlines.md`` has examples per marketplace):

1. The trigger instant (an aware datetime) is converted to the marketplace's IANA timezone;
   its local date is the *trigger day*. The trigger day is never counted.
2. ``business_days: N``: with ``non_business_trigger: count_from_next_day`` the last day of
   the period is the N-th business day after the trigger day, whatever the trigger day is;
   with ``deemed_received_next_business_day`` a trigger on a non-business day counts as
   received on the next business day, and the N business days follow that day.
3. ``ends: end_of_day``: the period ends at 24:00 local time of its last day (``due`` is
   00:00 of the next calendar day, the exclusive end); ``ends: cutoff``: it ends at the
   ``cutoff`` local time of its last day.
4. ``business_hours: H``: the clock runs only on business days, 24 hours each; it starts at
   the trigger instant if the trigger day is a business day, else at 00:00 of the next
   business day, and ``due`` is the instant H such hours later (a Friday 15:00 trigger with
   Saturday and Sunday off and ``H = 24`` is due Monday 15:00).

Answers are cached per (marketplace, country, kind): the resolved calendar, zone and settings
are looked up once, after which a deadline costs about as much as one timezone conversion
and two table lookups. :func:`compute_due` is that fast path (a tuple); :func:`compute_deadline`
returns the :class:`Deadline` model.
"""

from __future__ import annotations

import os
import re
import threading
import typing
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Annotated, Any, ClassVar, Final, Literal, TypeAlias
from zoneinfo import ZoneInfo

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    PrivateAttr,
    StrictBool,
    StrictInt,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError

from ipp_rules.calendars import (
    BusinessCalendar,
    CalendarOverrides,
    YearNotice,
    calendar_name,
    get_calendar,
)
from ipp_rules.errors import CalendarHorizonError, DeadlineError, RulesetError, shown
from ipp_rules.models.types import IsoDate, Text
from ipp_rules.policies.base import CalendarSpec, MarketplacePolicy
from ipp_rules.policies.registry import get_policy, policies
from ipp_rules.problems import Problem, suggest, validate_document
from ipp_rules.text.yaml import load_yaml_file, shown_path

__all__ = [
    "DEADLINE_KINDS",
    "EDIT_A_BUNDLE",
    "POLICY_FILE",
    "CalendarDays",
    "CalendarEstimate",
    "CalendarSettings",
    "CountryPeriod",
    "Deadline",
    "DeadlineKind",
    "DeadlinePolicy",
    "DeadlineRule",
    "DeadlineRules",
    "Due",
    "MarketplacePeriod",
    "Notice",
    "Period",
    "PeriodSemantics",
    "Semantics",
    "calendar_key",
    "compute_deadline",
    "compute_due",
    "deadline_function",
    "estimate_fix",
    "load_deadline_policy",
]

POLICY_FILE = "deadlines.yaml"
"""The policy's file name in a bundle folder."""

DeadlineKind = Literal[
    "merchant_counter_notification",
    "rights_holder_response",
    "account_verification",
    "takedown_processing",
]
DEADLINE_KINDS: Final[tuple[str, ...]] = typing.get_args(DeadlineKind)
"""``merchant_counter_notification``: the merchant's window to counter-notify after a
takedown; ``rights_holder_response``: the rights holder's window to accept or dispute a
counter-notification; ``account_verification``: Alibaba's verification of an IPP account's
documents; ``takedown_processing``: the platform's processing of a takedown request."""

NonBusinessTrigger = Literal["count_from_next_day", "deemed_received_next_business_day"]
Ends = Literal["end_of_day", "cutoff"]

_ONE_DAY = timedelta(days=1)
_DAY_US = 86_400_000_000
_HOUR_US = 3_600_000_000
_MIDNIGHT = time(0)
_combine = datetime.combine
_CUTOFF = re.compile(r"([01]?[0-9]|2[0-3]):([0-5][0-9])")

# ---------------------------------------------------------------------------------------------
# The policy format


def _cutoff(value: Any) -> Any:
    """A local time of day written ``"HH:MM"``, after 00:00."""
    if isinstance(value, time):
        found: time | None = value if value.tzinfo is None else None
    elif isinstance(value, str) and _CUTOFF.fullmatch(value.strip()):
        hour, minute = value.strip().split(":")
        found = time(int(hour), int(minute))
    else:
        found = None
    if found is None:
        raise PydanticCustomError(
            "cutoff",
            'expected a local time written "HH:MM", like "18:00" (got {given})',
            {"given": repr(value)},
        )
    if found == _MIDNIGHT:
        raise PydanticCustomError(
            "cutoff",
            'a cut-off at "00:00" would end the period before its last day starts; for the '
            "end of the day write ends: end_of_day",
        )
    return found


Cutoff = Annotated[
    time,
    BeforeValidator(_cutoff),
    PlainSerializer(lambda value: value.strftime("%H:%M"), return_type=str),
    WithJsonSchema(
        {"type": "string", "pattern": r"^([01]?[0-9]|2[0-3]):[0-5][0-9]$", "examples": ["18:00"]}
    ),
]


def _text(what: str, longest: int) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        if isinstance(value, str):
            if not value.strip():
                raise PydanticCustomError("text", "{what} must not be empty", {"what": what})
            if len(value) > longest:
                raise PydanticCustomError(
                    "text",
                    "{what} has at most {longest} characters",
                    {"what": what, "longest": longest},
                )
            return value.strip()
        return value

    return check


Reason = Annotated[Text, AfterValidator(_text("the reason", 200))]
Citation = Annotated[Text, AfterValidator(_text("the source", 2000))]
Title = Annotated[Text, AfterValidator(_text("the title", 200))]


def _known_marketplace(value: str) -> str:
    known = tuple(policies())
    if value not in known:
        raise PydanticCustomError(
            "marketplace",
            "unknown marketplace '{given}'{hint}; known: {known}",
            {"given": value, "hint": _hint(value, known), "known": ", ".join(known)},
        )
    return value


def _all_countries() -> tuple[str, ...]:
    return tuple(dict.fromkeys(c for p in policies().values() for c in p.countries))


def _known_country(value: str) -> str:
    known = _all_countries()
    if value not in known:
        raise PydanticCustomError(
            "country",
            "unknown country platform '{given}'{hint}; known: {known}",
            {"given": value, "hint": _hint(value, known), "known": ", ".join(known)},
        )
    return value


def _base_specs() -> dict[str, CalendarSpec]:
    """Every registered marketplace calendar by its name (``CN``, ``MY-14``, ...)."""
    specs: dict[str, CalendarSpec] = {}
    for policy in policies().values():
        for country in policy.countries or (None,):
            spec = policy.calendar(country)
            specs.setdefault(calendar_name(spec), spec)
    return specs


def _known_calendar(value: str) -> str:
    known = tuple(_base_specs())
    if value not in known:
        raise PydanticCustomError(
            "calendar",
            "unknown calendar '{given}'{hint}; the marketplaces' calendars are: {known}",
            {"given": value, "hint": _hint(value, known), "known": ", ".join(known)},
        )
    return value


def _hint(value: str, known: Sequence[str]) -> str:
    close = suggest(value, known)
    return f" (did you mean '{close}'?)" if close else ""


MarketplaceKey = Annotated[Text, AfterValidator(_known_marketplace)]
CountryKey = Annotated[Text, AfterValidator(_known_country)]
CalendarKey = Annotated[Text, AfterValidator(_known_calendar)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Semantics(_Strict):
    """What a ``business_days`` period means where the period itself does not say.

    The defaults follow PRC Civil Code Arts. 201 and 203: the trigger day is not counted, a
    trigger on a non-business day is counted from the next day like any other, and the
    period ends at 24:00 local time of its last business day.
    """

    non_business_trigger: NonBusinessTrigger = "count_from_next_day"
    """``count_from_next_day``: the N business days are those after the trigger day, whether
    or not the trigger day is a business day. ``deemed_received_next_business_day``: a trigger
    on a non-business day is taken as received on the next business day, and the N business
    days are those after that day (one more day for such triggers)."""
    ends: Ends = "end_of_day"
    """``end_of_day``: the period ends at 24:00 local time of its last day. ``cutoff``: it
    ends at ``cutoff`` local time of its last day."""
    cutoff: Cutoff | None = None
    """The local time a period with ``ends: cutoff`` ends at, ``"HH:MM"``; written with
    ``ends: cutoff`` and only with it."""

    @model_validator(mode="after")
    def _cutoff_with_ends(self) -> Semantics:
        _check_cutoff(self.ends, self.cutoff)
        return self


def _check_cutoff(ends: str | None, cutoff: time | None) -> None:
    if ends == "cutoff" and cutoff is None:
        raise ValueError('ends: cutoff needs the time it ends at, like cutoff: "18:00"')
    if cutoff is not None and ends != "cutoff":
        raise ValueError(
            "cutoff is the time of an ends: cutoff period; write ends: cutoff beside it "
            "(or remove cutoff)"
        )


class Period(_Strict):
    """How long a party has: ``business_days: N`` or ``business_hours: H`` (exactly one),
    and for a ``business_days`` period optionally its own settings (else those of the
    file's ``semantics``)."""

    business_days: Annotated[StrictInt, Field(ge=1, le=250)] | None = None
    """N business days after the trigger day; the period ends on the N-th."""
    business_hours: Annotated[StrictInt, Field(ge=1, le=2400)] | None = None
    """H hours that run only on business days (24 per business day), from the trigger
    instant, or from 00:00 of the next business day for a trigger on a non-business day."""
    non_business_trigger: NonBusinessTrigger | None = None
    """This period's own ``non_business_trigger`` (``business_days`` periods only)."""
    ends: Ends | None = None
    """This period's own ``ends`` (``business_days`` periods only); with ``cutoff``."""
    cutoff: Cutoff | None = None
    """This period's own cut-off time, written with ``ends: cutoff``."""

    @model_validator(mode="after")
    def _one_length(self) -> Period:
        if (self.business_days is None) == (self.business_hours is None):
            raise ValueError(
                "write exactly one of business_days or business_hours, like "
                "{business_days: 3} or {business_hours: 24}"
            )
        if self.business_hours is not None:
            given = [
                key
                for key, value in (
                    ("non_business_trigger", self.non_business_trigger),
                    ("ends", self.ends),
                    ("cutoff", self.cutoff),
                )
                if value is not None
            ]
            if given:
                raise ValueError(
                    f"{', '.join(given)} applies to business_days periods only: a "
                    "business_hours period always starts at 00:00 of the next business day "
                    "when triggered on a non-business day, and ends when its hours have run"
                )
        if self.ends is not None or self.cutoff is not None:
            _check_cutoff(self.ends, self.cutoff)
        return self


class CountryPeriod(Period):
    """The period for one country platform of a marketplace (Lazada ``ID`` ... ``VN``)."""

    source: Citation | None = None
    """The citation for this country's period, if it is not the deadline's ``source``."""


class MarketplacePeriod(Period):
    """The period for one marketplace, and optionally per country platform."""

    source: Citation | None = None
    """The citation for this marketplace's period, if it is not the deadline's ``source``."""
    countries: dict[CountryKey, CountryPeriod] = Field(default_factory=dict)
    """Periods of single country platforms (only for a marketplace with country platforms);
    a country not listed has the marketplace's period."""


class DeadlineRule(_Strict):
    """One kind of deadline: where it comes from, its default period, and per-marketplace
    periods."""

    title: Title
    """What the period is for, in plain words (shown in the command's output)."""
    source: Citation
    """The policy citation of the default period (handbook section and quote)."""
    default: Period
    """The period of every marketplace not listed under ``marketplaces``."""
    marketplaces: dict[MarketplaceKey, MarketplacePeriod] = Field(default_factory=dict)
    """Periods of single marketplaces (``taobao``, ``lazada``, ...)."""

    @model_validator(mode="after")
    def _countries_need_country_platforms(self) -> DeadlineRule:
        for marketplace, period in self.marketplaces.items():
            if not period.countries:
                continue
            policy = get_policy(marketplace)
            if not policy.countries:
                raise ValueError(
                    f"marketplaces: {marketplace} has no country platforms, so it cannot have "
                    "countries"
                )
            other = [c for c in period.countries if c not in policy.countries]
            if other:
                raise ValueError(
                    f"marketplaces: {marketplace} has no country platform {', '.join(other)}; "
                    f"it has {', '.join(policy.countries)}"
                )
        return self


class DeadlineRules(_Strict):
    """The four deadline kinds, each required."""

    unknown_key: ClassVar[str] = "deadline kind"

    merchant_counter_notification: DeadlineRule
    """The merchant's window to counter-notify after the listing was taken down (counted from
    the takedown notice)."""
    rights_holder_response: DeadlineRule
    """The rights holder's window to accept or dispute a counter-notification (counted from
    the counter-notification); silence past it is acceptance."""
    account_verification: DeadlineRule
    """Alibaba's verification of an IPP account's identity and IPR documents (counted from
    their submission)."""
    takedown_processing: DeadlineRule
    """The platform's processing of a takedown request (counted from its submission)."""


class Notice(_Strict):
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
    def _not_both(self) -> Notice:
        both = sorted(self.days_off.keys() & self.working_days.keys())
        if both:
            listed = ", ".join(d.isoformat() for d in both)
            raise ValueError(f"{listed}: a date cannot be both a day off and a working day")
        return self


_YEARS = (1990, 2100)
NoticeYear = Annotated[int, Field(ge=_YEARS[0], le=_YEARS[1])]
"""A notice's year: a mapping key, so written as text in YAML and read as a number."""


class CalendarDays(_Strict):
    """Days a calendar gets wrong, with the reason for each, and years entered from their
    official notices."""

    closures: dict[IsoDate, Reason] = Field(default_factory=dict)
    """Dates the marketplace is closed although the ``holidays`` data says it works
    (``2026-12-31: Office closure notice 2026-12``)."""
    working_days: dict[IsoDate, Reason] = Field(default_factory=dict)
    """Dates it works although the data says it is closed or a weekend day."""
    notices: dict[NoticeYear, Notice] = Field(default_factory=dict)
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


class CalendarSettings(_Strict):
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


class DeadlinePolicy(_Strict):
    """The deadlines file: default settings, calendars, and the four deadline kinds."""

    semantics: Semantics
    """What a ``business_days`` period means where the period does not say."""
    calendars: CalendarSettings
    deadlines: DeadlineRules

    _plans: dict[_PlanKey, _Plan] = PrivateAttr(default_factory=dict)

    def __eq__(self, other: object) -> bool:
        """Equal content; the cache of resolved deadlines does not count."""
        if not isinstance(other, DeadlinePolicy):
            return NotImplemented
        return self.__dict__ == other.__dict__

    __hash__ = None  # type: ignore[assignment]

    def __copy__(self) -> DeadlinePolicy:
        """A copy with its own (empty) cache: ``model_copy(update=...)`` must not answer from
        the original's resolved deadlines."""
        copied = super().__copy__()
        copied._plans = {}
        return copied

    def __deepcopy__(self, memo: dict[int, Any] | None = None) -> DeadlinePolicy:
        copied = super().__deepcopy__(memo)
        copied._plans = {}
        return copied

    def rule(self, kind: str) -> DeadlineRule:
        """The rule of deadline ``kind``; :class:`DeadlineError` listing the kinds if unknown."""
        if kind not in DEADLINE_KINDS:
            raise DeadlineError([Problem(_unknown_kind(kind), path=("kind",))])
        found: DeadlineRule = getattr(self.deadlines, kind)
        return found

    def calendar_for(self, platform: str, country: str | None = None) -> BusinessCalendar:
        """The business-day calendar deadlines of ``platform`` (and ``country``) count on."""
        policy = get_policy(platform)
        return self._calendar(policy, policy.check_country(country))

    def period_for(
        self, platform: str, kind: str, country: str | None = None
    ) -> tuple[Period, str]:
        """The period of ``kind`` on ``platform`` (and ``country``) and its citation."""
        rule = self.rule(kind)
        policy = get_policy(platform)
        checked = policy.check_country(country)
        period: Period = rule.default
        source = rule.source
        chosen = rule.marketplaces.get(policy.id)
        if chosen is not None:
            period, source = chosen, chosen.source or source
            in_country = chosen.countries.get(checked) if checked is not None else None
            if in_country is not None:
                period, source = in_country, in_country.source or source
        return period, source

    def semantics_of(self, period: Period) -> PeriodSemantics:
        """The settings ``period`` is counted with (its own, else the file's)."""
        if period.business_hours is not None:
            return _HOURS_SEMANTICS
        trigger = period.non_business_trigger or self.semantics.non_business_trigger
        if period.ends is not None:
            ends, cutoff = period.ends, period.cutoff
        else:
            ends, cutoff = self.semantics.ends, self.semantics.cutoff
        return PeriodSemantics(non_business_trigger=trigger, ends=ends, cutoff=cutoff)

    def warm_up(self) -> None:
        """Build every marketplace's calendars and resolve every deadline now (a service's
        start-up), instead of on each one's first use."""
        for policy in policies().values():
            for country in policy.countries or (None,):
                for kind in DEADLINE_KINDS:
                    self._plan(policy.id, kind, country)

    def _calendar(self, policy: MarketplacePolicy, country: str | None) -> BusinessCalendar:
        settings = self.calendars
        spec = policy.calendar(country)
        name = calendar_name(spec)
        if (
            spec.country == "ID"
            and settings.indonesia_collective_leave
            and "government" not in spec.categories
        ):
            spec = replace(spec, categories=(*spec.categories, "government"))
        days = settings.overrides.get(name)
        return get_calendar(
            spec,
            first_year=settings.first_year,
            last_year=settings.last_year,
            overrides=None if days is None else days.overrides(),
            allow_estimates=settings.allow_estimates,
            horizon=None if days is None else days.horizon,
        )

    def _plan(self, platform: str, kind: str, country: str | None) -> _Plan:
        """Resolve (and cache) one (marketplace, country, kind); every argument is checked
        before it is used as a key."""
        rule = self.rule(kind)
        policy = get_policy(platform)
        checked = policy.check_country(country)
        period, source = self.period_for(policy.id, kind, checked)
        timezone = policy.timezone(checked)
        plan = _Plan(
            kind=typing.cast(DeadlineKind, kind),
            title=rule.title,
            platform=policy.id,
            country=checked,
            zone=ZoneInfo(timezone),
            timezone=timezone,
            calendar=self._calendar(policy, checked),
            calendar_key=calendar_key(policy.id, checked),
            period=period,
            semantics=self.semantics_of(period),
            source=source,
        )
        with _plans_lock:
            return self._plans.setdefault((platform, country, kind), plan)


_plans_lock = threading.Lock()
_PlanKey: TypeAlias = tuple[str, str | None, str]
"""(marketplace as asked, country as asked, kind)."""


def _unknown_kind(kind: object) -> str:
    name = kind if isinstance(kind, str) else shown(kind)
    return f"unknown deadline kind {shown(name)}{_hint(str(name), DEADLINE_KINDS)}; known: " + (
        ", ".join(DEADLINE_KINDS)
    )


# ---------------------------------------------------------------------------------------------
# Results


class PeriodSemantics(_Strict):
    """The settings a deadline was counted with."""

    non_business_trigger: NonBusinessTrigger
    """For a ``business_hours`` period always ``deemed_received_next_business_day``: its
    clock starts at 00:00 of the next business day."""
    ends: Literal["end_of_day", "cutoff", "hours_elapsed"]
    """``hours_elapsed`` for a ``business_hours`` period: it ends when its hours have run."""
    cutoff: Cutoff | None = None


_HOURS_SEMANTICS = PeriodSemantics(
    non_business_trigger="deemed_received_next_business_day", ends="hours_elapsed"
)


class CalendarEstimate(_Strict):
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


class Deadline(_Strict):
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


_validate_deadline = Deadline.model_validate

Due: TypeAlias = tuple[datetime, date, bool]
"""The fast answer: (``due``, ``last_day``, ``estimate``)."""


class _Plan:
    """One (marketplace, country, kind) resolved: calendar, zone, period and settings."""

    __slots__ = (
        "business_days",
        "business_hours",
        "calendar",
        "calendar_key",
        "calendar_name",
        "country",
        "cutoff",
        "deemed",
        "estimated_years",
        "horizon",
        "kind",
        "period",
        "platform",
        "semantics",
        "source",
        "timezone",
        "title",
        "zone",
    )

    def __init__(
        self,
        *,
        kind: DeadlineKind,
        title: str,
        platform: str,
        country: str | None,
        zone: ZoneInfo,
        timezone: str,
        calendar: BusinessCalendar,
        calendar_key: str,
        period: Period,
        semantics: PeriodSemantics,
        source: str,
    ) -> None:
        self.kind = kind
        self.calendar_key = calendar_key
        self.title = title
        self.platform = platform
        self.country = country
        self.zone = zone
        self.timezone = timezone
        self.calendar = calendar
        self.calendar_name = calendar.name
        self.horizon = calendar.horizon
        self.period = period
        self.semantics = semantics
        self.source = source
        self.business_days = period.business_days
        self.business_hours = period.business_hours
        self.deemed = semantics.non_business_trigger == "deemed_received_next_business_day"
        self.cutoff = semantics.cutoff if semantics.ends == "cutoff" else None
        self.estimated_years: dict[int, CalendarEstimate] = {}

    def estimates(self, first: date, last: date) -> tuple[CalendarEstimate, ...]:
        """The years between ``first`` and ``last`` that lie past the horizon, explained."""
        start = max(first, self.horizon + _ONE_DAY).year
        return tuple(self._estimate(year) for year in range(start, last.year + 1))

    def _estimate(self, year: int) -> CalendarEstimate:
        found = self.estimated_years.get(year)
        if found is None:
            calendar = self.calendar
            reason = "; ".join(calendar.estimate_reasons(year))
            found = CalendarEstimate(
                calendar=self.calendar_name,
                year=year,
                reason=reason,
                note=f"{year} {calendar.published.label} calendar ({self.calendar_name}): "
                + reason,
            )
            self.estimated_years[year] = found
        return found

    def due(self, received_at: datetime) -> tuple[datetime, datetime, date]:
        """(local trigger, due, last day) for an aware ``received_at``."""
        if not isinstance(received_at, datetime) or received_at.utcoffset() is None:
            raise DeadlineError([Problem(_naive(received_at), path=("received_at",))])
        zone = self.zone
        calendar = self.calendar
        try:
            local = received_at.astimezone(zone)
        except OverflowError:  # year 1 or 9999 near its edge: outside every calendar's years
            calendar.is_business_day(received_at.date())  # raises CalendarHorizonError
            raise DeadlineError(
                [Problem(f"{received_at.isoformat()} is out of range", path=("received_at",))]
            ) from None
        day = local.date()
        n = self.business_days
        if n is not None:
            if self.deemed and not calendar.is_business_day(day):
                day = calendar.add_business_days(day, 0)
            last = calendar.add_business_days(day, n)
            cutoff = self.cutoff
            if cutoff is None:
                return local, _combine(last + _ONE_DAY, _MIDNIGHT, zone), last
            return local, _combine(last, cutoff, zone), last
        hours = self.business_hours
        assert hours is not None  # a period has exactly one length
        if calendar.is_business_day(day):
            into = (
                (local.hour * 60 + local.minute) * 60 + local.second
            ) * 1_000_000 + local.microsecond
        else:
            day = calendar.add_business_days(day, 0)
            into = 0
        days, rest = divmod(into + hours * _HOUR_US, _DAY_US)
        if rest == 0:
            last = calendar.add_business_days(day, days - 1)
            return local, _combine(last + _ONE_DAY, _MIDNIGHT, zone), last
        last = calendar.add_business_days(day, days)
        return local, _combine(last, _MIDNIGHT, zone) + timedelta(microseconds=rest), last


def _naive(value: object) -> str:
    if isinstance(value, datetime):
        return (
            f"{value.isoformat()} has no UTC offset: give the instant with one, like "
            "2026-09-18T10:00:00+08:00 or ...Z (a time without an offset could be any of "
            "several instants)"
        )
    return f"expected an aware datetime, got {type(value).__name__} {shown(value)}"


EDIT_A_BUNDLE = (
    "`ipp-rules init FOLDER` copies the bundled rules into FOLDER to edit; then pass "
    "--rules FOLDER to every command (Engine.from_path(FOLDER) in Python)"
)
"""How to change a policy setting when the bundled rules are in use, for messages."""


def calendar_key(platform: str, country: str | None = None) -> str:
    """The key of ``platform``'s calendar under ``calendars: overrides:`` (``CN``, ``MY-14``)."""
    policy = get_policy(platform)
    return calendar_name(policy.calendar(policy.check_country(country)))


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


def _horizon_error(exc: CalendarHorizonError, plan: _Plan) -> CalendarHorizonError:
    """The calendar's error, worded for the deadline that asked, with what to edit."""
    where = plan.platform + (f" {plan.country}" if plan.country else "")
    calendar = plan.calendar
    if exc.past_horizon:
        year = (calendar.horizon + _ONE_DAY).year
        why = "; ".join(calendar.estimate_reasons(year))
        detail = (
            f"{plan.kind} on {where}: the period from {exc.asked.isoformat()} runs past the "
            f"calendar's horizon, and the bundle refuses estimates (calendars: "
            f"allow_estimates: false in its {POLICY_FILE}). {year} {calendar.published.label} "
            f"calendar: {why}. To answer, set allow_estimates: true there (answers past the "
            f"horizon are then marked estimate: true), or "
            f"{estimate_fix(plan.calendar_key, calendar)}. {EDIT_A_BUNDLE}"
        )
    else:
        bound = "first_year" if exc.asked < calendar.first_day else "last_year"
        detail = (
            f"{plan.kind} on {where}: {exc.detail}. The years the calendars are built for are "
            f"calendars: first_year and last_year in the bundle's {POLICY_FILE}; change "
            f"{bound} there. {EDIT_A_BUNDLE}"
        )
    return CalendarHorizonError(
        exc.calendar, exc.asked, exc.horizon, detail, past_horizon=exc.past_horizon
    )


def _cached_plan(policy: DeadlinePolicy, platform: str, kind: str, country: str | None) -> _Plan:
    # The plan cache is read straight from pydantic's private-attribute store: going through
    # the attribute costs more than the whole deadline.
    plans: dict[_PlanKey, _Plan] = policy.__pydantic_private__["_plans"]  # type: ignore[index]
    try:
        plan = plans.get((platform, country, kind))
    except TypeError:  # an unhashable argument: _plan says what is wrong with it
        plan = None
    return plan if plan is not None else policy._plan(platform, kind, country)


def compute_due(
    policy: DeadlinePolicy,
    platform: str,
    kind: str,
    received_at: datetime,
    country: str | None = None,
) -> Due:
    """The fast path of :func:`compute_deadline`: ``(due, last_day, estimate)``, no model.

    Same checks and errors as :func:`compute_deadline`.
    """
    plan = _cached_plan(policy, platform, kind, country)
    try:
        _, due, last = plan.due(received_at)
    except CalendarHorizonError as exc:
        raise _horizon_error(exc, plan) from None
    return due, last, last > plan.horizon


def compute_deadline(
    policy: DeadlinePolicy,
    platform: str,
    kind: str,
    received_at: datetime,
    country: str | None = None,
) -> Deadline:
    """When the period ``kind`` that started at ``received_at`` on ``platform`` ends.

    ``received_at`` must be aware (any offset; it is converted to the marketplace's
    timezone). ``country`` is required for Lazada and refused elsewhere.

    Raises :class:`~ipp_rules.errors.DeadlineError` for a naive ``received_at`` or an unknown
    ``kind``, :class:`~ipp_rules.errors.UnknownMarketplaceError` for an unknown marketplace
    or a missing or wrong country, and :class:`~ipp_rules.errors.CalendarHorizonError` when
    the period runs past the calendar's horizon and the policy does not allow estimates (or
    outside the calendar's years at all).
    """
    plan = _cached_plan(policy, platform, kind, country)
    try:
        local, due, last = plan.due(received_at)
    except CalendarHorizonError as exc:
        raise _horizon_error(exc, plan) from None
    estimate = last > plan.horizon
    # Validating a dict in pydantic-core is faster than model_construct's Python loop.
    return _validate_deadline(
        {
            "kind": plan.kind,
            "platform": plan.platform,
            "country": plan.country,
            "received_at": received_at,
            "local_received_at": local,
            "due": due,
            "last_day": last,
            "business_days": plan.business_days,
            "business_hours": plan.business_hours,
            "calendar": plan.calendar_name,
            "timezone": plan.timezone,
            "semantics": plan.semantics,
            "estimate": estimate,
            "estimates": plan.estimates(local.date(), last) if estimate else (),
            "source": plan.source,
        }
    )


def deadline_function(
    policy: DeadlinePolicy, platform: str, country: str | None = None
) -> Callable[[str, datetime], Deadline]:
    """``(kind, received_at) -> Deadline`` for one marketplace: what
    :func:`ipp_rules.deadlines.lifecycle.replay` takes as ``deadlines``."""
    get_policy(platform).check_country(country)

    def deadline(kind: str, received_at: datetime) -> Deadline:
        return compute_deadline(policy, platform, kind, received_at, country)

    return deadline


# ---------------------------------------------------------------------------------------------
# Loading


def load_deadline_policy(path: str | os.PathLike[str]) -> DeadlinePolicy:
    """Load the policy from a bundle folder (its ``deadlines.yaml``) or from the file itself.

    Every problem is a :class:`~ipp_rules.errors.RulesetError` with ``file:line:column``.
    """
    file = Path(path)
    if file.is_dir():
        file = file / POLICY_FILE
    doc = load_yaml_file(file, display_name=str(shown_path(file)), error=RulesetError)
    policy, problems = validate_document(DeadlinePolicy, doc)
    if policy is None:
        raise RulesetError(problems)
    return policy
