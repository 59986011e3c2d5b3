"""backend.py: the reference evaluator as a rule group, fired rules by id (the contract every
backend keeps; tests/rulesets/test_ir.py checks DurableGroup against it on random rules)."""

from __future__ import annotations

from ipp_rules.engine.backend import ReferenceGroup
from ipp_rules.facts.types import EncodedType
from ipp_rules.rulesets.ir import And, Compare, CompiledRule, Const, Exists, Not, SomeIn

TYPES: dict[str, EncodedType] = {"n": "int", "s": "str", "tags": "list_str"}

RULES = [
    CompiledRule("small", Compare("n", "lt", 3)),
    CompiledRule("named", And((Exists("s"), Not(Compare("s", "eq", ""))))),
    CompiledRule("tagged", SomeIn("tags", ("a", "b"))),
    CompiledRule("never", Const(False)),
    CompiledRule("always", Const(True)),
]


def test_the_rules_whose_condition_holds_fire_by_id() -> None:
    group = ReferenceGroup(RULES, TYPES)
    assert group.fired({}) == frozenset({"always"})
    assert group.fired({"n": 2, "s": "x"}) == frozenset({"small", "named", "always"})
    assert group.fired({"n": 3, "s": "", "tags": ("c", "b")}) == frozenset({"tagged", "always"})


def test_a_group_without_rules_fires_nothing() -> None:
    assert ReferenceGroup([], TYPES).fired({"n": 1}) == frozenset()


def test_close_holds_nothing_to_release() -> None:
    group = ReferenceGroup(RULES, TYPES)
    assert group.close() is None
    assert group.close() is None
    assert group.fired({"n": 0}) == frozenset({"small", "always"})
