"""Problems: their place as data, the texts derived from it, and the helpers every loader uses."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

import pytest
from pydantic import BaseModel, ConfigDict, Field

from ipp_rules.errors import RulesetError
from ipp_rules.problems import ANY_ITEM, Problem, best_first, format_path, suggest
from ipp_rules.pydantic_errors import Holds, model_at, validate_document
from ipp_rules.text.yaml import load_yaml


def test_the_location_is_derived_from_the_fields() -> None:
    assert Problem("m").location == ""
    assert Problem("m", file="a.yaml").location == "a.yaml"
    assert Problem("m", file="a.yaml", line=3).location == "a.yaml:3"
    assert Problem("m", file="a.yaml", line=3, column=7).location == "a.yaml:3:7"
    assert Problem("m", path=("listings", 2, "url")).location == "listings[2].url"
    both = Problem("m", "code", file="c.json", line=1, column=9, path=("right", "type"))
    assert both.location == "right.type (c.json:1:9)"
    assert str(both) == "right.type (c.json:1:9): m"
    assert str(Problem("bare")) == "bare"


def test_json_carries_every_field_and_the_derived_text() -> None:
    problem = Problem("m", "W-X", file="a.yaml", line=2, column=4, path=("k", 0), subject="r")
    assert problem.as_json() == {
        "code": "W-X",
        "message": "m",
        "file": "a.yaml",
        "line": 2,
        "column": 4,
        "path": ["k", 0],
        "location": "k[0] (a.yaml:2:4)",
        "severity": "warning",
        "subject": "r",
    }
    assert Problem("m", "E-LOAD").severity == "error"


def test_paths_show_odd_keys_quoted_and_any_item_as_a_star() -> None:
    assert format_path(("history", ANY_ITEM, "outcome")) == "history[*].outcome"
    assert format_path(("", "\x00", "a")) == "''.'\\x00'.a"
    assert format_path(("x" * 100,)) == "x" * 57 + "..."


@pytest.mark.parametrize(
    ("word", "known", "expected"),
    [
        ("lazda", ["lazada", "taobao"], "lazada"),  # close spelling
        ("th", ["TH", "VN"], "TH"),  # another case
        ("tao", ["taobao", "tmall"], "taobao"),  # a prefix
        ("zzz", ["taobao"], None),
        ("taobao", ["taobao"], None),  # the word itself is no suggestion
    ],
)
def test_one_suggestion_rule(word: str, known: list[str], expected: str | None) -> None:
    assert suggest(word, known) == expected


def test_best_first_orders_by_file_and_position_and_drops_duplicates() -> None:
    late = Problem("late", file="a.yaml", line=9, column=1)
    early = Problem("early", file="a.yaml", line=2, column=5)
    other = Problem("other", file="b.yaml", line=1, column=1)
    warning = Problem("warn", "W-X", file="a.yaml", line=1, column=1)
    unplaced = Problem("no place", path=("history", 3))
    # Files in the order given, then as they first appear; errors before warnings; problems
    # without a position first, in the order found.
    assert best_first([other, late, early, late], files=["a.yaml"]) == [early, late, other]
    assert best_first([other, late, early]) == [other, early, late]
    assert best_first([warning, late, unplaced]) == [unplaced, late, warning]


def test_every_error_lists_its_problems_best_first() -> None:
    error = RulesetError(
        [Problem("second", file="a.yaml", line=5), Problem("first", file="a.yaml", line=2)]
    )
    assert [p.message for p in error.problems] == ["first", "second"]


class Leaf(BaseModel):
    model_config = ConfigDict(extra="forbid")
    expected: ClassVar[str] = "a leaf, like {x: 1}"
    x: int


class Named(BaseModel):
    model_config = ConfigDict(extra="allow")
    __pydantic_extra__: dict[str, Leaf] = Field(init=False)
    all: list[Named] | None = None


class Root(BaseModel):
    model_config = ConfigDict(extra="forbid")
    items: list[Leaf] = []
    by_name: dict[str, Leaf] = {}
    held: Annotated[Any, Holds(Leaf)] = None
    named: Named | None = None


def test_the_walk_finds_the_model_that_owns_a_place() -> None:
    assert model_at(Root, ()) is Root
    assert model_at(Root, ("items", 3)) is Leaf
    assert model_at(Root, ("by_name", "k")) is Leaf
    assert model_at(Root, ("held",)) is Leaf  # built by a validator; Holds says which model
    assert model_at(Root, ("named", "some_fact")) is Leaf  # an extra key's model
    assert model_at(Root, ("named", "all", 0)) is Named
    assert model_at(Root, ("nowhere",)) is None


def test_unknown_keys_are_worded_against_the_keys_of_their_place(tmp_path: Any) -> None:
    document = load_yaml("items:\n  - {x: 1, y: 2}\nitem: []\n", "r.yaml")
    model, problems = validate_document(Root, document)
    assert model is None
    assert [(p.location, p.message) for p in problems] == [
        ("r.yaml:2:12", "unknown key 'y' (allowed here: x)"),
        (
            "r.yaml:3:1",
            "unknown key 'item'; did you mean 'items'? (allowed here: items, by_name, held, named)",
        ),
    ]


def test_a_model_says_what_it_looks_like() -> None:
    document = load_yaml("items: [3]\n", "r.yaml")
    _, problems = validate_document(Root, document)
    assert [(p.location, p.message) for p in problems] == [
        ("r.yaml:1:9", "expected a leaf, like {x: 1}, got 3")
    ]


def test_a_document_that_is_not_a_mapping() -> None:
    _, problems = validate_document(Root, load_yaml("- 1\n", "r.yaml"))
    assert [(p.location, p.code) for p in problems] == [("r.yaml:1:1", "not_a_mapping")]
