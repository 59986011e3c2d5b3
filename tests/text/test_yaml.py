"""Tests for the strict YAML loader: 1.2 core scalars, strict keys and tags, limits, positions.

Every test runs twice: as the loader reads (libyaml, and PyYAML's Python parser where libyaml
reads a document otherwise), and with PyYAML's Python parser alone, which is how the loader read
before it used libyaml and how it reads where PyYAML is built without it.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterator
from pathlib import Path as FsPath
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from yaml.scanner import Scanner

from ipp_rules.errors import ComplaintError, RulesetError
from ipp_rules.problems import Problem
from ipp_rules.text import yaml as yamlsource
from ipp_rules.text.scalars import PlainFloat, PlainInt
from ipp_rules.text.yaml import (
    DEFAULT_LIMITS,
    Mark,
    YamlDocument,
    YamlLimits,
    load_yaml,
    load_yaml_file,
)
from tests.conftest import REPO, examples

ONLY_PYTHON = "python"


@pytest.fixture(scope="module", autouse=True, params=["libyaml", ONLY_PYTHON])
def reader(request: pytest.FixtureRequest) -> Iterator[str]:
    """Which parser reads: libyaml as the loader uses it, or PyYAML's Python parser alone."""
    libyaml = yamlsource._LIBYAML
    if request.param != ONLY_PYTHON and libyaml is None:
        pytest.skip("this PyYAML is built without libyaml")
    if request.param == ONLY_PYTHON:
        yamlsource._LIBYAML = None
    try:
        yield request.param
    finally:
        yamlsource._LIBYAML = libyaml


def value_of(text: str) -> Any:
    """The value of ``v`` in the one-line document ``v: <text>``."""
    return load_yaml(f"v: {text}\n", "t.yaml").data["v"]


def problems_of(source: str | bytes, **kwargs: Any) -> tuple[Problem, ...]:
    with pytest.raises(RulesetError) as caught:
        load_yaml(source, "t.yaml", **kwargs)
    return caught.value.problems


def only_problem(source: str | bytes, **kwargs: Any) -> Problem:
    problems = problems_of(source, **kwargs)
    assert len(problems) == 1, problems
    return problems[0]


def billion_laughs() -> str:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]")
    return "\n".join(lines) + "\n"


# --- plain scalars: YAML 1.2 core schema -----------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "NO",
        "No",
        "no",
        "YES",
        "Yes",
        "yes",
        "on",
        "On",
        "off",
        "OFF",
        "y",
        "Y",
        "n",
        "N",
        "0x1F",
        "0o17",
        "0b101",
        "1_000",
        "1:30",
        "190:20:30",
        "2026-03-02",
        "2026-03-02T10:00:00Z",
        "inf",
        "nan",
        "+.nan",
        "1e",
        "1.2.3",
        "=",
    ],
)
def test_yaml_11_surprises_stay_text(text: str) -> None:
    value = value_of(text)
    assert type(value) is str
    assert value == text


def test_country_code_norway_is_text_in_a_list() -> None:
    assert load_yaml("countries: [SE, NO, DK]\n", "t.yaml").data == {
        "countries": ["SE", "NO", "DK"]
    }


@pytest.mark.parametrize(
    ("text", "number"),
    [("0304", 304), ("1688", 1688), ("0", 0), ("-5", -5), ("+12", 12), ("-0", 0)],
)
def test_decimal_integers_are_plain_ints_keeping_their_text(text: str, number: int) -> None:
    value = value_of(text)
    assert type(value) is PlainInt
    assert value == number
    assert value.text == text


@pytest.mark.parametrize(
    ("text", "number"),
    [("1.5", 1.5), (".5", 0.5), ("-.5", -0.5), ("1.", 1.0), ("1e3", 1000.0), ("-1.5E-3", -0.0015)],
)
def test_floats_are_plain_floats_keeping_their_text(text: str, number: float) -> None:
    value = value_of(text)
    assert type(value) is PlainFloat
    assert value == number
    assert value.text == text


@pytest.mark.parametrize(
    "text", [".inf", "-.inf", "+.Inf", ".INF", ".nan", ".NaN", ".NAN", "1e999"]
)
def test_non_finite_numbers_are_errors(text: str) -> None:
    problem = only_problem(f"v: {text}\n")
    assert "not a finite number" in problem.message
    assert problem.location == "t.yaml:1:4"
    assert problem.code == "number"


def test_integer_with_too_many_digits_is_an_error_not_a_crash() -> None:
    problem = only_problem("v: " + "9" * 5000 + "\n")
    assert problem.code == "number"
    assert "too long" in problem.message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("true", True),
        ("True", True),
        ("TRUE", True),
        ("false", False),
        ("False", False),
        ("FALSE", False),
    ],
)
def test_booleans(text: str, expected: bool) -> None:
    assert value_of(text) is expected


