"""DurableGroup against the reference evaluator and against expected values written out."""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Mapping

import durable_rules_engine as d
import pytest

from ipp_rules.engine.backend import ReferenceGroup
from ipp_rules.engine.durable import DurableGroup, Limits
from ipp_rules.errors import EngineError
from ipp_rules.facts.types import Encoded, EncodedType
from ipp_rules.rulesets.ir import (
    AllIn,
    And,
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
)

TYPES: dict[str, EncodedType] = {
    "flag": "bool",
    "n": "int",
    "m": "int",
    "s": "str",
    "t": "str",
    "tags": "list_str",
    "nums": "list_int",
}

# (condition, facts, expected): every atom kind, negated where allowed, with the fact
# present, absent, and (lists) empty.
CASES: list[tuple[Node, dict[str, Encoded], bool]] = [
    # Compare with literals, every operator
    (Compare("n", "eq", 3), {"n": 3}, True),
    (Compare("n", "eq", 3), {"n": 4}, False),
    (Compare("n", "eq", 3), {}, False),
    (Not(Compare("n", "eq", 3)), {"n": 3}, False),
    (Not(Compare("n", "eq", 3)), {"n": 4}, True),
    (Not(Compare("n", "eq", 3)), {}, True),
    (Compare("n", "ne", 3), {"n": 4}, True),
    (Compare("n", "ne", 3), {"n": 3}, False),
    (Compare("n", "ne", 3), {}, False),
    (Not(Compare("n", "ne", 3)), {}, True),
    (Not(Compare("n", "ne", 3)), {"n": 3}, True),
    (Not(Compare("n", "ne", 3)), {"n": 4}, False),
    (Compare("n", "lt", 3), {"n": 2}, True),
    (Compare("n", "lt", 3), {"n": 3}, False),
    (Compare("n", "lt", 3), {}, False),
    (Not(Compare("n", "lt", 3)), {"n": 3}, True),
    (Not(Compare("n", "lt", 3)), {}, True),
    (Compare("n", "le", 3), {"n": 3}, True),
    (Compare("n", "le", -3), {"n": -2}, False),
    (Not(Compare("n", "le", 3)), {"n": 4}, True),
    (Compare("n", "gt", -1), {"n": 0}, True),
    (Compare("n", "gt", 0), {"n": 0}, False),
    (Compare("n", "gt", 0), {}, False),
    (Not(Compare("n", "gt", 0)), {"n": 0}, True),
    (Compare("n", "ge", 2**53), {"n": 2**53}, True),
    (Compare("n", "ge", 2**53), {"n": 2**53 - 1}, False),
    (Not(Compare("n", "ge", 0)), {"n": -1}, True),
    (Compare("flag", "eq", True), {"flag": True}, True),
    (Compare("flag", "eq", False), {"flag": False}, True),
    (Compare("flag", "eq", False), {}, False),
    (Not(Compare("flag", "eq", False)), {}, True),
    (Compare("flag", "ne", True), {"flag": False}, True),
    (Compare("s", "eq", ""), {"s": ""}, True),
    (Compare("s", "eq", ""), {"s": "a"}, False),
    (Compare("s", "eq", "a"), {"s": ""}, False),
    (Compare("s", "eq", 'a"b\\c'), {"s": 'a"b\\c'}, True),
    (Compare("s", "eq", "é"), {"s": "é"}, True),
    (Compare("s", "eq", "é"), {"s": "e"}, False),
    (Compare("s", "ne", "0"), {"s": "0"}, False),
    (Not(Compare("s", "eq", "x")), {"s": "x"}, False),
    # Compare with a fact reference
    (Compare("n", "eq", FactRef("m")), {"n": 1, "m": 1}, True),
    (Compare("n", "eq", FactRef("m")), {"n": 1, "m": 2}, False),
    (Compare("n", "eq", FactRef("m")), {"n": 1}, False),
    (Compare("n", "ne", FactRef("m")), {"n": 1}, False),
    (Compare("n", "lt", FactRef("m")), {"m": 1}, False),
    (Compare("n", "lt", FactRef("m")), {"n": 0, "m": 1}, True),
    (Compare("n", "ge", FactRef("m")), {"n": 0, "m": 1}, False),
    (Not(Compare("n", "eq", FactRef("m"))), {"n": 1}, True),
    (Not(Compare("n", "eq", FactRef("m"))), {"m": 1}, True),
    (Not(Compare("n", "eq", FactRef("m"))), {}, True),
    (Not(Compare("n", "eq", FactRef("m"))), {"n": 1, "m": 1}, False),
    (Not(Compare("n", "gt", FactRef("m"))), {"n": 2, "m": 1}, False),
    (Not(Compare("n", "gt", FactRef("m"))), {"n": 1, "m": 1}, True),
    (Compare("s", "eq", FactRef("t")), {"s": "", "t": ""}, True),
    (Compare("s", "eq", FactRef("t")), {"s": "", "t": "x"}, False),
    (Compare("flag", "eq", FactRef("flag")), {"flag": False}, True),
    # OneOf
    (OneOf("s", ("x", "y")), {"s": "y"}, True),
    (OneOf("s", ("x", "y")), {"s": "z"}, False),
    (OneOf("s", ("x", "y")), {}, False),
    (OneOf("n", (1,)), {"n": 1}, True),
    (Not(OneOf("s", ("x", "y"))), {"s": "z"}, True),
    (Not(OneOf("s", ("x", "y"))), {"s": "x"}, False),
    (Not(OneOf("s", ("x", "y"))), {}, True),
    # Exists
    (Exists("s"), {"s": ""}, True),
    (Exists("s"), {}, False),
    (Exists("tags"), {"tags": ()}, True),
    (Exists("tags"), {}, False),
    (Not(Exists("flag")), {"flag": False}, False),
    (Not(Exists("flag")), {}, True),
    # Matches (never negated)
    (Matches("s", r"\d{3}"), {"s": "123"}, True),
    (Matches("s", r"\d{3}"), {"s": "1234"}, False),
    (Matches("s", r"\d{3}"), {}, False),
    (Matches("s", "a|b+"), {"s": "bb"}, True),
    (Matches("s", "(ab|cd)*x"), {"s": "abcdx"}, True),
    (Matches("s", "(ab|cd)*x"), {"s": "acx"}, False),
    (Matches("s", ".*"), {"s": ""}, True),
    (Matches("s", '[^"]+'), {"s": 'a"'}, False),
    # SomeIn
    (SomeIn("tags", ("a", "b")), {"tags": ("c", "b")}, True),
    (SomeIn("tags", ("a", "b")), {"tags": ("c",)}, False),
    (SomeIn("tags", ("a", "b")), {"tags": ()}, False),
    (SomeIn("tags", ("a", "b")), {}, False),
    (SomeIn("tags", (FactRef("s"),)), {"tags": ("x",), "s": "x"}, True),
    (SomeIn("tags", (FactRef("s"),)), {"tags": ("x",)}, False),
    (SomeIn("tags", ("a", FactRef("s"))), {"tags": ("a",)}, True),
    (SomeIn("nums", (1, FactRef("n"))), {"nums": (5,), "n": 5}, True),
    (Not(SomeIn("tags", ("a", "b"))), {"tags": ("c",)}, True),
    (Not(SomeIn("tags", ("a", "b"))), {"tags": ("c", "a")}, False),
    (Not(SomeIn("tags", ("a", "b"))), {"tags": ()}, True),
    (Not(SomeIn("tags", ("a", "b"))), {}, True),
    (Not(SomeIn("tags", ("a", FactRef("s")))), {"tags": ("x",)}, True),
    (Not(SomeIn("tags", ("a", FactRef("s")))), {"tags": ("x",), "s": "x"}, False),
    (Not(SomeIn("tags", (FactRef("s"),))), {"tags": ("x",), "s": "y"}, True),
    # AllIn
    (AllIn("nums", (1, 2)), {"nums": (1, 2, 1)}, True),
    (AllIn("nums", (1, 2)), {"nums": (1, 3)}, False),
    (AllIn("nums", (1, 2)), {"nums": ()}, True),
    (AllIn("nums", (1, 2)), {}, True),
    (AllIn("nums", ()), {"nums": ()}, True),
    (AllIn("nums", ()), {"nums": (1,)}, False),
    (Not(AllIn("nums", (1, 2))), {"nums": (1, 3)}, True),
    (Not(AllIn("nums", (1, 2))), {"nums": (1,)}, False),
    (Not(AllIn("nums", (1, 2))), {"nums": ()}, False),
    (Not(AllIn("nums", ())), {"nums": (0,)}, True),
    # Empty
    (Empty("tags"), {"tags": ()}, True),
    (Empty("tags"), {}, True),
    (Empty("tags"), {"tags": ("",)}, False),
    (Not(Empty("tags")), {"tags": ("",)}, True),
    (Not(Empty("tags")), {}, False),
    # And / Or / Const
    (And((Compare("n", "eq", 1), Not(Exists("s")))), {"n": 1}, True),
    (And((Compare("n", "eq", 1), Not(Exists("s")))), {"n": 1, "s": ""}, False),
    (Or((Compare("n", "eq", 1), Compare("n", "eq", 2))), {"n": 2}, True),
    (Or((Compare("n", "eq", 1), Exists("n"))), {"n": 1}, True),
    (Or((Compare("n", "eq", 1), Compare("m", "eq", 2))), {}, False),
    (And((Or((Exists("n"), Exists("m"))), Or((Exists("s"), Empty("tags"))))), {"m": 0}, True),
    (Const(True), {}, True),
    (Const(False), {"n": 1}, False),
    (And((Const(True), Exists("n"))), {"n": 1}, True),
    (Or((Const(False), Exists("n"))), {}, False),
]


