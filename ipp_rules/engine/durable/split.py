"""Splitting a rule too big for one chunk into durable rules that each fit, and the formula
that gives the rule's firing from theirs."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TypeAlias

from ipp_rules.engine.durable.limits import Limits
from ipp_rules.engine.durable.network import DurableRule, chunk_fits, sequence_length
from ipp_rules.engine.durable.translate import Keys, compile_condition
from ipp_rules.rulesets.ir import (
    And,
    Compare,
    FactRef,
    Node,
    Not,
    OneOf,
    Or,
    Scalar,
    SomeIn,
    simplify,
)

__all__ = [
    "Combine",
    "Formula",
    "Planner",
    "TooLarge",
    "exclusive",
    "holds",
    "is_union",
    "names_of",
]


class TooLarge(Exception):
    """A rule no split makes small enough for one chunk: it runs on the reference evaluator."""


@dataclass(frozen=True)
class Combine:
    """A rule split in parts: it holds when all (``conjunction``) or any of its parts hold."""

    conjunction: bool
    parts: tuple[Formula, ...]


Formula: TypeAlias = str | Combine
"""How a rule's firing follows from its durable rules: a durable rule name, or a combination."""


def holds(formula: Formula, names: set[str]) -> bool:
    if isinstance(formula, str):
        return formula in names
    if formula.conjunction:
        return all(holds(part, names) for part in formula.parts)
    return any(holds(part, names) for part in formula.parts)


def is_union(formula: Formula) -> bool:
    """True when the rule fires exactly when any of its durable rules fires."""
    if isinstance(formula, str):
        return True
    return not formula.conjunction and all(is_union(part) for part in formula.parts)


def names_of(formula: Formula) -> Iterator[str]:
    if isinstance(formula, str):
        yield formula
    else:
        for part in formula.parts:
            yield from names_of(part)


def _merge_key(conjunction: bool, node: Node) -> tuple[str, str] | None:
    """Atoms over one fact that ``_join`` merges into one: ``OneOf``/``SomeIn`` under ``Or``,
    their negations under ``And`` (same values as the separate atoms, fewer operators)."""
    atom = node.atom if isinstance(node, Not) and conjunction else node
    if isinstance(node, Not) != conjunction:
        return None
    if isinstance(atom, OneOf):
        return ("one_of", atom.fact)
    if isinstance(atom, SomeIn):
        return ("some_in", atom.fact)
    return None


def _merged(first: Node, second: Node) -> Node:
    if isinstance(first, Not) and isinstance(second, Not):
        merged = _merged(first.atom, second.atom)
        assert isinstance(merged, OneOf | SomeIn)
        return Not(merged)
    if isinstance(first, OneOf) and isinstance(second, OneOf):
        return OneOf(first.fact, tuple(dict.fromkeys((*first.values, *second.values))))
    assert isinstance(first, SomeIn) and isinstance(second, SomeIn)
    return SomeIn(first.fact, tuple(dict.fromkeys((*first.values, *second.values))))


def _join(conjunction: bool, parts: Sequence[Node]) -> Node:
    """``And`` (``conjunction``) or ``Or`` of ``parts``, which must be simplified nodes."""
    merged: list[Node] = []
    where: dict[tuple[str, str], int] = {}
    for part in parts:
        key = _merge_key(conjunction, part)
        if key is not None and key in where:
            merged[where[key]] = _merged(merged[where[key]], part)
            continue
        if key is not None:
            where[key] = len(merged)
        merged.append(part)
    if len(merged) == 1:
        return merged[0]
    return simplify(And(tuple(merged)) if conjunction else Or(tuple(merged)))


