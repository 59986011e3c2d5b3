"""What a compiled condition can do: never hold, always hold, or imply another condition.

The analysis works on the IR (``ipp_rules.rulesets.ir``) with the semantics ``ir.evaluate``
defines, absent facts included. A condition is spread into a disjunction of conjunctions of
literals (an atom or its negation); a conjunction holds for some facts exactly when, for each
fact, some value (or its absence) satisfies every literal about that fact, and every relation
between two facts it compares can hold.

What a fact can be is its *domain* (:class:`FactKind`, from the fact catalog): its type, the
closed set of its values, its bounds, and whether a valid complaint can lack it. A required
fact is never absent, a count never negative, a submission date never before 1900. The values
worth trying are finite: the constants the literals name, their neighbours, the bounds, one
value none of them names, and absence where the fact can be absent. Text tested with
``matches`` is decided on the patterns' automata (``patterns.find_text``): some text matches
these patterns, not those, and is none of the constants named.

Answers are sound, never guesses: ``False`` from :meth:`Analysis.satisfiable` means no facts
at all make the condition true. They are exact for every condition that compares no two facts
with each other; where exactness would cost too much (a fact compared with another fact and
also with constants, a condition whose spread form is too large, patterns whose combined
automaton is too large), the analysis drops the literal or gives up, so it may miss a
contradiction but never reports one that is not there.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from ipp_rules.facts import FactSpec
from ipp_rules.facts.types import Encoded, EncodedType
from ipp_rules.rulesets import ir
from ipp_rules.rulesets.patterns import find_text

__all__ = ["ABSENT", "Analysis", "Conflict", "FactKind", "FactTest", "Term"]

FactTest = tuple[ir.Atom, bool]
"""A test on one fact, as a conjunction names it: an atom and whether it holds (True) or is
negated (False). (A *literal*, in the words of logic.)"""

Term = tuple[FactTest, ...]
"""A conjunction of literals, in the order the condition names them."""


class _Absent:
    def __repr__(self) -> str:
        return "ABSENT"


ABSENT: Final = _Absent()
"""The candidate "this fact is not there"."""

_FRESH_TEXT = "\x00none of the values named"
_MAX_LIST_CLASSES = 12
_RELATIONS = ("<", "=", ">")


@dataclass(frozen=True)
class FactKind:
    """What the analysis knows about one fact."""

    type: EncodedType
    choices: tuple[ir.Scalar, ...] | None = None
    """The only values the fact (or, for a list, its elements) can take; None: any value."""
    may_be_absent: bool = True
    """Whether the fact can be missing (for a list, missing reads as the empty list to every
    test but ``Exists``)."""
    bounds: tuple[int, int] | None = None
    """The least and the greatest value of an ``int`` fact (dates and instants encoded)."""

    @classmethod
    def of(cls, spec: FactSpec) -> FactKind:
        """What the fact catalog says a fact can be on a valid complaint."""
        return cls(
            spec.encoded_type,
            spec.allowed_values() if spec.type in ("str", "list_str") else None,
            may_be_absent=not spec.always_present,
            bounds=spec.value_bounds(),
        )


@dataclass(frozen=True)
class Conflict:
    """Why a conjunction cannot hold: these literals, about these facts, contradict."""

    facts: tuple[str, ...]
    literals: tuple[FactTest, ...]


class Analysis:
    """Satisfiability of IR conditions over facts of known kinds.

    ``max_terms`` bounds the size of the spread form (a disjunction of conjunctions); a
    condition beyond it is left undecided.
    """

    def __init__(self, kinds: Mapping[str, FactKind], *, max_terms: int = 4096) -> None:
        self.kinds = kinds
        self.max_terms = max_terms

    # -- questions ----------------------------------------------------------------------

    def satisfiable(self, node: ir.Node) -> bool | None:
        """True if some facts make ``node`` hold, False if none do, None if undecided."""
        terms = self.terms(node)
        if terms is None:
            return None
        return any(self.term_conflict(term) is None for term in terms)

    def never_true(self, node: ir.Node) -> bool:
        return self.satisfiable(node) is False

    def always_true(self, node: ir.Node) -> bool:
        return self.satisfiable(ir.negate(node)) is False

    def implies(self, premise: ir.Node, conclusion: ir.Node) -> bool:
        """Whether every facts that make ``premise`` hold make ``conclusion`` hold too."""
        return self.satisfiable(ir.And((premise, ir.negate(conclusion)))) is False

    def conflict(self, node: ir.Node) -> Conflict | None:
        """For a condition that is one conjunction which cannot hold: the literals to blame."""
        terms = self.terms(node)
        if terms is None or len(terms) != 1:
            return None
        return self.term_conflict(terms[0])

    # -- the spread form ----------------------------------------------------------------

    def terms(self, node: ir.Node) -> list[Term] | None:
        """``node`` as a disjunction of conjunctions, or None if that is too large."""
        if isinstance(node, ir.Const):
            return [()] if node.value else []
        if isinstance(node, ir.Not):
            return [((node.atom, False),)]
        if isinstance(node, ir.Or):
            found: dict[frozenset[FactTest], Term] = {}
            for child in node.children:
                child_terms = self.terms(child)
                if child_terms is None:
                    return None
                for term in child_terms:
                    found.setdefault(frozenset(term), term)
                if len(found) > self.max_terms:
                    return None
            return list(found.values())
        if isinstance(node, ir.And):
            product: list[Term] = [()]
            for child in node.children:
                child_terms = self.terms(child)
                if child_terms is None:
                    return None
                combined: dict[frozenset[FactTest], Term] = {}
                for left in product:
                    for right in child_terms:
                        term = tuple(dict.fromkeys((*left, *right)))
                        if not _complementary(term):
                            combined.setdefault(frozenset(term), term)
                    if len(combined) > self.max_terms:
                        return None
                product = list(combined.values())
            return product
        return [((node, True),)]

    # -- one conjunction ----------------------------------------------------------------

    def term_conflict(self, term: Term) -> Conflict | None:
        """None if the conjunction can hold; otherwise the literals that contradict."""
        by_fact: dict[str, list[FactTest]] = {}
        pairs: dict[tuple[str, str], list[FactTest]] = {}
        for literal in term:
            atom = literal[0]
            if isinstance(atom, ir.Compare) and isinstance(atom.operand, ir.FactRef):
                other = atom.operand.name
                if other != atom.fact:
                    pairs.setdefault(_pair_key(atom.fact, other), []).append(literal)
                    continue
            weakened = _weaken(literal)
            if weakened is not None:
                by_fact.setdefault(weakened[0].fact, []).append(weakened)
        for key, literals in pairs.items():
            absent = any(self._may_be_absent(name) for name in key)
            states = [
                s
                for s in ((ABSENT,) if absent else ()) + _RELATIONS
                if _pair_holds(key, literals, s)
            ]
            if not states:
                return Conflict(key, tuple(literals))
            if ABSENT not in states:
                for name in key:
                    by_fact.setdefault(name, []).append((ir.Exists(name), True))
        for name, literals in by_fact.items():
            if not self._fact_satisfiable(name, literals):
                shown = tuple(lit for lit in term if lit[0].fact == name) or tuple(literals)
                return Conflict((name,), shown)
        return None

    def _may_be_absent(self, name: str) -> bool:
        kind = self.kinds.get(name)
        return kind is None or kind.may_be_absent

    def _fact_satisfiable(self, name: str, literals: Sequence[FactTest]) -> bool:
        kind = self.kinds.get(name)
        if kind is None:
            return True  # a fact the analysis knows nothing about: assume it can be anything
        if kind.type in ("list_str", "list_int"):
            return self._list_satisfiable(name, kind, literals)
        if any(
            all(_holds(literal, name, value) for literal in literals)
            for value in _scalar_candidates(kind, literals)
        ):
            return True
        return kind.type == "str" and kind.choices is None and _some_other_text(name, literals)

    def _list_satisfiable(self, name: str, kind: FactKind, literals: Sequence[FactTest]) -> bool:
        # Elements matter only by which value sets they belong to: try every combination of
        # those classes (each represented by one element), the empty list included.
        sets = [
            frozenset(atom.values) for atom, _ in literals if isinstance(atom, ir.SomeIn | ir.AllIn)
        ]
        named = [v for s in sets for v in s if not isinstance(v, ir.FactRef)]
        universe: list[object] = (
            list(kind.choices)
            if kind.choices is not None
            else [*dict.fromkeys(named), _fresh(kind.type, named)]
        )
        classes: dict[tuple[bool, ...], object] = {}
        for element in universe:
            classes.setdefault(tuple(element in s for s in sets), element)
        representatives = list(classes.values())
        if len(representatives) > _MAX_LIST_CLASSES:
            return True
        values: list[object] = [
            tuple(r for i, r in enumerate(representatives) if mask >> i & 1)
            for mask in range(1 << len(representatives))
        ]
        if kind.may_be_absent:
            values.append(ABSENT)
        return any(all(_holds(literal, name, value) for literal in literals) for value in values)


def _complementary(term: Term) -> bool:
    seen = {literal for literal in term}
    return any((atom, not positive) in seen for atom, positive in term)


def _pair_key(left: str, right: str) -> tuple[str, str]:
    return (left, right) if left <= right else (right, left)


def _weaken(literal: FactTest) -> FactTest | None:
    """A literal the per-fact check can evaluate on its own, implied by ``literal``.

    A list compared with another fact's value only says (if it holds) that the list is not
    empty, or (if negated) that it holds none of the literal values.
    """
    atom, positive = literal
    if isinstance(atom, ir.SomeIn) and any(isinstance(v, ir.FactRef) for v in atom.values):
        if positive:
            return (ir.Empty(atom.fact), False)
        named = tuple(v for v in atom.values if not isinstance(v, ir.FactRef))
        return (ir.SomeIn(atom.fact, named), False) if named else None
    return literal


def _relation_holds(op: ir.CompareOp, relation: str) -> bool:
    return {
        "eq": relation == "=",
        "ne": relation != "=",
        "lt": relation == "<",
        "le": relation in ("<", "="),
        "gt": relation == ">",
        "ge": relation in (">", "="),
    }[op]


_FLIPPED = {"<": ">", "=": "=", ">": "<"}


def _pair_holds(key: tuple[str, str], literals: Iterable[FactTest], state: object) -> bool:
    """Whether every comparison between the two facts of ``key`` holds in ``state``: one of
    them absent, or the first less than, equal to or greater than the second."""
    for atom, positive in literals:
        assert isinstance(atom, ir.Compare)
        if state is ABSENT:
            holds = False
        else:
            assert isinstance(state, str)
            relation = state if atom.fact == key[0] else _FLIPPED[state]
            holds = _relation_holds(atom.op, relation)
        if holds != positive:
            return False
    return True


def _holds(literal: FactTest, name: str, value: object) -> bool:
    atom, positive = literal
    facts: dict[str, Encoded] = {}
    if value is not ABSENT:
        facts[name] = value  # type: ignore[assignment]
    return ir.evaluate(atom, facts) == positive


def _constants(literals: Iterable[FactTest]) -> list[ir.Scalar]:
    found: list[ir.Scalar] = []
    for atom, _ in literals:
        if isinstance(atom, ir.Compare) and not isinstance(atom.operand, ir.FactRef):
            found.append(atom.operand)
        elif isinstance(atom, ir.OneOf):
            found.extend(atom.values)
    return list(dict.fromkeys(found))


def _fresh(kind: EncodedType, named: Sequence[object]) -> object:
    """A value of the kind that none of ``named`` equals."""
    if kind in ("int", "list_int"):
        ints = [v for v in named if isinstance(v, int) and not isinstance(v, bool)]
        return max(ints) + 1 if ints else 0
    text = _FRESH_TEXT
    while text in named:
        text += "\x00"
    return text


def _scalar_candidates(kind: FactKind, literals: Sequence[FactTest]) -> list[object]:
    """Values that between them satisfy every combination of the literals any value of the
    fact satisfies. A text tested with ``matches`` is tried only as one of the constants
    named; :func:`_some_other_text` asks the patterns about the others."""
    constants = _constants(literals)
    candidates: list[object]
    if kind.choices is not None:
        candidates = list(kind.choices)
    elif kind.type == "bool":
        candidates = [True, False]
    elif kind.type == "int":
        ints = [c for c in constants if isinstance(c, int) and not isinstance(c, bool)]
        # Between two constants every value answers alike: one next to each constant stands
        # for its side. Within bounds, a side cut off by a bound is stood for by the bound.
        around = {n + step for n in ints for step in (-1, 0, 1)}
        if kind.bounds is None:
            candidates = [*(sorted(around) or [0])]
        else:
            low, high = kind.bounds
            candidates = [*sorted(n for n in around | {low, high} if low <= n <= high)]
    elif any(isinstance(atom, ir.Matches) for atom, _ in literals):
        candidates = list(constants)
    else:
        candidates = [*constants, _fresh(kind.type, constants)]
    if kind.may_be_absent:
        candidates.append(ABSENT)
    return candidates


def _some_other_text(name: str, literals: Sequence[FactTest]) -> bool:
    """Whether some text none of the literals names satisfies them all: such texts answer
    every literal alike but ``matches``, so the patterns decide. Undecided counts as yes."""
    if not any(isinstance(atom, ir.Matches) for atom, _ in literals):
        return False  # the fresh candidate already stood for every other text
    constants = [c for c in _constants(literals) if isinstance(c, str)]
    fresh = _fresh("str", constants)
    plain = [lit for lit in literals if not isinstance(lit[0], ir.Matches)]
    if not all(_holds(literal, name, fresh) for literal in plain):
        return False
    required = [a.pattern for a, positive in literals if isinstance(a, ir.Matches) and positive]
    refused = [a.pattern for a, positive in literals if isinstance(a, ir.Matches) and not positive]
    found = find_text(required, refused, constants)
    return found.text is not None or not found.decided