@pytest.fixture(scope="module")
def table_groups() -> tuple[DurableGroup, ReferenceGroup, dict[Node, str]]:
    ids: dict[Node, str] = {}
    for condition, _, _ in CASES:
        ids.setdefault(condition, f"c{len(ids)}")
    rules = [CompiledRule(rule_id, condition) for condition, rule_id in ids.items()]
    durable = DurableGroup(rules, TYPES)
    yield durable, ReferenceGroup(rules, TYPES), ids  # type: ignore[misc]
    durable.close()


@pytest.mark.parametrize(("condition", "facts", "expected"), CASES)
def test_atom_table(
    table_groups: tuple[DurableGroup, ReferenceGroup, dict[Node, str]],
    condition: Node,
    facts: dict[str, Encoded],
    expected: bool,
) -> None:
    durable, reference, ids = table_groups
    fired = durable.fired(facts)
    assert (ids[condition] in fired) is expected
    assert fired == reference.fired(facts)


def test_negated_match_is_refused() -> None:
    with pytest.raises(EngineError, match="negated pattern"):
        DurableGroup([CompiledRule("r", Not(Matches("s", "a")))], TYPES)


@pytest.mark.parametrize(
    "condition",
    [
        Compare("n", "eq", "3"),
        Compare("n", "eq", True),
        Compare("s", "lt", "b"),
        Compare("n", "eq", FactRef("s")),
        SomeIn("nums", ("1",)),
        Matches("n", "1"),
        Exists("unknown"),
    ],
)
def test_ill_typed_conditions_are_refused(condition: Node) -> None:
    with pytest.raises(EngineError):
        DurableGroup([CompiledRule("r", condition)], TYPES)


