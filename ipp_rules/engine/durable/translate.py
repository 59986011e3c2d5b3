"""JSON translation of conditions: a rule's condition as the durable_rules condition that
holds exactly when it does, the short message keys and companions it reads, and the probe of
the patterns durable's regex engine accepts."""

from __future__ import annotations

import itertools
import json
import logging
import os
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import durable_rules_engine as _d

from ipp_rules.engine.durable.limits import MAX_INT, MAX_STRING_JSON, json_length
from ipp_rules.errors import EngineError
from ipp_rules.facts.types import EncodedType
from ipp_rules.rulesets import patterns
from ipp_rules.rulesets.ir import (
    AllIn,
    And,
    Atom,
    Compare,
    CompareOp,
    Const,
    Exists,
    FactRef,
    Matches,
    Node,
    Not,
    OneOf,
    Or,
    SomeIn,
)

__all__ = [
    "ELEMENT_TYPES",
    "MARKER_KEY",
    "SCALAR_TYPES",
    "SENTINEL",
    "FactSlot",
    "Keys",
    "Unsupported",
    "compile_condition",
    "each",
    "ends_in_forward",
    "ruleset_name",
]

log = logging.getLogger("ipp_rules.engine")

MARKER_KEY = "mk"
"""The property every message carries and the hidden session fact lacks."""
_MARKER: dict[str, Any] = {MARKER_KEY: 1}
SENTINEL = "s"
"""The name of the always-true rule every durable ruleset holds (crash mode 2)."""
_RESERVED = frozenset({"sid", "id", "$s", "$i", "$forward", MARKER_KEY})


_COMPLEMENT: dict[CompareOp, str] = {
    "eq": "$neq",
    "ne": "$eq",
    "lt": "$gte",
    "le": "$gt",
    "gt": "$lte",
    "ge": "$lt",
}
_OPERATOR: dict[CompareOp, str] = {
    "eq": "$eq",
    "ne": "$neq",
    "lt": "$lt",
    "le": "$lte",
    "gt": "$gt",
    "ge": "$gte",
}
SCALAR_TYPES = {"bool": bool, "int": int, "str": str}
ELEMENT_TYPES = {"list_str": str, "list_int": int}


def _fnv1a(name: str) -> int:
    """durable's hash of property names (it compares names by this hash only)."""
    h = 2166136261
    for byte in name.encode():
        h = ((h ^ byte) * 16777619) & 0xFFFFFFFF
    return h


class Unsupported(Exception):
    """A rule durable cannot run faithfully: it is evaluated by the reference evaluator."""


# --- regex probing ------------------------------------------------------------------------

_REGEX_OK: dict[str, bool] = {}
_REGEX_LOCK = threading.Lock()
_NAMES = itertools.count()


def ruleset_name(kind: str) -> str:
    """A name no other durable ruleset of this process has."""
    return f"ipp_rules_{kind}_{os.getpid()}_{next(_NAMES)}"


def _regex_accepted(durable_pattern: str) -> bool:
    """Whether durable builds an automaton for ``durable_pattern`` (it refuses some with
    error 503, too many states). Probed once per process and pattern."""
    with _REGEX_LOCK:
        known = _REGEX_OK.get(durable_pattern)
        if known is not None:
            return known
        spec = {
            SENTINEL: {"all": [{"m": {"$s": 1}}]},
            "r": {"all": [{"m": {"$mt": {"x": durable_pattern}}}]},
        }
        try:
            handle = _d.create_ruleset(ruleset_name("probe"), json.dumps(spec))
        except Exception:
            ok = False
        else:
            ok = True
            try:
                _d.delete_ruleset(handle)
            except Exception:  # pragma: no cover - deleting a fresh ruleset does not fail
                log.warning("could not delete a regex probe ruleset")
        _REGEX_OK[durable_pattern] = ok
        return ok


# --- keys and companions ------------------------------------------------------------------


@dataclass
class _MatchCompanion:
    """A companion key for one (fact, pattern) pair."""

    key: str
    pattern: str
    translated: bool
    """True: the key holds the translated text, tested with ``$mt``; False: it holds the
    match result computed in Python, tested for ``true``."""


