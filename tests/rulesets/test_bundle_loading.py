"""Loading bundles: the manifest, strict YAML, the format, the compiler, and what rules then do.

Each test builds a small bundle in ``tmp_path`` and asserts the exact outcome: the
``file:line:column`` of every problem and the words that tell a policy analyst what to fix,
or, for a bundle that loads, what its rules decide (evaluated with the reference backend).
"""

from __future__ import annotations

import copy
import json
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from ipp_rules.engine.engine import Engine
from ipp_rules.errors import RulesetError
from ipp_rules.models.decision import Decision
from ipp_rules.problems import Problem
from ipp_rules.rulesets import ir
from ipp_rules.rulesets.bundle import Bundle, load_bundle
from ipp_rules.rulesets.format import ruleset_json_schema
from ipp_rules.testing.cases import merge_patch

# A copy of rulesets/tests/bases/taobao_rights_holder.yaml: a complete, admissible complaint.
BASE_COMPLAINT = """\
platform: taobao
submitted_at: "2026-03-02T10:15:00+08:00"
channel: ipp_account
complaint_type: product_listing
reason: counterfeit
complainant:
  kind: business
  role: rights_holder
  location: other
  identity_verified: true
right:
  id: TM-CN-1
  type: trademark
  status: authenticated
  jurisdiction: CN
  registration_number: "12345678"
  nice_classes: [25]
  similar_groups: ["2507"]
  valid_from: "2018-01-10"
  valid_until: "2028-01-09"
  language: zh
  documents:
    - kind: registration_certificate
listings:
  - url: "https://item.taobao.com/item.htm?id=680000000001"
    nice_class: 25
evidence:
  - kind: description
    text: "The logo stitching and the size label differ from the genuine product."
  - kind: comparison_image
    reference: "comparison-1.png"
"""


@pytest.fixture(scope="module")
def base_complaint() -> dict[str, Any]:
    data = yaml.safe_load(BASE_COMPLAINT)
    assert isinstance(data, dict)
    return data


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Locations are shown relative to the working directory: "b/a.yaml:8:7".
    monkeypatch.chdir(tmp_path)


def make_bundle(
    tmp_path: Path,
    files: dict[str, str],
    *,
    manifest: str | None = None,
    folder: str = "b",
) -> Path:
    """A bundle folder from YAML texts (dedented); the manifest lists the top-level files."""
    root = tmp_path / folder
    root.mkdir(parents=True, exist_ok=True)
    if manifest is None:
        names = [name for name in files if "/" not in name]
        manifest = "name: test-bundle\nversion: '1.0'\nrulesets:\n" + "".join(
            f"  - {name}\n" for name in names
        )
    (root / "bundle.yaml").write_text(textwrap.dedent(manifest), encoding="utf-8")
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def rule_file(when: str, rest: str = "outcome: reject\ncode: TEST\nmessage: Test.\n") -> str:
    """One rule, laid out so that its ``when`` entries start on line 8, column 7.

    Line 4 is the rule's ``- id``, 7 is ``when:``, 8 on the condition, then ``rest`` (rule
    keys, four-space indented).
    """
    when_lines = "".join(f"      {line}\n" for line in textwrap.dedent(when).splitlines())
    rest_lines = "".join(f"    {line}\n" for line in textwrap.dedent(rest).splitlines())
    return (
        "area: test\n"
        "category: account\n"
        "rules:\n"
        "  - id: test.rule\n"
        "    title: A test rule\n"
        "    source: Handbook\n"
        "    when:\n" + when_lines + rest_lines
    )


def problems(tmp_path: Path, files: dict[str, str], **kwargs: Any) -> tuple[Problem, ...]:
    root = make_bundle(tmp_path, files, **kwargs)
    with pytest.raises(RulesetError) as caught:
        load_bundle(root)
    return caught.value.problems


def only_problem(tmp_path: Path, files: dict[str, str], **kwargs: Any) -> Problem:
    found = problems(tmp_path, files, **kwargs)
    assert len(found) == 1, found
    return found[0]


def loaded(tmp_path: Path, files: dict[str, str], **kwargs: Any) -> Bundle:
    return load_bundle(make_bundle(tmp_path, files, **kwargs))


def evaluate(bundle: Bundle, complaint: dict[str, Any]) -> Decision:
    engine = Engine(bundle, backend="reference")
    try:
        return engine.evaluate(complaint, trace=True)
    finally:
        engine.close()


