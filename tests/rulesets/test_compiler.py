"""The compiler: names and types checked against the fact catalog, tables, patterns, derived
facts, listing rules, effective dates and outcomes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ipp_rules.rulesets import ir
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
            "expected a table: a list of values, or a map of keys to lists, got 'taobao'",
        )
    ]
    text = TABLES.replace("    1688: [CN, HK]", "    1688: HK")
    found = problems(tmp_path, {"a.yaml": text})
    assert [(p.location, p.message) for p in found] == [
        ("b/a.yaml:6:11", "expected a list, like [a, b], got 'HK'")
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
