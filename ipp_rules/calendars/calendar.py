"""A marketplace's business-day calendar: immutable tables built once from ``holidays``.

A :class:`BusinessCalendar` covers whole years ``[first_day, last_day]``. Building it asks
``holidays`` once, for exactly those years, and copies what it needs into flat read-only
tables; no lookup touches ``holidays`` afterwards, so queries are safe from any number of
threads and never trigger the package's lazy (racy, guessing) year population.

What a business day is, for one date ``d`` (first rule that applies wins):

1. an override working day (``CalendarOverrides.working_days``) is a business day;
2. an override closure (``CalendarOverrides.closures``) is not;
3. a weekend day (the spec's ``weekend``, else ``holidays``' own ``is_weekend(d)``, which
   knows Malaysia's per-state and per-period weekends) is a business day only if it is an
   official make-up working day (``weekend_workdays``: China's 调休 Saturdays and Sundays);
4. any other day is a business day unless it is a holiday of one of the spec's closing
   categories (``public``, and e.g. ``government`` for Indonesia's cuti bersama).

Rules 3 and 4 are exactly ``holidays``' ``is_working_day``. The ``workday`` and ``half_day``
categories never close a day (Philippines special working days, China's half days): their
names are recorded and the day stays a business day.

The tables: ``rank[i]`` is the number of business days in ``[first_day, first_day + i]``
and ``positions[k]`` the offset of the (k+1)-th business day, so adding and counting
business days are index arithmetic, O(1).

A year whose official notice is entered in the overrides (``CalendarOverrides.notices``)
is built from the notice alone: its days off close, the weekend days it names are worked, and
``holidays``' data for that year is not read.

Past the calendar's ``horizon`` (the last date with published data, see
:mod:`ipp_rules.calendars.horizon`) every question raises
:class:`~ipp_rules.errors.CalendarHorizonError`, unless the calendar was built with
``allow_estimates=True``: then days up to ``last_day`` are answered from ``holidays``'
rule-based guess, and :meth:`BusinessCalendar.nth_business_day`, :meth:`describe`,
:meth:`is_estimate` and :meth:`estimate_reasons` say so.

Kept whole (about 700 lines): one calendar, its tables and the overrides that shape them are
one structure; splitting them would put an invariant of the tables in two places.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial
from types import MappingProxyType
from typing import TYPE_CHECKING, Literal, NoReturn

from ipp_rules.calendars.holiday_data import (
    CalendarConfigError,
    calendar_name,
    closing_categories,
    load_holidays,
    marker_categories,
)
from ipp_rules.calendars.horizon import Published, published
from ipp_rules.errors import CalendarHorizonError

if TYPE_CHECKING:
    from ipp_rules.policies.base import CalendarSpec

__all__ = [
    "BusinessCalendar",
    "CalendarOverrides",
    "DayInfo",
    "DayKind",
    "HorizonSource",
    "NthBusinessDay",
    "YearNotice",
]

DayKind = Literal[
    "business",
    "weekend",
    "holiday",
    "make_up_workday",
    "observance",
    "closure",
    "working_override",
]
"""Why a day is or is not a business day (see :meth:`BusinessCalendar.describe`):