@dataclass
class FactSlot:
    name: str
    type: EncodedType
    key: str
    length_key: str | None
    matches: dict[str, _MatchCompanion] = field(default_factory=dict)


class Keys:
    """Short, hash-distinct property names for the facts of one group."""

    def __init__(self, fact_types: Mapping[str, EncodedType]):
        self._types = fact_types
        self.slots: dict[str, FactSlot] = {}
        self._used = {_fnv1a(n) for n in _RESERVED}
        self._counters: dict[str, Iterator[int]] = {}

    def _new(self, prefix: str) -> str:
        counter = self._counters.setdefault(prefix, itertools.count())
        while True:
            name = f"{prefix}{next(counter)}"
            h = _fnv1a(name)
            if h not in self._used:
                self._used.add(h)
                return name

    def slot(self, fact: str) -> FactSlot:
        found = self.slots.get(fact)
        if found is not None:
            return found
        if fact not in self._types:
            raise EngineError(f"fact {fact!r} is read by a rule but has no declared type")
        kind = self._types[fact]
        length_key = self._new("n") if kind in ELEMENT_TYPES else None
        created = FactSlot(fact, kind, self._new("f"), length_key)
        self.slots[fact] = created
        return created

    def match(self, fact: str, pattern: str) -> _MatchCompanion:
        slot = self.slot(fact)
        found = slot.matches.get(pattern)
        if found is not None:
            return found
        branches = patterns.durable_branches(pattern)
        translated = branches is not None and all(_regex_accepted(b) for b in branches)
        companion = _MatchCompanion(self._new("m" if translated else "p"), pattern, translated)
        slot.matches[pattern] = companion
        return companion


# --- condition compiler -------------------------------------------------------------------


