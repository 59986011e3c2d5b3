"""Deadlines computed: how long a party has, counted on the marketplace's business-day calendar.

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

The policy resolves each (marketplace, country, kind) once
(:meth:`~ipp_rules.deadlines.policy.DeadlinePolicy.terms`), after which a deadline costs
about as much as one timezone conversion and two table lookups. :func:`compute_due` is that
fast path (a tuple); :func:`compute_deadline` returns the :class:`Deadline` model.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from ipp_rules.deadlines.estimates import estimated_years, horizon_error
from ipp_rules.deadlines.policy import DeadlinePolicy, DeadlineTerms
from ipp_rules.deadlines.results import Deadline, Due
from ipp_rules.errors import CalendarHorizonError, DeadlineError, shown
from ipp_rules.policies.registry import get_policy
from ipp_rules.problems import Problem

__all__ = [
    "compute_deadline",
    "compute_due",
    "count_period",
    "deadline_function",
]

_ONE_DAY = timedelta(days=1)
_DAY_US = 86_400_000_000
_HOUR_US = 3_600_000_000
_MIDNIGHT = time(0)
_combine = datetime.combine
_validate_deadline = Deadline.model_validate


def count_period(terms: DeadlineTerms, received_at: datetime) -> tuple[datetime, datetime, date]:
    """(local trigger, due, last day) of the period ``terms`` describe, started at an aware
    ``received_at``; :class:`DeadlineError` for anything else."""
    if not isinstance(received_at, datetime) or received_at.utcoffset() is None:
        raise DeadlineError([Problem(_naive(received_at), path=("received_at",))])
    zone = terms.zone
    calendar = terms.calendar
    try:
        local = received_at.astimezone(zone)
    except OverflowError:  # year 1 or 9999 near its edge: outside every calendar's years
        calendar.is_business_day(received_at.date())  # raises CalendarHorizonError
        raise DeadlineError(
            [Problem(f"{received_at.isoformat()} is out of range", path=("received_at",))]
        ) from None
    day = local.date()
    n = terms.business_days
    if n is not None:
        if terms.deemed and not calendar.is_business_day(day):
            day = calendar.add_business_days(day, 0)
        last = calendar.add_business_days(day, n)
        cutoff = terms.cutoff
        if cutoff is None:
            return local, _combine(last + _ONE_DAY, _MIDNIGHT, zone), last
        return local, _combine(last, cutoff, zone), last
    hours = terms.business_hours
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
    terms = policy.terms(platform, kind, country)
    try:
        _, due, last = count_period(terms, received_at)
    except CalendarHorizonError as exc:
        raise horizon_error(exc, terms) from None
    return due, last, last > terms.horizon


def compute_deadline(
    policy: DeadlinePolicy,
    platform: str,
    kind: str,
    received_at: datetime,
    country: str | None = None,
) -> Deadline:
    """When the period ``kind`` that started at ``received_at`` on ``platform`` ends.

    ``platform`` is a marketplace the registry knows (:func:`ipp_rules.policies.policies`,
    plugins included). ``received_at`` must be aware (any offset; it is converted to the
    marketplace's timezone). ``country`` is required for a marketplace with country platforms
    (Lazada) and refused elsewhere.

    Raises :class:`~ipp_rules.errors.DeadlineError` for a naive ``received_at`` or an unknown
    ``kind``, :class:`~ipp_rules.errors.UnknownMarketplaceError` for an unknown marketplace
    or a missing or wrong country, and :class:`~ipp_rules.errors.CalendarHorizonError` when
    the period runs past the calendar's horizon and the policy does not allow estimates (or
    outside the calendar's years at all).
    """
    terms = policy.terms(platform, kind, country)
    try:
        local, due, last = count_period(terms, received_at)
    except CalendarHorizonError as exc:
        raise horizon_error(exc, terms) from None
    estimate = last > terms.horizon
    # Validating a dict in pydantic-core is faster than model_construct's Python loop.
    return _validate_deadline(
        {
            "kind": terms.kind,
            "platform": terms.platform,
            "country": terms.country,
            "received_at": received_at,
            "local_received_at": local,
            "due": due,
            "last_day": last,
            "business_days": terms.business_days,
            "business_hours": terms.business_hours,
            "calendar": terms.calendar_name,
            "timezone": terms.timezone,
            "semantics": terms.semantics,
            "estimate": estimate,
            "estimates": estimated_years(terms, local.date(), last) if estimate else (),
            "source": terms.source,
        }
    )


def deadline_function(
    policy: DeadlinePolicy, platform: str, country: str | None = None
) -> Callable[[str, datetime], Deadline]:
    """``(kind, received_at) -> Deadline`` for one marketplace: what
    :func:`ipp_rules.deadlines.lifecycle.replay` takes as ``deadlines``.

    ``platform`` and ``country`` are checked against the registry now
    (:class:`~ipp_rules.errors.UnknownMarketplaceError`), before any event is replayed.
    """
    get_policy(platform).check_country(country)

    def deadline(kind: str, received_at: datetime) -> Deadline:
        return compute_deadline(policy, platform, kind, received_at, country)

    return deadline
