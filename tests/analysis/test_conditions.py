"""The condition analysis: contradictions, tautologies and implication, soundly decided."""

from __future__ import annotations

import itertools
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ipp_rules.analysis.conditions import ABSENT, Analysis, FactKind
from ipp_rules.facts.types import EncodedType
from ipp_rules.rulesets import patterns
from ipp_rules.rulesets.ir import (
    AllIn,
    And,
    Atom,
    Compare,
    Const,
    Empty,
    Exists,
    FactRef,
    Matches,
    Node,
    Not,
    OneOf,
    Or,
    SomeIn,
    atoms,
    compile_predicate,
    evaluate,
    negate,
)
from tests.rulesets.test_ir import conditions, fact_mappings, schemas

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


def test_a_pattern_needs_the_fact_to_be_there():
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


# --- domains: what a fact can be decides what always and never hold ---------------------


def test_a_required_fact_is_never_absent():
    present = Analysis({"platform": FactKind("str", PLATFORMS, may_be_absent=False)})
    assert present.always_true(Exists("platform"))
    assert present.never_true(Not(Exists("platform")))
    assert present.always_true(OneOf("platform", PLATFORMS))
    assert not ANALYSIS.always_true(OneOf("platform", PLATFORMS))  # absent: not in the list
    verified = Analysis({"verified": FactKind("bool", may_be_absent=False)})
    either = Or((Compare("verified", "eq", True), Compare("verified", "eq", False)))
    assert verified.always_true(either)


def test_bounds_decide_comparisons_at_the_edges():
    count = Analysis({"count": FactKind("int", may_be_absent=False, bounds=(0, 5000))})
    assert count.always_true(Compare("count", "ge", 0))
    assert count.always_true(Compare("count", "gt", -7))
    assert count.always_true(Compare("count", "le", 5000))
    assert count.never_true(Compare("count", "lt", 0))
    assert count.never_true(Compare("count", "gt", 5000))
    assert not count.always_true(Compare("count", "gt", 0))  # 0 is a count too
    assert not count.never_true(Compare("count", "eq", 5000))
    # Unbounded, a comparison with a constant is neither.
    assert not ANALYSIS.always_true(Compare("count", "ge", 0))


def test_two_facts_that_are_always_there_are_compared_one_way_or_another():
    kinds = {name: FactKind("int", may_be_absent=False) for name in ("a", "b")}
    neither = And((Not(Compare("a", "lt", FactRef("b"))), Not(Compare("a", "ge", FactRef("b")))))
    assert Analysis(kinds).never_true(neither)
    assert not ANALYSIS.never_true(neither)  # an absent fact makes both comparisons false


def test_a_pattern_on_a_closed_set_of_values_is_decided_value_by_value():
    assert ANALYSIS.never_true(Matches("platform", "ali.*"))
    assert ANALYSIS.implies(Matches("platform", "t.*"), OneOf("platform", ("taobao", "tmall")))
    required = Analysis({"platform": FactKind("str", PLATFORMS, may_be_absent=False)})
    assert required.always_true(Matches("platform", "[a-z]+"))


def test_a_pattern_on_free_text_is_decided_on_its_automaton():
    url = Analysis({"url": FactKind("str", may_be_absent=False)})
    assert url.always_true(Matches("url", "([^x]|x)*"))
    # '.' does not match a line break, and a URL may hold one: not every URL matches '.*'.
    assert not url.always_true(Matches("url", ".*"))
    assert not url.always_true(Matches("url", "[^x]*|x.*"))  # 'ax' matches neither side
    assert url.never_true(And((Matches("url", "a+"), Matches("url", "b+"))))
    assert url.never_true(And((Matches("url", "ab?"), Not(OneOf("url", ("a", "ab"))))))
    assert not url.never_true(And((Matches("url", "ab*"), Not(OneOf("url", ("a", "ab"))))))
    assert url.implies(Matches("url", "https://.*"), Matches("url", "http.*"))
    # Absent text matches nothing, so where the fact may be absent nothing always matches.
    assert not Analysis({"url": FactKind("str")}).always_true(Matches("url", "([^x]|x)*"))


SMALL = {
    "flag": FactKind("bool"),
    "kind": FactKind("str", ("x", "y", "z")),
    "n": FactKind("int", bounds=(0, 3)),
    "m": FactKind("int", bounds=(0, 2)),
    "tags": FactKind("list_str", ("p", "q")),
}
"""Facts with small domains, every value of which can be tried."""

SMALL_VALUES: dict[str, list[object]] = {
    "flag": [True, False],
    "kind": ["x", "y", "z"],
    "n": [0, 1, 2, 3],
    "m": [0, 1, 2],
    "tags": [(), ("p",), ("q",), ("p", "q")],
}
KIND_PATTERNS = ["x", "x|y", "[^x]", ".*", "[xz]+", "w", "(x|y)z?"]
OPS = ["eq", "ne", "lt", "le", "gt", "ge"]


