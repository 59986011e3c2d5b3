"""A complaint's lifecycle: its events replayed into its state, what is due next and by when,
and what the policy deems when a deadline passes.

The states (``docs/deadlines.md`` has examples), with whether they are final, the listing, and
what is due next:

- ``submitted``: not final, live; the platform processes it (``takedown_processing``);
- ``rejected``: final, live; nothing;
- ``taken_down``: not final, removed; the merchant may counter-notify
  (``merchant_counter_notification``);
- ``counter_notified``: not final, removed; the rights holder accepts or disputes
  (``rights_holder_response``);
- ``disputed``: not final, removed; the platform decides (no published period);
- ``closed``: not final, removed; nothing: the takedown stands (only a withdrawal can follow);
- ``reinstated``: final, reinstated; the counter-notification was accepted (or deemed
  accepted), or the platform reinstated the listing;
- ``withdrawn``: final; the listing reinstated, or live if it was never removed.

When a deadline passes with no event (before the next event, or before ``now``):

- the merchant's counter-notification window: ``COUNTER_NOTIFICATION_WINDOW_CLOSED``, the
  takedown stands (``closed``);
- the rights holder's response window: ``COUNTER_NOTIFICATION_DEEMED_ACCEPTED``, the complaint
  is withdrawn and the listing reinstated (``reinstated``, final). Handbook Section 2 B 3.

A period ends at its ``due`` instant, exclusive: an event at ``due`` or later is late. The
platform's processing target (``takedown_processing``) deems nothing; past it the next step is
only marked ``overdue``. The events and how one is read are in :mod:`ipp_rules.deadlines.events`.
"""

from __future__ import annotations

import typing
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict

from ipp_rules.deadlines.events import CaseEvent, read_event
from ipp_rules.deadlines.results import CalendarEstimate, Deadline
from ipp_rules.deadlines.values import DeadlineKind
from ipp_rules.errors import CalendarHorizonError, LifecycleError, shown
from ipp_rules.models.decision import Finding

__all__ = [
    "FINAL_STATES",
    "STATES",
    "CaseState",
    "DeadlineFunction",
    "ListingState",
    "NextStep",
    "State",
    "replay",
]

State = Literal[
    "submitted",
    "rejected",
    "taken_down",
    "counter_notified",
    "disputed",
    "closed",
    "reinstated",
    "withdrawn",
]
STATES: tuple[str, ...] = typing.get_args(State)
FINAL_STATES: frozenset[str] = frozenset({"rejected", "reinstated", "withdrawn"})
"""States after which no event can follow. ``closed`` is not among them: a rights holder may
withdraw a complaint at any time, and the listing is then reinstated."""

ListingState = Literal["live", "removed", "reinstated"]
"""Where the complained-of listing stands (not the complaint's Listing model)."""
Party = Literal["platform", "merchant", "rights_holder"]
DeadlineFunction = Callable[[str, datetime], Deadline]
"""``(kind, received_at) -> Deadline`` for the complaint's marketplace, e.g.
:func:`ipp_rules.deadlines.deadline_function`."""

COUNTER_NOTIFICATION_SOURCE = (
    'IPR Protection Handbook, Section 2 B 3 "Counter-Notifications": "if a rights owner does '
    "not respond to a counter-notification within the specified timeframe (e.g., three "
    "business days), the counter-notification will be deemed accepted, the takedown request "
    'withdrawn and the listing(s) reinstated."'
)


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class NextStep(_Frozen):
    """What is due next, from whom, and by when."""

    party: Party
    action: str
    deadline_kind: DeadlineKind | None
    """The deadline that applies; ``None`` where no period is published (a dispute)."""
    due: AwareDatetime | None
    """The exclusive end of the period (marketplace timezone)."""
    last_day: date | None
    overdue: bool
    """``now`` is at or past ``due`` (only for deadlines that deem nothing when they pass)."""
    estimate: bool = False
    """``due`` was counted past the calendar's horizon, on ``holidays``' rule-based guess."""
    estimates: tuple[CalendarEstimate, ...] = ()
    """The calendar years it was estimated on, and why (see ``Deadline.estimates``)."""


