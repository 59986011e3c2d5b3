"""network.py: the model of durable's alpha network predicts what durable refuses (error 113,
the expression sequence of one rule) and sizes chunks so none overflows its evaluation stack."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Mapping
from typing import Any

import durable_rules_engine as d
import pytest

from ipp_rules.engine.backend import ReferenceGroup
from ipp_rules.engine.durable import MAX_SEQUENCE_ENTRIES, DurableGroup, Limits
from ipp_rules.engine.durable.network import sequence_length
from ipp_rules.engine.durable.translate import each
from ipp_rules.facts.types import Encoded
from ipp_rules.rulesets.ir import And, Compare, CompiledRule, Not
from tests.engine.durable.test_translate import TYPES

# --- error 113 --------------------------------------------------------------------------------

_NAMES = itertools.count()


def _accepted(cond: dict[str, Any]) -> bool:
    spec = {"s": {"all": [{"m": {"$s": 1}}]}, "r": {"all": [{"m": cond}]}}
    try:
        handle = d.create_ruleset(f"test_113_{next(_NAMES)}", json.dumps(spec))
    except Exception as error:
        assert "113" in str(error), error
        return False
    d.delete_ruleset(handle)
    return True


def _table(n: int) -> dict[str, Any]:
    branches = [{"$and": [{"f0": i}, {"f1": "x"}]} for i in range(n)]
    return {"$and": [{"mk": 1}, {"$or": branches}]}


def _chain(n: int) -> dict[str, Any]:
    cond: dict[str, Any] = {"mk": 1}
    for i in range(n):
        cond = {"$or" if i % 2 else "$and": [cond, {"f0": i}]}
    return cond


def _in_array(n: int) -> dict[str, Any]:
    # n operators: n - 3 pairs, their $or, the $and that closes it (see _each), the outer $and
    pairs = [{"$and": [{"$neq": {"$i": j}}, {"$neq": {"$i": j + 100}}]} for j in range(n - 3)]
    return {"$and": [{"mk": 1}, each("$iany", "f0", {"$or": pairs})]}


def _references(n: int) -> dict[str, Any]:
    tests = [{"$or": [{"$gt": {"f0": {"$m": f"b{j}"}}}, {"f1": j}]} for j in range(n - 1)]
    return {"$and": [{"mk": 1}, *tests]}


@pytest.mark.parametrize(
    ("shape", "operators"),
    [
        (_table, 13),  # 13 branches: 15 operators
        (_table, 14),  # the reported bug: 16 operators
        (_table, 200),
        (_chain, 15),
        (_chain, 16),
        (_in_array, 15),  # operators inside $iany count too
        (_in_array, 16),
        (_references, 15),  # $m references to the message add nothing
        (_references, 16),
    ],
)
def test_error_113_is_the_expression_sequence_and_is_predicted(
    shape: Callable[[int], dict[str, Any]], operators: int
) -> None:
    cond = shape(operators)
    length = sequence_length(cond)
    assert _accepted(cond) is (length <= MAX_SEQUENCE_ENTRIES)
    assert Limits().expressions == MAX_SEQUENCE_ENTRIES == 31


# --- chunks ---------------------------------------------------------------------------------


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