@pytest.mark.parametrize("text", ["null", "Null", "NULL", "~", ""])
def test_nulls(text: str) -> None:
    assert value_of(text) is None


@pytest.mark.parametrize("text", ["tRUE", "nULL", "TrUe", "NuLL"])
def test_mixed_case_keywords_are_text(text: str) -> None:
    assert value_of(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("'0304'", "0304"),
        ('"true"', "true"),
        ("'null'", "null"),
        ('""', ""),
        ("'1.5'", "1.5"),
        ("! 12", "12"),
        ("|\n  12\n", "12\n"),
        (">\n  yes\n", "yes\n"),
    ],
)
def test_quoted_and_block_scalars_are_always_text(text: str, expected: str) -> None:
    assert value_of(text) == expected
    assert type(value_of(text)) is str


def test_containers_are_plain_dict_and_list_in_order() -> None:
    data = load_yaml("b: [1, {z: 1, a: 2}]\na: x\n", "t.yaml").data
    assert type(data) is dict
    assert list(data) == ["b", "a"]
    assert type(data["b"]) is list
    assert type(data["b"][1]) is dict
    assert list(data["b"][1]) == ["z", "a"]


# --- tags -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [("!!str 0304", "0304"), ("!!str true", "true")])
def test_str_tag_gives_text(text: str, expected: str) -> None:
    assert value_of(text) == expected


def test_str_tag_on_empty_value_is_empty_text() -> None:
    assert value_of("!!str") == ""


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("!!python/object/apply:os.system ['echo hi']", "!!python/object/apply:os.system"),
        ("!!python/name:os.system ''", "!!python/name:os.system"),
        ("!!binary aGVsbG8=", "!!binary"),
        ("!!int '3'", "!!int"),
        ("!!float 1", "!!float"),
        ("!!bool yes", "!!bool"),
        ("!!timestamp 2026-03-02", "!!timestamp"),
        ("!custom x", "!custom"),
        ("!!set {a}", "!!set"),
        ("!!omap [a: 1]", "!!omap"),
        ("!!map {a: 1}", "!!map"),
        ("!!seq [1]", "!!seq"),
        ("!!str [1]", "!!str"),
    ],
)
def test_other_tags_are_errors_naming_the_tag(text: str, shown: str) -> None:
    problem = only_problem(f"v: {text}\n")
    assert problem.code == "tag"
    assert f"tag {shown} is not allowed" in problem.message
    assert problem.location == "t.yaml:1:4"


def test_tag_on_a_key_is_an_error() -> None:
    problem = only_problem("!!python/name:os.system x: 1\n")
    assert problem.code == "tag"
    assert "!!python/name:os.system" in problem.message


def test_every_bad_tag_is_reported() -> None:
    problems = problems_of("a: !!binary eA==\nb: ok\nc: !x y\n")
    assert [(p.location, p.code) for p in problems] == [
        ("t.yaml:1:4", "tag"),
        ("t.yaml:3:4", "tag"),
    ]


# --- keys -----------------------------------------------------------------------------------


def test_plain_keys_are_their_source_text() -> None:
    data = load_yaml("1688: a\nNO: b\ntrue: c\n0304: d\n1.50: e\n.inf: f\n", "t.yaml").data
    assert data == {"1688": "a", "NO": "b", "true": "c", "0304": "d", "1.50": "e", ".inf": "f"}
    assert all(type(key) is str for key in data)


def test_quoted_keys_are_their_value() -> None:
    data = load_yaml("'a b': 1\n\"c\\td\": 2\n'<<': 3\n!!str 5: 4\n", "t.yaml").data
    assert data == {"a b": 1, "c\td": 2, "<<": 3, "5": 4}


@pytest.mark.parametrize(
    "source", ["{null: 1}\n", "{~: 1}\n", "{NULL: 1}\n", "{? : 1}\n", "? \n: 1\n"]
)
def test_null_or_empty_plain_key_is_an_error(source: str) -> None:
    problem = only_problem(source)
    assert problem.code == "invalid_key"
    assert "empty or null" in problem.message


def test_empty_quoted_key_is_an_error() -> None:
    problem = only_problem("'': 1\n")
    assert problem.code == "invalid_key"
    assert problem.location == "t.yaml:1:1"


@pytest.mark.parametrize(
    ("source", "kind"), [("? [a, b]\n: 1\n", "list"), ("? {a: 1}\n: 1\n", "mapping")]
)
def test_collection_key_is_an_error(source: str, kind: str) -> None:
    problem = only_problem(source)
    assert problem.code == "invalid_key"
    assert f"not a {kind}" in problem.message
    assert problem.location == "t.yaml:1:3"


def test_alias_to_a_scalar_can_be_a_key() -> None:
    assert load_yaml("a: &k name\n*k : 2\n", "t.yaml").data == {"a": "name", "name": 2}


