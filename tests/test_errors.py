"""errors.py: how an input error words its problems, the messages the other errors build from
their data, and pickling round trips of the errors that say how to rebuild themselves
(``__reduce__``), so an error raised in a worker process reaches the caller whole."""

from __future__ import annotations

import pickle
from datetime import date

import pytest

from ipp_rules.errors import (
    BundlePathError,
    CalendarHorizonError,
    ComplaintError,
    HistoryError,
    InputError,
    IppRulesError,
    JsonRefused,
    LifecycleError,
    RulesetError,
    UnknownMarketplaceError,
)
from ipp_rules.problems import Problem


def test_an_input_error_counts_its_problems_under_its_title() -> None:
    error = ComplaintError([Problem("expected text, got 3", path=("platform",))])
    assert str(error) == "invalid complaint document (1 problem)\n  platform: expected text, got 3"
    two = InputError([Problem("b", file="a.yaml", line=3), Problem("a", file="a.yaml", line=1)])
    assert str(two) == "invalid input (2 problems)\n  a.yaml:1: a\n  a.yaml:3: b"
    titled = RulesetError([Problem("m")], title="invalid test file")
    assert (str(titled), titled.title, RulesetError.title) == (
        "invalid test file (1 problem)\n  m",
        "invalid test file",
        "invalid ruleset bundle",
    )


def test_every_error_lists_its_problems_best_first() -> None:
    error = RulesetError(
        [Problem("second", file="a.yaml", line=5), Problem("first", file="a.yaml", line=2)]
    )
    assert [p.message for p in error.problems] == ["first", "second"]


def test_a_path_that_names_no_bundle_is_its_one_problem() -> None:
    error = BundlePathError("/x/b", "not a bundle: no bundle.yaml in this folder", "no_manifest")
    assert isinstance(error, RulesetError)
    assert str(error) == "/x/b: not a bundle: no bundle.yaml in this folder"
    assert error.problems == (
        Problem("not a bundle: no bundle.yaml in this folder", "no_manifest", file="/x/b"),
    )


def test_an_unknown_marketplace_names_the_known_ones_and_the_nearest() -> None:
    error = UnknownMarketplaceError("tmal", ["taobao", "tmall"], suggestion="tmall")
    assert str(error) == "unknown marketplace 'tmal'; known: taobao, tmall (did you mean 'tmall'?)"
    assert error.known == ("taobao", "tmall")
    assert str(UnknownMarketplaceError("x")) == "unknown marketplace 'x'"


def test_a_date_past_a_calendar_blames_the_horizon_only_when_it_is_past_it() -> None:
    past = CalendarHorizonError("CN", date(2027, 3, 1), date(2026, 12, 31), "no estimates")
    assert str(past) == (
        "calendar CN: cannot answer for 2027-03-01, its horizon is 2026-12-31 (no estimates)"
    )
    outside = CalendarHorizonError(
        "CN", date(2099, 1, 1), date(2026, 12, 31), "after 2028-12-31", past_horizon=False
    )
    assert str(outside) == "calendar CN: cannot answer for 2099-01-01 (after 2028-12-31)"


def test_a_lifecycle_error_located_in_its_file() -> None:
    error = LifecycleError(2, "taken down before it was submitted")
    assert (str(error), error.problems) == ("event 2: taken down before it was submitted", ())
    located = error.at(Problem("", file="events.yaml", line=4, column=3))
    assert str(located) == "events.yaml:4:3: event 2: taken down before it was submitted"
    assert located.problems == (
        Problem(
            "event 2: taken down before it was submitted",
            "lifecycle",
            file="events.yaml",
            line=4,
            column=3,
        ),
    )
    assert str(LifecycleError(None, "now has no offset")) == "now has no offset"


ROUND_TRIPS: dict[str, tuple[IppRulesError, tuple[str, ...]]] = {
    "bundle path": (
        BundlePathError("/x/b", "not a bundle: no bundle.yaml in this folder", "no_manifest"),
        ("problems", "title"),
    ),
    "unknown marketplace": (
        UnknownMarketplaceError("tmal", ("taobao", "tmall"), suggestion="tmall"),
        ("marketplace", "known", "suggestion", "country", "message"),
    ),
    "unknown country platform": (
        UnknownMarketplaceError("lazada", ("TH", "VN"), country="XX", message="custom words"),
        ("marketplace", "known", "suggestion", "country", "message"),
    ),
    "past the horizon": (
        CalendarHorizonError("CN", date(2027, 3, 1), date(2026, 12, 31), "no estimates"),
        ("calendar", "asked", "horizon", "detail", "past_horizon"),
    ),
    "outside the years": (
        CalendarHorizonError("CN", date(2099, 1, 1), date(2026, 12, 31), past_horizon=False),
        ("calendar", "asked", "horizon", "detail", "past_horizon"),
    ),
    "lifecycle": (
        LifecycleError(2, "taken down before it was submitted"),
        ("index", "message", "place", "problems"),
    ),
    "lifecycle located": (
        LifecycleError(2, "taken down before it was submitted").at(
            Problem("", file="events.yaml", line=4, column=3)
        ),
        ("index", "message", "place", "problems"),
    ),
    "refused json": (
        JsonRefused("expected each key once in an object, got 'a' twice", "duplicate_key"),
        ("message", "code"),
    ),
    "invalid complaint": (
        ComplaintError([Problem("expected text, got 5", "string_type", path=("reason",))]),
        ("problems", "title"),
    ),
    "invalid test file": (
        RulesetError(
            [Problem("no base file 'x.yaml'", "missing_file", file="t.yaml", line=3, column=7)],
            title="invalid test file",
        ),
        ("problems", "title"),
    ),
    "bad history": (
        HistoryError([Problem("expected a whole number", path=("history", 2, "outcome"))]),
        ("problems", "title"),
    ),
}


@pytest.mark.parametrize("name", sorted(ROUND_TRIPS))
def test_errors_that_say_how_to_rebuild_themselves_survive_pickling(name: str) -> None:
    error, attributes = ROUND_TRIPS[name]
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is type(error)
    assert str(copy) == str(error)
    for attribute in attributes:
        assert getattr(copy, attribute) == getattr(error, attribute), attribute
