"""pydantic_errors.py: pydantic's errors as located problems. The walk through a model and its
data (union tags and class names dropped from the path, the model owning each place), the
words for each kind of error, and how a given value is shown."""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Annotated, Any, ClassVar, Literal

import pytest
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError

from ipp_rules.pydantic_errors import (
    Holds,
    message_of,
    model_at,
    place_of,
    shown_value,
    validate_document,
    validation_problems,
)
from ipp_rules.text.scalars import PlainFloat, PlainInt
from ipp_rules.text.yaml import load_yaml


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


class Cat(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["cat"]
    lives: int = 9


class Dog(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["dog"]
    good: bool = True


class Color(Enum):
    RED = "red"
    BLUE = "blue"


class Pets(BaseModel):
    model_config = ConfigDict(extra="forbid")
    pets: list[Annotated[Cat | Dog, Field(discriminator="kind")]] = []
    either: Leaf | Named | None = None
    color: Color | None = None
    born: date | None = None
    at: AwareDatetime | None = None
    count: int = Field(0, ge=0, le=10)
    names: list[str] = Field(default_factory=list, max_length=2)
    leaf: Leaf | None = None


def test_union_tags_and_class_names_are_dropped_from_the_path() -> None:
    data = {"pets": [{"kind": "cat", "lives": "many"}], "either": {"x": "a"}}
    cat = place_of(Pets, data, ("pets", 0, "cat", "lives"))
    assert (cat.path, cat.owner, cat.target) == (("pets", 0, "lives"), Cat, (int,))
    leaf = place_of(Pets, data, ("either", "Leaf", "x"))
    assert (leaf.path, leaf.owner, leaf.target) == (("either", "x"), Leaf, (int,))
    assert place_of(Pets, data, ("pets", 0)).models == [Cat, Dog]
    assert model_at(Pets, ("pets", 0, "dog")) is Dog
    assert model_at(Pets, ("pets", 0)) is None  # two models may be there


def problems_of(data: dict[str, Any]) -> list[tuple[str, str, str]]:
    with pytest.raises(ValidationError) as raised:
        Pets.model_validate(data)
    errors = raised.value.errors(include_url=False)
    words = [message_of(error, place_of(Pets, data, error["loc"])) for error in errors]
    problems = validation_problems(raised.value, Pets, data)
    assert [p.message for p in problems] == words  # nothing here follows from another error
    return [(p.location, p.code, p.message) for p in problems]


def test_each_kind_of_error_is_worded_for_the_writer() -> None:
    data = {
        "pets": [
            {"kind": "cat", "lives": "many"},
            {"kind": "dgo"},
            {"kind": "dog", "barks": True},
            {},
        ],
        "color": "rde",
        "born": "2026-13-01",
        "at": "2026-03-02T10:00:00",
        "count": 11,
        "names": ["a", "b", "c"],
        "leaf": 3,
        "colour": "red",
    }
    assert problems_of(data) == [
        ("pets[0].lives", "int_parsing", "expected a whole number, got 'many'"),
        (
            "pets[1].kind",
            "union_tag_invalid",
            "expected one of cat, dog, got 'dgo'; did you mean 'dog'?",
        ),
        ("pets[2].barks", "extra_forbidden", "unknown key 'barks' (allowed here: kind, good)"),
        (
            "pets[3].kind",
            "union_tag_not_found",
            "missing required key 'kind': expected one of cat, dog",
        ),
        ("color", "enum", "expected one of red, blue, got 'rde'; did you mean 'red'?"),
        (
            "born",
            "date_from_datetime_parsing",
            "expected a date written YYYY-MM-DD, like 2026-03-02, got '2026-13-01' "
            "(month value is outside expected range of 1-12)",
        ),
        (
            "at",
            "timezone_aware",
            "expected an ISO-8601 date and time with a UTC offset, like "
            "2026-03-02T10:15:00+07:00, got '2026-03-02T10:00:00' without one: an offset is "
            "required",
        ),
        ("count", "less_than_equal", "expected a number of at most 10, got 11"),
        ("names", "too_long", "expected at most 2 items, got 3 items"),
        ("leaf", "model_type", "expected a leaf, like {x: 1}, got 3"),
        (
            "colour",
            "extra_forbidden",
            "unknown key 'colour'; did you mean 'color'? (allowed here: pets, either, color, "
            "born, at, count, names, leaf)",
        ),
    ]


def test_a_missing_key_says_what_it_expects() -> None:
    assert problems_of({"leaf": {}}) == [
        ("leaf.x", "missing", "missing required key 'x': expected a whole number")
    ]


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (None, "null"),
        (True, "true"),
        (False, "false"),
        (PlainInt("0304"), "0304"),  # as written, the leading zero kept
        (PlainFloat("1.50"), "1.50"),
        (Color.RED, "'red'"),
        (5, "5"),
        (2**70, "a very large number"),
        (1.5, "1.5"),
        ("ab", "'ab'"),
        ("x" * 100, "'" + "x" * 57 + "...'"),
        (date(2026, 3, 2), "2026-03-02"),
        ({"a": 1}, "an object"),
        ([1], "a list"),
        ((1,), "a list"),
        (object(), "a value of type object"),
    ],
    ids=[
        "none",
        "true",
        "false",
        "plain_int",
        "plain_float",
        "enum",
        "int",
        "huge_int",
        "float",
        "text",
        "long_text",
        "date",
        "mapping",
        "list",
        "tuple",
        "other",
    ],
)
def test_a_given_value_is_shown_short_and_as_written(value: object, shown: str) -> None:
    assert shown_value(value) == shown


def test_text_too_long_is_counted_in_characters_even_behind_a_validator() -> None:
    # A text field checked after a before-validator reports "too_long", as a list would.
    from ipp_rules.models.types import Name

    class Named(BaseModel):
        name: Name

    with pytest.raises(ValidationError) as caught:
        Named.model_validate({"name": "a" * 70})
    (problem,) = validation_problems(caught.value, Named, {"name": "a" * 70})
    assert problem.message == "expected at most 64 characters, got 70"