# --- duplicate keys and merge keys ----------------------------------------------------------


def test_duplicate_key_is_reported_at_second_occurrence_naming_both_lines() -> None:
    problem = only_problem("id: a\nname: x\nid: b\n")
    assert problem.code == "duplicate_key"
    assert problem.location == "t.yaml:3:1"
    assert '"id"' in problem.message
    assert "line 3" in problem.message
    assert "line 1" in problem.message


def test_every_duplicate_key_in_the_file_is_reported() -> None:
    source = "a: 1\nrules:\n  - id: x\n    id: y\n  - {k: 1, k: 2}\na: 2\n"
    problems = problems_of(source)
    assert [(p.location, p.code) for p in problems] == [
        ("t.yaml:4:5", "duplicate_key"),
        ("t.yaml:5:12", "duplicate_key"),
        ("t.yaml:6:1", "duplicate_key"),
    ]
    assert "first defined on line 3" in problems[0].message
    assert "first defined on line 5" in problems[1].message
    assert "first defined on line 1" in problems[2].message


def test_keys_equal_as_text_are_duplicates_whatever_their_style() -> None:
    problem = only_problem("1688: a\n'1688': b\n")
    assert problem.code == "duplicate_key"
    assert problem.location == "t.yaml:2:1"


def test_same_key_in_different_mappings_is_fine() -> None:
    data = load_yaml("a: {id: 1}\nb: {id: 2}\n", "t.yaml").data
    assert data == {"a": {"id": 1}, "b": {"id": 2}}


def test_merge_key_is_an_error() -> None:
    problem = only_problem("base: &b {x: 1}\nrule:\n  <<: *b\n  y: 2\n")
    assert problem.code == "merge_key"
    assert problem.location == "t.yaml:3:3"
    assert "merge keys (<<) are not supported" in problem.message


# --- anchors and aliases --------------------------------------------------------------------


def test_aliases_expand_to_independent_copies() -> None:
    doc = load_yaml("a: &x {k: [1, 2]}\nb: *x\n", "t.yaml")
    assert doc.data == {"a": {"k": [1, 2]}, "b": {"k": [1, 2]}}
    doc.data["b"]["k"].append(3)
    assert doc.data["a"]["k"] == [1, 2]


def test_alias_positions_point_at_the_alias_then_into_the_anchor() -> None:
    doc = load_yaml("a: &x {k: 1}\nb: *x\n", "t.yaml")
    assert doc.positions[("b",)] == Mark(2, 4)
    assert doc.positions[("b", "k")] == Mark(1, 11)


def test_billion_laughs_fails_with_an_alias_expansion_error() -> None:
    problem = only_problem(billion_laughs())
    assert problem.code == "alias_expansion"
    assert "alias expansion too large" in problem.message
    assert problem.location.startswith("t.yaml:")


def test_alias_expansion_counts_against_max_nodes() -> None:
    source = "a: &a [1, 2, 3, 4]\nb: [*a, *a, *a]\n"
    assert load_yaml(source, "t.yaml", limits=YamlLimits(max_nodes=30)).data["b"][2] == [1, 2, 3, 4]
    problem = only_problem(source, limits=YamlLimits(max_nodes=20))
    assert problem.code == "alias_expansion"
    assert problem.location == "t.yaml:2:13"


def test_too_many_nodes_without_aliases() -> None:
    problem = only_problem("[" + ", ".join(["1"] * 50) + "]\n", limits=YamlLimits(max_nodes=10))
    assert problem.code == "too_many_nodes"


@pytest.mark.parametrize("source", ["a: &a [1, *a]\n", "a: &a {b: {c: *a}}\n", "&r [*r]\n"])
def test_recursive_alias_is_an_error(source: str) -> None:
    problem = only_problem(source)
    assert problem.code == "recursive_alias"
    assert "recursive alias" in problem.message


def test_undefined_alias_is_an_error() -> None:
    problem = only_problem("a: *nowhere\n")
    assert problem.code == "alias"
    assert problem.location == "t.yaml:1:4"


def test_duplicate_anchor_is_an_error() -> None:
    problem = only_problem("a: &x 1\nb: &x 2\n")
    assert problem.code == "anchor"
    assert problem.location == "t.yaml:2:4"
    assert "line 1" in problem.message


# --- depth ----------------------------------------------------------------------------------


def test_depth_bomb_is_an_error_not_a_recursion_error() -> None:
    problem = only_problem("[" * 100_000)
    assert problem.code == "too_deep"
    assert problem.location == f"t.yaml:1:{DEFAULT_LIMITS.max_depth + 1}"


def test_deep_block_mappings_are_an_error() -> None:
    source = "".join("  " * level + f"k{level}:\n" for level in range(200))
    assert only_problem(source).code == "too_deep"