class _Compiler:
    def __init__(self, keys: Keys, rule_id: str):
        self.keys = keys
        self.rule_id = rule_id
        self.read: set[str] = set()
        """Message keys the condition reads."""

    def fail(self, message: str) -> EngineError:
        return EngineError(f"rule {self.rule_id!r}: {message}")

    def fact(self, name: str, kinds: tuple[str, ...] | None = None) -> FactSlot:
        slot = self.keys.slot(name)
        if kinds is not None and slot.type not in kinds:
            raise self.fail(f"fact {name!r} of type {slot.type} used where {kinds} is needed")
        self.read.add(slot.key)
        if slot.length_key is not None:
            self.read.add(slot.length_key)
        return slot

    def literal(self, slot: FactSlot, value: object, element: bool = False) -> object:
        kind = ELEMENT_TYPES[slot.type] if element else SCALAR_TYPES.get(slot.type)
        if kind is None or type(value) is not kind:
            raise self.fail(f"value {value!r} does not have the type of fact {slot.name!r}")
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_INT:
            raise Unsupported(f"integer {value} beyond ±2**53")
        if isinstance(value, str) and json_length(value) > MAX_STRING_JSON:
            raise Unsupported("string literal longer than durable can compare")
        return value

    def ref(self, slot: FactSlot, ref: FactRef, element: bool = False) -> FactSlot:
        other = self.fact(ref.name)
        want = ELEMENT_TYPES[slot.type] if element else SCALAR_TYPES.get(slot.type)
        if SCALAR_TYPES.get(other.type) is not want or want is None:
            raise self.fail(f"facts {slot.name!r} and {ref.name!r} have incomparable types")
        return other

    def node(self, node: Node) -> dict[str, Any]:
        if isinstance(node, And | Or):
            kind = "$and" if isinstance(node, And) else "$or"
            children: list[dict[str, Any]] = []
            for child in node.children:
                compiled = self.node(child)
                if kind in compiled and len(compiled) == 1:
                    children.extend(compiled[kind])
                else:
                    children.append(compiled)
            return {kind: children}
        if isinstance(node, Not):
            return self.negated(node.atom)
        if isinstance(node, Const):  # only after simplify() at the top, handled by caller
            raise self.fail("constant inside a condition")
        return self.atom(node)

    def atom(self, atom: Atom) -> dict[str, Any]:
        if isinstance(atom, Compare):
            return self.compare(atom, negated=False)
        if isinstance(atom, OneOf):
            slot = self.fact(atom.fact, ("bool", "int", "str"))
            values = list(dict.fromkeys(self.literal(slot, v) for v in atom.values))
            tests = [{slot.key: v} for v in values]
            return tests[0] if len(tests) == 1 else {"$or": tests}
        if isinstance(atom, Exists):
            slot = self.fact(atom.fact)
            return {"$ex": {slot.key: 1}}
        if isinstance(atom, Matches):
            return self.matches(atom)
        if isinstance(atom, SomeIn):
            return self.some_in(atom, negated=False)
        if isinstance(atom, AllIn):
            slot = self.fact(atom.fact, tuple(ELEMENT_TYPES))
            assert slot.length_key is not None
            empty = {slot.length_key: 0}
            if not atom.values:
                return empty
            values = list(dict.fromkeys(self.literal(slot, v, element=True) for v in atom.values))
            inner = _any_of([{"$i": v} for v in values])
            return {"$or": [empty, each("$iall", slot.key, inner)]}
        slot = self.fact(atom.fact, tuple(ELEMENT_TYPES))
        assert slot.length_key is not None
        return {slot.length_key: 0}

    def negated(self, atom: Atom) -> dict[str, Any]:
        if isinstance(atom, Compare):
            return self.compare(atom, negated=True)
        if isinstance(atom, OneOf):
            slot = self.fact(atom.fact, ("bool", "int", "str"))
            values = list(dict.fromkeys(self.literal(slot, v) for v in atom.values))
            if not values:
                return _MARKER
            tests = [{"$neq": {slot.key: v}} for v in values]
            differs = tests[0] if len(tests) == 1 else {"$and": tests}
            return {"$or": [{"$nex": {slot.key: 1}}, differs]}
        if isinstance(atom, Exists):
            slot = self.fact(atom.fact)
            return {"$nex": {slot.key: 1}}
        if isinstance(atom, Matches):
            raise self.fail("a negated pattern match cannot run on durable_rules")
        if isinstance(atom, SomeIn):
            return self.some_in(atom, negated=True)
        if isinstance(atom, AllIn):
            slot = self.fact(atom.fact, tuple(ELEMENT_TYPES))
            assert slot.length_key is not None
            if not atom.values:
                return {"$neq": {slot.length_key: 0}}
            values = list(dict.fromkeys(self.literal(slot, v, element=True) for v in atom.values))
            inner = _all_of([{"$neq": {"$i": v}} for v in values])
            return each("$iany", slot.key, inner)
        slot = self.fact(atom.fact, tuple(ELEMENT_TYPES))
        assert slot.length_key is not None
        return {"$neq": {slot.length_key: 0}}

    def compare(self, atom: Compare, *, negated: bool) -> dict[str, Any]:
        scalar = ("bool", "int", "str")
        slot = self.fact(atom.fact, ("int",) if atom.op in _ORDERING else scalar)
        if isinstance(atom.operand, FactRef):
            other = self.ref(slot, atom.operand)
            right: object = {"$m": other.key}
        else:
            other = None
            right = self.literal(slot, atom.operand)
        if not negated:
            test = _test(_OPERATOR[atom.op], slot.key, right)
            if other is None:
                return test
            return {"$and": [{"$ex": {other.key: 1}}, test]}
        branches: list[dict[str, Any]] = [{"$nex": {slot.key: 1}}]
        if other is not None:
            branches.append({"$nex": {other.key: 1}})
        branches.append(_test(_COMPLEMENT[atom.op], slot.key, right))
        return {"$or": branches}

    def matches(self, atom: Matches) -> dict[str, Any]:
        self.fact(atom.fact, ("str",))
        try:
            patterns.validate(atom.pattern)
        except ValueError as error:
            raise self.fail(f"pattern {atom.pattern!r}: {error}") from error
        companion = self.keys.match(atom.fact, atom.pattern)
        self.read.add(companion.key)
        if not companion.translated:
            return {companion.key: True}
        branches = patterns.durable_branches(atom.pattern)
        assert branches is not None
        return _any_of([{"$mt": {companion.key: b}} for b in branches])

    def some_in(self, atom: SomeIn, *, negated: bool) -> dict[str, Any]:
        slot = self.fact(atom.fact, tuple(ELEMENT_TYPES))
        assert slot.length_key is not None
        literals = list(
            dict.fromkeys(
                self.literal(slot, v, element=True)
                for v in atom.values
                if not isinstance(v, FactRef)
            )
        )
        refs = list(
            dict.fromkeys(
                self.ref(slot, v, element=True).key for v in atom.values if isinstance(v, FactRef)
            )
        )
        if not negated:
            options: list[dict[str, Any]] = []
            if literals:
                options.append(each("$iany", slot.key, _any_of([{"$i": v} for v in literals])))
            for key in refs:
                found = {"$iany": {slot.key: {"$i": {"$m": key}}}}
                options.append({"$and": [{"$ex": {key: 1}}, found]})
            return _any_of(options)
        # No element equals a wanted value: true for the empty list; an absent reference
        # wants nothing.
        parts: list[dict[str, Any]] = []
        if literals:
            parts.append(each("$iall", slot.key, _all_of([{"$neq": {"$i": v}} for v in literals])))
        for key in refs:
            differs = {"$iall": {slot.key: {"$neq": {"$i": {"$m": key}}}}}
            parts.append({"$or": [{"$nex": {key: 1}}, differs]})
        if not parts:
            return _MARKER
        return {"$or": [{slot.length_key: 0}, _all_of(parts)]}


