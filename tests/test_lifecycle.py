"""The complaint lifecycle: every transition, what is deemed when a deadline passes before the
next event or before ``now``, every impossible sequence, and ``ipp-rules lifecycle``."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from ipp_rules.deadlines import DeadlinePolicy, deadline_function, load_deadline_policy
from ipp_rules.deadlines.lifecycle import FINAL_STATES, STATES, CaseEvent, CaseState, replay
from ipp_rules.errors import CalendarHorizonError, LifecycleError

REPO = Path(__file__).resolve().parents[1]
CST = timezone(timedelta(hours=8))

# A Taobao case: submitted Mon 2026-09-14, taken down Tue 09-15 (the merchant's 3 business days
# are Sep 16, 17, 18: due 09-19T00:00), counter-notified Fri 09-18 (the rights holder's 3
# business days are the make-up Sunday Sep 20, Sep 21, 22: due 09-23T00:00).
SUBMITTED = "2026-09-14T09:00:00+08:00"
TAKEN_DOWN = "2026-09-15T10:00:00+08:00"
MERCHANT_DUE = "2026-09-19T00:00:00+08:00"
COUNTER = "2026-09-18T10:00:00+08:00"
RESPONSE_DUE = "2026-09-23T00:00:00+08:00"


@pytest.fixture(scope="module")
def policy() -> DeadlinePolicy:
    return load_deadline_policy(REPO / "rulesets")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def ev(kind: str, when: str, outcome: str | None = None) -> dict[str, Any]:
    event: dict[str, Any] = {"kind": kind, "at": when}
    if outcome is not None:
        event["outcome"] = outcome
    return event


def run(policy: DeadlinePolicy, *events: dict[str, Any], now: str | None = None) -> CaseState:
    return replay(
        events,
        deadlines=deadline_function(policy, "taobao"),
        now=None if now is None else at(now),
    )


def fails(
    policy: DeadlinePolicy, *events: dict[str, Any], now: str | None = None
) -> LifecycleError:
    with pytest.raises(LifecycleError) as caught:
        run(policy, *events, now=now)
    return caught.value


TO_COUNTER = (
    ev("submitted", SUBMITTED),
    ev("taken_down", TAKEN_DOWN),
    ev("counter_notified", COUNTER),
)


# ---------------------------------------------------------------------------------------------
# Transitions


def test_submitted_waits_for_the_platform(policy: DeadlinePolicy) -> None:
    state = run(policy, ev("submitted", SUBMITTED))
    assert (state.state, state.final, state.listing) == ("submitted", False, "live")
    assert state.next is not None
    assert state.next.party == "platform"
    assert state.next.deadline_kind == "takedown_processing"
    # 24 business hours from Monday 09:00
    assert state.next.due is not None
    assert state.next.due.isoformat() == "2026-09-15T09:00:00+08:00"
    assert state.next.overdue is False
    assert state.deemed == ()
    assert state.as_of is None


def test_processing_past_its_target_is_only_overdue(policy: DeadlinePolicy) -> None:
    state = run(policy, ev("submitted", SUBMITTED), now="2026-09-15T09:00:00+08:00")
    assert state.state == "submitted"
    assert state.next is not None and state.next.overdue is True
    assert state.deemed == ()
    assert state.as_of == at("2026-09-15T09:00:00+08:00")


def test_rejected_is_final_and_the_listing_stays_live(policy: DeadlinePolicy) -> None:
    state = run(policy, ev("submitted", SUBMITTED), ev("rejected", "2026-09-14T18:00:00+08:00"))
    assert (state.state, state.final, state.listing, state.next) == (
        "rejected",
        True,
        "live",
        None,
    )


def test_a_withdrawal_before_any_takedown_leaves_the_listing_live(policy: DeadlinePolicy) -> None:
    state = run(policy, ev("submitted", SUBMITTED), ev("withdrawn", "2026-09-14T10:00:00+08:00"))
    assert (state.state, state.final, state.listing) == ("withdrawn", True, "live")


def test_taken_down_waits_for_the_merchant(policy: DeadlinePolicy) -> None:
    state = run(policy, *TO_COUNTER[:2], now="2026-09-18T23:59:59+08:00")
    assert (state.state, state.final, state.listing) == ("taken_down", False, "removed")
    assert state.next is not None
    assert (state.next.party, state.next.deadline_kind) == (
        "merchant",
        "merchant_counter_notification",
    )
    assert state.next.due == at(MERCHANT_DUE)
    assert state.next.last_day is not None and state.next.last_day.isoformat() == "2026-09-18"
    assert state.deemed == ()


def test_no_counter_notification_in_time_the_takedown_stands(policy: DeadlinePolicy) -> None:
    state = run(policy, *TO_COUNTER[:2], now=MERCHANT_DUE)
    assert (state.state, state.final, state.listing, state.next) == (
        "closed",
        False,
        "removed",
        None,
    )
    (finding,) = state.deemed
    assert finding.code == "COUNTER_NOTIFICATION_WINDOW_CLOSED"
    assert finding.rule_id == "lifecycle.counter_notification_window_closed"
    assert (finding.category, finding.severity, finding.path) == ("lifecycle", "info", "events[1]")
    assert MERCHANT_DUE in finding.message
    assert "the takedown stands" in finding.message
    assert "three business days" in finding.source


def test_a_withdrawal_after_the_takedown_stands_reinstates(policy: DeadlinePolicy) -> None:
    state = run(policy, *TO_COUNTER[:2], ev("withdrawn", "2026-10-20T10:00:00+08:00"))
    assert (state.state, state.final, state.listing) == ("withdrawn", True, "reinstated")
    assert [f.code for f in state.deemed] == ["COUNTER_NOTIFICATION_WINDOW_CLOSED"]


def test_counter_notified_waits_for_the_rights_holder(policy: DeadlinePolicy) -> None:
    state = run(policy, *TO_COUNTER, now="2026-09-22T23:59:59+08:00")
    assert (state.state, state.listing) == ("counter_notified", "removed")
    assert state.next is not None
    assert (state.next.party, state.next.deadline_kind) == (
        "rights_holder",
        "rights_holder_response",
    )
    assert state.next.due == at(RESPONSE_DUE)


def test_silence_past_the_response_window_is_acceptance(policy: DeadlinePolicy) -> None:
    state = run(policy, *TO_COUNTER, now=RESPONSE_DUE)
    assert (state.state, state.final, state.listing, state.next) == (
        "reinstated",
        True,
        "reinstated",
        None,
    )
    (finding,) = state.deemed
    assert finding.code == "COUNTER_NOTIFICATION_DEEMED_ACCEPTED"
    assert finding.path == "events[2]"
    assert "deemed accepted, the complaint withdrawn and the listing reinstated" in (
        finding.message
    )
    assert finding.source.startswith('IPR Protection Handbook, Section 2 B 3 "Counter-')


def test_the_rights_holder_accepts(policy: DeadlinePolicy) -> None:
    state = run(policy, *TO_COUNTER, ev("rights_holder_accepted", "2026-09-22T18:00:00+08:00"))
    assert (state.state, state.final, state.listing) == ("reinstated", True, "reinstated")
    assert state.deemed == ()
    assert len(state.events) == 4


def test_a_dispute_and_the_platform_decisions(policy: DeadlinePolicy) -> None:
    disputed = (*TO_COUNTER, ev("rights_holder_disputed", "2026-09-21T09:00:00+08:00"))
    state = run(policy, *disputed, now="2026-12-01T00:00:00+08:00")
    assert (state.state, state.final, state.listing) == ("disputed", False, "removed")
    assert state.next is not None
    assert (state.next.party, state.next.deadline_kind, state.next.due) == (
        "platform",
        None,
        None,
    )
    assert state.deemed == ()
    upheld = run(policy, *disputed, ev("platform_decided", "2026-09-25T10:00:00+08:00", "upheld"))
    assert (upheld.state, upheld.final, upheld.listing, upheld.next) == (
        "closed",
        False,
        "removed",
        None,
    )
    reinstated = run(
        policy, *disputed, ev("platform_decided", "2026-09-25T10:00:00+08:00", "reinstated")
    )
    assert (reinstated.state, reinstated.final, reinstated.listing) == (
        "reinstated",
        True,
        "reinstated",
    )
    withdrawn = run(
        policy,
        *disputed,
        ev("platform_decided", "2026-09-25T10:00:00+08:00", "upheld"),
        ev("withdrawn", "2026-11-02T10:00:00+08:00"),
    )
    assert (withdrawn.state, withdrawn.listing) == ("withdrawn", "reinstated")


@pytest.mark.parametrize("step", [2, 3, 4])
def test_a_withdrawal_at_any_time_reinstates_a_removed_listing(
    policy: DeadlinePolicy, step: int
) -> None:
    events = [*TO_COUNTER, ev("rights_holder_disputed", "2026-09-21T09:00:00+08:00")][:step]
    state = run(policy, *events, ev("withdrawn", "2026-09-22T09:00:00+08:00"))
    assert (state.state, state.final, state.listing) == ("withdrawn", True, "reinstated")


def test_events_as_models_in_any_offset_and_at_the_same_instant(policy: DeadlinePolicy) -> None:
    events = [
        CaseEvent(kind="submitted", at=at("2026-09-14T01:00:00+00:00")),
        CaseEvent(kind="taken_down", at=at("2026-09-14T09:00:00+08:00")),
    ]
    state = replay(events, deadlines=deadline_function(policy, "taobao"))
    assert state.state == "taken_down"
    assert state.events == tuple(events)


def test_a_lazada_case_in_its_own_timezone(policy: DeadlinePolicy) -> None:
    # Taken down on Nyepi night (23:30 WIB on 2026-03-19): Mar 20, 23, 24.
    state = replay(
        [ev("submitted", "2026-03-18T10:00:00+07:00"), ev("taken_down", "2026-03-19T16:30:00Z")],
        deadlines=deadline_function(policy, "lazada", "ID"),
        now=at("2026-03-25T00:00:00+07:00"),
    )
    assert state.state == "closed"
    (finding,) = state.deemed
    assert "2026-03-25T00:00:00+07:00" in finding.message
    assert "2026-03-19 23:30" in finding.message


def test_the_state_set_is_documented() -> None:
    assert set(STATES) == {
        "submitted",
        "rejected",
        "taken_down",
        "counter_notified",
        "disputed",
        "closed",
        "reinstated",
        "withdrawn",
    }
    assert sorted(FINAL_STATES) == ["reinstated", "rejected", "withdrawn"]


# ---------------------------------------------------------------------------------------------
# Impossible sequences


def test_no_events(policy: DeadlinePolicy) -> None:
    error = fails(policy)
    assert error.index is None
    assert "starts with submitted" in str(error)


def test_the_first_event_must_be_submitted(policy: DeadlinePolicy) -> None:
    error = fails(policy, ev("taken_down", TAKEN_DOWN))
    assert (error.index, error.message) == (0, "the first event must be submitted, not taken_down")
    assert str(error) == "event 0: the first event must be submitted, not taken_down"


def test_submitted_twice(policy: DeadlinePolicy) -> None:
    error = fails(policy, ev("submitted", SUBMITTED), ev("submitted", TAKEN_DOWN))
    assert error.index == 1
    assert "already submitted" in error.message


@pytest.mark.parametrize("response", ["rights_holder_accepted", "rights_holder_disputed"])
@pytest.mark.parametrize("before", [1, 2])
def test_a_response_before_any_counter_notification(
    policy: DeadlinePolicy, response: str, before: int
) -> None:
    error = fails(policy, *TO_COUNTER[:before], ev(response, "2026-09-16T10:00:00+08:00"))
    assert error.index == before
    assert error.message == (
        f"a response ({response.replace('_', ' ')}) before any counter-notification"
    )


def test_a_second_response(policy: DeadlinePolicy) -> None:
    error = fails(
        policy,
        *TO_COUNTER,
        ev("rights_holder_disputed", "2026-09-21T09:00:00+08:00"),
        ev("rights_holder_accepted", "2026-09-21T10:00:00+08:00"),
    )
    assert error.index == 4
    assert "already disputed" in error.message


def test_a_counter_notification_before_the_takedown(policy: DeadlinePolicy) -> None:
    error = fails(policy, ev("submitted", SUBMITTED), ev("counter_notified", TAKEN_DOWN))
    assert (error.index, error.message) == (
        1,
        "a counter-notification before the listing was taken down",
    )


def test_a_second_counter_notification(policy: DeadlinePolicy) -> None:
    error = fails(policy, *TO_COUNTER, ev("counter_notified", "2026-09-18T11:00:00+08:00"))
    assert (error.index, error.message) == (3, "the merchant already counter-notified")


def test_a_counter_notification_after_the_merchant_window(policy: DeadlinePolicy) -> None:
    error = fails(policy, *TO_COUNTER[:2], ev("counter_notified", MERCHANT_DUE))
    assert error.index == 2
    assert error.message == (
        f"a counter-notification after the merchant's window closed at {MERCHANT_DUE}"
    )
    # One second earlier it is in time.
    state = run(policy, *TO_COUNTER[:2], ev("counter_notified", "2026-09-18T23:59:59+08:00"))
    assert state.state == "counter_notified"


@pytest.mark.parametrize("response", ["rights_holder_accepted", "rights_holder_disputed"])
def test_a_response_after_the_deemed_acceptance_is_after_a_final_state(
    policy: DeadlinePolicy, response: str
) -> None:
    error = fails(policy, *TO_COUNTER, ev(response, "2026-09-23T09:00:00+08:00"))
    assert error.index == 3
    assert error.message.startswith(
        f"{response.replace('_', ' ')} after the case was final (reinstated: the "
        "counter-notification was deemed accepted when the rights holder's response window "
        f"closed at {RESPONSE_DUE})"
    )


@pytest.mark.parametrize(
    ("ending", "state"),
    [
        (ev("rejected", "2026-09-14T18:00:00+08:00"), "rejected"),
        (ev("withdrawn", "2026-09-14T18:00:00+08:00"), "withdrawn"),
    ],
)
@pytest.mark.parametrize(
    "after",
    ["taken_down", "rejected", "withdrawn", "counter_notified", "rights_holder_accepted"],
)
def test_any_event_after_a_final_state(
    policy: DeadlinePolicy, ending: dict[str, Any], state: str, after: str
) -> None:
    error = fails(
        policy, ev("submitted", SUBMITTED), ending, ev(after, "2026-09-15T09:00:00+08:00")
    )
    assert error.index == 2
    assert error.message.startswith(f"{after.replace('_', ' ')} after the case was final ({state}")


def test_events_after_a_reinstatement(policy: DeadlinePolicy) -> None:
    error = fails(
        policy,
        *TO_COUNTER,
        ev("rights_holder_accepted", "2026-09-21T09:00:00+08:00"),
        ev("withdrawn", "2026-09-21T10:00:00+08:00"),
    )
    assert error.index == 4
    assert "after the case was final (reinstated: the rights holder accepted" in error.message


def test_only_a_withdrawal_can_follow_a_closed_case(policy: DeadlinePolicy) -> None:
    closed = (
        *TO_COUNTER,
        ev("rights_holder_disputed", "2026-09-21T09:00:00+08:00"),
        ev("platform_decided", "2026-09-25T10:00:00+08:00", "upheld"),
    )
    error = fails(
        policy, *closed, ev("platform_decided", "2026-09-26T10:00:00+08:00", "reinstated")
    )
    assert error.index == 5
    assert error.message == (
        "platform decided after the case was closed (the platform upheld the takedown); only a "
        "withdrawal can follow"
    )
    error = fails(policy, *TO_COUNTER[:2], ev("taken_down", "2026-09-30T10:00:00+08:00"))
    assert "after the case was closed (the merchant's counter-notification window closed" in (
        error.message
    )


def test_a_platform_decision_needs_a_dispute(policy: DeadlinePolicy) -> None:
    error = fails(
        policy, *TO_COUNTER, ev("platform_decided", "2026-09-21T10:00:00+08:00", "upheld")
    )
    assert error.index == 3
    assert error.message.startswith("a platform decision without a dispute")


def test_decisions_on_a_decided_complaint(policy: DeadlinePolicy) -> None:
    error = fails(policy, *TO_COUNTER[:2], ev("taken_down", "2026-09-15T11:00:00+08:00"))
    assert error.message == "taken down after the complaint was already taken down"
    error = fails(policy, *TO_COUNTER[:2], ev("rejected", "2026-09-15T11:00:00+08:00"))
    assert error.message == "rejected after the complaint was already taken down"


def test_events_out_of_time_order(policy: DeadlinePolicy) -> None:
    error = fails(policy, ev("submitted", SUBMITTED), ev("taken_down", "2026-09-14T08:59:59+08:00"))
    assert error.index == 1
    assert error.message == (
        "out of time order: taken_down at 2026-09-14T08:59:59+08:00 is before the previous "
        "event at 2026-09-14T09:00:00+08:00"
    )
    # Compared as instants, not as written: 01:30Z is 09:30 in Shanghai.
    state = run(policy, ev("submitted", SUBMITTED), ev("taken_down", "2026-09-14T01:30:00Z"))
    assert state.state == "taken_down"


def test_an_event_after_now(policy: DeadlinePolicy) -> None:
    error = fails(policy, *TO_COUNTER, now="2026-09-16T00:00:00+08:00")
    assert error.index == 2
    assert "is after now (2026-09-16T00:00:00+08:00)" in error.message


def test_a_naive_now(policy: DeadlinePolicy) -> None:
    with pytest.raises(LifecycleError) as caught:
        replay(
            TO_COUNTER,
            deadlines=deadline_function(policy, "taobao"),
            now=datetime(2026, 9, 20),
        )
    assert caught.value.index is None
    assert "aware" in caught.value.message


@pytest.mark.parametrize(
    ("event", "message"),
    [
        (
            {"kind": "taken_dwn", "at": TAKEN_DOWN},
            "kind: expected one of submitted, rejected, taken_down",
        ),
        ({"kind": "taken_down", "at": "2026-09-15T10:00:00"}, "at: expected an ISO-8601 time"),
        ({"kind": "taken_down", "at": 1789000000}, "at: expected an ISO-8601 time"),
        ({"kind": "taken_down", "at": "1789000000"}, "at: expected an ISO-8601 time"),
        (
            {"kind": "taken_down", "at": "9999-12-31T23:00:00-12:00"},
            "at: expected a time from 1900-01-01 to 2999-12-31 in UTC, got "
            "9999-12-31T23:00:00-12:00",
        ),
        ({"kind": "platform_decided", "at": TAKEN_DOWN}, "platform_decided needs an outcome"),
        (
            {"kind": "taken_down", "at": TAKEN_DOWN, "outcome": "upheld"},
            "only platform_decided has an outcome",
        ),
        (
            {"kind": "taken_down", "at": TAKEN_DOWN, "by": "x"},
            "by: not a field of an event (the fields are kind, at, outcome)",
        ),
        (
            {"kind": "taken_down", "att": TAKEN_DOWN},
            "at: required, and missing; att: not a field of an event (did you mean 'at'? ",
        ),
        (
            {"kind": "platform_decided", "at": TAKEN_DOWN, "outcome": "kept"},
            "outcome: expected upheld or reinstated (got 'kept')",
        ),
        ("taken_down", "expected an event like {kind: submitted"),
    ],
)
def test_malformed_events(policy: DeadlinePolicy, event: Any, message: str) -> None:
    with pytest.raises(LifecycleError) as caught:
        replay([ev("submitted", SUBMITTED), event], deadlines=deadline_function(policy, "taobao"))
    assert caught.value.index == 1
    assert message in caught.value.message


# ---------------------------------------------------------------------------------------------
# Events that cannot be replayed


@pytest.mark.parametrize("events", [None, 5, {"kind": "submitted", "at": SUBMITTED}, SUBMITTED])
def test_events_that_are_not_a_list_are_refused(policy: DeadlinePolicy, events: Any) -> None:
    # None and 5 raised TypeError; a mapping was read as its keys, a string as its letters.
    with pytest.raises(LifecycleError, match="expected a list of events") as caught:
        replay(events, deadlines=deadline_function(policy, "taobao"))
    assert caught.value.index is None


def test_a_horizon_error_names_the_event_whose_deadline_it_is(policy: DeadlinePolicy) -> None:
    events = (ev("submitted", SUBMITTED), ev("taken_down", "2100-12-31T23:59:59+00:00"))
    with pytest.raises(CalendarHorizonError, match=r"\(event 1: merchant_counter_notification"):
        run(policy, *events)
    with pytest.raises(CalendarHorizonError, match=r"\(event 0: takedown_processing"):
        run(policy, ev("submitted", "2100-12-31T23:59:59+00:00"))


# ---------------------------------------------------------------------------------------------
# Estimates past a calendar's horizon


def test_a_state_deemed_on_an_estimated_deadline_says_so(policy: DeadlinePolicy) -> None:
    events = (
        ev("submitted", "2026-12-20T09:00:00+08:00"),
        ev("taken_down", "2026-12-28T09:00:00+08:00"),
        ev("counter_notified", "2026-12-30T09:00:00+08:00"),
    )
    waiting = run(policy, *events, now="2026-12-30T10:00:00+08:00")
    assert waiting.next is not None
    assert waiting.next.due == at("2027-01-06T00:00:00+08:00")
    assert waiting.next.estimate is True
    assert [(e.calendar, e.year) for e in waiting.next.estimates] == [("CN", 2027)]
    assert waiting.estimate is True and waiting.estimates == waiting.next.estimates

    deemed = run(policy, *events, now="2027-01-10T00:00:00+08:00")
    assert deemed.state == "reinstated"
    (finding,) = deemed.deemed
    assert finding.code == "COUNTER_NOTIFICATION_DEEMED_ACCEPTED"
    assert finding.message.endswith(
        f"listing reinstated. The deadline is an estimate: {deemed.estimates[0].note}."
    )
    assert "2027 China calendar (CN): the State Council notice" in finding.message
    assert deemed.estimate is True
    assert [(e.calendar, e.year) for e in deemed.estimates] == [("CN", 2027)]


def test_a_state_on_published_deadlines_is_no_estimate(policy: DeadlinePolicy) -> None:
    state = run(
        policy,
        ev("submitted", "2026-09-14T09:00:00+08:00"),
        ev("taken_down", "2026-09-15T09:00:00+08:00"),
        now="2026-10-30T00:00:00+08:00",
    )
    assert state.state == "closed"
    assert (state.estimate, state.estimates) == (False, ())
    assert "estimate" not in state.deemed[0].message


def test_a_refusal_that_rests_on_an_estimated_window_says_so(policy: DeadlinePolicy) -> None:
    """The window's end is only a guess for 2027: the refusal must not state it as fact."""
    with pytest.raises(LifecycleError) as caught:
        run(
            policy,
            ev("submitted", "2026-12-20T09:00:00+08:00"),
            ev("taken_down", "2026-12-30T09:00:00+08:00"),
            ev("counter_notified", "2027-01-06T09:00:00+08:00"),
        )
    assert caught.value.index == 2
    assert caught.value.message == (
        "a counter-notification after the merchant's window closed at "
        "2027-01-06T00:00:00+08:00 (an estimate: 2027 China calendar (CN): the State Council "
        "notice with its days off and make-up working days is not in the data (holidays "
        "0.109))"
    )
    with pytest.raises(LifecycleError, match=r"closed at 2027-01-06T00:00:00\+08:00 \(an estimate"):
        run(
            policy,
            ev("submitted", "2026-12-20T09:00:00+08:00"),
            ev("taken_down", "2026-12-28T09:00:00+08:00"),
            ev("counter_notified", "2026-12-30T09:00:00+08:00"),
            ev("rights_holder_disputed", "2027-01-06T01:00:00+08:00"),
        )