def test_depth_limit_is_exact() -> None:
    depth = DEFAULT_LIMITS.max_depth
    data = load_yaml("[" * depth + "]" * depth, "t.yaml").data
    for _ in range(depth - 1):
        data = data[0]
    assert data == []
    assert only_problem("[" * (depth + 1) + "]" * (depth + 1)).code == "too_deep"


def test_alias_expansion_cannot_exceed_the_depth_limit() -> None:
    limits = YamlLimits(max_depth=6)
    assert load_yaml("a: &a [[[1]]]\nb: [[*a]]\n", "t.yaml", limits=limits).data["b"] == [[[[[1]]]]]
    problem = only_problem("a: &a [[[1]]]\nb: [[[*a]]]\n", limits=limits)
    assert problem.code == "too_deep"
    assert "alias" in problem.message


# --- documents and sizes --------------------------------------------------------------------


@pytest.mark.parametrize("source", ["a: 1\n---\nb: 2\n", "---\na: 1\n---\nb: 2\n", "---\n---\n"])
def test_more_than_one_document_is_an_error(source: str) -> None:
    problem = only_problem(source)
    assert problem.code == "multiple_documents"


def test_second_document_location() -> None:
    assert only_problem("a: 1\n---\nb: 2\n").location == "t.yaml:2:1"


@pytest.mark.parametrize("source", ["", "# only a comment\n", "---\n", "---\n...\n", "\n\n"])
def test_empty_document_is_none(source: str) -> None:
    assert load_yaml(source, "t.yaml").data is None


def test_explicit_document_markers_around_one_document() -> None:
    assert load_yaml("---\na: 1\n...\n", "t.yaml").data == {"a": 1}


def test_size_limit_on_text_and_bytes() -> None:
    limits = YamlLimits(max_bytes=10)
    assert load_yaml("a: 123456\n", "t.yaml", limits=limits).data == {"a": 123456}
    for source in ("a: 1234567\n", b"a: 1234567\n"):
        problem = only_problem(source, limits=limits)
        assert problem.code == "too_large"
        assert problem.location == "t.yaml:1:1"


def test_size_limit_counts_utf8_bytes_not_characters() -> None:
    source = "a: " + "é" * 4 + "\n"  # 8 characters, 12 bytes
    assert only_problem(source, limits=YamlLimits(max_bytes=10)).code == "too_large"


def test_scalar_length_limit() -> None:
    limits = YamlLimits(max_scalar_chars=5)
    assert load_yaml("abcde: 'vwxyz'\n", "t.yaml", limits=limits).data == {"abcde": "vwxyz"}
    problem = only_problem("a: 'uvwxyz'\n", limits=limits)
    assert problem.code == "scalar_too_long"
    assert problem.location == "t.yaml:1:4"
    assert only_problem("abcdef: 1\n", limits=limits).code == "scalar_too_long"


# --- encoding and characters ----------------------------------------------------------------


def test_utf8_bytes_and_bom() -> None:
    assert load_yaml("name: café\n".encode(), "t.yaml").data == {"name": "café"}
    doc = load_yaml(b"\xef\xbb\xbfname: x\nb: y\n", "t.yaml")
    assert doc.data == {"name": "x", "b": "y"}
    assert doc.key_positions[("name",)] == Mark(1, 1)
    assert load_yaml("\ufeffname: x\n", "t.yaml").data == {"name": "x"}


@pytest.mark.parametrize(
    ("source", "location"),
    [
        (b"a: \xff\n", "t.yaml:1:4"),
        (b"a: 1\nb: caf\xc3\n", "t.yaml:2:7"),
        (b"a: \xc3\xa9\xff\n", "t.yaml:1:5"),
        (b"\xef\xbb\xbfa: 1\n\xc0\x80: 2\n", "t.yaml:2:1"),
        (b"\xff\xfea\x00:\x00", "t.yaml:1:1"),
    ],
)
def test_invalid_utf8_is_an_error_at_the_first_bad_byte(source: bytes, location: str) -> None:
    problem = only_problem(source)
    assert problem.code == "encoding"
    assert problem.location == location
    assert "UTF-8" in problem.message


@pytest.mark.parametrize(
    ("source", "location", "shown"),
    [
        ("a: 1\nb: x\x00y\n", "t.yaml:2:5", "U+0000"),
        ("a: \x01\n", "t.yaml:1:4", "U+0001"),
        ("a: 1\r\nb: 'esc\x1b'\r\n", "t.yaml:2:8", "U+001B"),
        ("a: \x7f\n", "t.yaml:1:4", "U+007F"),
        ("a: x\ud800\n", "t.yaml:1:5", "U+D800"),
        ("a: \ufffe\n", "t.yaml:1:4", "U+FFFE"),
    ],
)
def test_control_characters_are_errors_with_location(
    source: str, location: str, shown: str
) -> None:
    problem = only_problem(source)
    assert problem.code == "control_character"
    assert problem.location == location
    assert shown in problem.message
    assert only_problem(source.encode("utf-8", "surrogatepass")).location == location