def patched(base: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    result = merge_patch(copy.deepcopy(base), patch)
    assert isinstance(result, dict)
    return result


def fired(decision: Decision) -> list[str]:
    return [entry.rule_id for entry in decision.trace or ()]


VALID = {
    "a.yaml": rule_file("platform: {eq: taobao}"),
}


# --- a valid bundle and its identity -------------------------------------------------------------


def test_a_valid_bundle_loads_with_its_identity(tmp_path: Path) -> None:
    bundle = loaded(tmp_path, VALID)
    assert bundle.identity.name == "test-bundle"
    assert bundle.identity.version == "1.0"
    assert len(bundle.identity.sha256) == 64
    int(bundle.identity.sha256, 16)
    assert bundle.files == ("bundle.yaml", "a.yaml")
    assert [r.id for r in bundle.compiled.rules] == ["test.rule"]
    info = bundle.compiled.info["test.rule"]
    assert (info.code, info.severity, info.category) == ("TEST", "error", "account")
    assert info.location == "b/a.yaml:4:5"


def test_a_bundle_loads_from_its_manifest_path_too(tmp_path: Path) -> None:
    root = make_bundle(tmp_path, VALID)
    assert load_bundle(root / "bundle.yaml").identity == load_bundle(root).identity


def test_a_version_written_as_a_number_keeps_its_text(tmp_path: Path) -> None:
    bundle = loaded(tmp_path, VALID, manifest="name: t\nversion: 1.10\nrulesets: [a.yaml]\n")
    assert bundle.identity.version == "1.10"


def test_sha256_is_stable_when_nothing_changes(tmp_path: Path) -> None:
    root = make_bundle(tmp_path, VALID)
    assert load_bundle(root).identity.sha256 == load_bundle(root).identity.sha256
    # the same content in another folder is the same bundle
    other = make_bundle(tmp_path, VALID, folder="elsewhere")
    assert load_bundle(other).identity.sha256 == load_bundle(root).identity.sha256


def test_sha256_changes_when_a_rule_file_changes(tmp_path: Path) -> None:
    root = make_bundle(tmp_path, VALID)
    before = load_bundle(root).identity.sha256
    text = (root / "a.yaml").read_text()
    (root / "a.yaml").write_text(text.replace("message: Test.", "message: Test!"))
    after = load_bundle(root).identity.sha256
    assert after != before
    (root / "a.yaml").write_text(text)
    assert load_bundle(root).identity.sha256 == before


def test_sha256_changes_when_the_manifest_changes(tmp_path: Path) -> None:
    root = make_bundle(tmp_path, VALID)
    before = load_bundle(root).identity
    manifest = (root / "bundle.yaml").read_text()
    (root / "bundle.yaml").write_text(manifest.replace("'1.0'", "'1.1'"))
    after = load_bundle(root).identity
    assert after.version == "1.1"
    assert after.sha256 != before.sha256


def test_files_outside_the_manifest_do_not_change_sha256(tmp_path: Path) -> None:
    root = make_bundle(tmp_path, VALID)
    before = load_bundle(root).identity.sha256
    (root / "notes.txt").write_text("draft ideas\n")
    (root / "unused.yaml").write_text(rule_file("platform: {eq: tmall}"))
    (root / "tests").mkdir()
    (root / "tests" / "test_a.yaml").write_text("cases: []\n")
    assert load_bundle(root).identity.sha256 == before


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
    assert (missing.location, missing.message) == ("b/a.yaml:4:5", "missing required key 'source'")
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
    assert (missing.location, missing.message) == ("b/a.yaml:8:22", "missing required key 'table'")
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
        "expected one of reject, needs_info, warn, info, derive (got 'maybe')"
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
            "(like account.right_expired) (got 'IdentityCheck')",
        ),
        (
            "b/a.yaml:10:11",
            "expected a code of capital letters, digits and _, starting with a letter "
            "(like RIGHT_EXPIRED) (got 'right_expired')",
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


# --- the compiler: names, types, values ----------------------------------------------------------


def test_a_duplicate_rule_id_names_the_first(tmp_path: Path) -> None:
    second = (
        "  - id: test.rule\n"
        "    title: Again\n"
        "    source: Handbook\n"
        "    when: {platform: {eq: tmall}}\n"
        "    outcome: warn\n"
        "    code: OTHER\n"
        "    message: m\n"
    )
    problem = only_problem(tmp_path, {"a.yaml": rule_file("platform: {eq: taobao}") + second})
    assert problem.location == "b/a.yaml:12:9"
    assert problem.code == "duplicate_rule_id"
    assert problem.message == "duplicate rule id 'test.rule' (first at b/a.yaml:4:9)"


def test_a_duplicate_rule_id_across_files(tmp_path: Path) -> None:
    problem = only_problem(
        tmp_path,
        {
            "a.yaml": rule_file("platform: {eq: taobao}"),
            "c.yaml": rule_file("platform: {eq: tmall}"),
        },
    )
    assert problem.location == "b/c.yaml:4:9"
    assert "first at b/a.yaml:4:9" in problem.message


def test_a_path_that_names_no_fact_gets_a_suggestion(tmp_path: Path) -> None:
    problem = only_problem(tmp_path, {"a.yaml": rule_file("right.statuss: {eq: authenticated}")})
    assert problem.location == "b/a.yaml:8:7"
    assert problem.code == "unknown_fact"
    assert problem.message == "'right.statuss' names no fact; did you mean 'right.status'?"


def test_a_fact_in_a_nested_condition_is_located(tmp_path: Path) -> None:
    when = "any:\n  - platform: {eq: taobao}\n  - not:\n      right.stauts: {eq: withdrawn}"
    problem = only_problem(tmp_path, {"a.yaml": rule_file(when)})
    assert problem.location == "b/a.yaml:11:13"
    assert "did you mean 'right.status'?" in problem.message


@pytest.mark.parametrize(
    ("when", "column", "message"),
    [
        ("right.id: {lt: X}", 18, "'lt' does not apply to right.id, which is text"),
        ("listings.count: {contains: 1}", 24, "'contains' applies to lists; listings.count is"),
        (
            "right.nice_classes: {in: [25]}",
            28,
            "'in' does not apply to right.nice_classes, which is a list of whole numbers; "
            "use 'intersects' or 'subset_of'",
        ),
        (
            "right.nice_classes: {eq: 25}",
            28,
            "'eq' does not apply to right.nice_classes, which is a list of whole numbers; "
            "use 'contains', 'intersects' or 'subset_of'",
        ),
        ("listings.count: {matches: '[0-9]+'}", 24, "'matches' applies to text"),
        ("platform: {empty: true}", 18, "'empty' applies to lists; platform is text"),
        (
            "right.designations: {exists: true}",
            28,
            "right.designations is a list, which is always there (perhaps empty); "
            "use 'empty: false' instead of 'exists: true'",
        ),
    ],
)
def test_a_test_that_does_not_fit_the_facts_type(
    tmp_path: Path, when: str, column: int, message: str
) -> None:
    problem = only_problem(tmp_path, {"a.yaml": rule_file(when)})
    assert problem.location == f"b/a.yaml:8:{column}"
    assert problem.code == "bad_operator"
    assert problem.message.startswith(message)


@pytest.mark.parametrize(
    ("when", "column", "message"),
    [
        ("listings.count: {gt: many}", 28, "listings.count is a whole number; 'many' is not"),
        (
            "complainant.identity_verified: {eq: 1}",
            43,
            "complainant.identity_verified is true or false; 1 is not",
        ),
        (
            "right.valid_until: {lt: 2026-02-30}",
            31,
            "right.valid_until is a date (YYYY-MM-DD); '2026-02-30' is not",
        ),
        (
            "right.valid_until: {lt: 2026-W10-1}",
            31,
            "right.valid_until is a date (YYYY-MM-DD); '2026-W10-1' is not",
        ),
        (
            "submitted_at: {gte: '2026-03-02T00:00:00'}",
            27,
            "submitted_at is a date and time with an offset",
        ),
        (
            "right.valid_until: {lt: {fact: submitted_at}}",
            38,
            "right.valid_until is a date (YYYY-MM-DD) but submitted_at is a date and time",
        ),
        ("right.nice_classes: {contains: twenty}", 38, "right.nice_classes is a whole number"),
    ],
)
def test_a_literal_of_the_wrong_type(tmp_path: Path, when: str, column: int, message: str) -> None:
    problem = only_problem(tmp_path, {"a.yaml": rule_file(when)})
    assert problem.location == f"b/a.yaml:8:{column}"
    assert problem.code == "type_mismatch"
    assert problem.message.startswith(message)


def test_a_fractional_number_is_refused(tmp_path: Path) -> None:
    problem = only_problem(tmp_path, {"a.yaml": rule_file("listings.count: {gt: 1.5}")})
    assert problem.location == "b/a.yaml:8:28"
    assert problem.message == "fractional numbers are not supported here; use a whole number"


def test_an_unknown_value_gets_a_suggestion(tmp_path: Path) -> None:
    problem = only_problem(tmp_path, {"a.yaml": rule_file("platform: {eq: lazda}")})
    assert problem.location == "b/a.yaml:8:22"
    assert problem.code == "unknown_value"
    assert problem.message == (
        "'lazda' is not a value of platform; did you mean 'lazada'? (one of: taobao, tmall, "
        "tmall_global, 1688, aliexpress, alibaba_com, lazada)"
    )


def test_an_unknown_value_in_a_list_is_located_at_the_value(tmp_path: Path) -> None:
    problem = only_problem(tmp_path, {"a.yaml": rule_file("reason: {in: [counterfeit, test_bye]}")})
    assert problem.location == "b/a.yaml:8:34"
    assert "did you mean 'test_buy'?" in problem.message


TABLES = """\
area: test
category: jurisdiction
tables:
  accepted_jurisdictions:
    taobao: [CN]
    1688: [CN, HK]
    lazada: [TH, MY, SG]
  tao_marketplaces: [taobao, tmall, tmall_global]
rules:
  - id: test.wrong_jurisdiction
    title: The right must be registered where the marketplace accepts it
    source: Handbook
    when:
      not:
        right.jurisdiction: {in: {table: accepted_jurisdictions, key: {fact: platform}}}
    outcome: reject
    code: WRONG_JURISDICTION
    message: A right registered in {right.jurisdiction} is not accepted on {platform}.
  - id: test.tao
    title: Tao marketplaces
    source: Handbook
    when:
      platform: {in: {table: tao_marketplaces}}
    outcome: info
    code: TAO
    message: A Tao marketplace.
"""


def test_a_table_that_does_not_exist(tmp_path: Path) -> None:
    problem = only_problem(
        tmp_path,
        {"a.yaml": TABLES.replace("{table: tao_marketplaces}", "{table: tao_marketplace}")},
    )
    assert problem.location == "b/a.yaml:23:30"
    assert problem.code == "unknown_table"
    assert problem.message == ("no table named 'tao_marketplace'; did you mean 'tao_marketplaces'?")


def test_a_map_table_needs_a_key_and_a_list_table_has_none(tmp_path: Path) -> None:
    text = TABLES.replace(", key: {fact: platform}", "").replace(
        "{table: tao_marketplaces}", "{table: tao_marketplaces, key: {fact: platform}}"
    )
    found = problems(tmp_path, {"a.yaml": text})
    assert [(p.location, p.message) for p in found] == [
        (
            "b/a.yaml:15:34",
            "table 'accepted_jurisdictions' is a map; say which entry with key: {fact: ...}",
        ),
        ("b/a.yaml:23:53", "table 'tao_marketplaces' is a list, not a map; remove 'key'"),
    ]


def test_a_bad_value_in_a_table_is_reported_once_at_the_table(tmp_path: Path) -> None:
    text = TABLES.replace("[taobao, tmall, tmall_global]", "[taobao, tmal]") + (
        "  - id: test.not_tao\n"
        "    title: Not a Tao marketplace\n"
        "    source: Handbook\n"
        "    when:\n"
        "      platform: {not_in: {table: tao_marketplaces}}\n"
        "    outcome: info\n"
        "    code: NOT_TAO\n"
        "    message: Not a Tao marketplace.\n"
    )
    problem = only_problem(tmp_path, {"a.yaml": text})
    assert problem.location == "b/a.yaml:8:30"
    assert problem.message.startswith("'tmal' is not a value of platform; did you mean 'tmall'?")


def test_a_table_key_that_is_not_a_value_of_the_key_fact(tmp_path: Path) -> None:
    problem = only_problem(
        tmp_path, {"a.yaml": TABLES.replace("    taobao: [CN]", "    taobo: [CN]")}
    )
    assert problem.location == "b/a.yaml:5:12"
    assert "'taobo' is not a value of platform; did you mean 'taobao'?" in problem.message


def test_a_table_of_the_wrong_shape_gets_one_clear_error(tmp_path: Path) -> None:
    text = TABLES.replace(
        "  tao_marketplaces: [taobao, tmall, tmall_global]", "  tao_marketplaces: taobao"
    )
    found = problems(tmp_path, {"a.yaml": text})
    assert [(p.location, p.message) for p in found] == [
        (
            "b/a.yaml:8:21",
            "expected a table: a list of values, or a map of keys to lists (got 'taobao')",
        )
    ]
    text = TABLES.replace("    1688: [CN, HK]", "    1688: HK")
    found = problems(tmp_path, {"a.yaml": text})
    assert [(p.location, p.message) for p in found] == [
        ("b/a.yaml:6:11", "expected a list, like [a, b] (got 'HK')")
    ]


def test_a_keyed_table_decides_by_the_key_fact(
    tmp_path: Path, base_complaint: dict[str, Any]
) -> None:
    bundle = loaded(tmp_path, {"a.yaml": TABLES})

    def codes(patch: dict[str, Any]) -> list[str]:
        return [f.code for f in evaluate(bundle, patched(base_complaint, patch)).findings]

    assert codes({}) == ["TAO"]  # taobao, CN
    assert codes({"right": {"jurisdiction": "US"}}) == ["WRONG_JURISDICTION", "TAO"]
    assert codes({"platform": "1688", "right": {"jurisdiction": "HK"}}) == []
    assert codes({"platform": "1688", "right": {"jurisdiction": "US"}}) == ["WRONG_JURISDICTION"]
    assert codes({"platform": "lazada", "country": "TH", "right": {"jurisdiction": "SG"}}) == []
    # a marketplace with no entry in the table accepts no jurisdiction
    assert codes({"platform": "aliexpress"}) == ["WRONG_JURISDICTION"]
    assert codes({"platform": "tmall"}) == ["WRONG_JURISDICTION", "TAO"]
    message = evaluate(bundle, patched(base_complaint, {"platform": "aliexpress"})).findings[0]
    assert message.message == "A right registered in CN is not accepted on aliexpress."


def test_matches_under_not_is_refused(tmp_path: Path) -> None:
    when = "not:\n  right.registration_number: {matches: '[0-9]{8}'}"
    problem = only_problem(tmp_path, {"a.yaml": rule_file(when)})
    assert problem.location == "b/a.yaml:8:7"
    assert problem.code == "negated_match"
    assert "'matches' test cannot stand under 'not'" in problem.message


def test_two_nots_cancel_so_matches_under_both_is_allowed(
    tmp_path: Path, base_complaint: dict[str, Any]
) -> None:
    # not (tmall or not id~TM-.*)  ==  not tmall and id~TM-.*
    when = (
        "not:\n  any:\n    - platform: {eq: tmall}\n"
        "    - not:\n        right.id: {matches: 'TM-.*'}"
    )
    bundle = loaded(tmp_path, {"a.yaml": rule_file(when)})
    assert bundle.compiled.rules[0].condition == ir.And(
        (ir.Not(ir.Compare("platform", "eq", "tmall")), ir.Matches("right.id", "TM-.*"))
    )
    assert fired(evaluate(bundle, base_complaint)) == ["test.rule"]
    other = patched(base_complaint, {"right": {"id": "X-1"}})
    assert fired(evaluate(bundle, other)) == []


def test_matches_under_three_nots_is_refused_at_the_innermost(tmp_path: Path) -> None:
    when = "not:\n  not:\n    not:\n      right.id: {matches: 'TM-.*'}"
    problem = only_problem(tmp_path, {"a.yaml": rule_file(when)})
    assert problem.location == "b/a.yaml:10:11"
    assert problem.code == "negated_match"


def test_a_bad_pattern_is_refused(tmp_path: Path) -> None:
    problem = only_problem(tmp_path, {"a.yaml": rule_file("right.id: {matches: '(TM'}")})
    assert problem.location == "b/a.yaml:8:27"
    assert problem.code == "bad_pattern"
    assert problem.message.startswith("bad pattern: ")


def test_a_pattern_with_an_anchor_is_refused(tmp_path: Path) -> None:
    problem = only_problem(tmp_path, {"a.yaml": rule_file("right.id: {matches: '^TM-.*'}")})
    assert problem.code == "bad_pattern"


# --- derived facts and strata --------------------------------------------------------------------

DERIVING = """\
area: test
category: account
rules:
  - id: test.reader
    title: Reads a derived fact before the rule deriving it is written
    source: Handbook
    when:
      derived.is_trademark: {eq: true}
      listing.nice_class: {gt: 30}
    outcome: warn
    code: HIGH_CLASS
    message: Class {listing.nice_class} for right {right.id}.
  - id: test.deriver
    title: A trademark
    source: Handbook
    when:
      right.type: {eq: trademark}
    outcome: derive
    derive: is_trademark
  - id: test.not_trademark
    title: Not a trademark
    source: Handbook
    when:
      not: {derived.is_trademark: {eq: true}}
    outcome: info
    code: NOT_TRADEMARK
    message: Not a trademark.
"""


def test_a_derive_cycle_is_refused(tmp_path: Path) -> None:
    text = """\
    area: test
    category: account
    rules:
      - id: test.one
        title: One
        source: Handbook
        when: {derived.two: {eq: true}}
        outcome: derive
        derive: one
      - id: test.two
        title: Two
        source: Handbook
        when: {derived.one: {eq: true}}
        outcome: derive
        derive: two
    """
    problem = only_problem(tmp_path, {"a.yaml": text})
    assert problem.location == "b/a.yaml:7:11"
    assert problem.code == "cycle"
    assert problem.message == (
        "derived facts depend on each other in a cycle: test.one -> test.two -> test.one"
    )


def test_a_rule_reading_a_derived_fact_runs_after_it(
    tmp_path: Path, base_complaint: dict[str, Any]
) -> None:
    bundle = loaded(tmp_path, {"a.yaml": DERIVING})
    strata = {r.id: (r.stratum, r.scope) for r in bundle.compiled.rules}
    assert strata == {
        "test.reader": (1, "listing"),
        "test.deriver": (0, "complaint"),
        "test.not_trademark": (1, "complaint"),
    }
    listings = [
        {"url": "https://item.taobao.com/item.htm?id=1", "nice_class": 25},
        {"url": "https://item.taobao.com/item.htm?id=2", "nice_class": 35},
    ]
    decision = evaluate(bundle, patched(base_complaint, {"listings": listings}))
    assert [(f.code, f.path, f.message) for f in decision.findings] == [
        ("HIGH_CLASS", "listings[1]", "Class 35 for right TM-CN-1.")
    ]
    assert decision.outcome == "accept"  # a warning does not block

    copyright_right = {
        "id": "C-1",
        "type": "copyright",
        "status": "authenticated",
        "jurisdiction": "CN",
    }
    copyright_complaint = patched(base_complaint, {"listings": listings})
    copyright_complaint["right"] = copyright_right
    decision = evaluate(bundle, copyright_complaint)
    assert [f.code for f in decision.findings] == ["NOT_TRADEMARK"]


def test_an_unknown_derived_fact(tmp_path: Path) -> None:
    text = DERIVING.replace("      derived.is_trademark:", "      derived.is_trademrk:", 1)
    # one problem: the rule still reads a listing fact, so its message may show one
    problem = only_problem(tmp_path, {"a.yaml": text})
    assert problem.location == "b/a.yaml:8:7"
    assert problem.message == (
        "'derived.is_trademrk' names no fact; did you mean 'derived.is_trademark'?"
    )


# --- listing rules -------------------------------------------------------------------------------


def test_a_listing_rule_gives_one_finding_per_matching_listing(
    tmp_path: Path, base_complaint: dict[str, Any]
) -> None:
    rest = (
        "outcome: needs_info\n"
        "code: CLASS_NOT_COVERED\n"
        "message: Listing {listing.index} is in class {listing.nice_class},"
        " not {right.nice_classes}.\n"
    )
    when = "not:\n  right.nice_classes: {contains: {fact: listing.nice_class}}"
    bundle = loaded(tmp_path, {"a.yaml": rule_file(when, rest)})
    assert bundle.compiled.rules[0].scope == "listing"
    listings = [
        {"url": f"https://item.taobao.com/item.htm?id={n}", "nice_class": c}
        for n, c in enumerate([9, 25, 18, 25])
    ]
    decision = evaluate(bundle, patched(base_complaint, {"listings": listings}))
    assert decision.outcome == "needs_info"
    # the finding points at the listing (the rule's first fact, the right's classes, is not
    # a listing fact)
    assert [(f.severity, f.path, f.message) for f in decision.findings] == [
        ("missing", "listings[0]", "Listing 0 is in class 9, not 25."),
        ("missing", "listings[2]", "Listing 2 is in class 18, not 25."),
    ]
    assert [e.listing for e in decision.trace or ()] == [0, 2]


def test_a_listing_rule_with_a_listing_path(tmp_path: Path, base_complaint: dict[str, Any]) -> None:
    rest = "outcome: warn\ncode: HIGH\nmessage: High class.\npath: listing.nice_class\n"
    bundle = loaded(tmp_path, {"a.yaml": rule_file("listing.nice_class: {gte: 20}", rest)})
    listings = [
        {"url": f"https://item.taobao.com/item.htm?id={n}", "nice_class": c}
        for n, c in enumerate([25, 9, 30])
    ]
    decision = evaluate(bundle, patched(base_complaint, {"listings": listings}))
    assert [f.path for f in decision.findings] == [
        "listings[0].nice_class",
        "listings[2].nice_class",
    ]


@pytest.mark.parametrize(
    ("rest", "line", "column"),
    [
        ("outcome: warn\ncode: T\nmessage: See {listing.url}.\n", 11, 14),
        ("outcome: warn\ncode: T\nmessage: m\npath: listing.url\n", 12, 11),
    ],
)
def test_a_listing_fact_cannot_be_shown_by_a_complaint_rule(
    tmp_path: Path, rest: str, line: int, column: int
) -> None:
    problem = only_problem(tmp_path, {"a.yaml": rule_file("platform: {eq: taobao}", rest)})
    assert problem.location == f"b/a.yaml:{line}:{column}"
    assert problem.code == "listing_fact_outside_listing_rule"
    assert problem.message.startswith("listing.url is a fact of one listing, but this rule is")


# --- effective dates -----------------------------------------------------------------------------


def test_effective_from_is_included_and_effective_until_is_not(
    tmp_path: Path, base_complaint: dict[str, Any]
) -> None:
    rest = (
        "outcome: reject\ncode: T\nmessage: m\n"
        "effective_from: 2026-03-02\neffective_until: 2026-04-01\n"
    )
    bundle = loaded(tmp_path, {"a.yaml": rule_file("platform: {eq: taobao}", rest)})

    def covered(submitted_at: str) -> bool:
        decision = evaluate(bundle, patched(base_complaint, {"submitted_at": submitted_at}))
        return fired(decision) == ["test.rule"]

    assert not covered("2026-03-01T23:59:59+08:00")
    assert covered("2026-03-02T00:00:00+08:00")  # on effective_from
    assert covered("2026-03-31T23:59:59+08:00")  # the last day covered
    assert not covered("2026-04-01T00:00:00+08:00")  # on effective_until
    # the day is the marketplace's: 17:00 UTC on 31 March is 1 April in China
    assert not covered("2026-03-31T17:00:00+00:00")
    assert covered("2026-03-01T16:00:00+00:00")


def test_effective_from_alone_and_effective_until_alone(
    tmp_path: Path, base_complaint: dict[str, Any]
) -> None:
    rest = "outcome: reject\ncode: T\nmessage: m\neffective_until: 2026-03-02\n"
    bundle = loaded(tmp_path, {"a.yaml": rule_file("platform: {eq: taobao}", rest)})
    assert fired(evaluate(bundle, base_complaint)) == []  # submitted on 2026-03-02
    earlier = patched(base_complaint, {"submitted_at": "2026-03-01T10:00:00+08:00"})
    assert fired(evaluate(bundle, earlier)) == ["test.rule"]


@pytest.mark.parametrize("until", ["2026-03-02", "2026-03-01"])
def test_effective_until_must_come_after_effective_from(tmp_path: Path, until: str) -> None:
    rest = (
        "outcome: reject\ncode: T\nmessage: m\n"
        f"effective_from: 2026-03-02\neffective_until: {until}\n"
    )
    problem = only_problem(tmp_path, {"a.yaml": rule_file("platform: {eq: taobao}", rest)})
    assert problem.location == "b/a.yaml:4:5"
    assert problem.message == "effective_until must come after effective_from"


# --- message templates ---------------------------------------------------------------------------


def test_a_message_renders_facts_braces_and_absent_facts(
    tmp_path: Path, base_complaint: dict[str, Any]
) -> None:
    rest = (
        "outcome: warn\ncode: T\n"
        "message: 'Right {right.id} ({right.type}) {{as written}} classes {right.nice_classes}, "
        "member {complainant.good_faith_member}, valid until {right.valid_until}.'\n"
    )
    bundle = loaded(tmp_path, {"a.yaml": rule_file("platform: {eq: taobao}", rest)})
    (finding,) = evaluate(bundle, base_complaint).findings
    assert finding.message == (
        "Right TM-CN-1 (trademark) {as written} classes 25, member (not given), "
        "valid until 2028-01-09."
    )


@pytest.mark.parametrize(
    "template",
    ["{0.__class__}", "{right.id!r}", "{right.id:>10}", "{__import__}", "{right.id.__class__}"],
)
def test_a_template_holds_fact_paths_and_nothing_else(tmp_path: Path, template: str) -> None:
    rest = f"outcome: warn\ncode: T\nmessage: 'Right {template}.'\n"
    problem = only_problem(tmp_path, {"a.yaml": rule_file("platform: {eq: taobao}", rest)})
    assert problem.location == "b/a.yaml:11:14"
    assert problem.code in ("template", "unknown_fact")
    if problem.code == "template":
        assert f"'{template}' at character 7 is not a fact path" in problem.message
    else:
        assert "names no fact" in problem.message


def test_an_unknown_fact_in_a_template(tmp_path: Path) -> None:
    rest = "outcome: warn\ncode: T\nmessage: Right {right.idd}.\n"
    problem = only_problem(tmp_path, {"a.yaml": rule_file("platform: {eq: taobao}", rest)})
    assert problem.location == "b/a.yaml:11:14"
    assert problem.code == "unknown_fact"
    assert problem.message == "'right.idd' names no fact; did you mean 'right.id'?"


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("Right {right.id", "unclosed '{' at character 7"),
        ("Right right.id}", "unmatched '}' at character 15; write '}}' for a brace"),
    ],
)
def test_unbalanced_braces_in_a_template(tmp_path: Path, template: str, message: str) -> None:
    rest = f"outcome: warn\ncode: T\nmessage: '{template}'\n"
    problem = only_problem(tmp_path, {"a.yaml": rule_file("platform: {eq: taobao}", rest)})
    assert problem.message == message


