"""Every backend agrees with the others on generated complaints under generated rule files.

The rules are written as YAML text, the way staff write them, and go through the whole
loader and compiler; the complaints are valid documents from ``ipp_rules.testing``. Some
rules derive facts that later rules read, and messages name facts their rule reads, so the
order rules run in and the values findings show are compared too. It tests the backends as
a whole, through ``Engine``, so it is named after no one module.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from ipp_rules import Engine
from ipp_rules.facts import CATALOG, FactSpec
from ipp_rules.testing import strategies as gen

POOLS: dict[str, tuple[Any, ...]] = {
    "str": (
        *gen.RIGHT_IDS,
        *gen.JURISDICTIONS,
        *gen.LANGUAGES,
        *gen.CATEGORIES,
        *gen.SIMILAR_GROUPS,
        *gen.URLS,
        "123",
        "0456",
    ),
    "int": (0, 1, 2, 3, 9, 18, 25, 28),
    "date": tuple(d.isoformat() for d in gen.DATES),
    "datetime": ("2026-03-02T00:00:00+08:00", "2026-03-01T20:00:00+00:00"),
    "bool": (True, False),
}
POOLS["list_str"] = POOLS["str"]
POOLS["list_int"] = POOLS["int"]
FACTS = [spec for spec in CATALOG if not spec.name.startswith("listing.index")]


def _pool(spec: FactSpec) -> tuple[Any, ...]:
    return spec.allowed_values() or POOLS[spec.type]


def _scalar_ops(spec: FactSpec, draw: st.DrawFn) -> dict[str, Any]:
    pool = _pool(spec)
    same_type = [s.name for s in FACTS if s.type == spec.type and s.name != spec.name]
    ops = ["eq", "ne", "in", "not_in", "exists"]
    if spec.type in ("int", "date", "datetime"):
        ops += ["lt", "lte", "gt", "gte"]
    if spec.type == "str":
        ops.append("matches")
    op = draw(st.sampled_from(ops))
    if op == "exists":
        return {op: draw(st.booleans())}
    if op in ("in", "not_in"):
        return {op: draw(st.lists(st.sampled_from(pool), max_size=3))}
    if op == "matches":
        return {op: draw(st.sampled_from(["https://.*", "T.-\\d", "[A-Z]{2}", "20.*"]))}
    if same_type and draw(st.integers(0, 4)) == 0:
        return {op: {"fact": draw(st.sampled_from(same_type))}}
    return {op: draw(st.sampled_from(pool))}


def _list_ops(spec: FactSpec, draw: st.DrawFn) -> dict[str, Any]:
    pool = _pool(spec)
    element = "str" if spec.type == "list_str" else "int"
    refs = [s.name for s in FACTS if s.type == element]
    op = draw(st.sampled_from(["contains", "intersects", "subset_of", "empty"]))
    if op == "empty":
        return {op: draw(st.booleans())}
    if op == "contains":
        if draw(st.booleans()):
            return {op: {"fact": draw(st.sampled_from(refs))}}
        return {op: draw(st.sampled_from(pool))}
    return {op: draw(st.lists(st.sampled_from(pool), max_size=3))}


@st.composite
def conditions(draw: st.DrawFn, depth: int = 0, negated: bool = False) -> dict[str, Any]:
    kind = draw(
        st.sampled_from(["facts", "facts", "all", "any", "not"] if depth < 2 else ["facts"])
    )
    if kind == "facts":
        specs = draw(
            st.lists(st.sampled_from(FACTS), min_size=1, max_size=2, unique_by=lambda s: s.name)
        )
        out: dict[str, Any] = {}
        for spec in specs:
            tests = (_list_ops if spec.type.startswith("list") else _scalar_ops)(spec, draw)
            if negated and "matches" in tests:
                tests = {"exists": True}
            out[spec.name] = tests
        return out
    if kind == "not":
        return {"not": draw(conditions(depth + 1, not negated))}
    return {kind: draw(st.lists(conditions(depth + 1, negated), min_size=1, max_size=3))}


def _named(condition: dict[str, Any]) -> list[str]:
    """The facts a condition names, in the order written."""
    names: list[str] = []
    for key, value in condition.items():
        if key in ("all", "any"):
            for part in value:
                names += _named(part)
        elif key == "not":
            names += _named(value)
        else:
            names.append(key)
    return names


def _bundle(
    root: Path, whens: list[dict[str, Any]], derivations: tuple[dict[str, Any], ...] = ()
) -> Path:
    (root / "bundle.yaml").write_text("name: gen\nversion: '1'\nrulesets: [gen.yaml]\n")
    derived = [
        {
            "id": f"gen.d{k}",
            "title": "generated",
            "source": "test",
            "when": when,
            "outcome": "derive",
            "derive": f"d{k % 2}",  # two rules may derive the same fact
        }
        for k, when in enumerate(derivations)
    ]
    conditions = [
        {"all": [when, {f"derived.d{i % 2}": {"eq": i % 3 == 0}}]} if i < len(derivations) else when
        for i, when in enumerate(whens)
    ]
    rules = [
        {
            "id": f"gen.r{i}",
            "title": "generated",
            "source": "test",
            "when": when,
            "outcome": ("warn", "reject", "needs_info")[i % 3],
            "code": f"GEN_{i}",
            # the last facts named: a derived fact where there is one
            "message": "generated " + " ".join(f"{{{name}}}" for name in _named(when)[-2:]),
        }
        for i, when in enumerate(conditions)
    ]
    rules = [*rules[: len(rules) // 2], *derived, *rules[len(rules) // 2 :]]
    # JSON is YAML: the rule file goes through the same strict loader.
    (root / "gen.yaml").write_text(
        json.dumps({"area": "gen", "category": "account", "rules": rules})
    )
    return root


@settings(max_examples=40, deadline=None)
@given(
    whens=st.lists(conditions(), min_size=1, max_size=12),
    derivations=st.lists(conditions(), max_size=3),
    documents=st.lists(gen.complaint_documents(), min_size=1, max_size=6),
)
def test_backends_agree_on_generated_rules_and_complaints(
    whens: list[dict[str, Any]],
    derivations: list[dict[str, Any]],
    documents: list[dict[str, Any]],
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = _bundle(Path(folder), whens, tuple(derivations))
        with (
            Engine.from_path(root, backend="durable") as durable,
            Engine.from_path(root, backend="reference") as reference,
            Engine.from_path(root, backend="compiled") as compiled,
        ):
            for document in documents:
                expected = reference.evaluate(document, trace=True)
                assert durable.evaluate(document, trace=True) == expected
                decided = compiled.evaluate(document)
                assert (
                    decided.model_dump_json()
                    == expected.model_copy(update={"trace": None}).model_dump_json()
                )
