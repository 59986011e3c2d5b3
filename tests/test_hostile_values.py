"""Hostile Python values handed to the public API: a list nested 100,000 deep, and a list that
holds itself. Each is a typed error naming what was expected, never a RecursionError (which
``repr`` of such a value raises) and never noise on the error output."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest

from ipp_rules import Engine
from ipp_rules.errors import IppRulesError, shown


def _deep() -> list[Any]:
    top: list[Any] = []
    current = top
    for _ in range(100_000):
        inner: list[Any] = []
        current.append(inner)
        current = inner
    return top


def _loop() -> list[Any]:
    loop: list[Any] = []
    loop.append(loop)
    return loop


RECORD = {
    "submitted_at": "2026-01-05T10:00:00+08:00",
    "platform": "taobao",
    "reason": "counterfeit",
    "outcome": "taken_down",
    "counter_notification": "none",
    "false_information": False,
}
SUBMITTED = {"kind": "submitted", "at": "2026-01-05T10:00:00+08:00"}
AT = datetime(2026, 1, 5, 10, tzinfo=UTC)

Call = Callable[[Engine, Any], object]
CALLS: dict[str, Call] = {
    **{
        f"good_faith record {field}": (
            lambda engine, bad, f=field: engine.good_faith([{**RECORD, f: bad}], date(2026, 2, 1))
        )
        for field in RECORD
    },
    **{
        f"good_faith row {field}": (
            lambda engine, bad, f=field: engine.good_faith(
                [tuple({**RECORD, f: bad}.values())], date(2026, 2, 1)
            )
        )
        for field in RECORD
    },
    "good_faith as_of": lambda engine, bad: engine.good_faith([RECORD], bad),
    "good_faith platform": lambda engine, bad: engine.good_faith(
        [RECORD], date(2026, 2, 1), platform=bad
    ),
    **{
        f"lifecycle event {field}": (
            lambda engine, bad, f=field: engine.lifecycle([{**SUBMITTED, f: bad}], "taobao")
        )
        for field in ("kind", "at", "outcome")
    },
    "lifecycle event": lambda engine, bad: engine.lifecycle([bad], "taobao"),
    "lifecycle now": lambda engine, bad: engine.lifecycle([SUBMITTED], "taobao", now=bad),
    "deadline platform": lambda engine, bad: engine.deadline(bad, "takedown_processing", AT),
    "deadline kind": lambda engine, bad: engine.deadline("taobao", bad, AT),
    "deadline received_at": lambda engine, bad: engine.deadline(
        "taobao", "takedown_processing", bad
    ),
    "deadline country": lambda engine, bad: engine.deadline(
        "lazada", "takedown_processing", AT, country=bad
    ),
    "evaluate platform": lambda engine, bad: engine.evaluate({"platform": bad}),
}


@pytest.fixture(scope="module")
def reference() -> Any:
    with Engine.default(backend="reference") as engine:
        yield engine


VALUES = {"nested 100,000 deep": _deep(), "holds itself": _loop()}


@pytest.mark.parametrize("value", sorted(VALUES))
@pytest.mark.parametrize("call", sorted(CALLS))
def test_a_hostile_value_is_a_typed_error(
    reference: Engine, call: str, value: str, capfd: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(IppRulesError) as caught:
        CALLS[call](reference, VALUES[value])
    assert len(str(caught.value)) < 2_000
    assert capfd.readouterr() == ("", "")


def test_shown_is_bounded_in_length_and_depth() -> None:
    assert shown(_deep()) == "[[[[...]]]]"
    assert shown(_loop()) == "[[[[...]]]]"
    assert "..." in shown("x" * 500) and len(shown("x" * 500)) <= 60
    assert shown("taobao") == "'taobao'"
