"""Strict JSON reading, and the positions of values and keys in JSON text."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ipp_rules.text.json import JsonDocument, JsonRefused, loads

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**6), 10**6)
    | st.text(alphabet=st.sampled_from('ab"\\{}[],: \n\u00e9'), max_size=6),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.text(alphabet=st.sampled_from('ab"\\{}:, '), max_size=4), inner, max_size=4
        )
    ),
    max_leaves=20,
)


def paths(value: Any, prefix: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found += paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += paths(item, (*prefix, index))
    return found


def at(document: JsonDocument, path: tuple[str | int, ...], *, key: bool = False) -> str:
    mark = document.position(path, key=key)
    return document.text.splitlines()[mark.line - 1][mark.column - 1 :]


@given(json_values, st.sampled_from([None, 0, 2]))
def test_every_value_is_found_where_it_was_written(value: Any, indent: int | None) -> None:
    text = json.dumps(value, indent=indent)
    document = JsonDocument(loads(text), "v.json", text)
    lines = text.splitlines()
    offsets = [0]
    for line in lines[:-1]:
        offsets.append(offsets[-1] + len(line) + 1)
    decoder = json.JSONDecoder()
    for path in paths(value):
        mark = document.position(path)
        start = offsets[mark.line - 1] + mark.column - 1
        found, _ = decoder.raw_decode(text, start)
        expected = value
        for step in path:
            expected = expected[step]
        assert found == expected, path


def test_keys_are_found_at_the_key_and_missing_paths_at_their_parent() -> None:
    text = '{\n  "a": {"b": [1, {"c": "x}"}]},\n  "d": 2\n}'
    document = JsonDocument(loads(text), "t.json", text)
    assert at(document, ("a", "b", 1, "c"), key=True).startswith('"c"')
    assert at(document, ("a", "b", 1, "c")).startswith('"x}"')
    assert at(document, ("d",), key=True).startswith('"d": 2')
    assert at(document, ("a", "missing")).startswith('{"b"')
    problem = document.problem(("d",), "wrong", "code", key=True)
    assert (problem.file, problem.line, problem.column, problem.path) == ("t.json", 3, 3, ("d",))


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ('{"a": 1, "a": 2}', "duplicate_key"),
        ('{"a": NaN}', "non_finite_number"),
        ("[1e999]", "non_finite_number"),
    ],
)
def test_json_that_a_document_may_not_use_is_refused(text: str, code: str) -> None:
    with pytest.raises(JsonRefused) as caught:
        loads(text)
    assert caught.value.code == code


def test_a_byte_order_mark_is_allowed() -> None:
    assert loads('\ufeff{"a": 1}') == {"a": 1}