class CaseState(_Frozen):
    """A complaint's state after its events (and, with ``now``, after the deadlines that passed
    before it)."""

    state: State
    final: bool
    """No event can follow."""
    listing: ListingState
    next: NextStep | None
    deemed: tuple[Finding, ...]
    """What the policy deemed when a deadline passed (category ``lifecycle``, severity
    ``info``), in time order."""
    events: tuple[CaseEvent, ...]
    """The events applied, in order."""
    as_of: AwareDatetime | None
    """``now`` as given; ``None``: the state as of the last event."""
    estimate: bool = False
    """Something here rests on a deadline counted past its calendar's horizon: a deemed
    outcome (``deemed``, whose message then says so) or the next step's ``due``."""
    estimates: tuple[CalendarEstimate, ...] = ()
    """The calendar years those deadlines were estimated on, and why."""


class _Window:
    """A running period whose end deems an outcome: the merchant's or the rights holder's."""

    __slots__ = ("deadline", "index")

    def __init__(self, deadline: Deadline, index: int) -> None:
        self.deadline = deadline
        self.index = index


class _Case:
    def __init__(self, deadlines: DeadlineFunction) -> None:
        self.deadlines = deadlines
        self.state: State = "submitted"
        self.listing: ListingState = "live"
        self.submitted_at: datetime | None = None
        self.window: _Window | None = None
        self.closed_because = ""
        self.merchant_window_closed: str | None = None
        self.deemed: list[Finding] = []
        self.estimates: dict[tuple[str, int], CalendarEstimate] = {}

    def lapse(self, until: datetime) -> None:
        """Let the clock run to ``until``: a window whose end is at or before it closes."""
        window = self.window
        if window is None or until < window.deadline.due:
            return
        deadline = window.deadline
        due = deadline.due.isoformat()
        self.window = None
        estimated = self.note_estimates(deadline)
        # An end counted on estimated days says so wherever it is quoted, refusals included.
        quoted = due
        if deadline.estimate:
            notes = "; ".join(estimate.note for estimate in deadline.estimates)
            quoted += f" (an estimate: {notes})"
        if self.state == "taken_down":
            self.state = "closed"
            self.closed_because = f"the merchant's counter-notification window closed at {quoted}"
            self.merchant_window_closed = quoted
            self.deemed.append(
                Finding(
                    rule_id="lifecycle.counter_notification_window_closed",
                    code="COUNTER_NOTIFICATION_WINDOW_CLOSED",
                    category="lifecycle",
                    severity="info",
                    message=(
                        f"No counter-notification by {due} ({_period(deadline)} after the "
                        f"takedown on {_local(deadline.local_received_at)}): the takedown "
                        f"stands.{estimated}"
                    ),
                    path=f"events[{window.index}]",
                    source=deadline.source,
                )
            )
        elif self.state == "counter_notified":
            self.state = "reinstated"
            self.listing = "reinstated"
            self.closed_because = (
                f"the counter-notification was deemed accepted when the rights holder's "
                f"response window closed at {quoted}"
            )
            self.deemed.append(
                Finding(
                    rule_id="lifecycle.counter_notification_deemed_accepted",
                    code="COUNTER_NOTIFICATION_DEEMED_ACCEPTED",
                    category="lifecycle",
                    severity="info",
                    message=(
                        f"The rights holder did not respond to the counter-notification by "
                        f"{due} ({_period(deadline)} after it was received on "
                        f"{_local(deadline.local_received_at)}): it is deemed accepted, the "
                        f"complaint withdrawn and the listing reinstated.{estimated}"
                    ),
                    path=f"events[{window.index}]",
                    source=COUNTER_NOTIFICATION_SOURCE,
                )
            )

    def note_estimates(self, deadline: Deadline) -> str:
        """Keep ``deadline``'s estimates for the state; a sentence saying so, for a message."""
        if not deadline.estimate:
            return ""
        for estimate in deadline.estimates:
            self.estimates.setdefault((estimate.calendar, estimate.year), estimate)
        notes = "; ".join(estimate.note for estimate in deadline.estimates)
        return f" The deadline is an estimate: {notes}."

    def apply(self, index: int, event: CaseEvent) -> None:
        kind = event.kind
        state = self.state
        if state in FINAL_STATES:
            because = f": {self.closed_because}" if self.closed_because else ""
            raise LifecycleError(
                index, f"{_words(kind)} after the case was final ({state}{because})"
            )
        if kind == "submitted":
            raise LifecycleError(index, "the complaint was already submitted (event 0)")
        if kind == "withdrawn":
            self._final("withdrawn", "the rights holder withdrew the complaint")
            if self.listing == "removed":
                self.listing = "reinstated"
            return
        if state == "closed":
            if kind == "counter_notified" and self.merchant_window_closed is not None:
                raise LifecycleError(
                    index,
                    "a counter-notification after the merchant's window closed at "
                    f"{self.merchant_window_closed}",
                )
            raise LifecycleError(
                index,
                f"{_words(kind)} after the case was closed ({self.closed_because}); only a "
                "withdrawal can follow",
            )
        if kind in ("rights_holder_accepted", "rights_holder_disputed"):
            if state == "disputed":
                raise LifecycleError(
                    index,
                    f"a second response ({_words(kind)}): the rights holder already disputed "
                    "the counter-notification",
                )
            if state != "counter_notified":
                raise LifecycleError(
                    index, f"a response ({_words(kind)}) before any counter-notification"
                )
            self.window = None
            if kind == "rights_holder_accepted":
                self._final("reinstated", "the rights holder accepted the counter-notification")
                self.listing = "reinstated"
            else:
                self.state = "disputed"
            return
        if kind == "rejected" or kind == "taken_down":
            if state != "submitted":
                raise LifecycleError(
                    index, f"{_words(kind)} after the complaint was already {_words(state)}"
                )
            if kind == "rejected":
                self._final("rejected", "the platform rejected the complaint")
            else:
                self.state = "taken_down"
                self.listing = "removed"
                deadline = self.deadlines("merchant_counter_notification", event.at)
                self.window = _Window(deadline, index)
            return
        if kind == "counter_notified":
            if state != "taken_down":
                message = (
                    "a counter-notification before the listing was taken down"
                    if state == "submitted"
                    else "the merchant already counter-notified"
                )
                raise LifecycleError(index, message)
            self.state = "counter_notified"
            self.window = _Window(self.deadlines("rights_holder_response", event.at), index)
            return
        # platform_decided
        if state != "disputed":
            raise LifecycleError(
                index,
                "a platform decision without a dispute: the rights holder has not disputed a "
                "counter-notification",
            )
        if event.outcome == "reinstated":
            self._final("reinstated", "the platform decided to reinstate the listing")
            self.listing = "reinstated"
        else:
            self.state = "closed"
            self.closed_because = "the platform upheld the takedown"

    def _final(self, state: State, because: str) -> None:
        self.state = state
        self.closed_because = because
        self.window = None

    def next_step(self, now: datetime | None) -> NextStep | None:
        state = self.state
        if state == "submitted":
            assert self.submitted_at is not None
            return _step(
                "platform",
                "process the takedown request: take the listing down or reject the complaint",
                self.deadlines("takedown_processing", self.submitted_at),
                now,
            )
        if state == "taken_down" and self.window is not None:
            return _step(
                "merchant",
                "counter-notify, if the merchant disputes the takedown",
                self.window.deadline,
                now,
            )
        if state == "counter_notified" and self.window is not None:
            return _step(
                "rights_holder",
                "accept the counter-notification (withdraw the complaint) or dispute it",
                self.window.deadline,
                now,
            )
        if state == "disputed":
            return NextStep(
                party="platform",
                action="decide the dispute: uphold the takedown or reinstate the listing",
                deadline_kind=None,
                due=None,
                last_day=None,
                overdue=False,
            )
        return None