# --- outcomes ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rest", "message"),
    [
        (
            "outcome: reject\nmessage: m\n",
            "a rule with outcome 'reject' needs a code and a message",
        ),
        ("outcome: warn\ncode: T\n", "a rule with outcome 'warn' needs a code and a message"),
        (
            "outcome: derive\nderive: x\ncode: T\n",
            "a rule that derives a fact has no code or message",
        ),
        ("outcome: derive\n", "a rule with outcome 'derive' names the fact it derives: derive"),
        (
            "outcome: reject\ncode: T\nmessage: m\nderive: x\n",
            "'derive' goes only with outcome: derive",
        ),
    ],
)
def test_outcome_and_its_keys_must_agree(tmp_path: Path, rest: str, message: str) -> None:
    problem = only_problem(tmp_path, {"a.yaml": rule_file("platform: {eq: taobao}", rest)})
    assert problem.location == "b/a.yaml:4:5"
    assert problem.message == message


def test_outcomes_give_severities_and_the_decision_follows(
    tmp_path: Path, base_complaint: dict[str, Any]
) -> None:
    rules = "".join(
        f"  - id: test.{outcome}\n"
        f"    title: {outcome}\n"
        "    source: Handbook\n"
        f"    when: {{reason: {{eq: {reason}}}}}\n"
        f"    outcome: {outcome}\n"
        f"    code: {outcome.upper()}\n"
        "    message: m\n"
        for outcome, reason in [
            ("reject", "test_buy"),
            ("needs_info", "image_misuse"),
            ("warn", "counterfeit"),
            ("info", "counterfeit"),
        ]
    )
    bundle = loaded(tmp_path, {"a.yaml": "area: test\ncategory: evidence\nrules:\n" + rules})

    def decide(reason: str) -> tuple[str, list[tuple[str, str]]]:
        decision = evaluate(bundle, patched(base_complaint, {"reason": reason}))
        return decision.outcome, [(f.code, f.severity) for f in decision.findings]

    assert decide("counterfeit") == ("accept", [("WARN", "warning"), ("INFO", "info")])
    assert decide("image_misuse") == ("needs_info", [("NEEDS_INFO", "missing")])
    assert decide("test_buy") == ("reject", [("REJECT", "error")])
    assert decide("trademark_misuse") == ("accept", [])