def test_tab_inside_a_value_is_allowed() -> None:
    assert load_yaml("a: 'x\ty'\n", "t.yaml").data == {"a": "x\ty"}


def test_escaped_surrogate_pairs_become_one_character() -> None:
    assert load_yaml('a: "\\ud83d\\ude00"\n', "t.yaml").data == {"a": "\U0001f600"}
    problem = only_problem('a: "\\ud83d"\n')
    assert problem.code == "encoding"
    assert problem.location == "t.yaml:1:4"


@pytest.mark.parametrize(
    ("source", "location"),
    [
        ("a: 'unterminated\n", "t.yaml:2:1"),
        ("a: [1, 2\n", "t.yaml:2:1"),
        ("\ta: 1\n", "t.yaml:1:1"),
        ("a: b: c\n", "t.yaml:1:5"),
        ("a: 1\n b: 2\n", "t.yaml:2:3"),
    ],
)
def test_syntax_errors_become_typed_errors_with_locations(source: str, location: str) -> None:
    problem = only_problem(source)
    assert problem.code == "yaml"
    assert problem.location == location
    assert problem.message.startswith("invalid YAML: ")


# --- positions ------------------------------------------------------------------------------

POSITIONED = """\
# a ruleset
rules:
  - id: r1
    when: {market: taobao, count: 3}
  - id: r2
    tags:
      - a
"""


def test_positions_of_values_and_keys() -> None:
    doc = load_yaml(POSITIONED, "rules.yaml")
    assert doc.positions == {
        (): Mark(2, 1),
        ("rules",): Mark(3, 3),
        ("rules", 0): Mark(3, 5),
        ("rules", 0, "id"): Mark(3, 9),
        ("rules", 0, "when"): Mark(4, 11),
        ("rules", 0, "when", "market"): Mark(4, 20),
        ("rules", 0, "when", "count"): Mark(4, 35),
        ("rules", 1): Mark(5, 5),
        ("rules", 1, "id"): Mark(5, 9),
        ("rules", 1, "tags"): Mark(7, 7),
        ("rules", 1, "tags", 0): Mark(7, 9),
    }
    assert doc.key_positions == {
        ("rules",): Mark(2, 1),
        ("rules", 0, "id"): Mark(3, 5),
        ("rules", 0, "when"): Mark(4, 5),
        ("rules", 0, "when", "market"): Mark(4, 12),
        ("rules", 0, "when", "count"): Mark(4, 28),
        ("rules", 1, "id"): Mark(5, 5),
        ("rules", 1, "tags"): Mark(6, 5),
    }


def test_mark_falls_back_to_the_longest_known_prefix() -> None:
    doc = load_yaml(POSITIONED, "rules.yaml")
    assert doc.mark(("rules", 0, "when", "count")) == Mark(4, 35)
    assert doc.mark(["rules", 0, "when", "count"]) == Mark(4, 35)
    assert doc.mark(("rules", 0, "missing")) == Mark(3, 5)
    assert doc.mark(("rules", 1, "tags", 0, "deeper", 3)) == Mark(7, 9)
    assert doc.mark(("rules", 7)) == Mark(3, 3)
    assert doc.mark(("nothing",)) == Mark(2, 1)
    assert doc.mark(()) == Mark(2, 1)


def test_location_strings() -> None:
    doc = load_yaml(POSITIONED, "rules.yaml")
    assert doc.location(("rules", 0, "when")) == "rules.yaml:4:11"
    assert doc.location(("rules", 0, "when"), key=True) == "rules.yaml:4:5"
    assert doc.location(("rules", 0), key=True) == "rules.yaml:3:5"
    assert doc.location(("rules", 0, "nope"), key=True) == "rules.yaml:3:5"


def test_mark_of_an_empty_document_is_the_start() -> None:
    doc = load_yaml("", "empty.yaml")
    assert doc.positions == {}
    assert doc.mark(("a", 1)) == Mark(1, 1)
    assert doc.location(()) == "empty.yaml:1:1"


def test_positions_are_read_only() -> None:
    doc = load_yaml("a: 1\n", "t.yaml")
    with pytest.raises(TypeError):
        doc.positions[("b",)] = Mark(1, 1)  # type: ignore[index]


def test_document_is_frozen() -> None:
    doc = load_yaml("a: 1\n", "t.yaml")
    assert isinstance(doc, YamlDocument)
    with pytest.raises(AttributeError):
        doc.data = None  # type: ignore[misc]


# --- error class and files ------------------------------------------------------------------


def test_error_class_is_chosen_by_the_caller() -> None:
    with pytest.raises(ComplaintError) as caught:
        load_yaml("a: 1\na: 2\n", "complaint.yaml", error=ComplaintError)
    assert not isinstance(caught.value, RulesetError)
    assert caught.value.problems[0].location == "complaint.yaml:2:1"
    with pytest.raises(ComplaintError):
        load_yaml(b"\xff", "complaint.yaml", error=ComplaintError)


