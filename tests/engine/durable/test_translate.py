"""translate.py: every atom kind as durable JSON (absent keys, negation, list tests that never
end in a forward node), checked on DurableGroup against the reference evaluator and against
expected values written out; conditions durable cannot take are refused."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from ipp_rules import Engine
from ipp_rules.engine.backend import ReferenceGroup
from ipp_rules.engine.durable import DurableGroup
from ipp_rules.engine.durable.translate import each, ends_in_forward
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
from tests.conftest import REPO
from tests.engine.durable.keyed_bundle import write_bundle

TYPES: dict[str, EncodedType] = {
    "flag": "bool",
    "n": "int",
    "m": "int",
    "s": "str",
    "t": "str",
    "tags": "list_str",
    "nums": "list_int",
}


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


_GARBAGE_HEAP = """
import json, sys
from pathlib import Path
import durable_rules_engine as d
from ipp_rules import Engine
from ipp_rules.engine import durable

junk = [bytearray(n) for n in range(100, 20000, 37)]
del junk[::2]
raw = {"$or": [{"$i": 1}, {"$i": 2}]}
refused = 0
for i in range(20):
    spec = {"s": {"all": [{"m": {"$s": 1}}]}, "r": {"all": [{"m": {"$iany": {"x": raw}}}]}}
    try:
        d.delete_ruleset(d.create_ruleset(f"garbage_{i}", json.dumps(spec)))
    except Exception:
        refused += 1
on_reference = []
for engine in (
    Engine.from_path(Path(sys.argv[1]), backend="durable"),
    Engine.default(backend="durable"),
):
    for group in engine._program.groups.values():
        on_reference += list(getattr(group, "reference_rule_ids", ["not a DurableGroup"]))
    engine.close()
print(json.dumps({"raw_refused": refused, "on_reference": on_reference}))
"""


def test_lists_tests_compile_whatever_the_heap_holds(tmp_path: Path) -> None:
    """durable reads the uninitialised right side of an ``$or``'s forward node when that
    ``$or`` is the inner condition of ``$iany``/``$iall`` (rete.c:1313) and refuses the
    ruleset when the garbage is 0x09. ``MALLOC_PERTURB_=246`` fills fresh heap memory with
    0x09, which makes the random CI failure certain; the compiler closes such an ``$or`` with
    an always-true element test, so every rule still runs on durable."""
    root = write_bundle(tmp_path, 14)
    done = subprocess.run(
        [sys.executable, "-c", _GARBAGE_HEAP, str(root)],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, "MALLOC_PERTURB_": "246"},
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["raw_refused"] > 0  # the heap really held the garbage durable trips on
    assert result["on_reference"] == []


def test_no_list_test_ends_in_a_forward_node() -> None:
    engine = Engine.default(backend="durable")
    with engine:
        specs = [
            json.loads(chunk.spec)
            for group in engine._program.groups.values()
            if isinstance(group, DurableGroup)
            for chunk in group._chunks
        ]
    inners: list[dict[str, Any]] = []

    def walk(cond: Any) -> None:
        if isinstance(cond, list):
            for item in cond:
                walk(item)
        elif isinstance(cond, dict):
            for key, value in cond.items():
                if key in ("$iany", "$iall"):
                    inners.extend(value.values())
                walk(value)

    walk(specs)
    assert inners  # the shipped bundle has list tests
    assert not [i for i in inners if ends_in_forward(i)]
    assert ends_in_forward({"$and": [{"f0": 1}, {"$or": [{"f0": 2}]}]})
    closed = each("$iany", "f0", {"$or": [{"$i": 1}, {"$i": 2}]})
    assert closed == {
        "$iany": {"f0": {"$and": [{"$or": [{"$i": 1}, {"$i": 2}]}, {"$ex": {"$i": 1}}]}}
    }