def check(durable: DurableGroup, reference: ReferenceGroup, facts: Mapping[str, Encoded]) -> None:
    assert durable.fired(facts) == reference.fired(facts)


def test_chunking_300_rules() -> None:
    rules = [CompiledRule(f"r{i}", Compare("n", "eq", i)) for i in range(300)]
    rules += [CompiledRule(f"g{i}", Compare("n", "gt", i * 3)) for i in range(100)]
    durable = DurableGroup(rules, TYPES)
    try:
        assert durable.chunk_count >= 300 // Limits().tests
        assert max(durable.chunk_sizes) <= Limits().rules
        assert sum(durable.chunk_sizes) == 400
        reference = ReferenceGroup(rules, TYPES)
        for n in (-1, 0, 1, 47, 48, 150, 299, 300, 1000):
            check(durable, reference, {"n": n})
        assert "r150" in durable.fired({"n": 150})
        assert len(durable.fired({"n": 1000})) == 100
    finally:
        durable.close()


def test_shared_branches_stay_below_the_stack_limit() -> None:
    # 100 rules whose $or branches are shared nodes: durable would overflow its 64-entry
    # stack (error 303) if they were in one ruleset.
    rules = [
        CompiledRule(f"r{i}", And((Not(Compare("n", "lt", 5)), Compare("m", "eq", i))))
        for i in range(100)
    ]
    durable = DurableGroup(rules, TYPES)
    try:
        assert durable.chunk_count > 1
        reference = ReferenceGroup(rules, TYPES)
        for facts in ({"m": 3}, {"n": 9, "m": 7}, {"n": 1, "m": 7}):
            check(durable, reference, facts)
    finally:
        durable.close()


def test_rule_too_large_for_durable_is_split_in_parts() -> None:
    big = CompiledRule("big", OneOf("n", tuple(range(200))))
    small = CompiledRule("small", Compare("n", "eq", 7))
    durable = DurableGroup([big, small], TYPES)
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
        durable = DurableGroup([big, small], TYPES)
    try:
        assert durable.reference_rule_ids == ("big",)
        assert [r.levelno for r in caplog.records if "'big'" in r.getMessage()] == [logging.INFO]
        assert durable.fired({"n": 7, "nums": (1, 199)}) == {"big", "small"}
        assert durable.fired({"n": 500, "nums": (200,)}) == frozenset()
    finally:
        durable.close()


