"""Case events (``ipp_rules.deadlines.events``): models in any offset, and every malformed event
refused with its index and the problem in words."""

from __future__ import annotations

from typing import Any

import pytest

from ipp_rules.deadlines import CaseEvent, DeadlinePolicy, deadline_function, replay
from ipp_rules.deadlines.events import read_event
from ipp_rules.errors import LifecycleError
from tests.deadlines.examples import SUBMITTED, TAKEN_DOWN, at, ev


def test_events_as_models_in_any_offset_and_at_the_same_instant(shipped: DeadlinePolicy) -> None:
    events = [
        CaseEvent(kind="submitted", at=at("2026-09-14T01:00:00+00:00")),
        CaseEvent(kind="taken_down", at=at("2026-09-14T09:00:00+08:00")),
    ]
    state = replay(events, deadlines=deadline_function(shipped, "taobao"))
    assert state.state == "taken_down"
    assert state.events == tuple(events)


@pytest.mark.parametrize(
    ("event", "message"),
    [
        (
            {"kind": "taken_dwn", "at": TAKEN_DOWN},
            "kind: expected one of submitted, rejected, taken_down",
        ),
        (
            {"kind": "taken_down", "at": "2026-09-15T10:00:00"},
            "at: expected an ISO-8601 date and time",
        ),
        ({"kind": "taken_down", "at": 1789000000}, "at: expected an ISO-8601 date and time"),
        ({"kind": "taken_down", "at": "1789000000"}, "at: expected an ISO-8601 date and time"),
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
            "by: unknown field 'by' (allowed here: kind, at, outcome)",
        ),
        (
            {"kind": "taken_down", "att": TAKEN_DOWN},
            "at: missing required field 'at': expected an ISO-8601 date and time with a UTC "
            "offset, like 2026-03-02T10:15:00+07:00; att: unknown field 'att'; did you mean 'at'? ",
        ),
        (
            {"kind": "platform_decided", "at": TAKEN_DOWN, "outcome": "kept"},
            "outcome: expected one of upheld, reinstated, got 'kept'",
        ),
        ("taken_down", "expected an event like {kind: submitted"),
    ],
)
def test_malformed_events(shipped: DeadlinePolicy, event: Any, message: str) -> None:
    with pytest.raises(LifecycleError) as caught:
        replay([ev("submitted", SUBMITTED), event], deadlines=deadline_function(shipped, "taobao"))
    assert caught.value.index == 1
    assert message in caught.value.message


def test_a_field_written_in_another_case_is_suggested() -> None:
    with pytest.raises(LifecycleError) as caught:
        read_event(3, {"kind": "taken_down", "At": TAKEN_DOWN})
    assert caught.value.index == 3
    assert caught.value.message == (
        "at: missing required field 'at': expected an ISO-8601 date and time with a UTC offset, "
        "like 2026-03-02T10:15:00+07:00; At: unknown field 'At'; did you mean 'at'? "
        "(allowed here: kind, at, outcome)"
    )
    event = CaseEvent(kind="taken_down", at=at(TAKEN_DOWN))
    assert read_event(0, event) is event