class Planner:
    """Turns one rule into durable rules that each fit a chunk alone, and the formula that
    gives the rule's firing from theirs.

    A rule that fits is one durable rule. Otherwise its condition is cut where the cut is
    exact: an ``Or`` into groups of its branches (the rule fires when any group fires); an
    ``And`` holding an ``Or`` next to a small rest into ``rest and branch`` for each branch
    (distributed, same union); any other ``And`` into groups of its children (the rule fires
    when every group fires); ``OneOf``/``SomeIn`` into groups of values, under ``Not`` too.
    Consecutive parts are grouped as long as the group still fits one durable rule; a part
    too large alone is cut again. Every cut is an identity of two-valued logic over the same
    atoms, so the formula is exactly ``evaluate``.
    """

    def __init__(self, keys: Keys, limits: Limits, index: int, rule_id: str):
        self.keys = keys
        self.limits = limits
        self.index = index
        self.rule_id = rule_id
        self.units: list[DurableRule] = []

    def unit(self, node: Node) -> DurableRule | None:
        """``node`` as one durable rule, if that fits a chunk alone."""
        cond, read = compile_condition(self.keys, self.rule_id, node)
        unit = DurableRule(
            "", self.index, self.rule_id, cond, frozenset(read), sequence_length(cond)
        )
        return unit if chunk_fits([unit], self.limits) else None

    def accept(self, unit: DurableRule) -> str:
        unit.name = f"r{self.index}_{len(self.units)}"
        self.units.append(unit)
        return unit.name

    def plan(self, node: Node) -> Formula:
        whole = self.unit(node)
        if whole is not None:
            return self.accept(whole)
        if isinstance(node, And):
            keyed = exclusive(node)
            if keyed is not None:
                return self.plan(keyed)
        cut = self.cut(node)
        if cut is None:
            raise TooLarge
        formulas: list[Formula] = []
        start = 0
        while start < len(cut.parts):
            size, unit = self.widest(cut, start)
            if unit is None:
                formulas.append(self.plan(cut.join(cut.parts[start : start + 1])))
            else:
                formulas.append(self.accept(unit))
            start += size
        if len(formulas) == 1:
            return formulas[0]
        return Combine(cut.conjunction, tuple(formulas))

    def widest(self, cut: _Cut, start: int) -> tuple[int, DurableRule | None]:
        """How many parts from ``start`` on fit one durable rule together, and that rule
        (``None``: not even the first alone). Doubling, then bisection."""
        best = self.unit(cut.join(cut.parts[start : start + 1]))
        if best is None:
            return 1, None
        fits, fails = 1, 0
        while not fails and start + fits < len(cut.parts):
            size = min(2 * fits, len(cut.parts) - start)
            unit = self.unit(cut.join(cut.parts[start : start + size]))
            if unit is None:
                fails = size
            else:
                fits, best = size, unit
        while fails - fits > 1:
            size = (fits + fails) // 2
            unit = self.unit(cut.join(cut.parts[start : start + size]))
            if unit is None:
                fails = size
            else:
                fits, best = size, unit
        return fits, best

    def cut(self, node: Node) -> _Cut | None:
        """``node`` as the ``And``/``Or`` of smaller conditions, or ``None``."""
        if isinstance(node, Or):
            return _Cut(False, node.children)
        if isinstance(node, And):
            return self.distribute(node) or _Cut(True, node.children)
        atom = node.atom if isinstance(node, Not) else node
        parts: list[OneOf | SomeIn] = []
        if isinstance(atom, OneOf) and len(atom.values) > 1:
            parts = [OneOf(atom.fact, (value,)) for value in atom.values]
        elif isinstance(atom, SomeIn) and len(atom.values) > 1:
            parts = [SomeIn(atom.fact, (value,)) for value in atom.values]
        if not parts:
            return None
        if isinstance(node, Not):
            return _Cut(True, tuple(Not(p) for p in parts))
        return _Cut(False, tuple(parts))

    def distribute(self, node: And) -> _Cut | None:
        """``rest and (b1 or b2 or ...)`` as ``(rest and (b1 or ...)) or (rest and (...))``,
        cut at the widest ``Or`` child, when the rest is small: a third of the expression
        sequence at most (each part repeats it; durable shares the repeated tests)."""
        ors = [i for i, child in enumerate(node.children) if isinstance(child, Or)]
        if not ors:
            return None
        widest = max(ors, key=lambda i: _width(node.children[i]))
        rest = node.children[:widest] + node.children[widest + 1 :]
        unit = self.unit(_join(True, rest))
        if unit is None or unit.entries > self.limits.expressions // 3:
            return None
        branches = node.children[widest]
        assert isinstance(branches, Or)
        return _Cut(False, branches.children, rest)


