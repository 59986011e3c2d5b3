"""The condition analysis: contradictions, tautologies and implication, soundly decided."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ipp_rules.engine.ir import (
    AllIn,
    And,
    Compare,
    Const,
    Empty,
    EncodedType,
    Exists,
    FactRef,
    Matches,
    Node,
    Not,
    OneOf,
    Or,
    SomeIn,
    evaluate,
    negate,
)
from ipp_rules.tools.conditions import Analysis, FactKind
from tests.engine.test_differential import conditions, fact_mappings, schemas

PLATFORMS = ("taobao", "tmall", "lazada")
KINDS = {
    "role": FactKind("str", ("rights_holder", "authorized_agent")),
    "platform": FactKind("str", PLATFORMS),
    "name": FactKind("str"),
    "count": FactKind("int"),
    "verified": FactKind("bool"),
    "kinds": FactKind("list_str", ("description", "comparison_image", "claim_chart")),
    "tags": FactKind("list_str"),
    "derived.on_file": FactKind("bool", may_be_absent=False),
}
ANALYSIS = Analysis(KINDS)


def test_two_values_for_one_fact_never_hold():
    node = And((Compare("role", "eq", "rights_holder"), Compare("role", "eq", "authorized_agent")))
    assert ANALYSIS.never_true(node)
    conflict = ANALYSIS.conflict(node)
    assert conflict is not None and conflict.facts == ("role",)
    assert len(conflict.literals) == 2


def test_disjoint_ranges_never_hold_and_touching_ones_do():
    assert ANALYSIS.never_true(And((Compare("count", "lt", 5), Compare("count", "gt", 10))))
    assert ANALYSIS.never_true(And((Compare("count", "lt", 5), Compare("count", "ge", 5))))
    assert not ANALYSIS.never_true(And((Compare("count", "le", 5), Compare("count", "ge", 5))))
    assert not ANALYSIS.never_true(And((Compare("count", "lt", 7), Compare("count", "gt", 5))))


def test_an_empty_list_of_values_never_holds():
    assert ANALYSIS.never_true(OneOf("name", ()))
    assert ANALYSIS.never_true(SomeIn("tags", ()))
    assert ANALYSIS.never_true(Const(False))


def test_every_closed_value_excluded_never_holds():
    node = And(tuple(Compare("platform", "ne", p) for p in PLATFORMS))
    assert ANALYSIS.never_true(node)
    assert not ANALYSIS.never_true(And(tuple(Compare("name", "ne", p) for p in PLATFORMS)))


def test_absent_or_present_always_holds():
    assert ANALYSIS.always_true(Or((Exists("name"), Not(Exists("name")))))
    assert ANALYSIS.always_true(
        Or((Compare("verified", "eq", True), Not(Compare("verified", "eq", True))))
    )
    # Absence makes both comparisons false: not a tautology.
    assert not ANALYSIS.always_true(
        Or((Compare("verified", "eq", True), Compare("verified", "eq", False)))
    )
    # A derived fact is never absent: true or false covers everything.
    assert ANALYSIS.always_true(
        Or((Compare("derived.on_file", "eq", True), Compare("derived.on_file", "eq", False)))
    )


def test_list_tests_that_contradict():
    assert ANALYSIS.never_true(
        And((SomeIn("kinds", ("claim_chart",)), AllIn("kinds", ("description",))))
    )
    assert ANALYSIS.never_true(And((Empty("tags"), SomeIn("tags", ("a",)))))
    assert not ANALYSIS.never_true(And((SomeIn("tags", ("a",)), AllIn("tags", ("a", "b")))))
    assert ANALYSIS.always_true(AllIn("kinds", ("description", "comparison_image", "claim_chart")))


def test_two_facts_compared_both_ways_contradict():
    equal = Compare("count", "eq", FactRef("other"))
    assert ANALYSIS.never_true(And((equal, Compare("count", "ne", FactRef("other")))))
    assert ANALYSIS.never_true(
        And((Compare("count", "lt", FactRef("other")), Compare("other", "lt", FactRef("count"))))
    )
    assert not ANALYSIS.never_true(And((equal, Not(Compare("other", "ne", FactRef("count"))))))


def test_a_pattern_is_not_enumerated_but_still_needs_the_fact():
    assert not ANALYSIS.never_true(Matches("name", "a+"))
    assert ANALYSIS.never_true(And((Matches("name", "a+"), Not(Exists("name")))))


def test_a_conjunction_with_more_tests_implies_one_with_fewer():
    narrow = And((Compare("role", "eq", "authorized_agent"), Compare("verified", "eq", False)))
    wide = Compare("verified", "eq", False)
    assert ANALYSIS.implies(narrow, wide)
    assert not ANALYSIS.implies(wide, narrow)


def test_implication_is_semantic_not_only_syntactic():
    assert ANALYSIS.implies(Compare("count", "gt", 10), Compare("count", "ge", 5))
    assert ANALYSIS.implies(OneOf("platform", ("taobao",)), Compare("platform", "ne", "lazada"))
    assert not ANALYSIS.implies(Compare("count", "gt", 10), Compare("count", "gt", 11))


def test_a_condition_too_large_to_spread_is_left_undecided():
    wide = And(tuple(Or((Compare(f"f{i}", "eq", 1), Compare(f"f{i}", "eq", 2))) for i in range(14)))
    small = Analysis(KINDS, max_terms=64)
    assert small.satisfiable(wide) is None
    assert not small.never_true(wide) and not small.always_true(wide)


def _kinds(schema: dict[str, EncodedType]) -> dict[str, FactKind]:
    return {name: FactKind(kind) for name, kind in schema.items()}


@st.composite
def scenarios(
    draw: st.DrawFn,
) -> tuple[dict[str, EncodedType], Node, Node, list[dict[str, object]]]:
    schema = draw(schemas())
    first, second = draw(conditions(schema)), draw(conditions(schema))
    facts = draw(st.lists(fact_mappings(schema), min_size=1, max_size=8))
    return schema, first, second, facts


@given(scenarios())
def test_what_the_analysis_decides_holds_for_any_facts(
    scenario: tuple[dict[str, EncodedType], Node, Node, list[dict[str, object]]],
):
    schema, first, second, all_facts = scenario
    analysis = Analysis(_kinds(schema))
    for facts in all_facts:
        held = evaluate(first, facts)  # type: ignore[arg-type]
        if analysis.never_true(first):
            assert not held
        if analysis.always_true(first):
            assert held
        if analysis.implies(first, second) and held:
            assert evaluate(second, facts)  # type: ignore[arg-type]
    # A condition and its negation are never both never-true.
    assert not (analysis.never_true(first) and analysis.never_true(negate(first)))