_ORDERING = frozenset({"lt", "le", "gt", "ge"})


def _test(operator: str, key: str, right: object) -> dict[str, Any]:
    """One comparison; equality in durable's short form, so equal tests share a node."""
    return {key: right} if operator == "$eq" else {operator: {key: right}}


_EVERY_ELEMENT: dict[str, Any] = {"$ex": {"$i": 1}}
"""A test every element of a list passes (durable gives each element the property ``$i``)."""


def each(operator: str, key: str, inner: dict[str, Any]) -> dict[str, Any]:
    """``{operator: {key: inner}}`` for ``$iany``/``$iall``, never ending in a forward node.

    After compiling the inner condition of an array operator, ``createAlpha`` (rete.c:1313)
    refuses the ruleset (ERR_UNEXPECTED_TYPE) when the right side of the inner condition's
    last node is a fact reference. An inner ``$or`` ends in a forward node, whose right side
    ``createForwardAlpha`` never initialises: durable read heap garbage there and refused
    such rulesets at random (valgrind: "conditional jump depends on uninitialised value").
    An inner condition that would end in a forward node is closed by an always-true test.
    """
    if ends_in_forward(inner):
        inner = {"$and": [inner, _EVERY_ELEMENT]}
    return {operator: {key: inner}}


def ends_in_forward(cond: dict[str, Any]) -> bool:
    """Whether the last alpha node durable builds for ``cond`` is an ``$or``'s forward node."""
    (key, value), *_ = cond.items()
    if key == "$or":
        return True
    return key == "$and" and ends_in_forward(value[-1])


def _any_of(tests: list[dict[str, Any]]) -> dict[str, Any]:
    return tests[0] if len(tests) == 1 else {"$or": tests}


def _all_of(tests: list[dict[str, Any]]) -> dict[str, Any]:
    return tests[0] if len(tests) == 1 else {"$and": tests}


def compile_condition(keys: Keys, rule_id: str, node: Node) -> tuple[dict[str, Any], set[str]]:
    """The durable condition of a simplified, non-false ``node`` and the keys it reads."""
    if isinstance(node, Const):
        return _MARKER, set()
    compiler = _Compiler(keys, rule_id)
    body = compiler.node(node)
    parts = body["$and"] if list(body) == ["$and"] else [body]
    return {"$and": [_MARKER, *parts]}, compiler.read