def _step(party: Party, action: str, deadline: Deadline, now: datetime | None) -> NextStep:
    return NextStep(
        party=party,
        action=action,
        deadline_kind=deadline.kind,
        due=deadline.due,
        last_day=deadline.last_day,
        overdue=now is not None and now >= deadline.due,
        estimate=deadline.estimate,
        estimates=deadline.estimates,
    )


def _period(deadline: Deadline) -> str:
    if deadline.business_days is not None:
        n = deadline.business_days
        return f"{n} business day{'s' if n != 1 else ''}"
    hours = deadline.business_hours
    return f"{hours} business hour{'s' if hours != 1 else ''}"


def _local(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")


def _words(name: str) -> str:
    return name.replace("_", " ")


def _at_event(exc: CalendarHorizonError, index: int) -> CalendarHorizonError:
    """A deadline's horizon error, naming the event whose period it is."""
    return CalendarHorizonError(
        exc.calendar,
        exc.asked,
        exc.horizon,
        f"event {index}: {exc.detail}",
        past_horizon=exc.past_horizon,
    )


def replay(
    events: Iterable[CaseEvent | Mapping[str, Any]],
    *,
    deadlines: DeadlineFunction,
    now: datetime | None = None,
) -> CaseState:
    """The state of a complaint after ``events`` (in time order, the first ``submitted``).

    ``deadlines(kind, received_at)`` gives the marketplace's deadlines (e.g.
    :func:`ipp_rules.deadlines.deadline_function`). With ``now`` (aware), deadlines that passed
    before it take effect too; without it, the state is as of the last event.

    Raises :class:`~ipp_rules.errors.LifecycleError` (with the event's index) for an event that
    cannot have happened then: the first event not ``submitted``, events out of time order or
    after ``now``, a response before any counter-notification, a counter-notification after
    the merchant's window closed, any event after a final state (including a response after the
    counter-notification was deemed accepted). Deadline errors (a calendar's horizon) pass
    through, their detail naming the event (``event 1: ...``).
    """
    if now is not None and (not isinstance(now, datetime) or now.utcoffset() is None):
        raise LifecycleError(
            None, f"now must be an aware datetime (with an offset), got {shown(now)}"
        )
    if isinstance(events, str | bytes | Mapping) or not isinstance(events, Iterable):
        raise LifecycleError(
            None,
            f"expected a list of events, like [{{kind: submitted, at: ...}}], got "
            f"{type(events).__name__}",
        )
    case = _Case(deadlines)
    applied: list[CaseEvent] = []
    previous: datetime | None = None
    for index, raw in enumerate(events):
        event = read_event(index, raw)
        if previous is not None and event.at < previous:
            raise LifecycleError(
                index,
                f"out of time order: {event.kind} at {event.at.isoformat()} is before the "
                f"previous event at {previous.isoformat()}",
            )
        if now is not None and event.at > now:
            raise LifecycleError(
                index, f"{event.kind} at {event.at.isoformat()} is after now ({now.isoformat()})"
            )
        if index == 0:
            if event.kind != "submitted":
                raise LifecycleError(0, f"the first event must be submitted, not {event.kind}")
            case.submitted_at = event.at
        else:
            case.lapse(event.at)
            try:
                case.apply(index, event)
            except CalendarHorizonError as exc:
                raise _at_event(exc, index) from None
        applied.append(event)
        previous = event.at
    if not applied:
        raise LifecycleError(None, "no events: a complaint starts with submitted")
    if now is not None:
        case.lapse(now)
    try:
        next_step = case.next_step(now)
    except CalendarHorizonError as exc:  # only the processing of the submission (event 0)
        raise _at_event(exc, 0) from None
    if next_step is not None:
        for estimate in next_step.estimates:
            case.estimates.setdefault((estimate.calendar, estimate.year), estimate)
    return CaseState(
        state=case.state,
        final=case.state in FINAL_STATES,
        listing=case.listing,
        next=next_step,
        deemed=tuple(case.deemed),
        events=tuple(applied),
        as_of=now,
        estimate=bool(case.estimates),
        estimates=tuple(case.estimates[key] for key in sorted(case.estimates)),
    )