``business`` an ordinary working day; ``weekend`` a weekend day; ``holiday`` a holiday of a
closing category on a weekday; ``make_up_workday`` a weekend day worked by official notice;
``observance`` a named working day (``workday``/``half_day`` category, e.g. a Philippine
special working day); ``closure`` an override closure; ``working_override`` an override
working day."""

HorizonSource = Literal["data", "notices", "set"]
"""Where a calendar's horizon comes from: the ``holidays`` data, notices entered in the
overrides, or a horizon set by hand."""

_EMPTY: Mapping[date, str] = MappingProxyType({})


def _check_dates(what: str, days: Mapping[date, str] | None) -> Mapping[date, str]:
    if days is None:
        return _EMPTY
    if not isinstance(days, Mapping):
        raise CalendarConfigError(f"{what} must be a mapping of date to reason")
    checked: dict[date, str] = {}
    for day, reason in days.items():
        if isinstance(day, datetime) or not isinstance(day, date):
            raise CalendarConfigError(f"{what}: {day!r} is not a date (YYYY-MM-DD)")
        if not isinstance(reason, str) or not reason.strip():
            raise CalendarConfigError(f"{what}[{day.isoformat()}]: the reason must be text")
        checked[day] = reason.strip()
    return MappingProxyType(dict(sorted(checked.items())))


@dataclass(frozen=True, slots=True)
class YearNotice:
    """One year's official holiday notice, entered by hand: the days off it sets and the
    weekend days it makes working days. A calendar builds that year from it alone."""

    year: int
    source: str
    """The notice's citation (issuer, number, date)."""
    days_off: tuple[tuple[date, str], ...]
    """``(date, name)`` of every day off the notice sets, in date order."""
    working_days: tuple[tuple[date, str], ...] = ()
    """``(date, reason)`` of every weekend day the notice makes a working day."""

    def __post_init__(self) -> None:
        if isinstance(self.year, bool) or not isinstance(self.year, int):
            raise CalendarConfigError(f"notice year must be a year, not {self.year!r}")
        if not isinstance(self.source, str) or not self.source.strip():
            raise CalendarConfigError(f"notice {self.year}: the source must be text")
        off = _check_dates(f"notice {self.year} days_off", dict(self.days_off))
        working = _check_dates(f"notice {self.year} working_days", dict(self.working_days))
        outside = sorted(d for d in (*off, *working) if d.year != self.year)
        if outside:
            raise CalendarConfigError(
                f"notice {self.year}: {outside[0].isoformat()} is not in {self.year}"
            )
        both = sorted(off.keys() & working.keys())
        if both:
            listed = ", ".join(day.isoformat() for day in both)
            raise CalendarConfigError(
                f"notice {self.year}: both a day off and a working day: {listed}"
            )
        object.__setattr__(self, "days_off", tuple(off.items()))
        object.__setattr__(self, "working_days", tuple(working.items()))


class CalendarOverrides:
    """Extra closures and extra working days laid over the ``holidays`` data, with reasons,
    and whole years entered from their official notices.

    Immutable and hashable (calendars are cached per overrides). A date may not be both a
    closure and a working day. Dates outside a calendar's years do not affect it.
    """

    __slots__ = ("_key", "closures", "notices", "working_days")

    _key: tuple[tuple[tuple[date, str], ...], tuple[tuple[date, str], ...], tuple[YearNotice, ...]]

    closures: Mapping[date, str]
    """Dates on which the marketplace is closed although the data says it works."""
    working_days: Mapping[date, str]
    """Dates on which it works although the data says it is closed (or a weekend)."""
    notices: Mapping[int, YearNotice]
    """Years built from their official notice instead of the ``holidays`` data, by year
    (closures and working days above still apply on top)."""

    def __init__(
        self,
        closures: Mapping[date, str] | None = None,
        working_days: Mapping[date, str] | None = None,
        notices: Iterable[YearNotice] = (),
    ) -> None:
        closed = _check_dates("closures", closures)
        working = _check_dates("working_days", working_days)
        both = sorted(closed.keys() & working.keys())
        if both:
            listed = ", ".join(day.isoformat() for day in both)
            raise CalendarConfigError(f"both a closure and a working day: {listed}")
        by_year: dict[int, YearNotice] = {}
        for notice in notices:
            if not isinstance(notice, YearNotice):
                raise CalendarConfigError("notices must be YearNotice objects")
            if notice.year in by_year:
                raise CalendarConfigError(f"two notices for {notice.year}")
            by_year[notice.year] = notice
        ordered = dict(sorted(by_year.items()))
        object.__setattr__(self, "closures", closed)
        object.__setattr__(self, "working_days", working)
        object.__setattr__(self, "notices", MappingProxyType(ordered))
        object.__setattr__(
            self,
            "_key",
            (tuple(closed.items()), tuple(working.items()), tuple(ordered.values())),
        )

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __delattr__(self, name: str) -> NoReturn:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, CalendarOverrides):
            return NotImplemented
        return bool(self._key == other._key)

    def __hash__(self) -> int:
        return hash(self._key)

    def __bool__(self) -> bool:
        return bool(self.closures or self.working_days or self.notices)

    def __repr__(self) -> str:
        return (
            f"CalendarOverrides(closures={dict(self.closures)!r}, "
            f"working_days={dict(self.working_days)!r}, "
            f"notices={tuple(self.notices.values())!r})"
        )

    def __reduce__(self) -> tuple[object, ...]:
        return (
            CalendarOverrides,
            (dict(self.closures), dict(self.working_days), tuple(self.notices.values())),
        )


