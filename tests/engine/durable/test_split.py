"""split.py: a rule too big for one durable ruleset is cut into parts along exact identities
(keyed tables, value lists, negated tables as disjunctions) instead of falling back, the parts
answer exactly as the reference evaluator, and a rule no cut makes small enough runs there."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ipp_rules import Engine
from ipp_rules.engine.backend import ReferenceGroup
from ipp_rules.engine.durable import DurableGroup, Limits
from ipp_rules.engine.durable.split import exclusive
from ipp_rules.facts.types import Encoded, EncodedType
from ipp_rules.rulesets.ir import (
    AllIn,
    And,
    Compare,
    CompiledRule,
    Exists,
    Matches,
    Node,
    Not,
    OneOf,
    Or,
    SomeIn,
    atoms,
    evaluate,
    negate,
    simplify,
)
from tests.conftest import examples
from tests.engine.durable.keyed_bundle import documents, write_bundle
from tests.engine.durable.test_translate import TYPES as SCALAR_TYPES
from tests.rulesets.test_ir import INTS, STRS, conditions, fact_mappings, schemas

TYPES: dict[str, EncodedType] = {
    "f": "int",
    "g": "str",
    "right.type": "str",
    "right.similar_groups": "list_str",
    "right.nice_classes": "list_int",
    "listing.similar_group": "str",
    "listing.category": "str",
    "listing.nice_class": "int",
}


def _keyed(n: int, shape: str) -> tuple[Node, list[dict[str, Encoded]]]:
    """A keyed table of ``n`` entries as the ruleset compiler lowers it, and facts that make
    every branch true, false, or not apply."""
    samples: list[dict[str, Encoded]] = [{}, {"f": n, "g": "x"}, {"g": "x"}]
    branches: list[Node] = []
    if shape in ("scalar", "scalar_varied"):
        for i in range(n):
            want = "x" if shape == "scalar" else f"x{i % 7}"
            branches.append(And((Compare("f", "eq", i), Compare("g", "eq", want))))
            samples += [{"f": i, "g": want}, {"f": i, "g": "y"}, {"f": i}]
        return Or(tuple(branches)), samples
    samples = [
        {},
        {"right.similar_groups": ("6000",)},
        {"listing.similar_group": "9999", "right.similar_groups": ("6000",)},
    ]
    for i in range(n):
        key, own, next_one = f"{5000 + i}", f"{6000 + i}", f"{6000 + (i + 1) % n}"
        if shape == "classes":
            test: Node = Compare("listing.nice_class", "eq", i % 45 + 1)
            samples += [
                {"listing.category": f"c{i}", "listing.nice_class": i % 45 + 1},
                {"listing.category": f"c{i}", "listing.nice_class": 0},
                {"listing.category": f"c{i}"},
            ]
            branches.append(And((Compare("listing.category", "eq", f"c{i}"), test)))
            continue
        test = SomeIn("right.similar_groups", (own, next_one))
        branches.append(And((Compare("listing.similar_group", "eq", key), test)))
        samples += [
            {"listing.similar_group": key, "right.similar_groups": (own,)},
            {"listing.similar_group": key, "right.similar_groups": ("2501", next_one)},
            {"listing.similar_group": key, "right.similar_groups": ("2501",)},
            {"listing.similar_group": key, "right.similar_groups": ()},
        ]
    table = Or(tuple(branches))
    if shape == "listing_rest":
        rest = (Compare("right.type", "eq", "trademark"), Exists("listing.similar_group"))
        samples += [{**s, "right.type": "trademark"} for s in samples]
        return And((*rest, table)), samples
    return table, samples


SHAPES = ["scalar", "scalar_varied", "listing", "listing_rest", "classes"]


def test_the_reported_14_branch_rule_builds_on_durable(caplog: pytest.LogCaptureFixture) -> None:
    rule = CompiledRule(
        "k", Or(tuple(And((Compare("f", "eq", i), Compare("g", "eq", "x"))) for i in range(14)))
    )
    with caplog.at_level(logging.DEBUG, logger="ipp_rules.engine"):
        durable = DurableGroup([rule], {"f": "int", "g": "str"})
    try:
        assert durable.reference_rule_ids == ()
        assert durable.split_rules == {"k": 2}
        assert not [r for r in caplog.records if r.levelno >= logging.INFO]
        for i in range(-1, 15):
            assert durable.fired({"f": i, "g": "x"}) == ({"k"} if 0 <= i < 14 else set())
            assert durable.fired({"f": i, "g": "y"}) == frozenset()
        assert durable.fired({"g": "x"}) == frozenset()
    finally:
        durable.close()


@pytest.mark.parametrize("negated", [False, True], ids=["table", "negated"])
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("n", [14, 200])
def test_keyed_tables_build_on_durable_and_agree(
    n: int, shape: str, negated: bool, caplog: pytest.LogCaptureFixture
) -> None:
    condition, samples = _keyed(n, shape)
    if negated:
        condition = negate(condition)
    rules = [CompiledRule("table", condition), CompiledRule("other", Compare("f", "eq", 3))]
    with caplog.at_level(logging.DEBUG, logger="ipp_rules.engine"):
        durable = DurableGroup(rules, TYPES)
    reference = ReferenceGroup(rules, TYPES)
    try:
        assert durable.reference_rule_ids == ()
        assert not [r for r in caplog.records if r.levelno >= logging.INFO]
        fired = 0
        for facts in samples:
            expected = reference.fired(facts)
            assert durable.fired(facts) == expected, facts
            fired += "table" in expected
        assert 0 < fired < len(samples)
    finally:
        durable.close()


def test_a_big_rule_is_split_and_packed_with_others() -> None:
    condition, samples = _keyed(200, "scalar_varied")
    rules = [CompiledRule(f"small{i}", Compare("f", "eq", i)) for i in range(30)]
    rules.insert(10, CompiledRule("table", condition))
    durable = DurableGroup(rules, TYPES)
    reference = ReferenceGroup(rules, TYPES)
    try:
        parts = durable.split_rules["table"]
        assert parts > 1
        assert sum(durable.chunk_sizes) == parts + 30
        assert max(durable.chunk_sizes) <= Limits().rules
        for facts in samples:
            assert durable.fired(facts) == reference.fired(facts), facts
    finally:
        durable.close()


def test_big_value_lists_are_split() -> None:
    values = tuple(f"v{i}" for i in range(300))
    rules = [
        CompiledRule("one_of", OneOf("g", values)),
        CompiledRule("not_one_of", Not(OneOf("g", values))),
        CompiledRule("some_in", SomeIn("right.similar_groups", values)),
        CompiledRule("none_in", Not(SomeIn("right.similar_groups", values))),
    ]
    durable = DurableGroup(rules, TYPES)
    reference = ReferenceGroup(rules, TYPES)
    try:
        assert durable.reference_rule_ids == ()
        assert set(durable.split_rules) == {r.id for r in rules}
        for value in ("v0", "v150", "v299", "w"):
            for facts in ({"g": value}, {"right.similar_groups": ("w", value)}, {}):
                assert durable.fired(facts) == reference.fired(facts), facts
    finally:
        durable.close()


# Tight limits make small random conditions split in every way; the parts must still give
# exactly the reference evaluator's answer.
TIGHT = Limits(rules=6, tests=10, fanout=6, stack=8, paths=16, expressions=9)


@pytest.mark.slow
@settings(
    max_examples=examples(300),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.data())
def test_split_rules_agree_with_the_reference(data: st.DataObject) -> None:
    schema = data.draw(schemas())
    drawn = data.draw(st.lists(conditions(schema), min_size=1, max_size=6))
    rules = [CompiledRule(f"r{i}", c) for i, c in enumerate(drawn)]
    rules += [
        CompiledRule(f"n{i}", negate(c))
        for i, c in enumerate(drawn)
        if not any(isinstance(a, Matches) for a in atoms(c))  # never negated
    ]
    facts = data.draw(st.lists(fact_mappings(schema), min_size=1, max_size=10))
    durable = DurableGroup(rules, schema, TIGHT)
    reference = ReferenceGroup(rules, schema)
    try:
        for mapping in facts:
            assert durable.fired(mapping) == reference.fired(mapping), (rules, mapping)
    finally:
        durable.close()


@st.composite
def negated_tables(draw: st.DrawFn) -> tuple[dict[str, EncodedType], Node]:
    """Conjunctions shaped like a negated keyed table: conjuncts ``k != c or rest``, bare
    ``k != c``, repeated keys, and conjuncts that do not mention the key."""
    schema = draw(schemas())
    key = draw(st.sampled_from(["int.f0", "str.f0"]))
    pool = INTS if key == "int.f0" else STRS
    conjuncts: list[Node] = []
    for _ in range(draw(st.integers(2, 10))):
        kind = draw(st.sampled_from(["guarded", "guarded", "guarded", "bare", "other"]))
        guard = Not(Compare(key, "eq", draw(pool)))
        if kind == "bare":
            conjuncts.append(guard)
        elif kind == "other":
            conjuncts.append(draw(conditions(schema)))
        else:
            rest = draw(st.lists(conditions(schema), min_size=1, max_size=2))
            conjuncts.append(Or((guard, *rest)))
    return schema, And(tuple(conjuncts))


@pytest.mark.slow
@settings(
    max_examples=examples(300),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(negated_tables(), st.data())
def test_negated_keyed_tables_as_disjunctions(
    table: tuple[dict[str, EncodedType], Node], data: st.DataObject
) -> None:
    schema, node = table
    facts = data.draw(st.lists(fact_mappings(schema), min_size=1, max_size=10))
    simplified = simplify(node)
    if isinstance(simplified, And):
        rewritten = exclusive(simplified)
        if rewritten is not None:
            for mapping in facts:
                assert evaluate(rewritten, mapping) == evaluate(node, mapping), mapping
    rules = [CompiledRule("t", node)]
    durable = DurableGroup(rules, schema, TIGHT)
    reference = ReferenceGroup(rules, schema)
    try:
        for mapping in facts:
            assert durable.fired(mapping) == reference.fired(mapping), (node, mapping)
    finally:
        durable.close()


def test_tight_limits_split_a_keyed_table_in_every_way() -> None:
    for shape in SHAPES:
        for negated in (False, True):
            condition, samples = _keyed(30, shape)
            if negated:
                condition = negate(condition)
            rules = [CompiledRule("table", condition)]
            durable = DurableGroup(rules, TYPES, TIGHT)
            reference = ReferenceGroup(rules, TYPES)
            try:
                assert durable.reference_rule_ids == ()
                for facts in samples:
                    assert durable.fired(facts) == reference.fired(facts), (shape, facts)
            finally:
                durable.close()


def test_rule_too_large_for_durable_is_split_in_parts() -> None:
    big = CompiledRule("big", OneOf("n", tuple(range(200))))
    small = CompiledRule("small", Compare("n", "eq", 7))
    durable = DurableGroup([big, small], SCALAR_TYPES)
    try:
        assert durable.reference_rule_ids == ()
        assert durable.split_rules["big"] > 1
        assert durable.fired({"n": 7}) == {"big", "small"}
        assert durable.fired({"n": 199}) == {"big"}
        assert durable.fired({"n": 500}) == frozenset()
    finally:
        durable.close()


def test_rule_too_large_for_durable_runs_on_the_reference(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # "Every element is one of 200 values" has no exact cut into smaller parts.
    big = CompiledRule("big", AllIn("nums", tuple(range(200))))
    small = CompiledRule("small", Compare("n", "eq", 7))
    with caplog.at_level(logging.DEBUG, logger="ipp_rules.engine"):
        durable = DurableGroup([big, small], SCALAR_TYPES)
    try:
        assert durable.reference_rule_ids == ("big",)
        assert [r.levelno for r in caplog.records if "'big'" in r.getMessage()] == [logging.INFO]
        assert durable.fired({"n": 7, "nums": (1, 199)}) == {"big", "small"}
        assert durable.fired({"n": 500, "nums": (200,)}) == frozenset()
    finally:
        durable.close()


def test_all_in_is_never_cut() -> None:
    # "every element is one of V" is not the and/or of the same test over parts of V.
    rule = CompiledRule("all", AllIn("right.nice_classes", tuple(range(100))))
    durable = DurableGroup([rule], TYPES)
    try:
        assert durable.reference_rule_ids == ("all",)
        assert durable.fired({"right.nice_classes": (1, 99)}) == {"all"}
        assert durable.fired({"right.nice_classes": (1, 100)}) == frozenset()
    finally:
        durable.close()


@pytest.mark.parametrize("n", [14, 200])
def test_a_bundle_with_big_keyed_tables_runs_on_durable(
    tmp_path: Path, n: int, caplog: pytest.LogCaptureFixture
) -> None:
    root = write_bundle(tmp_path, n)
    with (
        caplog.at_level(logging.DEBUG, logger="ipp_rules.engine"),
        Engine.from_path(root, backend="durable") as durable,
        Engine.from_path(root, backend="reference") as reference,
    ):
        groups = list(durable._program.groups.values())
        assert all(isinstance(g, DurableGroup) for g in groups)
        on_reference = [
            r for g in groups if isinstance(g, DurableGroup) for r in g.reference_rule_ids
        ]
        assert on_reference == [], caplog.text
        fired: set[str] = set()
        for document in documents(n):
            expected = reference.evaluate(document, trace=True)
            assert durable.evaluate(document, trace=True) == expected
            fired.update(t.rule_id for t in expected.trace or ())
        assert fired == {"big.r0", "big.r1", "big.r2", "big.r3"}
