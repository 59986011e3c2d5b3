"""Building a DurableGroup: durable_rules' per-rule expression limit (error 113) is predicted,
big rules are split in parts instead of falling back, a chunk durable refuses is bisected,
and falling back never writes to stderr."""

from __future__ import annotations

import itertools
import json
import logging
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import durable_rules_engine as d
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ipp_rules import Engine
from ipp_rules.engine.backend import ReferenceGroup
from ipp_rules.engine.durable import MAX_SEQUENCE_ENTRIES, DurableGroup, Limits
from ipp_rules.engine.durable.network import sequence_length
from ipp_rules.engine.durable.split import exclusive
from ipp_rules.engine.durable.translate import each, ends_in_forward
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
from ipp_rules.testing.cases import run_bundle_cases
from tests.conftest import REPO, examples
from tests.engine.test_differential import INTS, STRS, conditions, fact_mappings, schemas

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


# --- big rules are split in parts ------------------------------------------------------------

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


# --- a chunk durable refuses is bisected ----------------------------------------------------


@pytest.fixture
def refuse_poison(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """durable_rules refuses every ruleset whose text holds "poison" (as it refuses rules its
    limits do not allow); the specs it was asked to create are recorded."""
    real = d.create_ruleset
    asked: list[str] = []

    def create_ruleset(name: str, spec: str) -> int:
        asked.append(spec)
        if "poison" in spec:
            raise Exception("Could not create ruleset, error code: 113")
        return real(name, spec)

    monkeypatch.setattr(d, "create_ruleset", create_ruleset)
    yield asked


def test_a_refused_chunk_is_bisected(
    refuse_poison: list[str], caplog: pytest.LogCaptureFixture
) -> None:
    rules = [CompiledRule(f"r{i}", Compare("f", "eq", i)) for i in range(150)]
    rules.insert(70, CompiledRule("poison", Compare("g", "eq", "poison")))
    table = Or(
        tuple(
            And((Compare("f", "eq", i), Compare("g", "eq", "poison" if i == 150 else f"x{i}")))
            for i in range(200)
        )
    )
    rules.insert(20, CompiledRule("big", table))
    with caplog.at_level(logging.DEBUG, logger="ipp_rules.engine"):
        durable = DurableGroup(rules, TYPES)
    reference = ReferenceGroup(rules, TYPES)
    try:
        assert durable.reference_rule_ids == ("big", "poison")
        # Every other rule runs on durable, none of the parts of the refused split rule do.
        assert sum(durable.chunk_sizes) == 150
        assert durable.split_rules == {}
        assert len(durable.handle_ids) == durable.chunk_count
        refusals = [r for r in caplog.records if "refused" in r.getMessage()]
        assert {r.levelno for r in refusals} == {logging.INFO}
        assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
        for facts in ({"f": 5}, {"f": 149, "g": "x149"}, {"f": 150, "g": "poison"}, {}):
            assert durable.fired(facts) == reference.fired(facts)
        assert durable.fired({"f": 150, "g": "poison"}) == {"big", "poison"}
    finally:
        durable.close()


def test_a_rule_refused_alone_leaves_its_chunk_mates_on_durable(
    refuse_poison: list[str],
) -> None:
    rules = [
        CompiledRule("a", Compare("f", "eq", 1)),
        CompiledRule("b", Compare("g", "eq", "poison")),
        CompiledRule("c", Exists("g")),
    ]
    durable = DurableGroup(rules, TYPES)
    try:
        assert durable.reference_rule_ids == ("b",)
        assert sorted(durable.chunk_sizes) == [1, 1]
        # whole chunk, then [a], then [b, c], then [b] and [c]
        assert sum("poison" in spec for spec in refuse_poison) == 3
        assert durable.fired({"f": 1, "g": "poison"}) == {"a", "b", "c"}
    finally:
        durable.close()


# --- logging --------------------------------------------------------------------------------


def test_a_group_closed_during_an_evaluation_answers_quietly(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    rules = [CompiledRule("a", Compare("f", "eq", 1))]
    durable = DurableGroup(rules, TYPES)
    real_run = DurableGroup._run

    def run_after_close(self: DurableGroup, chunk: Any, payload: str) -> set[str]:
        self.close()  # Engine.close() from another thread, as this evaluation starts
        return real_run(self, chunk, payload)

    monkeypatch.setattr(DurableGroup, "_run", run_after_close)
    with caplog.at_level(logging.DEBUG, logger="ipp_rules.engine"):
        assert durable.fired({"f": 1}) == {"a"}
    assert not [r for r in caplog.records if r.levelno >= logging.INFO]


def _listing_group(i: int) -> str:
    """A distinct similar-goods group per i < 225: class i % 45 + 1, group i // 45 + 1."""
    return f"{i % 45 + 1:02d}{i // 45 + 1:02d}"


def _right_group(i: int) -> str:
    return f"{i % 45 + 1:02d}{i // 45 + 50:02d}"


def _write_bundle(root: Path, n: int) -> Path:
    notes = {_listing_group(i): [_right_group(i), _right_group((i + 1) % n)] for i in range(n)}
    classes = {f"c{i}": [i % 45 + 1] for i in range(n)}
    noted = {"intersects": {"table": "notes", "key": {"fact": "listing.similar_group"}}}
    in_class = {"in": {"table": "classes", "key": {"fact": "listing.category"}}}
    whens: list[dict[str, Any]] = [
        {"right.similar_groups": noted},
        {"not": {"right.similar_groups": noted}},
        {"right.type": {"eq": "trademark"}, "listing.nice_class": in_class},
        {"listing.nice_class": {"not_in": in_class["in"]}},
    ]
    rules = [
        {
            "id": f"big.r{i}",
            "title": "keyed table",
            "source": "test",
            "when": when,
            "outcome": "warn",
            "code": f"BIG_{i}",
            "message": "keyed table",
        }
        for i, when in enumerate(whens)
    ]
    (root / "bundle.yaml").write_text("name: big\nversion: '1'\nrulesets: [big.yaml]\n")
    document = {"area": "big", "category": "scope", "tables": {"notes": notes}, "rules": rules}
    document["tables"]["classes"] = classes
    (root / "big.yaml").write_text(json.dumps(document))
    return root


def _documents(n: int) -> Iterator[dict[str, Any]]:
    base = yaml.safe_load((REPO / "rulesets/tests/bases/taobao_rights_holder.yaml").read_text())
    listing = base["listings"][0]
    by_group = {k: v for k, v in listing.items() if k != "nice_class"}
    for i in range(0, n, max(1, n // 40)):
        for groups in ([_right_group(i)], ["2599"]):
            for category, nice in ((f"c{i}", i % 45 + 1), (f"c{i}", (i + 1) % 45 + 1), ("-", 1)):
                document = json.loads(json.dumps(base))
                document["right"]["similar_groups"] = groups
                document["right"]["nice_classes"] = sorted({25, *(int(g[:2]) for g in groups)})
                document["listings"] = [
                    {**by_group, "similar_group": _listing_group(i)},
                    {**listing, "category": category, "nice_class": nice},
                ]
                yield document


@pytest.mark.parametrize("n", [14, 200])
def test_a_bundle_with_big_keyed_tables_runs_on_durable(
    tmp_path: Path, n: int, caplog: pytest.LogCaptureFixture
) -> None:
    root = _write_bundle(tmp_path, n)
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
        for document in _documents(n):
            expected = reference.evaluate(document, trace=True)
            assert durable.evaluate(document, trace=True) == expected
            fired.update(t.rule_id for t in expected.trace or ())
        assert fired == {"big.r0", "big.r1", "big.r2", "big.r3"}


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
for engine in (Engine.from_path(Path(sys.argv[1]), backend="durable"), Engine.default()):
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
    root = _write_bundle(tmp_path, 14)
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


def test_the_cli_keeps_stderr_clean_on_a_bundle_with_a_big_keyed_table(tmp_path: Path) -> None:
    (tmp_path / "bundle").mkdir()
    root = _write_bundle(tmp_path / "bundle", 200)
    complaint = tmp_path / "complaint.json"
    complaint.write_text(json.dumps(next(_documents(200))))
    done = subprocess.run(
        [sys.executable, "-m", "ipp_rules.cli", "evaluate", "--rules", str(root), str(complaint)],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
    )
    assert done.returncode in (0, 1), done.stderr
    assert done.stderr == ""


# --- the shipped bundle ----------------------------------------------------------------------


def test_the_shipped_bundle_runs_entirely_on_durable(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger="ipp_rules.engine"):
        engine = Engine.default(backend="durable")
    with engine:
        groups = list(engine._program.groups.values())
        assert groups and all(isinstance(g, DurableGroup) for g in groups)
        for group in groups:
            assert isinstance(group, DurableGroup)
            assert group.reference_rule_ids == ()
        assert not [r for r in caplog.records if r.levelno >= logging.INFO]
        with caplog.at_level(logging.DEBUG, logger="ipp_rules.engine"):
            results = run_bundle_cases(engine)
        assert all(r.passed for r in results), [r.report() for r in results if not r.passed]
        # Normal operation never takes the recovery path (which logs a warning).
        assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


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
