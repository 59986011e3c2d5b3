"""How a command writes its errors: one JSON object with --format json, text otherwise."""

from __future__ import annotations

import io
import json

import pytest

from ipp_rules.cli.output import error_document, wants_json, write_error
from ipp_rules.errors import ArgumentError, ComplaintError, EngineError, LifecycleError
from ipp_rules.problems import Problem


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        (["evaluate", "x", "--format", "json"], True),
        (["evaluate", "x", "--format=json"], True),
        (["evaluate", "x", "--format", "text"], False),
        (["evaluate", "x", "--format"], False),
        (["evaluate", "--", "--format", "json"], False),
        (["evaluate", "x"], False),
    ],
)
def test_json_is_asked_for_before_the_arguments_are_read(
    arguments: list[str], expected: bool
) -> None:
    assert wants_json(arguments) is expected


def test_an_input_error_gives_every_problem_as_data() -> None:
    problem = Problem("expected one of a, b", "literal_error", file="c.yaml", line=3, column=9)
    document = error_document(ComplaintError([problem]))
    assert document == {
        "error": {
            "type": "ComplaintError",
            "title": "invalid complaint document",
            "message": "invalid complaint document (1 problem)\n  c.yaml:3:9: expected one of a, b",
            "problems": [problem.as_json()],
        }
    }


def test_other_errors_give_their_message_and_no_problems() -> None:
    assert error_document(EngineError("the engine stopped"))["error"] == {
        "type": "EngineError",
        "title": "rules engine failure",
        "message": "the engine stopped",
        "problems": [],
    }
    missing = FileNotFoundError(2, "No such file or directory", "x.json")
    assert error_document(missing)["error"]["message"] == "No such file or directory: x.json"


def test_a_located_lifecycle_error_keeps_its_place_and_its_words() -> None:
    place = Problem("", file="events.yaml", line=2, column=3)
    error = LifecycleError(1, "a response before any counter-notification").at(place)
    assert str(error) == "events.yaml:2:3: event 1: a response before any counter-notification"
    (problem,) = error_document(error)["error"]["problems"]
    assert (problem["file"], problem["line"], problem["column"]) == ("events.yaml", 2, 3)
    assert problem["message"] == "event 1: a response before any counter-notification"


def test_text_goes_to_the_error_output_and_json_to_the_output() -> None:
    out, err = io.StringIO(), io.StringIO()
    error = ArgumentError("--horizon-days: expected 0 or more (got -1)")
    assert write_error("check", error, as_json=False, out=out, err=err) == 2
    assert (out.getvalue(), err.getvalue()) == (
        "",
        "ipp-rules check: --horizon-days: expected 0 or more (got -1)\n",
    )
    out, err = io.StringIO(), io.StringIO()
    assert write_error("check", error, as_json=True, out=out, err=err) == 2
    assert err.getvalue() == ""
    assert json.loads(out.getvalue())["error"]["type"] == "ArgumentError"