def test_over_long_values_fall_back() -> None:
    rules = [
        CompiledRule("eq", Compare("s", "eq", "abcde")),
        CompiledRule("some", SomeIn("nums", (1,))),
        CompiledRule("all", AllIn("nums", (0, 1))),
        CompiledRule("big_int", Compare("n", "gt", 0)),
        CompiledRule("long_literal", Compare("t", "eq", "x" * 70_000)),
    ]
    durable = DurableGroup(rules, TYPES)
    reference = ReferenceGroup(rules, TYPES)
    try:
        assert durable.reference_rule_ids == ("long_literal",)
        # durable would see "abcde" + 65,536 more characters as equal to "abcde"
        for facts in (
            {"s": "abcde" + "x" * 65_536},
            {"s": "é" * 11_000},  # 11,000 characters but 66,000 in JSON
            {"s": "abcde", "nums": (0,) * 20_000 + (1,)},
            {"nums": (0, 1) * 4_000},
            {"n": 2**60},
            {"t": "x" * 70_000},
        ):
            check(durable, reference, facts)
        assert durable.fired({"s": "abcde" + "x" * 65_536}) == {"all"}
        assert "some" in durable.fired({"nums": (0,) * 20_000 + (1,)})
    finally:
        durable.close()


def test_recovers_when_the_handle_is_deleted_behind_its_back(
    caplog: pytest.LogCaptureFixture,
) -> None:
    rules = [CompiledRule("a", Compare("n", "eq", 1)), CompiledRule("b", Exists("s"))]
    durable = DurableGroup(rules, TYPES)
    try:
        (before,) = durable.handle_ids
        d.delete_ruleset(before)
        with caplog.at_level(logging.WARNING, logger="ipp_rules.engine"):
            assert durable.fired({"n": 1, "s": ""}) == {"a", "b"}
        assert any("rebuilt" in r.getMessage() for r in caplog.records)
        (after,) = durable.handle_ids
        assert after != before
        assert durable.fired({"n": 2}) == frozenset()
        assert durable.fired({"n": 1}) == {"a"}
    finally:
        durable.close()


def test_close_is_idempotent_and_handles_are_reused() -> None:
    rules = [CompiledRule("a", Matches("s", r"[a-z]+\d"))]
    first = DurableGroup(rules, TYPES)
    handles = first.handle_ids
    first.close()
    first.close()
    with pytest.raises(EngineError):
        first.fired({})
    second = DurableGroup(rules, TYPES)
    try:
        assert second.handle_ids == handles
        assert second.fired({"s": "ab1"}) == {"a"}
    finally:
        second.close()


def _random_facts(rng: random.Random) -> dict[str, Encoded]:
    facts: dict[str, Encoded] = {}
    if rng.random() < 0.7:
        facts["n"] = rng.randint(-2, 3)
    if rng.random() < 0.7:
        facts["m"] = rng.randint(-2, 3)
    if rng.random() < 0.7:
        facts["s"] = rng.choice(["", "a", "b", "12", 'x"'])
    if rng.random() < 0.5:
        facts["flag"] = rng.random() < 0.5
    if rng.random() < 0.7:
        facts["tags"] = tuple(rng.choice("abc") for _ in range(rng.randint(0, 3)))
    if rng.random() < 0.7:
        facts["nums"] = tuple(rng.randint(0, 3) for _ in range(rng.randint(0, 3)))
    return facts


@pytest.mark.slow
def test_eight_threads_agree_with_the_reference() -> None:
    rules = [CompiledRule(str(i), condition) for i, (condition, _, _) in enumerate(CASES)]
    durable = DurableGroup(rules, TYPES)
    reference = ReferenceGroup(rules, TYPES)
    rng = random.Random(7)
    samples = [_random_facts(rng) for _ in range(200)]
    expected = [reference.fired(f) for f in samples]
    failures: list[str] = []

    def work(seed: int) -> None:
        for i in range(2_000):
            k = (seed * 31 + i) % len(samples)
            got = durable.fired(samples[k])
            if got != expected[k]:
                failures.append(f"{samples[k]}: {sorted(got)} != {sorted(expected[k])}")

    try:
        threads = [threading.Thread(target=work, args=(s,)) for s in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not failures, failures[:3]
    finally:
        durable.close()
