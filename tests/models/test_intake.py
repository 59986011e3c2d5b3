"""Complaint documents as JSON and YAML text: parsed strictly, every problem reported once."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ipp_rules import Complaint, Engine
from ipp_rules.errors import ComplaintError
from ipp_rules.models import TrademarkRight, intake
from ipp_rules.models.intake import (
    MAX_DOCUMENT_BYTES,
    MAX_DOCUMENT_DEPTH,
    MAX_DOCUMENT_NODES,
    check_shape,
    load_complaint,
    load_complaint_json,
    parse_complaint_document,
)
from ipp_rules.problems import Problem, format_path
from ipp_rules.testing.strategies import complaint_documents
from tests.conftest import BUNDLE, REPO, examples

YAML_1688 = """\
platform: 1688
submitted_at: "2026-05-11T16:00:00+08:00"
channel: ipp_account
complaint_type: store_front
reason: trademark_misuse
complainant:
  kind: individual
  role: rights_holder
  location: mainland_china
  identity_verified: true
right:
  id: TM-CN-7
  type: trademark
  status: authenticated
  jurisdiction: CN
  registration_number: 0012345
  nice_classes: [3]
  similar_groups: [0304, 0306]
  valid_until: 2031-08-27
listings:
  - url: https://detail.1688.com/offer/612345678901.html
    nice_class: 3
    similar_group: 0304