def test_a_rule_category_overrides_the_files(
    tmp_path: Path, base_complaint: dict[str, Any]
) -> None:
    rest = "outcome: warn\ncode: T\nmessage: m\ncategory: evidence\n"
    bundle = loaded(tmp_path, {"a.yaml": rule_file("platform: {eq: taobao}", rest)})
    (finding,) = evaluate(bundle, base_complaint).findings
    assert finding.category == "evidence"
    assert finding.source == "Handbook"


# --- the manifest --------------------------------------------------------------------------------


def test_a_folder_without_a_manifest(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(RulesetError) as caught:
        load_bundle(tmp_path / "empty")
    (problem,) = caught.value.problems
    assert problem.code == "no_manifest"
    assert problem.location == "empty"  # relative to the working directory
    assert "no bundle.yaml" in problem.message


def test_a_listed_file_that_is_missing(tmp_path: Path) -> None:
    manifest = "name: t\nversion: '1'\nrulesets:\n  - a.yaml\n  - missing.yaml\n"
    problem = only_problem(tmp_path, VALID, manifest=manifest)
    assert problem.location == "b/bundle.yaml:5:5"
    assert problem.code == "missing_file"
    assert problem.message == "no file 'missing.yaml' in the bundle folder"


def test_a_listed_file_that_links_outside_the_bundle(tmp_path: Path) -> None:
    outside = tmp_path / "outside.yaml"
    outside.write_text("area: x\ncategory: account\nrules: []\n", encoding="utf-8")
    root = make_bundle(tmp_path, VALID)
    (root / "linked.yaml").symlink_to(outside)
    (root / "bundle.yaml").write_text(
        "name: t\nversion: '1'\nrulesets:\n  - a.yaml\n  - linked.yaml\n", encoding="utf-8"
    )
    with pytest.raises(RulesetError) as caught:
        load_bundle(root)
    (problem,) = caught.value.problems
    assert problem.location.endswith("bundle.yaml:5:5")
    assert problem.message == "'linked.yaml' links to a file outside the bundle folder"


def test_a_file_listed_twice(tmp_path: Path) -> None:
    manifest = "name: t\nversion: '1'\nrulesets:\n  - a.yaml\n  - a.yaml\n"
    problem = only_problem(tmp_path, VALID, manifest=manifest)
    assert problem.location == "b/bundle.yaml:5:5"
    assert problem.code == "duplicate_file"
    assert problem.message == "'a.yaml' is listed twice"


@pytest.mark.parametrize(
    "name", ["../x.yaml", "sub/a.yaml", "/etc/a.yaml", ".hidden.yaml", "a.yml"]
)
def test_a_rule_file_name_must_be_a_plain_yaml_name(tmp_path: Path, name: str) -> None:
    manifest = f"name: t\nversion: '1'\nrulesets:\n  - a.yaml\n  - {name}\n"
    problem = only_problem(tmp_path, {**VALID, "sub/a.yaml": VALID["a.yaml"]}, manifest=manifest)
    assert problem.location == "b/bundle.yaml:5:5"
    assert problem.code == "string_pattern_mismatch"
    assert problem.message == (
        "expected a file name ending in .yaml, in the bundle folder itself "
        f"(no folders, no '..') (got '{name}')"
    )


def test_the_manifest_is_not_a_rule_file(tmp_path: Path) -> None:
    manifest = "name: t\nversion: '1'\nrulesets: [a.yaml, bundle.yaml]\n"
    problem = only_problem(tmp_path, VALID, manifest=manifest)
    assert problem.location == "b/bundle.yaml:3:20"
    assert problem.message == "bundle.yaml is the manifest, not a rule file"


def test_manifest_keys_are_checked(tmp_path: Path) -> None:
    manifest = "name: Test Bundle\nversoin: '1'\nrulesets: []\n"
    found = problems(tmp_path, VALID, manifest=manifest)
    assert [(p.location, p.code) for p in found] == [
        ("b/bundle.yaml:1:7", "string_pattern_mismatch"),
        ("b/bundle.yaml:1:1", "missing"),
        ("b/bundle.yaml:3:11", "too_short"),
        ("b/bundle.yaml:2:1", "extra_forbidden"),
    ]
    assert "did you mean 'version'?" in found[3].message
    assert found[1].message == "missing required key 'version'"


# --- every problem, at once ----------------------------------------------------------------------


def test_format_problems_in_several_files_are_reported_together(tmp_path: Path) -> None:
    files = {
        "a.yaml": rule_file("platform: {eqq: taobao}"),
        "c.yaml": rule_file("platform: {eq: taobao}", "outcome: maybe\ncode: T\nmessage: m\n"),
        "d.yaml": "area: test\nrules: [\n",
    }
    found = problems(tmp_path, files)
    assert [(p.location, p.code) for p in found] == [
        ("b/a.yaml:8:18", "extra_forbidden"),
        ("b/c.yaml:9:14", "literal_error"),
        ("b/d.yaml:3:1", "yaml"),
    ]
    with pytest.raises(RulesetError) as caught:
        load_bundle(tmp_path / "b")
    text = str(caught.value)
    assert text.startswith("invalid ruleset bundle (3 problems)\n")
    assert "\n  b/a.yaml:8:18: unknown key 'eqq'" in text


def test_compile_problems_in_several_files_are_reported_together(tmp_path: Path) -> None:
    files = {
        "a.yaml": rule_file("platform: {eq: lazda}\nright.statuss: {eq: authenticated}"),
        "c.yaml": rule_file("complainant.identity_verified: {eq: no}").replace(
            "test.rule", "test.other"
        ),
    }
    found = problems(tmp_path, files)
    assert [(p.location, p.code) for p in found] == [
        ("b/a.yaml:8:22", "unknown_value"),
        ("b/a.yaml:9:7", "unknown_fact"),
        ("b/c.yaml:8:43", "yaml11_bool"),
    ]


def test_a_bundle_that_fails_leaves_nothing_half_loaded(tmp_path: Path) -> None:
    root = make_bundle(tmp_path, VALID)
    engine = Engine.from_path(root, backend="reference")
    try:
        before = engine.bundle.identity
        (root / "a.yaml").write_text(rule_file("platform: {eq: lazda}"))
        with pytest.raises(RulesetError):
            engine.reload()
        assert engine.bundle.identity == before
    finally:
        engine.close()


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
        ("'1'", "expected 1; write it without quotes (got '1')"),
        ("2", "expected 1 (got 2)"),
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