def test_error_message_lists_every_problem() -> None:
    with pytest.raises(RulesetError) as caught:
        load_yaml("a: 1\na: 2\nb: !!binary eA==\n", "t.yaml")
    text = str(caught.value)
    assert "(2 problems)" in text
    assert "t.yaml:2:1: duplicate key" in text
    assert "t.yaml:3:4: tag !!binary" in text


def test_load_yaml_file(tmp_path: FsPath) -> None:
    path = tmp_path / "rules.yaml"
    path.write_bytes(b"a: 0304\n")
    doc = load_yaml_file(path)
    assert doc.filename == str(path)
    assert doc.data == {"a": 304}
    assert doc.data["a"].text == "0304"
    assert load_yaml_file(str(path), display_name="bundle/rules.yaml").location(("a",)) == (
        "bundle/rules.yaml:1:4"
    )


def test_load_yaml_file_errors_use_the_display_name(tmp_path: FsPath) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("a: 1\na: 2\n", encoding="utf-8")
    with pytest.raises(ComplaintError) as caught:
        load_yaml_file(path, display_name="c.yaml", error=ComplaintError)
    assert caught.value.problems[0].location == "c.yaml:2:1"


def test_load_yaml_file_checks_size_before_reading(
    tmp_path: FsPath, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("wb") as handle:
        handle.truncate(5 * 1024**3)  # sparse: 5 GB on paper, nothing on disk

    def no_open(*args: object, **kwargs: object) -> None:
        raise AssertionError("the file was opened")

    monkeypatch.setattr(yamlsource, "open", no_open, raising=False)
    with pytest.raises(RulesetError) as caught:
        load_yaml_file(path, display_name="huge.yaml")
    assert caught.value.problems[0].code == "too_large"
    assert caught.value.problems[0].location == "huge.yaml:1:1"


def test_load_yaml_file_unreadable(tmp_path: FsPath) -> None:
    for path in (tmp_path / "missing.yaml", tmp_path):
        with pytest.raises(RulesetError) as caught:
            load_yaml_file(path, display_name="x.yaml")
        assert caught.value.problems[0].code == "unreadable"
        assert caught.value.problems[0].location == "x.yaml:1:1"


def test_load_yaml_file_accepts_path_like(tmp_path: FsPath) -> None:
    path = tmp_path / "r.yaml"
    path.write_text("k: v\n", encoding="utf-8")
    assert load_yaml_file(os.fspath(path)).data == {"k": "v"}


# --- properties -----------------------------------------------------------------------------

json_trees = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=5)
        | st.dictionaries(st.text(min_size=1, max_size=20), children, max_size=5)
    ),
    max_leaves=25,
)


def plain(value: Any) -> Any:
    """``value`` with PlainInt unwrapped, so ``type`` comparisons see ``int``."""
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    if isinstance(value, PlainInt):
        return int(value)
    return value


def same(left: Any, right: Any) -> bool:
    """Equal, and equal in type too (``True`` is not ``1``)."""
    if type(left) is not type(right):
        return False
    if isinstance(left, dict):
        return list(left) == list(right) and all(same(left[k], right[k]) for k in left)
    if isinstance(left, list):
        return len(left) == len(right) and all(map(same, left, right))
    return bool(left == right)


@settings(max_examples=examples(200), deadline=None)
@given(json_trees, st.sampled_from([None, 2]))
def test_json_is_loaded_as_the_same_tree(tree: Any, indent: int | None) -> None:
    loaded = load_yaml(json.dumps(tree, indent=indent), "t.json").data
    assert same(plain(loaded), tree)


@settings(max_examples=examples(300), deadline=None)
@given(st.one_of(st.binary(max_size=200), st.text(max_size=200)))
def test_nothing_but_the_typed_error_escapes(source: bytes | str) -> None:
    try:
        load_yaml(source, "fuzz.yaml")
    except RulesetError as exc:
        assert exc.problems
        assert all(p.location.startswith("fuzz.yaml:") for p in exc.problems)


YAMLISH = st.text(alphabet=list("[]{}:,-?&*!|>'\"#%@` \n\tabc01.~<"), max_size=120)


@settings(max_examples=examples(300), deadline=None)
@given(YAMLISH)
def test_nothing_but_the_typed_error_escapes_on_yaml_punctuation(source: str) -> None:
    try:
        load_yaml(source, "fuzz.yaml")
    except RulesetError as exc:
        assert all(p.location.startswith("fuzz.yaml:") for p in exc.problems)


# --- what a document costs to read, and libyaml reading as the Python parser does -------------