"""


def refused(source: str | bytes, filename: str = "<complaint>", **kwargs: Any) -> list[Problem]:
    with pytest.raises(ComplaintError) as caught:
        parse_complaint_document(source, filename, **kwargs)
    return list(caught.value.problems)


def only(source: str | bytes, filename: str = "<complaint>", **kwargs: Any) -> Problem:
    problems = refused(source, filename, **kwargs)
    assert len(problems) == 1, problems
    return problems[0]


# ---------------------------------------------------------------------------------------------
# Valid documents


def test_json_document_gives_the_same_model_as_plain_data(
    lazada_th_trademark: dict[str, Any], taobao_agent: dict[str, Any]
) -> None:
    for data in (lazada_th_trademark, taobao_agent):
        text = json.dumps(data, indent=2)
        expected = load_complaint(data)
        assert parse_complaint_document(text, "complaint.json") == expected
        assert parse_complaint_document(text.encode(), "complaint.json") == expected
        assert parse_complaint_document("\n  " + text) == expected  # sniffed as JSON


def test_yaml_document_keeps_numbers_as_written_where_text_is_expected() -> None:
    complaint = parse_complaint_document(YAML_1688, "complaint.yaml")

    assert complaint.platform == "1688"
    assert complaint.country is None
    right = complaint.right
    assert isinstance(right, TrademarkRight)
    assert right.registration_number == "0012345"
    assert right.similar_groups == ("0304", "0306")
    assert right.nice_classes == (3,)
    assert right.valid_until is not None and right.valid_until.isoformat() == "2031-08-27"
    assert complaint.listings[0].similar_group == "0304"
    assert complaint.listings[0].nice_class == 3


def test_yaml_is_sniffed_without_a_suffix_and_forced_by_format() -> None:
    assert parse_complaint_document(YAML_1688).platform == "1688"
    assert parse_complaint_document(YAML_1688, "upload.txt", format="yaml").reason == (
        "trademark_misuse"
    )


def test_format_decides_over_the_suffix(lazada_th_trademark: dict[str, Any]) -> None:
    # JSON is YAML too, but only the JSON reading refuses NaN.
    text = json.dumps(lazada_th_trademark)
    assert parse_complaint_document(text, "complaint.yaml").country == "TH"
    problem = only(text.replace('"TM-1"', "NaN", 1), "complaint.yaml", format="json")
    assert problem.code == "non_finite_number"


# ---------------------------------------------------------------------------------------------
# YAML problems name the field and the place in the file


def test_yaml_problems_carry_field_path_and_file_position() -> None:
    source = (
        YAML_1688.replace("identity_verified: true", "identity_verified: yes")
        .replace("type: trademark", "type: trademrak")
        .replace("    nice_class: 3\n", "    nice_class: '3'\n    urll: x\n")
    )

    problems = refused(source, "complaint.yaml")

    assert [(p.location, p.code) for p in problems] == [
        ("complainant.identity_verified (complaint.yaml:10:22)", "bool_type"),
        ("right.type (complaint.yaml:13:9)", "union_tag_invalid"),
        ("listings[0].nice_class (complaint.yaml:22:17)", "int_type"),
        ("listings[0].urll (complaint.yaml:23:5)", "extra_forbidden"),
    ]
    assert problems[0].message == (
        "expected true or false, got 'yes'; "
        "write true or false (yes, no, on and off are not booleans here)"
    )
    assert problems[1].message.endswith("got 'trademrak'; did you mean 'trademark'?")
    assert "; did you mean 'url'? (allowed here: " in problems[3].message


def test_yaml_missing_field_points_at_the_mapping_that_lacks_it() -> None:
    source = YAML_1688.replace("  role: rights_holder\n", "")

    problem = only(source, "complaint.yaml")

    assert problem.location == "complainant.role (complaint.yaml:7:3)"
    assert problem.code == "missing"


def test_yaml_syntax_problems_are_complaint_errors() -> None:
    problem = only(YAML_1688 + "channel: email\n", "complaint.yaml")

    assert problem.code == "duplicate_key"
    assert problem.location == "complaint.yaml:24:1"


def test_yaml_top_level_must_be_a_mapping() -> None:
    problem = only("- platform: taobao\n", "complaint.yaml")

    assert (problem.location, problem.code) == ("complaint.yaml:1:1", "model_type")
    assert problem.message == "expected the document to be an object of fields, got a list"


# ---------------------------------------------------------------------------------------------
# Hostile JSON


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity", "1e999", "-1e400"])
def test_json_non_finite_numbers_are_refused(
    lazada_th_trademark: dict[str, Any], constant: str
) -> None:
    text = json.dumps(lazada_th_trademark).replace('"nice_class": 25', f'"nice_class": {constant}')

    problem = only(text, "complaint.json")

    assert (problem.location, problem.code) == ("complaint.json", "non_finite_number")
    assert problem.message == f"expected a finite number, got {constant}"


def test_json_duplicate_keys_are_refused(lazada_th_trademark: dict[str, Any]) -> None:
    text = json.dumps(lazada_th_trademark).replace(
        '"status": "authenticated"', '"status": "withdrawn", "status": "authenticated"'
    )

    problem = only(text, "complaint.json")

    assert (problem.location, problem.code) == ("complaint.json", "duplicate_key")
    assert problem.message == "expected each key once in an object, got 'status' twice"


TOO_DEEP = (
    "expected objects and lists nested at most 32 levels deep, got one nested 33 levels deep here"
)


@pytest.mark.parametrize(("opening", "column"), [("[", 33), ('{"a":', 5 * 32 + 1)])
def test_json_deep_nesting_is_refused_without_crashing(opening: str, column: int) -> None:
    # Too deep for Python's own JSON parser: the bracket that went too deep, from the text.
    problem = only(opening * 100_000, "complaint.json")

    assert problem == Problem(
        TOO_DEEP, "nesting_too_deep", file="complaint.json", line=1, column=column
    )
    assert problem.location == f"complaint.json:1:{column}"


def test_deep_nesting_in_plain_data_is_refused_at_the_first_level_too_deep(
    capfd: pytest.CaptureFixture[str],
) -> None:
    nested: list[Any] = []
    for _ in range(100_000):
        nested = [nested]

    with pytest.raises(ComplaintError) as caught:
        load_complaint({"platform": "taobao", "notes": nested})

    (problem,) = caught.value.problems
    assert problem == Problem(TOO_DEEP, "nesting_too_deep", path=("notes", *[0] * 31))
    assert problem.location == "notes" + "[0]" * 31
    assert capfd.readouterr().err == ""


def nested_list(levels: int) -> list[Any]:
    """A list nested ``levels`` deep, itself included: ``[[[]]]`` for 3."""
    nested: list[Any] = []
    for _ in range(levels - 1):
        nested = [nested]
    return nested


# The evidence's kind picks its model: pydantic shows a tag it does not know in its error, and
# cannot show one nested thousands deep (it printed an "Exception ignored" traceback each time).
# Level 33 is kind's 30th list: the document, the evidence list and its item are 1 to 3.
KIND_TOO_DEEP = "evidence[0].kind" + "[0]" * 29
KIND_TOO_DEEP_PATH = ("evidence", 0, "kind", *[0] * 29)


@pytest.mark.parametrize(
    ("source", "filename", "expected"),
    [
        (
            '{"evidence": [{"kind": ' + "[" * 100_000 + "]" * 100_000 + "}]}",
            "c.json",
            Problem(TOO_DEEP, "nesting_too_deep", file="c.json", line=1, column=53),
        ),
        (
            '{"evidence": [{"kind": ' + "[" * 40 + "]" * 40 + "}]}",
            "c.json",
            Problem(
                TOO_DEEP,
                "nesting_too_deep",
                file="c.json",
                line=1,
                column=53,
                path=KIND_TOO_DEEP_PATH,
            ),
        ),
        (
            "evidence:\n- kind: " + "[" * 100_000 + "]" * 100_000 + "\n",
            "c.yaml",
            Problem(
                "nesting too deep: more than 32 levels",
                "too_deep",
                file="c.yaml",
                line=2,
                column=38,
            ),
        ),
    ],
    ids=["json past its parser", "json", "yaml"],
)
def test_a_discriminator_nested_too_deep_is_refused_before_validation(
    capfd: pytest.CaptureFixture[str], source: str, filename: str, expected: Problem
) -> None:
    assert refused(source, filename) == [expected]
    assert str(expected).startswith((f"{KIND_TOO_DEEP} ({filename}:", f"{filename}:"))
    assert capfd.readouterr().err == ""


def test_a_discriminator_nested_too_deep_in_plain_data_is_refused_quietly(
    engine: Engine, capfd: pytest.CaptureFixture[str]
) -> None:
    documents = [
        ({"evidence": [{"kind": nested_list(100_000)}]}, KIND_TOO_DEEP_PATH),
        (
            {"platform": "taobao", "right": {"type": nested_list(100_000)}},
            ("right", "type", *[0] * 30),
        ),
    ]
    for document, path in documents:
        for evaluate in (load_complaint, engine.evaluate):
            with pytest.raises(ComplaintError) as caught:
                evaluate(document)
            assert caught.value.problems == (Problem(TOO_DEEP, "nesting_too_deep", path=path),)
    assert capfd.readouterr().err == ""


def _positions(value: Any, path: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    """Every field and item position of a document, nested ones included."""
    found = [path] if path else []
    if isinstance(value, dict | list):
        for key, child in value.items() if isinstance(value, dict) else enumerate(value):
            found += _positions(child, (*path, key))
    return found


def test_a_value_nested_too_deep_anywhere_in_plain_data_is_refused_quietly(
    taobao_document: dict[str, Any], capfd: pytest.CaptureFixture[str]
) -> None:
    """A document is validated before its shape is walked (a valid one is within the limits
    by its model); the walk still comes first wherever validating would show the value."""
    taobao_document["complainant"]["authorization"] = {"document": "power_of_attorney"}
    positions = _positions(taobao_document)
    deep = nested_list(5 * sys.getrecursionlimit())
    assert ("right", "documents", 0, "kind") in positions and len(positions) > 30
    for position in positions:
        document = copy.deepcopy(taobao_document)
        parent = document
        for key in position[:-1]:
            parent = parent[key]
        parent[position[-1]] = deep  # deeper than repr can go (the recursion limit)
        with pytest.raises(ComplaintError) as caught:
            load_complaint(document)
        assert caught.value.problems == (
            Problem(TOO_DEEP, "nesting_too_deep", path=(*position, *[0] * (32 - len(position)))),
        ), position
    assert capfd.readouterr().err == ""


def test_a_list_that_contains_itself_is_too_deep_not_endless() -> None:
    looped: list[Any] = []
    looped.append(looped)

    with pytest.raises(ComplaintError) as caught:
        load_complaint({"evidence": looped})

    assert caught.value.problems == (
        Problem(TOO_DEEP, "nesting_too_deep", path=("evidence", *[0] * 31)),
    )


def test_the_depth_limit_is_exact_and_no_complaint_reaches_it() -> None:
    assert MAX_DOCUMENT_DEPTH == 32
    # Level 32 is validated as usual (a list is no evidence kind); level 33 is refused.
    at_the_limit = json.dumps({"evidence": [{"kind": nested_list(29)}]})
    problems = [(p.location, p.code) for p in refused(at_the_limit, "c.json")]
    assert problems[-1] == ("evidence[0].kind (c.json:1:24)", "union_tag_invalid")
    past_it = json.dumps({"evidence": [{"kind": nested_list(30)}]})
    assert [p.code for p in refused(past_it, "c.json")] == ["nesting_too_deep"]
    # The deepest a complaint goes is four levels: complainant.authorization.rights.
    schema = json.loads((BUNDLE / "schema" / "complaint.schema.json").read_text("utf-8"))
    assert schema_depth(schema, schema) == 4


def schema_depth(node: Any, schema: dict[str, Any]) -> int:
    """How deep the objects and lists a JSON Schema allows nest (it has no recursion)."""
    if not isinstance(node, dict):
        return 0
    if "$ref" in node:
        return schema_depth(schema["$defs"][node["$ref"].rsplit("/", 1)[1]], schema)
    options = [schema_depth(option, schema) for option in node.get("anyOf", node.get("oneOf", []))]
    inside = [schema_depth(value, schema) for value in node.get("properties", {}).values()]
    inside.append(schema_depth(node.get("items"), schema))
    own = 1 if node.get("type") in ("object", "array") else 0
    return max([own + max(inside), *options])


def test_a_quiet_refusal_in_a_fresh_interpreter() -> None:
    # CPython prints "Exception ignored" for an error it cannot raise (pydantic's repr of a
    # value too deep to show): only stderr in a process of its own shows it.
    script = (
        "from ipp_rules import ComplaintError, Engine\n"
        "nested = []\n"
        "for _ in range(100_000):\n"
        "    nested = [nested]\n"
        "with Engine.default(backend='reference') as engine:\n"
        "    try:\n"
        "        engine.evaluate({'platform': 'taobao', 'evidence': [{'kind': nested}]})\n"
        "    except ComplaintError as exc:\n"
        "        print(*[(p.location, p.code) for p in exc.problems])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert done.stderr == ""
    assert done.stdout == f"('{KIND_TOO_DEEP}', 'nesting_too_deep')\n"
    assert done.returncode == 0


@pytest.mark.parametrize("as_text", [True, False], ids=["json", "plain data"])
def test_a_document_of_too_many_values_is_refused_before_validation(as_text: bool) -> None:
    # 4 MiB of JSON holds two million values; pydantic reported each, in 40 seconds.
    items = MAX_DOCUMENT_BYTES // 2 - 20
    expected = Problem(
        f"expected a document of at most {MAX_DOCUMENT_NODES} values (objects, lists, keys "
        "and single values), got more by here",
        "too_many_nodes",
        path=("evidence",),
    )
    if as_text:
        source = '{"platform": "taobao", "evidence": [' + "1," * items + "1]}"
        assert len(source) <= MAX_DOCUMENT_BYTES
        assert refused(source, "c.json") == [expected]
    else:
        with pytest.raises(ComplaintError) as caught:
            load_complaint({"platform": "taobao", "evidence": [1] * items})
        assert caught.value.problems == (expected,)


@pytest.mark.parametrize("as_bytes", [False, True])
def test_oversized_json_is_refused_before_parsing(as_bytes: bool) -> None:
    text = '{"platform": "' + "x" * MAX_DOCUMENT_BYTES + '"}'
    source: str | bytes = text.encode() if as_bytes else text

    problem = only(source, "complaint.json")

    assert (problem.location, problem.code) == ("complaint.json", "document_too_large")
    assert problem.message == (
        f"expected a document of at most {MAX_DOCUMENT_BYTES} bytes, got {len(text)}"
    )


def test_size_counts_utf8_bytes_not_characters() -> None:
    text = '{"platform": "' + "淘" * (MAX_DOCUMENT_BYTES // 3) + '"}'
    assert len(text) < MAX_DOCUMENT_BYTES

    assert only(text, "complaint.json").code == "document_too_large"


def test_yaml_size_is_bounded_too() -> None:
    source = "platform: " + "x" * MAX_DOCUMENT_BYTES + "\n"

    problem = only(source, "complaint.yaml")

    assert problem.location == "complaint.yaml:1:1"
    assert problem.code == "too_large"


def test_json_top_level_must_be_an_object() -> None:
    problem = only('[{"platform": "taobao"}]', "complaint.json")

    assert (problem.location, problem.code) == ("complaint.json:1:1", "model_type")
    assert problem.message == "expected the document to be an object of fields, got a list"


def test_json_syntax_error_names_line_and_column() -> None:
    problem = only('{\n  "platform": "taobao",\n}', "complaint.json")

    assert (problem.location, problem.code) == ("complaint.json:3:1", "json_invalid")
    assert problem.message.startswith("expected valid JSON: ")


def test_json_must_be_utf8() -> None:
    problem = only(b'{"platform": "\xff"}', "complaint.json")

    assert (problem.location, problem.code) == ("complaint.json:1:15", "json_invalid")
    assert problem.message == "expected UTF-8 text, got byte 0xff (byte offset 14)"


def test_a_bad_byte_is_located_by_line_and_character() -> None:
    document = '\ufeff{\n  "platform": "taobao",\n  "reason": "caf\u00e9 '.encode() + b'\xc3("}'
    problem = only(document, "complaint.json")

    assert problem.location == "complaint.json:3:19"
    assert problem.message.startswith("expected UTF-8 text, got byte 0xc3 ")


def test_json_number_with_thousands_of_digits_is_refused() -> None:
    problem = only('{"platform": ' + "9" * 5000 + "}", "complaint.json")

    assert (problem.location, problem.code) == ("complaint.json", "json_invalid")


def test_json_field_problems_have_paths_and_positions(lazada_th_trademark: dict[str, Any]) -> None:
    lazada_th_trademark["listings"][1]["nice_class"] = "25"
    lazada_th_trademark["right"]["nice_classes"] = [25, 0]
    text = json.dumps(lazada_th_trademark, indent=2)
    lines = text.splitlines()

    problems = refused(text, "complaint.json")

    assert [p.path for p in problems] == [
        ("right", "nice_classes", 1),
        ("listings", 1, "nice_class"),
    ]
    assert [format_path(p.path) for p in problems] == [
        "right.nice_classes[1]",
        "listings[1].nice_class",
    ]
    # Each points at the value itself, as a YAML document's problems do.
    written = [lines[p.line - 1][p.column - 1 :] for p in problems if p.line and p.column]
    assert written == ["0", '"25",']
    assert problems[0].location == f"right.nice_classes[1] (complaint.json:{problems[0].line}:7)"


def test_json_positions_name_keys_for_unknown_fields() -> None:
    text = '{\n  "platform": "taobao",\n  "plaform": 1\n}'
    (unknown,) = [p for p in refused(text, "c.json") if p.code == "extra_forbidden"]
    assert unknown.location == "plaform (c.json:3:3)"


def test_unknown_format_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="format must be"):
        parse_complaint_document("{}", format="toml")  # type: ignore[arg-type]


def test_an_empty_or_control_character_key_is_located_escaped():
    # The NUL key was printed raw as the location, and the empty key had no location at all.
    with pytest.raises(ComplaintError) as caught:
        parse_complaint_document('{"": 1, "\\u0000": 2, "\\u202e": 3}', "c.json")
    locations = [p.location for p in caught.value.problems if p.code == "extra_forbidden"]
    assert locations == ["'' (c.json:1:2)", "'\\x00' (c.json:1:9)", "'\\u202e' (c.json:1:22)"]
    assert all(p.location.isprintable() for p in caught.value.problems)


def test_a_huge_integer_where_a_choice_belongs_is_a_problem_not_a_value_error():
    # str() of an int of 5000 digits raised ValueError while wording the message.
    with pytest.raises(ComplaintError) as caught:
        load_complaint({"platform": 10**5000})
    [problem] = [p for p in caught.value.problems if p.location == "platform"]
    assert "got a very large number" in problem.message


# ---------------------------------------------------------------------------------------------
# load_complaint_json: validated straight from the bytes, the same answers as the JSON reader


def outcome(load: Callable[[str | bytes], Complaint], source: str | bytes) -> object:
    """What ``load`` makes of ``source``: the complaint, or the error's type, text and
    problems."""
    try:
        return load(source)
    except ComplaintError as error:
        return (type(error), str(error), error.problems)


def assert_same_as_the_json_reader(source: str | bytes) -> object:
    expected = outcome(lambda s: parse_complaint_document(s, "c.json", format="json"), source)
    assert outcome(lambda s: load_complaint_json(s, "c.json"), source) == expected
    return expected


def _read_again(*args: object, **kwargs: object) -> Complaint:
    raise AssertionError("read again by parse_complaint_document: not the fast path")


CORPUS_LINES = (REPO / "docs" / "examples" / "corpus.jsonl").read_bytes().splitlines()


def test_valid_documents_take_the_fast_path_to_the_same_complaint() -> None:
    expected = [parse_complaint_document(line, "c.json", format="json") for line in CORPUS_LINES]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(intake, "parse_complaint_document", _read_again)
        loaded = [load_complaint_json(line) for line in CORPUS_LINES]
        loaded_from_text = [load_complaint_json(line.decode()) for line in CORPUS_LINES]
    assert loaded == expected and loaded_from_text == expected


@settings(max_examples=examples(300))
@given(document=complaint_documents(max_listings=4), indent=st.sampled_from([None, 1, "\t"]))
def test_any_valid_document_takes_the_fast_path(document: dict[str, Any], indent: Any) -> None:
    text = json.dumps(document, indent=indent, ensure_ascii=indent is None)
    expected = parse_complaint_document(text, "c.json", format="json")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(intake, "parse_complaint_document", _read_again)
        assert load_complaint_json(text.encode()) == expected


def _json_values() -> st.SearchStrategy[Any]:
    scalars = st.none() | st.booleans() | st.integers(-50, 50) | st.floats() | st.text(max_size=5)
    return st.recursive(
        scalars,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner),
        max_leaves=5,
    )


@st.composite
def broken_documents(draw: st.DrawFn) -> str | bytes:
    """A valid document with one thing wrong: a value replaced, a key dropped, a key given
    twice, or its text cut, spliced or with a byte changed."""
    document = draw(complaint_documents(max_listings=2))
    text = json.dumps(document)
    how = draw(st.sampled_from(["value", "drop", "twice", "cut", "splice", "byte"]))
    if how in ("value", "drop", "twice"):
        parent: Any = document
        while True:  # walk down to some object of the document
            objects = [v for v in (parent.values()) if isinstance(v, dict)]
            objects += [i for v in parent.values() if isinstance(v, list) for i in v]
            objects = [o for o in objects if isinstance(o, dict) and o]
            if not objects or draw(st.booleans()):
                break
            parent = draw(st.sampled_from(objects))
        key = draw(st.sampled_from(sorted(parent)))
        if how == "value":
            parent[key] = draw(_json_values())
        elif how == "drop":
            del parent[key]
        text = json.dumps(document, allow_nan=True)
        if how == "twice":  # the key again, first in its object, with any value
            written = json.dumps(key)
            at = text.index("{" + written) if ("{" + written) in text else None
            if at is None:
                return text
            again = f"{written}: {json.dumps(draw(_json_values()), allow_nan=True)}, "
            return text[: at + 1] + again + text[at + 1 :]
        return text
    data = text.encode()
    at = draw(st.integers(0, len(data)))
    if how == "cut":
        return data[:at]
    if how == "splice":
        return data[:at] + draw(st.sampled_from([b",", b"]", b"}", b'"', b"NaN", b"\\", b" 1"]))
    return data[:at] + bytes([draw(st.integers(0, 255))]) + data[at + 1 :]


@settings(max_examples=examples(600))
@given(source=broken_documents())
def test_a_broken_document_gets_the_json_readers_error(source: str | bytes) -> None:
    assert_same_as_the_json_reader(source)


@pytest.mark.parametrize(
    "source",
    [
        pytest.param('{"platform": "taobao", "platform": "tmall"}', id="a key twice"),
        pytest.param(
            '{"platform": "taobao", "pl\\u0061tform": "tmall"}', id="a key twice, escaped"
        ),
        pytest.param(b"\xff{}", id="not UTF-8"),
        pytest.param('{"platform": "\ud800"}', id="a lone surrogate"),
        pytest.param('{"platform": NaN}', id="NaN"),
        pytest.param('{"listings": [{"nice_class": 1e400}]}', id="infinite"),
        pytest.param('{"listings": [{"nice_class": ' + "9" * 5000 + "}]}", id="5000 digits"),
        pytest.param('{"listings": [{"nice_class": 25.0}]}', id="a whole float"),
        pytest.param('{"evidence": ' + "[" * 100_000 + "]" * 100_000 + "}", id="deep lists"),
        pytest.param('{"a": ' * 40 + "1" + "}" * 40, id="deep objects"),
        pytest.param('{"evidence": [' + "1," * 300_000 + "1]}", id="too many values"),
        pytest.param("[" * 100_000, id="deep and cut"),
        pytest.param('{"platform": "' + "x" * MAX_DOCUMENT_BYTES + '"}', id="huge"),
        pytest.param(
            b'{"platform": "' + "淘".encode() * (MAX_DOCUMENT_BYTES // 3) + b'"}',
            id="huge in bytes",
        ),
        pytest.param("", id="empty"),
        pytest.param("null", id="null"),
        pytest.param("{} {}", id="two documents"),
        pytest.param('{"a": 1,}', id="a trailing comma"),
    ],
)
def test_hostile_input_is_refused_as_the_json_reader_refuses_it(source: str | bytes) -> None:
    result = assert_same_as_the_json_reader(source)
    assert isinstance(result, tuple)


def test_keys_given_twice_anywhere_are_refused(taobao_document: dict[str, Any]) -> None:
    text = json.dumps(taobao_document)
    duplicated = [
        text.replace('{"platform": ', '{"reason": "counterfeit", "platform": ', 1),
        text.replace('"kind": ', '"kind": "individual", "kind": ', 1),
        text.replace(
            '"identity_verified": true', '"identity_verified": true, "identity_verified": true', 1
        ),
        text.replace('"url": ', '"url": "https://a.example/", "url": ', 1),
        text.replace('"url": ', '"url" :"https://a.example/", "url"\t:', 1),
        text.replace('"url": ', '"u\\u0072l": "https://a.example/", "url": ', 1),
    ]
    for source in duplicated:
        assert source != text
        (problem,) = assert_same_as_the_json_reader(source)[2]  # type: ignore[index]
        assert problem.code == "duplicate_key"


def test_a_valid_complaint_past_the_size_limit_is_refused(taobao_document: dict[str, Any]) -> None:
    # The model takes 5000 listings with URLs of 2048 characters: 10 MiB, past the limit.
    listing = {"url": "https://item.taobao.com/item.htm?id=1&" + "x" * 2000}
    document = {**taobao_document, "listings": [listing] * 2100}
    text = json.dumps(document)
    assert len(text) > MAX_DOCUMENT_BYTES
    (problem,) = assert_same_as_the_json_reader(text)[2]  # type: ignore[index]
    assert problem.code == "document_too_large"


def test_the_largest_complaint_the_model_allows_is_within_the_limits(
    taobao_document: dict[str, Any],
) -> None:
    # Why a document the model accepts needs no depth or node count: every list is bounded.
    right = taobao_document["right"]
    right["nice_classes"] = list(range(1, 46))
    right["similar_groups"] = [f"{c:02d}{g:02d}" for c in range(1, 46) for g in range(1, 23)][:1000]
    right["documents"] = [{"kind": "translation", "language": "en"}] * 100
    taobao_document["complainant"]["authorization"] = {
        "document": "power_of_attorney",
        "rights": [f"R-{i}" for i in range(1000)],
    }
    taobao_document["listings"] = [
        {
            "url": f"https://item.taobao.com/item.htm?id={i}",
            "nice_class": 25,
            "similar_group": "2501",
            "category": "apparel",
        }
        for i in range(5000)
    ]
    taobao_document["evidence"] = [
        {"kind": "decision", "authority": "court", "reference": "r"}
    ] * 200
    check_shape(taobao_document)
    text = json.dumps(taobao_document)
    assert len(text) < MAX_DOCUMENT_BYTES
    assert isinstance(assert_same_as_the_json_reader(text), Complaint)


def test_a_byte_order_mark_is_read_past() -> None:
    line = CORPUS_LINES[0]
    assert isinstance(assert_same_as_the_json_reader(b"\xef\xbb\xbf" + line), Complaint)
    assert isinstance(assert_same_as_the_json_reader("\ufeff" + line.decode()), Complaint)


def test_keys_are_counted_outside_strings_whatever_the_strings_hold() -> None:
    text = r'{"a": "x\": 1, \"y\":", "b\\": "\\\"", "c" : ":", "d":{"e\u0022": [":"]}}'
    assert json.loads(text) == {"a": 'x": 1, "y":', "b\\": '\\"', "c": ":", "d": {'e"': [":"]}}
    assert intake._keys_written(text.encode()) == 5