NO_OVERRIDES = CalendarOverrides()


@dataclass(frozen=True, slots=True)
class NthBusinessDay:
    """The ``n``-th business day after ``start`` (:meth:`BusinessCalendar.add_business_days`)."""

    start: date
    n: int
    day: date
    estimate: bool
    """True when ``day`` lies past the calendar's horizon: computed from ``holidays``'
    rule-based guess, not from published data (only with ``allow_estimates=True``)."""


@dataclass(frozen=True, slots=True)
class DayInfo:
    """What a calendar knows about one date."""

    day: date
    business: bool
    kind: DayKind
    name: str | None
    """The holiday's name, the override's reason, or the observance's name; ``None`` for an
    ordinary business day, an ordinary weekend day and a make-up working day."""
    estimate: bool
    """True when ``day`` lies past the horizon (answered from a rule-based guess)."""


class BusinessCalendar:
    """A business-day calendar over whole years, immutable and safe to share between threads.

    Build it with :func:`ipp_rules.calendars.get_calendar` (cached) or directly::

        BusinessCalendar(CalendarSpec("CN"), first_year=2000, last_year=2027)

    ``horizon`` defaults to the data's own (:mod:`ipp_rules.calendars.horizon`), moved on
    through the years whose notices ``overrides`` enters; the calendar's :attr:`horizon` is
    that, or ``last_day`` if earlier. Every query takes a
    :class:`~datetime.date` in the marketplace's own timezone; a ``datetime`` is refused
    (``holidays`` would silently cut an aware datetime to *its* date, not the local one).
    """

    __slots__ = (
        "_closures",
        "_first_ord",
        "_limit",
        "_limit_rank",
        "_make_up",
        "_observances",
        "_positions",
        "_rank",
        "_weekend",
        "_working",
        "allow_estimates",
        "first_day",
        "horizon",
        "horizon_source",
        "last_day",
        "name",
        "overrides",
        "published",
        "spec",
    )

    spec: CalendarSpec
    name: str
    """``CN``, ``MY-14``, ``ID+government``...; with ``*`` when overrides apply or the horizon
    was set in place of the published one."""
    first_day: date
    """1 January of the first year built."""
    last_day: date
    """31 December of the last year built: the end of the tables."""
    horizon: date
    """The last date answered from published data: the data's own horizon
    (:attr:`published`), moved on by the years whose notices the overrides enter, or the
    ``horizon`` the calendar was built with; never after :attr:`last_day`. Later dates raise
    unless estimates are allowed."""
    horizon_source: HorizonSource
    """Where :attr:`horizon` comes from: ``data`` (the ``holidays`` release), ``notices``
    (notices entered in the overrides), ``set`` (the ``horizon`` argument)."""
    published: Published
    """What the ``holidays`` data publishes for the years built, and why later years are
    estimates."""
    allow_estimates: bool
    overrides: CalendarOverrides

    _first_ord: int
    _limit: int
    _limit_rank: int
    _working: bytes
    _weekend: bytes
    _rank: memoryview
    _positions: memoryview
    _closures: Mapping[date, str]
    _observances: Mapping[date, str]
    _make_up: frozenset[date]

    def __init__(
        self,
        spec: CalendarSpec,
        *,
        first_year: int,
        last_year: int,
        horizon: date | None = None,
        overrides: CalendarOverrides | None = None,
        allow_estimates: bool = False,
    ) -> None:
        name = calendar_name(spec)
        for label, year in (("first_year", first_year), ("last_year", last_year)):
            if isinstance(year, bool) or not isinstance(year, int):
                raise CalendarConfigError(f"calendar {name}: {label} must be a year, not {year!r}")
        if first_year > last_year:
            raise CalendarConfigError(
                f"calendar {name}: first_year {first_year} is after last_year {last_year}"
            )
        if overrides is None:
            overrides = NO_OVERRIDES
        elif not isinstance(overrides, CalendarOverrides):
            raise CalendarConfigError(f"calendar {name}: overrides must be CalendarOverrides")
        if horizon is not None and (isinstance(horizon, datetime) or not isinstance(horizon, date)):
            raise CalendarConfigError(f"calendar {name}: horizon must be a date")
        first_day = date(first_year, 1, 1)
        last_day = date(last_year, 12, 31)

        years = range(first_year, last_year + 1)
        source = load_holidays(spec, years, closing_categories(spec))
        data = published(spec, source, first_year, last_year)
        entered = {y: n for y, n in overrides.notices.items() if first_year <= y <= last_year}
        last_published = data.last_published_year
        while last_published + 1 in entered:
            last_published += 1
        natural = date(last_published, 12, 31)
        source_of_horizon: HorizonSource
        if horizon is None:
            horizon = natural
            source_of_horizon = "notices" if natural > data.horizon else "data"
        else:
            source_of_horizon = "set"
        changed = bool(overrides) or horizon != natural
        horizon = min(horizon, last_day)

        closures = {
            d: str(label)
            for d, label in source.items()
            if first_day <= d <= last_day and d.year not in entered
        }
        make_up_days = {
            d
            for d in source.weekend_workdays
            if first_day <= d <= last_day and d.year not in entered
        }
        for notice in entered.values():
            closures.update(notice.days_off)
            make_up_days.update(day for day, _ in notice.working_days)
        make_up = frozenset(make_up_days)
        observances: dict[date, str] = {}
        markers = marker_categories(spec)
        if markers:
            named = load_holidays(spec, years, markers)
            observances = {
                d: str(label)
                for d, label in named.items()
                if first_day <= d <= last_day and d not in closures
            }
        is_weekend: Callable[[date], bool]
        if spec.weekend is None:
            is_weekend = source.is_weekend
        else:
            weekend_days = frozenset(spec.weekend)
            is_weekend = partial(_weekday_in, weekend_days)

        first_ord = first_day.toordinal()
        size = last_day.toordinal() - first_ord + 1
        working = bytearray(size)
        weekend = bytearray(size)
        rank = array("i", [0]) * size
        positions = array("i")
        count = 0
        day = first_day
        one = timedelta(days=1)
        for index in range(size):
            off = is_weekend(day)
            if day in overrides.working_days:
                works = True
            elif day in overrides.closures:
                works = False
            elif off:
                works = day in make_up
            else:
                works = day not in closures
            if works:
                count += 1
                positions.append(index)
                working[index] = 1
            weekend[index] = off
            rank[index] = count
            day += one

        for day, reason in overrides.closures.items():
            if first_day <= day <= last_day:
                closures[day] = reason
        for day in overrides.working_days:
            closures.pop(day, None)

        limit = size - 1 if allow_estimates else horizon.toordinal() - first_ord
        values = {
            "spec": spec,
            "name": name + ("*" if changed else ""),
            "first_day": first_day,
            "last_day": last_day,
            "horizon": horizon,
            "horizon_source": source_of_horizon,
            "published": data,
            "allow_estimates": bool(allow_estimates),
            "overrides": overrides,
            "_first_ord": first_ord,
            "_limit": limit,
            "_limit_rank": rank[limit] if limit >= 0 else 0,
            "_working": bytes(working),
            "_weekend": bytes(weekend),
            "_rank": memoryview(rank).toreadonly(),
            "_positions": memoryview(positions).toreadonly(),
            "_closures": MappingProxyType(dict(sorted(closures.items()))),
            "_observances": MappingProxyType(dict(sorted(observances.items()))),
            "_make_up": make_up,
        }
        for attribute, value in values.items():
            object.__setattr__(self, attribute, value)

    # -- immutability -------------------------------------------------------------------

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __delattr__(self, name: str) -> NoReturn:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __copy__(self) -> BusinessCalendar:
        return self

    def __deepcopy__(self, memo: dict[int, object]) -> BusinessCalendar:
        return self

    def __reduce__(self) -> tuple[object, ...]:
        """Pickled as its arguments; unpickling builds the tables again."""
        return (
            _rebuild,
            (
                self.spec,
                self.first_day.year,
                self.last_day.year,
                self.horizon,
                self.overrides,
                self.allow_estimates,
            ),
        )

    def __repr__(self) -> str:
        estimates = ", estimates" if self.allow_estimates else ""
        return (
            f"<BusinessCalendar {self.name} {self.first_day.isoformat()}.."
            f"{self.last_day.isoformat()} horizon {self.horizon.isoformat()}{estimates}>"
        )

    # -- queries -------------------------------------------------------------------------

    def is_business_day(self, d: date) -> bool:
        """Whether ``d`` is a business day."""
        return self._working[self._index(d)] == 1

    def add_business_days(self, d: date, n: int) -> date:
        """The ``n``-th business day after ``d``, not counting ``d`` itself.

        ``n >= 1``: the business day ``b`` with exactly ``n`` business days in ``(d, b]``,
        whether or not ``d`` is a business day (China, ``n=3``: from Fri 2026-09-18, the
        make-up Sun 09-20, Mon 09-21, Tue 09-22 -> 2026-09-22). ``n == 0``: ``d`` itself if
        it is a business day, else the next business day after it. This is
        ``holidays.get_nth_working_day(d, n)`` for ``n >= 0``.

        Raises ``ValueError`` for ``n < 0`` and
        :class:`~ipp_rules.errors.CalendarHorizonError` when ``d`` or the answer lies
        outside what the calendar may answer for.
        """
        index = self._index(d)
        if n < 0:
            raise ValueError(f"n must be >= 0, not {n}")
        if n == 0:
            if self._working[index]:
                return d
            target = self._rank[index] + 1
        else:
            target = self._rank[index] + n
        if target > self._limit_rank:
            self._beyond(d, n)
        return date.fromordinal(self._first_ord + self._positions[target - 1])

    def nth_business_day(self, d: date, n: int) -> NthBusinessDay:
        """:meth:`add_business_days`, saying whether the answer is an estimate."""
        day = self.add_business_days(d, n)
        return NthBusinessDay(start=d, n=n, day=day, estimate=day > self.horizon)

    def next_business_day(self, d: date) -> date:
        """The first business day strictly after ``d`` (``add_business_days(d, 1)``)."""
        return self.add_business_days(d, 1)

    def previous_business_day(self, d: date) -> date:
        """The last business day strictly before ``d``."""
        index = self._index(d)
        before = self._rank[index] - self._working[index]
        if before == 0:
            raise CalendarHorizonError(
                self.name,
                d,
                self.horizon,
                f"no business day between {self.first_day.isoformat()}, the first day this "
                "calendar was built for, and it",
                past_horizon=False,
            )
        return date.fromordinal(self._first_ord + self._positions[before - 1])

    def business_days_between(self, a: date, b: date) -> int:
        """The number of business days in ``(a, b]``: ``a`` not counted, ``b`` counted.

        ``0`` when ``a == b``; negative, ``-business_days_between(b, a)``, when ``a > b``.
        For ``n >= 1``, ``business_days_between(d, add_business_days(d, n)) == n``.
        """
        return self._rank[self._index(b)] - self._rank[self._index(a)]

    def holiday_name(self, d: date) -> str | None:
        """The name of the holiday or override closure on ``d`` (also on a weekend day),
        ``None`` if there is none or an override makes ``d`` a working day."""
        self._index(d)
        return self._closures.get(d)

    def is_estimate(self, d: date) -> bool:
        """Whether an answer about ``d`` could only come from a rule-based guess: ``d`` is
        past the horizon. (Such answers exist only with ``allow_estimates=True``; without it
        the question about ``d`` raises.) Never raises for a date."""
        if type(d) is not date:
            _check_date(d)
        return d > self.horizon

    def estimate_reasons(self, year: int) -> list[str]:
        """Why answers in ``year`` are estimates, in words; empty when the whole year is within
        the horizon. ``["the State Council notice with its days off and make-up working days
        is not in the data (holidays 0.109)"]`` for China in 2027."""
        if date(year, 12, 31) <= self.horizon:
            return []
        if year in self.overrides.notices:
            if self.horizon_source == "set":
                return [
                    f"its notice is entered, but the horizon is set by hand to "
                    f"{self.horizon.isoformat()}"
                ]
            gap = self.horizon.year + 1
            return [
                f"its notice is entered, but the horizon stops at {self.horizon.isoformat()}: "
                f"{gap} is neither in the data nor entered"
            ]
        reasons = self.published.reasons(year)
        if self.horizon_source == "set" or not reasons:
            reasons = [
                f"past the horizon set for this calendar ({self.horizon.isoformat()})",
                *reasons,
            ]
        return reasons

    def estimated_years(self) -> dict[int, list[str]]:
        """Every year built that lies past the horizon, whole or in part, with
        :meth:`estimate_reasons`."""
        first = max(self.first_day.year, (self.horizon + timedelta(days=1)).year)
        return {year: self.estimate_reasons(year) for year in range(first, self.last_day.year + 1)}

    def describe(self, d: date) -> DayInfo:
        """Whether ``d`` is a business day, and why."""
        index = self._index(d)
        business = self._working[index] == 1
        kind: DayKind
        name = self._closures.get(d)
        if d in self.overrides.working_days:
            kind, name = "working_override", self.overrides.working_days[d]
        elif d in self.overrides.closures:
            kind = "closure"
        elif self._weekend[index]:
            kind = "make_up_workday" if business else "weekend"
        elif not business:
            kind = "holiday"
        elif d in self._observances:
            kind, name = "observance", self._observances[d]
        else:
            kind = "business"
        return DayInfo(day=d, business=business, kind=kind, name=name, estimate=d > self.horizon)

    @property
    def make_up_workdays(self) -> frozenset[date]:
        """The official make-up working days (weekend days worked) within the calendar's years."""
        return self._make_up

    @property
    def closures(self) -> Mapping[date, str]:
        """Every closed day's name within the calendar's years: holidays of the closing
        categories (also those on weekends) and override closures, in date order."""
        return self._closures

    @property
    def observances(self) -> Mapping[date, str]:
        """Named working days (``workday`` and ``half_day`` categories), in date order."""
        return self._observances

    # -- internals -----------------------------------------------------------------------

    def _index(self, d: date) -> int:
        if type(d) is not date:
            _check_date(d)
        index = d.toordinal() - self._first_ord
        if index < 0 or index > self._limit:
            self._outside(d)
        return index

    def _outside(self, d: date) -> NoReturn:
        if d < self.first_day:
            detail = (
                f"before {self.first_day.isoformat()}, the first day this calendar was built for"
            )
        elif d > self.last_day:
            detail = f"after {self.last_day.isoformat()}, the last day this calendar was built for"
        else:
            detail = (
                "past the horizon, holidays only guesses by rule; build the calendar with "
                "allow_estimates=True to accept estimates"
            )
        past = self.first_day <= d <= self.last_day
        raise CalendarHorizonError(self.name, d, self.horizon, detail, past_horizon=past)

    def _beyond(self, d: date, n: int) -> NoReturn:
        past = not (self.allow_estimates or self.horizon == self.last_day)
        if not past:
            end = f"after {self.last_day.isoformat()}, the last day this calendar was built for"
        else:
            end = (
                "past the horizon, where holidays only guesses by rule; build the calendar "
                "with allow_estimates=True to accept estimates"
            )
        if n == 0:
            what = "the next business day from it falls"
        else:
            what = f"{n} business {'day' if n == 1 else 'days'} after it fall"
        raise CalendarHorizonError(self.name, d, self.horizon, f"{what} {end}", past_horizon=past)


def _weekday_in(weekend: frozenset[int], day: date) -> bool:
    return day.weekday() in weekend


def _check_date(d: object) -> None:
    if isinstance(d, datetime):
        raise TypeError(
            f"expected a date in the marketplace's timezone, got the datetime {d!r}: "
            "convert it to the marketplace timezone and take .date() first"
        )
    if not isinstance(d, date):
        raise TypeError(f"expected a date, got {type(d).__name__} {d!r}")


def _rebuild(
    spec: CalendarSpec,
    first_year: int,
    last_year: int,
    horizon: date,
    overrides: CalendarOverrides,
    allow_estimates: bool,
) -> BusinessCalendar:
    return BusinessCalendar(
        spec,
        first_year=first_year,
        last_year=last_year,
        horizon=horizon,
        overrides=overrides,
        allow_estimates=allow_estimates,
    )