@pytest.fixture
def work(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Nodes composed, by the loader that composed them, and calls of PyYAML's Python scanner."""
    counted: Counter[str] = Counter()
    compose_node = yamlsource._LimitedComposer.compose_node
    fetch_more_tokens = Scanner.fetch_more_tokens

    def composing(self: Any, parent: Any, index: Any) -> Any:
        counted[type(self).__name__] += 1
        return compose_node(self, parent, index)

    def scanning(self: Any) -> None:
        counted["python scanner"] += 1
        fetch_more_tokens(self)

    monkeypatch.setattr(yamlsource._LimitedComposer, "compose_node", composing)
    monkeypatch.setattr(Scanner, "fetch_more_tokens", scanning)
    return counted


FOUR_MIB = 4 * 1024 * 1024


@pytest.mark.parametrize(
    ("source", "location"),
    [
        ("[" + "1," * (FOUR_MIB // 2 - 2) + "1]\n", "t.yaml:1:20000"),
        ("evidence:\n" + "- 1\n" * (FOUR_MIB // 4 - 4), "t.yaml:9999:3"),
        ("".join(f"k{i}: 1\n" for i in range(FOUR_MIB // 12)), "t.yaml:5000:8"),
    ],
    ids=["flow list", "block list", "mapping"],
)
def test_a_document_past_the_node_limit_is_read_no_further(
    reader: str, work: Counter[str], source: str, location: str
) -> None:
    problem = only_problem(source, limits=YamlLimits(max_bytes=FOUR_MIB, max_nodes=10_000))
    assert (problem.location, problem.code) == (location, "too_many_nodes")
    if reader == ONLY_PYTHON:
        assert work["_PythonLoader"] == 10_001
    else:  # libyaml scans: not one token from the Python scanner, at 25 µs a node
        assert work == {"_LibyamlLoader": 10_001}


def test_a_document_libyaml_reads_otherwise_is_read_again_within_a_budget(
    reader: str, work: Counter[str]
) -> None:
    # A tab in a quoted value: a corner where libyaml and the Python parser may differ.
    source = '["\t", ' + "1, " * 60_000 + "1]\n"
    problem = only_problem(source, limits=YamlLimits(max_nodes=50_000))
    assert (problem.location, problem.code) == ("t.yaml:1:150001", "too_many_nodes")
    if reader == ONLY_PYTHON:
        assert work["_PythonLoader"] == 50_001
    else:  # the Python parser stops at its budget, and libyaml's reading stands
        assert work["_LibyamlLoader"] == 50_001
        assert work["_PythonLoader"] == yamlsource.PYTHON_BUDGET + 1


def test_a_small_document_in_a_corner_is_read_as_the_python_parser_reads_it(
    reader: str, work: Counter[str]
) -> None:
    problem = only_problem("a: 1\t# a tab before a comment\n")
    assert (problem.location, problem.code) == ("t.yaml:1:5", "yaml")
    assert problem.message == (
        "invalid YAML: found character '\\t' that cannot start any token "
        "(while scanning for the next token)"
    )
    assert work["_PythonLoader"] == 3  # it decides: libyaml takes the tab for a space


def test_past_the_budget_a_document_only_libyaml_refuses_is_refused(reader: str) -> None:
    # The one difference a document can see: past PYTHON_BUDGET nodes, libyaml's reading stands,
    # and libyaml refuses a \u escape of half a surrogate pair (how JSON writes an emoji).
    source = '["\\ud83d\\ude00", ' + "1, " * yamlsource.PYTHON_BUDGET + "1]\n"
    if reader == ONLY_PYTHON:
        assert load_yaml(source, "t.yaml").data[0] == "\U0001f600"
    else:
        problem = only_problem(source)
        assert (problem.location, problem.code) == ("t.yaml:1:5", "yaml")
        assert "found invalid Unicode character escape code" in problem.message
    small = '["\\ud83d\\ude00", 1]\n'
    assert load_yaml(small, "t.yaml").data == ["\U0001f600", 1]


def outcome(source: str, limits: YamlLimits = DEFAULT_LIMITS) -> tuple[Any, ...]:
    """What loading ``source`` gives: the tree and every position, or the problems."""
    try:
        doc = load_yaml(source, "t.yaml", limits=limits)
    except RulesetError as exc:
        return ("refused", exc.problems)
    return ("loaded", repr(doc.data), dict(doc.positions), dict(doc.key_positions))


def python_outcome(source: str, limits: YamlLimits = DEFAULT_LIMITS) -> tuple[Any, ...]:
    libyaml, yamlsource._LIBYAML = yamlsource._LIBYAML, None
    try:
        return outcome(source, limits)
    finally:
        yamlsource._LIBYAML = libyaml


FRAGMENTS = [
    *("a", "b c", "1", "~", "null", "<<", "é", "\U0001f600", "x: y", "- z"),
    *(":", ": ", "-", "- ", "[", "]", "{", "}", ",", ", ", "?", "? ", "#", " #c"),
    *("'", '"', "''", '""', "\\", "\\u", "\\ud83d", "\\x41", "\\n"),
    *("&a ", "*a", "&b ", "*b", "!", "!!str ", "!x ", "!<tag:a> ", "%YAML 1.1\n", "%TAG ! t:\n"),
    *("|", ">", "|-", ">+", "|2", "---", "--- ", "...", "{a: }", "[a, ]"),
    *(" ", "  ", "\t", "\n", "\n  ", "\n- ", "\n    ", "\r\n", "\r", "\x85", "\u2028", "\ufeff"),
]


DUMPED_WORDS = ["a", "b c", "", "1", "NO", "2026-01-01", "é", "😀", "x\ny", " lead", "#h"]
DUMPED_WORDS += ["a: b", "- x", "'q'", '"d"', "\\", "\t", "~", "-1", "<<", "&x", "!t", "[x]"]
dumped_trees = st.recursive(
    st.one_of(st.sampled_from(DUMPED_WORDS), st.integers(-5, 10**6), st.none(), st.booleans()),
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.sampled_from(DUMPED_WORDS) | st.integers(0, 9), children, max_size=4),
    ),
    max_leaves=20,
)
dump_options = st.fixed_dictionaries(
    {
        "default_flow_style": st.sampled_from([True, False, None]),
        "allow_unicode": st.booleans(),
        "width": st.sampled_from([20, 80, 1000]),
        "explicit_start": st.booleans(),
        "default_style": st.sampled_from([None, '"', "'", "|", ">"]),
    }
)
edits = st.lists(
    st.tuples(st.integers(0, 10**4), st.sampled_from(list("[]{}:,-?&*!|>'\"#\n \t\\x")))
)


def with_typos(source: str, changes: list[tuple[int, str]]) -> str:
    """``source`` with typos: at each place, a character put in, or the one there taken out."""
    for at, character in changes:
        at %= len(source) + 1
        source = source[:at] + character + source[at:] if at % 2 else source[:at] + source[at + 1 :]
    return source


BUNDLED_FILES = sorted(path.name for path in (REPO / "rulesets").glob("*.yaml"))
"""The bundle's manifest, rule files and policies, by name in ``rulesets/``."""


class TestLibyamlReadsAsThePythonParser:
    """libyaml against PyYAML's Python parser: run once, with libyaml reading."""

    @pytest.fixture(autouse=True)
    def reader(self, monkeypatch: pytest.MonkeyPatch) -> str:
        libyaml = getattr(yamlsource, "_LibyamlLoader", None)
        if libyaml is None:
            pytest.fail("this PyYAML is built without libyaml, which the loader needs to be fast")
        monkeypatch.setattr(yamlsource, "_LIBYAML", libyaml)
        return "libyaml"

    @settings(max_examples=examples(500), deadline=None)
    @given(
        st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=16).map("".join),
        st.sampled_from([DEFAULT_LIMITS, YamlLimits(max_nodes=5), YamlLimits(max_depth=3)]),
    )
    def test_libyaml_reads_yaml_punctuation_as_the_python_parser_does(
        self, source: str, limits: YamlLimits
    ) -> None:
        assert outcome(source, limits) == python_outcome(source, limits)

    @settings(max_examples=examples(300), deadline=None)
    @given(dumped_trees, dump_options, edits)
    def test_libyaml_reads_dumped_yaml_as_the_python_parser_does(
        self, tree: Any, options: dict[str, Any], changes: list[tuple[int, str]]
    ) -> None:
        source = with_typos(yaml.safe_dump(tree, **options), changes)
        assert outcome(source) == python_outcome(source)

    @settings(max_examples=examples(180), deadline=None)
    @given(st.sampled_from(BUNDLED_FILES), edits)
    def test_libyaml_reads_a_bundled_file_with_typos_as_the_python_parser_does(
        self, name: str, changes: list[tuple[int, str]]
    ) -> None:
        # What staff edit: the bundle's own files, comments, block texts and flow lists, with
        # the slips of an edit. Read or refused, both parsers give the same tree and positions
        # or the same problems at the same places.
        source = with_typos((REPO / "rulesets" / name).read_text(encoding="utf-8"), changes)
        assert outcome(source) == python_outcome(source)

    def test_the_bundled_files_are_read_by_libyaml_alone(self, work: Counter[str]) -> None:
        files = sorted([*REPO.glob("rulesets/**/*.yaml"), *REPO.glob("docs/**/*.yaml")])
        assert len(files) > 10
        read = {path: outcome(path.read_text(encoding="utf-8")) for path in files}
        assert work["_LibyamlLoader"] > 10_000
        assert work["_PythonLoader"] == work["python scanner"] == 0
        for path, result in read.items():
            assert result == python_outcome(path.read_text(encoding="utf-8")), path
