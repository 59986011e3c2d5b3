"""The compiled form of a rule condition, shared by both backends.

A condition in a ruleset file is type-checked against the fact catalog and lowered to this
small tree: ``And`` / ``Or`` over atoms, with ``Not`` only directly above an atom. Values are
already *encoded* (dates as ordinal days, datetimes as epoch seconds, lists as tuples), so the
durable_rules backend and the reference evaluator read exactly the same input.

Semantics, which both backends must agree on (a hypothesis test checks it):

- A fact is *absent* when its key is missing from the fact mapping. List facts are never
  absent (an absent list is the empty tuple).
- Every comparison with an absent fact, or with an absent fact named as the operand, is
  false. ``Not`` is plain logical negation, so ``Not(Compare(x, "eq", 1))`` is true when
  ``x`` is absent.
- ``AllIn`` over the empty list is true; ``SomeIn`` over the empty list is false.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, TypeAlias

from ipp_rules.facts.types import Encoded, Scope

__all__ = [
    "ATOM_TYPES",
    "ORDERING_OPS",
    "AllIn",
    "And",
    "Atom",
    "Compare",
    "CompareOp",
    "CompiledRule",
    "Const",
    "Empty",
    "Exists",
    "FactRef",
    "Matches",
    "Node",
    "Not",
    "OneOf",
    "Operand",
    "Or",
    "Outcome",
    "Predicate",
    "Scalar",
    "SomeIn",
    "atoms",
    "compile_predicate",
    "evaluate",
    "facts_read",
    "negate",
    "simplify",
]

Scalar: TypeAlias = bool | int | str

CompareOp = Literal["eq", "ne", "lt", "le", "gt", "ge"]
ORDERING_OPS: frozenset[str] = frozenset({"lt", "le", "gt", "ge"})


@dataclass(frozen=True)
class FactRef:
    """Another fact named as the operand of a comparison."""

    name: str


Operand: TypeAlias = Scalar | FactRef


@dataclass(frozen=True)
class Compare:
    """``fact <op> operand``; false if either side is absent."""

    fact: str
    op: CompareOp
    operand: Operand


@dataclass(frozen=True)
class OneOf:
    """The scalar fact equals one of ``values``; false if absent or ``values`` is empty."""

    fact: str
    values: tuple[Scalar, ...]


@dataclass(frozen=True)
class Exists:
    """The fact is present."""

    fact: str


@dataclass(frozen=True)
class Matches:
    """The string fact fully matches ``pattern`` (the documented subset of regular expressions).

    Never under ``Not``: durable_rules cannot negate a match.
    """

    fact: str
    pattern: str


@dataclass(frozen=True)
class SomeIn:
    """Some element of the list fact equals one of ``values`` (literals or one fact reference)."""

    fact: str
    values: tuple[Operand, ...]


@dataclass(frozen=True)
class AllIn:
    """Every element of the list fact equals one of ``values``; true for the empty list."""

    fact: str
    values: tuple[Scalar, ...]


@dataclass(frozen=True)
class Empty:
    """The list fact has no element."""

    fact: str


Atom: TypeAlias = Compare | OneOf | Exists | Matches | SomeIn | AllIn | Empty


@dataclass(frozen=True)
class Not:
    atom: Atom


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Const:
    """A condition that folded to a constant at compile time."""

    value: bool


Node: TypeAlias = Atom | Not | And | Or | Const

ATOM_TYPES: tuple[type, ...] = (Compare, OneOf, Exists, Matches, SomeIn, AllIn, Empty)

Outcome = Literal["reject", "needs_info", "warn", "info", "derive"]


@dataclass(frozen=True)
class CompiledRule:
    """A rule ready for a backend: its id, where it applies, and its condition."""

    id: str
    condition: Node
    scope: Scope = "complaint"
    stratum: int = 0
    derives: str | None = None
    """For a rule whose outcome is a derived fact: the fact's name."""
    facts: frozenset[str] = field(default=frozenset())
    """Every fact the condition reads, operands included."""


def atoms(node: Node) -> Iterator[Atom]:
    """Every atom of a condition, in order."""
    if isinstance(node, And | Or):
        for child in node.children:
            yield from atoms(child)
    elif isinstance(node, Not):
        yield node.atom
    elif isinstance(node, Const):
        return
    else:
        yield node


def facts_read(node: Node) -> frozenset[str]:
    """The names of every fact a condition reads."""
    names: set[str] = set()
    for atom in atoms(node):
        names.add(atom.fact)
        operands: tuple[object, ...] = ()
        if isinstance(atom, Compare):
            operands = (atom.operand,)
        elif isinstance(atom, SomeIn):
            operands = atom.values
        names.update(o.name for o in operands if isinstance(o, FactRef))
    return frozenset(names)


def simplify(node: Node) -> Node:
    """Fold constants and flatten nested ``And``/``Or`` of the same kind."""
    if isinstance(node, And | Or):
        absorbing = isinstance(node, Or)  # True absorbs an Or, False absorbs an And
        kind = type(node)
        kept: list[Node] = []
        for child in (simplify(c) for c in node.children):
            if isinstance(child, Const):
                if child.value == absorbing:
                    return Const(absorbing)
                continue
            if isinstance(child, kind):
                kept.extend(child.children)
            else:
                kept.append(child)
        if not kept:
            return Const(not absorbing)
        if len(kept) == 1:
            return kept[0]
        return kind(tuple(kept))
    if isinstance(node, OneOf) and not node.values:
        return Const(False)
    if isinstance(node, SomeIn) and not node.values:
        return Const(False)
    if isinstance(node, Not):
        inner = simplify(node.atom)
        if isinstance(inner, Const):
            return Const(not inner.value)
        return node
    return node


