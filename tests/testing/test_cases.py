"""cases.py: a bundle's YAML test cases: patches merged into the base (JSON Merge Patch), test
files found and loaded with located problems, and each case's result said in policy words.
The shipped bundle's own cases are run in tests/test_bundle_cases.py."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ipp_rules import Engine
from ipp_rules.errors import RulesetError
from ipp_rules.rulesets.format import Expectation
from ipp_rules.testing.cases import (
    CaseResult,
    bundle_test_files,
    load_test_file,
    merge_patch,
    run_bundle_tests,
    run_case,
)

# RFC 7386, Appendix A: (target, patch, result).
RFC_7386_EXAMPLES: list[tuple[Any, Any, Any]] = [
    ({"a": "b"}, {"a": "c"}, {"a": "c"}),
    ({"a": "b"}, {"b": "c"}, {"a": "b", "b": "c"}),
    ({"a": "b"}, {"a": None}, {}),
    ({"a": "b", "b": "c"}, {"a": None}, {"b": "c"}),
    ({"a": ["b"]}, {"a": "c"}, {"a": "c"}),
    ({"a": "c"}, {"a": ["b"]}, {"a": ["b"]}),
    ({"a": {"b": "c"}}, {"a": {"b": "d", "c": None}}, {"a": {"b": "d"}}),
    ({"a": [{"b": "c"}]}, {"a": [1]}, {"a": [1]}),
    (["a", "b"], ["c", "d"], ["c", "d"]),
    ({"a": "b"}, ["c"], ["c"]),
    ({"a": "foo"}, None, None),
    ({"a": "foo"}, "bar", "bar"),
    ({"e": None}, {"a": 1}, {"e": None, "a": 1}),
    ([1, 2], {"a": "b", "c": None}, {"a": "b"}),
    ({}, {"a": {"bb": {"ccc": None}}}, {"a": {"bb": {}}}),
]


@pytest.mark.parametrize(("target", "patch", "result"), RFC_7386_EXAMPLES)
def test_merge_patch_as_rfc_7386_gives_it(target: Any, patch: Any, result: Any) -> None:
    before = copy.deepcopy(target)
    assert merge_patch(target, patch) == result
    assert target == before  # the base is never changed


def test_test_files_are_the_tests_folders_test_yaml_files_in_name_order(tmp_path: Path) -> None:
    assert bundle_test_files(tmp_path) == []  # no tests folder: no test files
    tests = tmp_path / "tests"
    tests.mkdir()
    for name in ("test_b.yaml", "test_a.yaml", "a_test.yaml", "test_c.yml", "notes.md"):
        (tests / name).write_text("")
    assert [path.name for path in bundle_test_files(tmp_path)] == ["test_a.yaml", "test_b.yaml"]


def test_a_tests_file_that_is_not_a_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "tests").write_text("")
    with pytest.raises(RulesetError) as raised:
        bundle_test_files(tmp_path)
    (problem,) = raised.value.problems
    assert (raised.value.title, problem.code, problem.location, problem.message) == (
        "invalid test file",
        "tests_not_a_folder",
        str(tmp_path / "tests"),
        "'tests' must be a folder of test files",
    )


CASE = "cases:\n  - name: c\n    patch: {}\n    expect: {outcome: accept}\n"


@pytest.fixture
def tests_folder(tmp_path: Path) -> Path:
    tests = tmp_path / "tests"
    (tests / "bases").mkdir(parents=True)
    (tests / "bases" / "list.yaml").write_text("- 1\n")
    (tmp_path / "outside.yaml").write_text("platform: taobao\n")
    return tests


def test_a_base_given_in_place_or_none(tests_folder: Path) -> None:
    path = tests_folder / "test_x.yaml"
    path.write_text("base: {platform: taobao}\n" + CASE)
    loaded = load_test_file(path)
    assert (loaded.base, loaded.location(0)) == ({"platform": "taobao"}, f"{path}:3:5")
    assert [(index, case.name) for index, case in loaded.cases()] == [(0, "c")]
    path.write_text(CASE)
    assert load_test_file(path).base is None


@pytest.mark.parametrize(
    ("base", "where", "code", "message"),
    [
        (
            "../outside.yaml",
            "test_x.yaml:1:7",
            "base_outside",
            "a base file must lie inside the tests folder",
        ),
        ("bases/none.yaml", "test_x.yaml:1:7", "missing_file", "no base file 'bases/none.yaml'"),
        (
            "bases/list.yaml",
            "bases/list.yaml:1:1",
            "not_a_mapping",
            "a base complaint is a mapping",
        ),
    ],
    ids=["outside", "missing", "not_a_mapping"],
)
def test_a_base_file_that_cannot_be_used_is_located(
    tests_folder: Path, base: str, where: str, code: str, message: str
) -> None:
    path = tests_folder / "test_x.yaml"
    path.write_text(f"base: {base}\n" + CASE)
    with pytest.raises(RulesetError) as raised:
        load_test_file(path)
    (problem,) = raised.value.problems
    assert raised.value.title == "invalid test file"
    assert (problem.location, problem.code, problem.message) == (
        f"{tests_folder / where}",
        code,
        message,
    )


def test_a_test_file_that_does_not_validate_is_located(tests_folder: Path) -> None:
    path = tests_folder / "test_x.yaml"
    path.write_text("cases: 3\n")
    with pytest.raises(RulesetError) as raised:
        load_test_file(path)
    assert [(p.location, p.code, p.message) for p in raised.value.problems] == [
        (f"{path}:1:8", "list_type", "expected a list, like [a, b], got 3")
    ]


MY_CASES = """base: bases/taobao_rights_holder.yaml
cases:
  - name: accepted as it is
    patch: {}
    expect: {outcome: accept, codes: []}
  - name: expects wrongly
    patch:
      complainant: {identity_verified: false}
    expect:
      outcome: accept
      codes: [RIGHT_EXPIRED, IDENTITY_NOT_VERIFIED]
      fires: [account.right_expired, account.nope]
      does_not_fire: [account.identity_not_verified]
  - name: not a complaint
    patch: {platform: nowhere}
    expect: {outcome: reject}
  - name: codes counted
    patch:
      complainant: {identity_verified: false}
    expect: {outcome: reject, codes: [IDENTITY_NOT_VERIFIED, IDENTITY_NOT_VERIFIED]}
  - name: a code not expected
    patch:
      complainant: {identity_verified: false}
    expect: {outcome: reject, codes: []}
