"""The rule file format: strict YAML, and each key and value checked with words a policy
analyst can act on."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from ipp_rules.rulesets import ir
from ipp_rules.rulesets.format import ruleset_json_schema
from tests.rulesets.bundles import (
    evaluate,
    fired,
    loaded,
    only_problem,
    patched,
    problems,
    rule_file,
)

pytestmark = pytest.mark.usefixtures("in_tmp")


# --- strict YAML ---------------------------------------------------------------------------------


def test_a_duplicate_key_is_an_error_at_the_second_key(tmp_path: Path) -> None:
    problem = only_problem(
        tmp_path, {"a.yaml": rule_file("platform: {eq: taobao}\nplatform: {eq: tmall}")}
    )
    assert problem.location == "b/a.yaml:9:7"
    assert problem.code == "duplicate_key"
    assert 'duplicate key "platform"' in problem.message
    assert "first defined on line 8" in problem.message


def test_an_unknown_rule_key_suggests_the_right_one(tmp_path: Path) -> None:
    text = rule_file("platform: {eq: taobao}").replace("    source:", "    sourse:")
    missing, unknown = problems(tmp_path, {"a.yaml": text})
    assert (missing.location, missing.message) == (
        "b/a.yaml:4:5",
        "missing required key 'source': expected text",
    )
    assert unknown.location == "b/a.yaml:6:5"
    assert unknown.code == "extra_forbidden"
    assert unknown.message.startswith("unknown key 'sourse'; did you mean 'source'?")
    assert "(allowed here: id, title, source, when, outcome," in unknown.message


def test_an_unknown_operator_suggests_the_right_one(tmp_path: Path) -> None:
    problem = only_problem(tmp_path, {"a.yaml": rule_file("platform: {eqq: taobao}")})
    assert problem.location == "b/a.yaml:8:18"
    assert problem.message.startswith("unknown key 'eqq'; did you mean 'eq'?")
    assert "allowed here: eq, ne, in, not_in" in problem.message


def test_unknown_key_suggestions_come_from_the_keys_allowed_in_that_place(
    tmp_path: Path,
) -> None:
    # 'sourse' among a fact's tests is not the rule's 'source'
    problem = only_problem(tmp_path, {"a.yaml": rule_file("platform: {sourse: taobao}")})
    assert "did you mean" not in problem.message
    assert "allowed here: eq, ne" in problem.message
    # inside a table reference
    missing, unknown = problems(tmp_path, {"a.yaml": rule_file("platform: {in: {tabel: t}}")})
    assert (missing.location, missing.message) == (
        "b/a.yaml:8:22",
        "missing required key 'table': expected text",
    )
    assert unknown.location == "b/a.yaml:8:23"
    assert (
        unknown.message == "unknown key 'tabel'; did you mean 'table'? (allowed here: table, key)"
    )


def test_a_word_close_to_all_any_not_is_pointed_out(tmp_path: Path) -> None:
    problem = only_problem(tmp_path, {"a.yaml": rule_file("alll: [{platform: {eq: taobao}}]")})
    assert problem.location == "b/a.yaml:8:13"
    assert "'alll' is read as a fact name: did you mean 'all'?" in problem.message


def test_tests_must_be_in_braces(tmp_path: Path) -> None:
    problem = only_problem(tmp_path, {"a.yaml": rule_file("platform: taobao")})
    assert problem.location == "b/a.yaml:8:17"
    assert "like {eq: value}" in problem.message
    assert "'taobao'" in problem.message


def test_an_outcome_that_is_not_one_of_the_words(tmp_path: Path) -> None:
    problem = only_problem(
        tmp_path,
        {"a.yaml": rule_file("platform: {eq: taobao}", "outcome: maybe\ncode: T\nmessage: m\n")},
    )
    assert problem.location == "b/a.yaml:9:14"
    assert problem.message == (
        "expected one of reject, needs_info, warn, info, derive, got 'maybe'"
    )


def test_a_miscapitalised_outcome_gets_a_suggestion(tmp_path: Path) -> None:
    problem = only_problem(
        tmp_path,
        {"a.yaml": rule_file("platform: {eq: taobao}", "outcome: Reject\ncode: T\nmessage: m\n")},
    )
    assert "did you mean 'reject'?" in problem.message


@pytest.mark.parametrize("written", ["tomorrow", "0", "2026-03-01T00:00:00", "2026-13-01"])
def test_effective_from_must_be_a_date(tmp_path: Path, written: str) -> None:
    rest = f"outcome: reject\ncode: T\nmessage: m\neffective_from: {written}\n"
    problem = only_problem(tmp_path, {"a.yaml": rule_file("platform: {eq: taobao}", rest)})
    assert problem.location == "b/a.yaml:12:21"
    assert problem.message.startswith("expected a date written YYYY-MM-DD")
    assert written in problem.message


def test_id_and_code_patterns_are_explained_in_words(tmp_path: Path) -> None:
    text = rule_file(
        "platform: {eq: taobao}", "outcome: reject\ncode: right_expired\nmessage: m\n"
    ).replace("id: test.rule", "id: IdentityCheck")
    found = problems(tmp_path, {"a.yaml": text})
    assert [(p.location, p.message) for p in found] == [
        (
            "b/a.yaml:4:9",
            "expected an id of lower-case words joined by dots, at least two "
            "(like account.right_expired), got 'IdentityCheck'",
        ),
        (
            "b/a.yaml:10:11",
            "expected a code of capital letters, digits and _, starting with a letter "
            "(like RIGHT_EXPIRED), got 'right_expired'",
        ),
    ]


def test_no_is_text_and_not_a_lazada_country(tmp_path: Path) -> None:
    problem = only_problem(tmp_path, {"a.yaml": rule_file("country: {eq: NO}")})
    assert problem.location == "b/a.yaml:8:21"
    assert problem.code == "unknown_value"
    assert problem.message.startswith("'NO' is not a value of country")
    assert "(one of: ID, MY, PH, SG, TH, VN)" in problem.message


def test_no_is_norway_where_norway_is_a_value(
    tmp_path: Path, base_complaint: dict[str, Any]
) -> None:
    bundle = loaded(tmp_path, {"a.yaml": rule_file("right.jurisdiction: {eq: NO}")})
    condition = bundle.compiled.rules[0].condition
    assert condition == ir.Compare("right.jurisdiction", "eq", "NO")
    norway = patched(base_complaint, {"right": {"jurisdiction": "NO"}})
    assert fired(evaluate(bundle, norway)) == ["test.rule"]
    assert fired(evaluate(bundle, base_complaint)) == []


@pytest.mark.parametrize("word", ["yes", "no", "on", "off", "Yes", "NO"])
def test_yes_no_on_a_boolean_fact_says_write_true_or_false(tmp_path: Path, word: str) -> None:
    problem = only_problem(
        tmp_path, {"a.yaml": rule_file(f"complainant.identity_verified: {{eq: {word}}}")}
    )
    assert problem.location == "b/a.yaml:8:43"
    assert problem.code == "yaml11_bool"
    assert problem.message == f"'{word}' is text here, not a yes/no value: write true or false"


def test_yes_for_exists_says_write_true_or_false(tmp_path: Path) -> None:
    problem = only_problem(tmp_path, {"a.yaml": rule_file("right.registered: {exists: yes}")})
    assert problem.location == "b/a.yaml:8:34"
    assert "write true or false" in problem.message


def test_unquoted_1688_is_the_marketplace(tmp_path: Path, base_complaint: dict[str, Any]) -> None:
    bundle = loaded(tmp_path, {"a.yaml": rule_file("platform: {eq: 1688}")})
    assert bundle.compiled.rules[0].condition == ir.Compare("platform", "eq", "1688")
    decision = evaluate(bundle, patched(base_complaint, {"platform": "1688"}))
    assert fired(decision) == ["test.rule"]
    assert decision.outcome == "reject"
    assert fired(evaluate(bundle, base_complaint)) == []


def test_a_leading_zero_is_kept(tmp_path: Path, base_complaint: dict[str, Any]) -> None:
    bundle = loaded(tmp_path, {"a.yaml": rule_file("listing.similar_group: {eq: 0304}")})
    assert bundle.compiled.rules[0].condition == ir.Compare("listing.similar_group", "eq", "0304")
    complaint = patched(
        base_complaint,
        {
            "listings": [
                {"url": "https://item.taobao.com/item.htm?id=1", "similar_group": "0304"},
                {"url": "https://item.taobao.com/item.htm?id=2", "similar_group": "0305"},
            ]
        },
    )
    decision = evaluate(bundle, complaint)
    assert [f.path for f in decision.findings] == ["listings[0].similar_group"]


def billion_laughs() -> str:
    lines = ['x: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]")
    return "\n".join(lines) + "\n"


def test_alias_expansion_is_bounded(tmp_path: Path) -> None:
    text = rule_file("platform: {eq: taobao}") + "    tags: &t [a]\n" + billion_laughs()
    started = time.perf_counter()
    problem = only_problem(tmp_path, {"a.yaml": text})
    # Generous: expanding the document would take minutes and gigabytes.
    assert time.perf_counter() - started < 5
    assert problem.code == "alias_expansion"
    assert problem.location == "b/a.yaml:18:12"
    assert "alias expansion too large" in problem.message


def test_file_size_is_bounded(tmp_path: Path) -> None:
    text = rule_file("platform: {eq: taobao}") + "# " + "x" * 1_100_000 + "\n"
    started = time.perf_counter()
    problem = only_problem(tmp_path, {"a.yaml": text})
    assert time.perf_counter() - started < 5
    assert problem.code == "too_large"
    assert problem.location == "b/a.yaml:1:1"
    assert problem.message == "file too large: more than 1048576 bytes"


def test_a_broken_yaml_file_is_located(tmp_path: Path) -> None:
    problem = only_problem(tmp_path, {"a.yaml": "area: test\nrules: [\n"})
    assert problem.location == "b/a.yaml:3:1"
    assert problem.message.startswith("invalid YAML")


# --- the JSON Schema editors use -----------------------------------------------------------------


def test_the_rule_file_schema_is_generated(tmp_path: Path) -> None:
    schema = ruleset_json_schema()
    json.dumps(schema)
    rule = schema["$defs"]["Rule"]["properties"]
    assert set(rule) >= {"id", "title", "source", "when", "outcome", "effective_until"}
    tests = schema["$defs"]["FactTests"]["properties"]
    assert "in" in tests and "in_" not in tests
    assert "$ref" not in json.dumps(tests["eq"])


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("'1'", "expected 1, got '1'; write it without quotes"),
        ("2", "expected 1, got 2"),
    ],
)
def test_a_wrong_format_number_says_which_one_is_expected(
    tmp_path: Path, value: str, message: str
) -> None:
    manifest = f"name: test-bundle\nversion: '1.0'\nformat: {value}\nrulesets: [a.yaml]\n"
    found = only_problem(
        tmp_path, {"a.yaml": rule_file("right.type: {eq: trademark}")}, manifest=manifest
    )
    assert (str(found.location), found.message) == ("b/bundle.yaml:3:9", message)


def test_an_empty_any_says_an_item_is_needed(tmp_path: Path) -> None:
    found = only_problem(tmp_path, {"a.yaml": rule_file("any: []")})
    assert (str(found.location), found.message) == (
        "b/a.yaml:8:12",
        "expected at least 1 item, got none",
    )
