"""limits.py: values beyond what durable takes (strings whose JSON text is too long, ints past
2**53, long lists, literals durable cannot compare) are answered by the reference evaluator;
the length durable stores for a string."""

from __future__ import annotations

from ipp_rules.engine.backend import ReferenceGroup
from ipp_rules.engine.durable import DurableGroup
from ipp_rules.engine.durable.limits import MAX_STRING_JSON, json_length
from ipp_rules.rulesets.ir import AllIn, Compare, CompiledRule, SomeIn
from tests.engine.durable.test_network import check
from tests.engine.durable.test_translate import TYPES


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


def test_json_length_counts_escapes_once_a_string_could_reach_the_limit() -> None:
    # Short enough whatever its escapes: the length in characters is enough.
    assert json_length("abc") == 3
    assert json_length('"' * 5_000) == 5_000
    # Long: the length of the ASCII JSON text durable stores, escapes included.
    assert json_length('"' * 6_000) == 12_000
    assert json_length("é" * 11_000) == 66_000 > MAX_STRING_JSON
    assert json_length("a\nb" * 3_000) == 12_000
    assert json_length("x" * 70_000) == 70_000