@dataclass(frozen=True)
class _Cut:
    """A condition equal to ``rest and (p1 op p2 op ...)``, ``op`` being ``and`` when
    ``conjunction``, else ``or``: any grouping of the parts keeps that equality."""

    conjunction: bool
    parts: tuple[Node, ...]
    rest: tuple[Node, ...] = ()

    def join(self, group: Sequence[Node]) -> Node:
        """``rest and (g1 op g2 op ...)`` for a group of consecutive parts."""
        joined = _join(self.conjunction, group)
        return simplify(And((*self.rest, joined))) if self.rest else joined


def _key_guard(node: Node) -> tuple[str, Scalar] | None:
    """``(k, c)`` when ``node`` is ``Not(Compare(k, "eq", c))`` with a literal ``c``."""
    if isinstance(node, Not) and isinstance(node.atom, Compare) and node.atom.op == "eq":
        operand = node.atom.operand
        if not isinstance(operand, FactRef):
            return node.atom.fact, operand
    return None


def _guards(node: Node) -> Iterator[tuple[int, tuple[str, Scalar]]]:
    """The key guards of a conjunct ``Or(..., Not(k == c), ...)`` (or of ``Not(k == c)``)."""
    children = node.children if isinstance(node, Or) else (node,)
    for position, child in enumerate(children):
        guard = _key_guard(child)
        if guard is not None:
            yield position, guard


def exclusive(node: And) -> Node | None:
    """A negated keyed table as a disjunction.

    ``not (k == c1 and t1 or k == c2 and t2 ...)`` reaches here as the conjunction
    ``(k != c1 or not t1) and (k != c2 or not t2) ...``: as one durable rule every conjunct
    doubles the paths through durable's network, and split into parts every part still does.
    ``k`` has one value, so at most the conjuncts whose ``c`` equals it can be false: the
    conjunction is ``not (k in {c1, c2 ...}) or (k == c1 and r1) or (k == c2 and r2) ...``
    where ``r`` is the conjunction of the rests of the conjuncts guarded by that value (none:
    false). Absent ``k`` makes both sides true. Conjuncts not guarded by ``k`` stay beside.
    """
    by_fact: dict[str, list[int]] = {}
    values: dict[str, set[Scalar]] = {}
    for index, child in enumerate(node.children):
        for fact in dict.fromkeys(fact for _, (fact, _) in _guards(child)):
            by_fact.setdefault(fact, []).append(index)
        for _, (fact, value) in _guards(child):
            values.setdefault(fact, set()).add(value)
    if not by_fact:
        return None
    # The key guarding the most conjuncts; of those, the one with the fewest values (fewest
    # branches); then by name, so that the same rule always compiles to the same rules.
    key = min(by_fact, key=lambda fact: (-len(by_fact[fact]), len(values[fact]), fact))
    members = by_fact[key]
    if len(members) < 2:
        return None
    rests: dict[Scalar, list[Node] | None] = {}
    for index in members:
        child = node.children[index]
        position, value = next((p, g[1]) for p, g in _guards(child) if g[0] == key)
        siblings = child.children if isinstance(child, Or) else (child,)
        rest = siblings[:position] + siblings[position + 1 :]
        if value not in rests:
            rests[value] = []
        kept = rests[value]
        if not rest:
            rests[value] = None  # the conjunct is just ``k != c``: false when k == c
        elif kept is not None:
            kept.append(rest[0] if len(rest) == 1 else Or(rest))
    branches: list[Node] = [Not(OneOf(key, tuple(rests)))]
    for value, parts in rests.items():
        if parts is not None:
            branches.append(And((Compare(key, "eq", value), *parts)))
    keyed = Or(tuple(branches))
    others = tuple(c for i, c in enumerate(node.children) if i not in set(members))
    return simplify(And((*others, keyed)) if others else keyed)


def _width(node: Node) -> int:
    return len(node.children) if isinstance(node, And | Or) else 1
