"""The compiled form of a condition (rulesets/ir.py): ``ir.evaluate`` is the semantics, written
out on a few conditions; on random schemas, conditions and facts, the compiled predicates the
reference backend runs and the durable backend (DurableGroup) both answer as it does. The
strategies here are shared with the durable and condition-analysis tests."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ipp_rules.engine.backend import ReferenceGroup
from ipp_rules.engine.durable import DurableGroup
from ipp_rules.facts.types import Encoded, EncodedType
from ipp_rules.rulesets.ir import (
    AllIn,
    And,
    Atom,
    Compare,
    CompiledRule,
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
    compile_predicate,
    evaluate,
    facts_read,
    negate,
    simplify,
)
from ipp_rules.rulesets.ir import atoms as atoms_of
from tests.conftest import examples

KINDS: tuple[EncodedType, ...] = ("bool", "int", "str", "list_str", "list_int")
INTS = st.sampled_from([-(2**53), -2, -1, 0, 1, 2, 3, 2**53])
STRS = st.sampled_from(["", "a", "b", "ab", "0", "1", "é", '"', "a\\b", "12"])
PATTERNS = st.sampled_from(["a", "a|b", r"\d+", "[^a]*", ".b?", "(ab|c)*", "a?|[ab]{2}"])
OPS = st.sampled_from(["eq", "ne", "lt", "le", "gt", "ge"])


@st.composite
def schemas(draw: st.DrawFn) -> dict[str, EncodedType]:
    schema: dict[str, EncodedType] = {}
    for kind in KINDS:
        for i in range(draw(st.integers(1, 2))):
            schema[f"{kind}.f{i}"] = kind
    return schema


def _names(schema: dict[str, EncodedType], *kinds: str) -> list[str]:
    return [name for name, kind in schema.items() if kind in kinds]


@st.composite
def atoms(draw: st.DrawFn, schema: dict[str, EncodedType]) -> Atom:
    kind = draw(
        st.sampled_from(["compare", "ref", "oneof", "exists", "matches", "some", "all", "empty"])
    )
    if kind in ("compare", "ref", "oneof"):
        fact = draw(st.sampled_from(_names(schema, "bool", "int", "str")))
        values = {"bool": st.booleans(), "int": INTS, "str": STRS}[schema[fact]]
        if kind == "oneof":
            return OneOf(fact, tuple(draw(st.lists(values, max_size=3))))
        op = draw(OPS) if schema[fact] == "int" else draw(st.sampled_from(["eq", "ne"]))
        if kind == "ref":
            return Compare(fact, op, FactRef(draw(st.sampled_from(_names(schema, schema[fact])))))
        return Compare(fact, op, draw(values))
    if kind == "exists":
        return Exists(draw(st.sampled_from(list(schema))))
    if kind == "matches":
        return Matches(draw(st.sampled_from(_names(schema, "str"))), draw(PATTERNS))
    fact = draw(st.sampled_from(_names(schema, "list_str", "list_int")))
    element = "str" if schema[fact] == "list_str" else "int"
    values = STRS if element == "str" else INTS
    if kind == "empty":
        return Empty(fact)
    if kind == "all":
        return AllIn(fact, tuple(draw(st.lists(values, max_size=3))))
    options = draw(st.lists(values, max_size=3))
    refs = _names(schema, element)
    if draw(st.booleans()):
        options.insert(draw(st.integers(0, len(options))), FactRef(draw(st.sampled_from(refs))))
    return SomeIn(fact, tuple(options))


def conditions(schema: dict[str, EncodedType]) -> st.SearchStrategy[Node]:

    leaves = st.one_of(
        atoms(schema),
        atoms(schema).filter(lambda a: not isinstance(a, Matches)).map(Not),
        st.builds(Const, st.booleans()),
    )
    return st.recursive(
        leaves,
        lambda inner: st.one_of(
            st.lists(inner, min_size=2, max_size=3).map(lambda c: And(tuple(c))),
            st.lists(inner, min_size=2, max_size=3).map(lambda c: Or(tuple(c))),
        ),
        max_leaves=6,
    )


@st.composite
def fact_mappings(draw: st.DrawFn, schema: dict[str, EncodedType]) -> dict[str, Encoded]:
    facts: dict[str, Encoded] = {}
    for name, kind in schema.items():
        if not draw(st.booleans()):
            continue
        if kind == "bool":
            facts[name] = draw(st.booleans())
        elif kind == "int":
            facts[name] = draw(INTS)
        elif kind == "str":
            facts[name] = draw(STRS)
        elif kind == "list_str":
            facts[name] = tuple(draw(st.lists(STRS, max_size=3)))
        else:
            facts[name] = tuple(draw(st.lists(INTS, max_size=3)))
    return facts


@st.composite
def scenarios(
    draw: st.DrawFn,
) -> tuple[dict[str, EncodedType], list[CompiledRule], list[dict[str, Encoded]]]:
    schema = draw(schemas())
    rules = [
        CompiledRule(f"r{i}", draw(conditions(schema))) for i in range(draw(st.integers(2, 8)))
    ]
    facts = draw(st.lists(fact_mappings(schema), min_size=1, max_size=15))
    return schema, rules, facts


@pytest.mark.slow
@settings(
    max_examples=examples(250),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(scenarios())
def test_durable_agrees_with_reference(
    scenario: tuple[dict[str, EncodedType], list[CompiledRule], list[dict[str, Encoded]]],
) -> None:
    schema, rules, facts = scenario
    durable = DurableGroup(rules, schema)
    reference = ReferenceGroup(rules, schema)
    try:
        for mapping in facts:
            assert durable.fired(mapping) == reference.fired(mapping), (rules, mapping)
    finally:
        durable.close()


@pytest.mark.slow
@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_compiled_predicates_answer_as_the_interpreter(
    scenario: tuple[dict[str, EncodedType], list[CompiledRule], list[dict[str, Encoded]]],
) -> None:
    """The reference backend runs compiled predicates; ir.evaluate is the semantics."""
    _, rules, facts = scenario
    for rule in rules:
        holds = compile_predicate(rule.condition)
        for mapping in facts:
            assert holds(mapping) is evaluate(rule.condition, mapping), (rule, mapping)


def test_absent_facts_make_comparisons_false_and_their_negations_true() -> None:
    facts: dict[str, Encoded] = {"n": 1, "tags": ()}
    assert evaluate(Compare("m", "eq", 1), facts) is False
    assert evaluate(Not(Compare("m", "eq", 1)), facts) is True
    assert evaluate(Compare("m", "ne", 1), facts) is False
    assert evaluate(Compare("n", "eq", FactRef("m")), facts) is False
    assert evaluate(Compare("n", "ne", FactRef("m")), facts) is False
    assert evaluate(Compare("n", "le", FactRef("n")), facts) is True
    assert evaluate(OneOf("m", (1,)), facts) is False
    assert evaluate(Matches("m", ".*"), facts) is False
    assert evaluate(Exists("n"), facts) is True
    assert evaluate(Exists("m"), facts) is False


def test_list_atoms_on_empty_and_absent_lists() -> None:
    for facts in ({}, {"tags": ()}):
        assert evaluate(AllIn("tags", ("a",)), facts) is True
        assert evaluate(SomeIn("tags", ("a",)), facts) is False
        assert evaluate(Empty("tags"), facts) is True
    tags: dict[str, Encoded] = {"tags": ("a", "b"), "s": "b"}
    assert evaluate(AllIn("tags", ("a",)), tags) is False
    assert evaluate(AllIn("tags", ("a", "b", "c")), tags) is True
    assert evaluate(SomeIn("tags", ("c", FactRef("s"))), tags) is True
    assert evaluate(SomeIn("tags", ("c", FactRef("t"))), tags) is False


def test_simplify_folds_constants_and_flattens_nested_and_or() -> None:
    a, b, c = Exists("a"), Exists("b"), Exists("c")
    assert simplify(And((a, And((b, c))))) == And((a, b, c))
    assert simplify(Or((a, Or((b, Const(False)))))) == Or((a, b))
    assert simplify(Or((a, Const(True)))) == Const(True)
    assert simplify(And((a, Const(False)))) == Const(False)
    assert simplify(And((Const(True), a))) == a
    assert simplify(And((Const(True),))) == Const(True)
    assert simplify(Or((Const(False),))) == Const(False)
    assert simplify(OneOf("a", ())) == Const(False)
    assert simplify(Not(SomeIn("t", ()))) == Const(True)
    assert simplify(Not(a)) == Not(a)
    assert simplify(And((a, Or((b, c))))) == And((a, Or((b, c))))


def test_negate_pushes_not_down_to_the_atoms() -> None:
    a, b, c = Exists("a"), Exists("b"), Exists("c")
    assert negate(And((a, Or((Not(b), c))))) == Or((Not(a), And((b, Not(c)))))
    assert negate(Not(a)) == a
    assert negate(Const(True)) == Const(False)


def test_atoms_and_the_facts_a_condition_reads() -> None:
    condition = And(
        (
            Compare("n", "lt", FactRef("m")),
            Or((Not(SomeIn("tags", ("x", FactRef("s")))), Const(True))),
            Exists("n"),
        )
    )
    assert list(atoms_of(condition)) == [
        Compare("n", "lt", FactRef("m")),
        SomeIn("tags", ("x", FactRef("s"))),
        Exists("n"),
    ]
    assert facts_read(condition) == frozenset({"n", "m", "tags", "s"})
    assert facts_read(Const(False)) == frozenset()