@st.composite
def _small_atoms(draw: st.DrawFn) -> Atom:
    fact = draw(st.sampled_from(sorted(SMALL)))
    if draw(st.integers(0, 5)) == 0:
        return Exists(fact)
    if fact == "flag":
        if draw(st.booleans()):
            return OneOf(fact, tuple(draw(st.lists(st.booleans(), max_size=2))))
        return Compare(fact, draw(st.sampled_from(["eq", "ne"])), draw(st.booleans()))
    if fact == "kind":
        texts = st.sampled_from(["x", "y", "z", "w"])
        shape = draw(st.sampled_from(["compare", "oneof", "matches"]))
        if shape == "matches":
            return Matches(fact, draw(st.sampled_from(KIND_PATTERNS)))
        if shape == "oneof":
            return OneOf(fact, tuple(draw(st.lists(texts, max_size=3, unique=True))))
        return Compare(fact, draw(st.sampled_from(["eq", "ne"])), draw(texts))
    if fact in ("n", "m"):
        other = "m" if fact == "n" else "n"
        if draw(st.integers(0, 4)) == 0:
            return Compare(fact, draw(st.sampled_from(OPS)), FactRef(other))  # type: ignore[arg-type]
        if draw(st.booleans()):
            return OneOf(fact, tuple(draw(st.lists(st.integers(-1, 4), max_size=3))))
        return Compare(fact, draw(st.sampled_from(OPS)), draw(st.integers(-1, 4)))  # type: ignore[arg-type]
    values = tuple(draw(st.lists(st.sampled_from(["p", "q", "r"]), max_size=2, unique=True)))
    return draw(st.sampled_from([SomeIn(fact, values), AllIn(fact, values), Empty(fact)]))


def _small_conditions() -> st.SearchStrategy[Node]:
    leaves = st.one_of(_small_atoms(), _small_atoms().map(Not), st.builds(Const, st.booleans()))
    return st.recursive(
        leaves,
        lambda inner: st.one_of(
            st.lists(inner, min_size=2, max_size=3).map(lambda c: And(tuple(c))),
            st.lists(inner, min_size=2, max_size=3).map(lambda c: Or(tuple(c))),
        ),
        max_leaves=8,
    )


def _every_assignment(kinds: dict[str, FactKind]) -> list[dict[str, object]]:
    """Every facts mapping the kinds allow: each value of each fact, and its absence where it
    can be absent."""
    choices = [
        [*SMALL_VALUES[name], *([ABSENT] if kind.may_be_absent else [])]
        for name, kind in kinds.items()
    ]
    return [
        {name: value for name, value in zip(kinds, values, strict=True) if value is not ABSENT}
        for values in itertools.product(*choices)
    ]


@st.composite
def _small_scenarios(draw: st.DrawFn) -> tuple[dict[str, FactKind], Node, Node]:
    kinds = {name: replace(kind, may_be_absent=draw(st.booleans())) for name, kind in SMALL.items()}
    return kinds, draw(_small_conditions()), draw(_small_conditions())


@given(_small_scenarios())
def test_always_and_never_agree_with_trying_every_value(
    scenario: tuple[dict[str, FactKind], Node, Node],
):
    kinds, first, second = scenario
    analysis = Analysis(kinds)
    held = [compile_predicate(first)(facts) for facts in _every_assignment(kinds)]  # type: ignore[arg-type]
    pairs = [
        (a, compile_predicate(second)(facts))  # type: ignore[arg-type]
        for a, facts in zip(held, _every_assignment(kinds), strict=True)
    ]
    never, always = analysis.never_true(first), analysis.always_true(first)
    implies = analysis.implies(first, second)
    # Sound: what the analysis claims is so.
    assert not never or not any(held)
    assert not always or all(held)
    assert not implies or all(b for a, b in pairs if a)
    # Exact where it says it is: no fact compared with another.
    compares_facts = any(
        isinstance(atom, Compare) and isinstance(atom.operand, FactRef)
        for node in (first, second)
        for atom in atoms(node)
    )
    if not compares_facts:
        assert never == (not any(held))
        assert always == all(held)
        assert implies == all(b for a, b in pairs if a)


TEXTS = ["", "a", "ab", "\n", "é"]
TEXT_PATTERNS = ["a", "a|b", ".*", "[^a]*", "(ab)*", ".b?", r"\d+", "([^a]|a)*"]
TEXT_SAMPLE = [
    "".join(chars) for length in range(4) for chars in itertools.product("ab\né0", repeat=length)
]


@st.composite
def _text_atoms(draw: st.DrawFn) -> Atom:
    shape = draw(st.sampled_from(["compare", "oneof", "matches", "matches", "exists"]))
    if shape == "matches":
        return Matches("text", draw(st.sampled_from(TEXT_PATTERNS)))
    if shape == "oneof":
        return OneOf("text", tuple(draw(st.lists(st.sampled_from(TEXTS), max_size=2))))
    if shape == "exists":
        return Exists("text")
    return Compare("text", draw(st.sampled_from(["eq", "ne"])), draw(st.sampled_from(TEXTS)))


@given(
    st.recursive(
        st.one_of(_text_atoms(), _text_atoms().map(Not)),
        lambda inner: st.one_of(
            st.lists(inner, min_size=2, max_size=3).map(lambda c: And(tuple(c))),
            st.lists(inner, min_size=2, max_size=3).map(lambda c: Or(tuple(c))),
        ),
        max_leaves=6,
    ),
    st.booleans(),
)
def test_what_is_decided_about_free_text_holds_for_every_short_text(
    node: Node, may_be_absent: bool
):
    analysis = Analysis({"text": FactKind("str", may_be_absent=may_be_absent)})
    sample: list[dict[str, object]] = [{"text": t} for t in (*TEXT_SAMPLE, *TEXTS)]
    if may_be_absent:
        sample.append({})
    held = [evaluate(node, facts) for facts in sample]  # type: ignore[arg-type]
    if analysis.never_true(node):
        assert not any(held)
    if analysis.always_true(node):
        assert all(held)


def test_patterns_too_large_to_search_are_left_undecided(monkeypatch: pytest.MonkeyPatch):
    url = Analysis({"url": FactKind("str", may_be_absent=False)})
    both = And((Matches("url", "a{5}"), Matches("url", "a{6}")))
    assert url.never_true(both) and url.always_true(Matches("url", "([^x]|x)*"))
    monkeypatch.setattr(patterns, "MAX_SEARCH_STATES", 1)
    assert not url.never_true(both)
    assert not url.always_true(Matches("url", "([^x]|x)*"))