"""


@pytest.fixture
def my_cases(bundle_copy: Path) -> Iterator[tuple[Engine, list[CaseResult]]]:
    path = bundle_copy / "tests" / "test_mine.yaml"
    path.write_text(MY_CASES)
    with Engine.from_path(bundle_copy, backend="reference") as engine:
        loaded = load_test_file(path)
        yield engine, [run_case(engine, loaded, index, case) for index, case in loaded.cases()]


def test_each_case_says_what_it_expected_and_what_was_decided(
    my_cases: tuple[Engine, list[CaseResult]], bundle_copy: Path
) -> None:
    _, results = my_cases
    path = bundle_copy / "tests" / "test_mine.yaml"
    assert [(r.name, r.location, r.passed) for r in results] == [
        ("accepted as it is", f"{path}:3:5", True),
        ("expects wrongly", f"{path}:6:5", False),
        ("not a complaint", f"{path}:14:5", False),
        ("codes counted", f"{path}:17:5", False),
        ("a code not expected", f"{path}:21:5", False),
    ]
    accepted, wrong, invalid, counted, unexpected = results
    assert (accepted.outcome, accepted.codes, accepted.failures) == ("accept", [], [])
    assert (wrong.outcome, wrong.codes, wrong.fired) == (
        "reject",
        ["IDENTITY_NOT_VERIFIED"],
        ["account.identity_not_verified"],
    )
    assert wrong.failures == [
        "outcome is reject, expected accept",
        "codes differ; missing ['RIGHT_EXPIRED']",
        "no rule with id account.nope in the bundle",
        "rule account.right_expired was expected to fire and did not",
        "rule account.identity_not_verified fired but was expected not to",
    ]
    assert (invalid.outcome, len(invalid.failures)) == (None, 1)
    assert invalid.failures[0].startswith(
        "the case's complaint is not a valid document: invalid complaint document (1 problem)\n"
        "  platform: expected one of taobao, tmall"
    )
    assert counted.failures == ["codes differ; counts differ"]
    assert unexpected.failures == ["codes differ; unexpected ['IDENTITY_NOT_VERIFIED']"]
    assert wrong.report() == (
        f"{path}:6:5: case 'expects wrongly'\n"
        "  outcome is reject, expected accept\n"
        "  codes differ; missing ['RIGHT_EXPIRED']\n"
        "  no rule with id account.nope in the bundle\n"
        "  rule account.right_expired was expected to fire and did not\n"
        "  rule account.identity_not_verified fired but was expected not to\n"
        "  expected: outcome accept, codes ['IDENTITY_NOT_VERIFIED', 'RIGHT_EXPIRED']\n"
        "  actual:   outcome reject, codes ['IDENTITY_NOT_VERIFIED']\n"
        "  rules that fired: account.identity_not_verified"
    )


def test_a_report_without_codes_expected_or_rules_fired() -> None:
    result = CaseResult("c", "t.yaml:3:5", Expectation(outcome="reject"), outcome="accept")
    assert result.report() == (
        "t.yaml:3:5: case 'c'\n"
        "  expected: outcome reject\n"
        "  actual:   outcome accept, codes []\n"
        "  rules that fired: (none)"
    )


def test_a_test_file_that_does_not_load_is_reported_and_the_others_run(bundle_copy: Path) -> None:
    broken = bundle_copy / "tests" / "test_broken.yaml"
    broken.write_text("cases: 3\n")
    (bundle_copy / "tests" / "test_mine.yaml").write_text(MY_CASES)
    with Engine.from_path(bundle_copy, backend="reference") as engine:
        run = run_bundle_tests(engine)
    assert [path.name for path in run.unloaded] == ["test_broken.yaml"]
    assert [(p.code, p.message) for p in run.problems] == [
        ("list_type", "expected a list, like [a, b], got 3")
    ]
    assert "test_mine.yaml" in [path.name for path in run.files]
    assert [result.name for result in run.failed] == [
        "expects wrongly",
        "not a complaint",
        "codes counted",
        "a code not expected",
    ]
    assert len(run.results) == len([r for r in run.results if r.passed]) + 4