def negate(node: Node) -> Node:
    """Logical negation, pushed down to the atoms (De Morgan)."""
    if isinstance(node, Const):
        return Const(not node.value)
    if isinstance(node, Not):
        return node.atom
    if isinstance(node, And):
        return Or(tuple(negate(c) for c in node.children))
    if isinstance(node, Or):
        return And(tuple(negate(c) for c in node.children))
    return Not(node)


def evaluate(node: Node, facts: Mapping[str, Encoded]) -> bool:
    """The reference semantics of a condition: a plain interpreter over encoded facts."""
    if isinstance(node, Const):
        return node.value
    if isinstance(node, And):
        return all(evaluate(c, facts) for c in node.children)
    if isinstance(node, Or):
        return any(evaluate(c, facts) for c in node.children)
    if isinstance(node, Not):
        return not evaluate(node.atom, facts)
    return _evaluate_atom(node, facts)


_MISSING = object()


def _resolve(operand: Operand, facts: Mapping[str, Encoded]) -> object:
    if isinstance(operand, FactRef):
        return facts.get(operand.name, _MISSING)
    return operand


def _compare(op: CompareOp, left: object, right: object) -> bool:
    if op == "eq":
        return left == right
    if op == "ne":
        return left != right
    # Ordering is only ever compiled between two ints (type-checked at load time).
    assert isinstance(left, int) and isinstance(right, int)
    if op == "lt":
        return left < right
    if op == "le":
        return left <= right
    if op == "gt":
        return left > right
    return left >= right


def _evaluate_atom(atom: Atom, facts: Mapping[str, Encoded]) -> bool:
    value = facts.get(atom.fact, _MISSING)
    if isinstance(atom, Exists):
        return value is not _MISSING
    if isinstance(atom, Empty | SomeIn | AllIn):
        items = () if value is _MISSING else value
        assert isinstance(items, tuple)
        if isinstance(atom, Empty):
            return not items
        if isinstance(atom, AllIn):
            return all(item in atom.values for item in items)
        wanted = [_resolve(v, facts) for v in atom.values]
        return any(item in wanted for item in items)
    if value is _MISSING:
        return False
    if isinstance(atom, OneOf):
        return value in atom.values
    if isinstance(atom, Matches):
        from ipp_rules.rulesets.patterns import fullmatch

        assert isinstance(value, str)
        return fullmatch(atom.pattern, value)
    right = _resolve(atom.operand, facts)
    if right is _MISSING:
        return False
    return _compare(atom.op, value, right)


Predicate: TypeAlias = Callable[[Mapping[str, Encoded]], bool]
"""A compiled condition: encoded facts in, whether the condition holds out."""

_ORDER_FUNCTIONS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": operator.eq,
    "ne": operator.ne,
    "lt": operator.lt,
    "le": operator.le,
    "gt": operator.gt,
    "ge": operator.ge,
}


def compile_predicate(node: Node) -> Predicate:
    """``node`` as a Python function with the semantics of :func:`evaluate`.

    The dispatch on node types happens once, here, instead of on every evaluation: the
    reference backend runs these functions. A property test checks they answer as
    :func:`evaluate` does.
    """
    if isinstance(node, Const):
        value = node.value
        return lambda facts: value
    if isinstance(node, And):
        parts = tuple(compile_predicate(c) for c in node.children)

        def all_hold(facts: Mapping[str, Encoded]) -> bool:
            for part in parts:  # noqa: SIM110 - a plain loop: no generator per evaluation
                if not part(facts):
                    return False
            return True

        return all_hold
    if isinstance(node, Or):
        options = tuple(compile_predicate(c) for c in node.children)

        def any_holds(facts: Mapping[str, Encoded]) -> bool:
            for option in options:  # noqa: SIM110 - a plain loop: no generator per evaluation
                if option(facts):
                    return True
            return False

        return any_holds
    if isinstance(node, Not):
        inner = compile_predicate(node.atom)
        return lambda facts: not inner(facts)
    return _compile_atom(node)


def _compile_atom(atom: Atom) -> Predicate:
    name = atom.fact
    missing = _MISSING
    if isinstance(atom, Exists):
        return lambda facts: name in facts
    if isinstance(atom, Empty):
        return lambda facts: not facts.get(name, ())
    if isinstance(atom, AllIn):
        allowed = frozenset(atom.values)
        return lambda facts: allowed.issuperset(facts.get(name, ()))  # type: ignore[arg-type]
    if isinstance(atom, SomeIn):
        if not any(isinstance(v, FactRef) for v in atom.values):
            wanted = frozenset(atom.values)
            return lambda facts: not wanted.isdisjoint(facts.get(name, ()))  # type: ignore[arg-type]
        return lambda facts: _evaluate_atom(atom, facts)
    if isinstance(atom, OneOf):
        values = frozenset(atom.values)

        def one_of(facts: Mapping[str, Encoded]) -> bool:
            value = facts.get(name, missing)
            return value is not missing and value in values

        return one_of
    if isinstance(atom, Matches):
        from ipp_rules.rulesets.patterns import fullmatch

        pattern = atom.pattern

        def matches(facts: Mapping[str, Encoded]) -> bool:
            value = facts.get(name, missing)
            return value is not missing and fullmatch(pattern, value)  # type: ignore[arg-type]

        return matches
    test = _ORDER_FUNCTIONS[atom.op]
    operand = atom.operand
    if isinstance(operand, FactRef):
        other = operand.name

        def compare_facts(facts: Mapping[str, Encoded]) -> bool:
            left = facts.get(name, missing)
            right = facts.get(other, missing)
            return left is not missing and right is not missing and test(left, right)

        return compare_facts

    def compare(facts: Mapping[str, Encoded]) -> bool:
        value = facts.get(name, missing)
        return value is not missing and test(value, operand)

    return compare
