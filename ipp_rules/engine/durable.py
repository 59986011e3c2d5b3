"""The durable_rules backend: compiled conditions run by durable_rules' C engine.

Only the C module ``durable_rules_engine`` is used (no ``Host``, no timer threads). What the
wrapper does about each measured quirk and crash mode of durable_rules 2.0.28 (see
``durable-rules-notes.md``):

- Facts are serialised here: each fact gets a short key (``f0``, ``f1`` ...), lists get a
  length companion (``n0`` ...), ``Matches`` atoms get a companion holding the text
  translated for durable's regex engine (``m0`` ...) or, for patterns durable cannot run
  faithfully, the match result computed in Python (``p0`` ...). A message carries only the
  keys its ruleset reads, the marker ``mk`` that the hidden session fact lacks, ``sid`` and
  ``id``. Values durable would mangle (strings whose JSON text exceeds 65,535 characters,
  ints beyond 2**53, oversized lists, wrong types) send the evaluation to the reference
  evaluator instead.
- Positive tests are false on an absent key; ``Not(atom)`` is compiled as ``$or`` of
  ``$nex`` of each fact read and the complementary test. A ``$m`` reference to an absent key
  makes every comparison *true* in durable, so every fact reference is guarded by ``$ex``.
- The rules of a group are split into chunks, one durable ruleset each. A model of the
  alpha network durable builds (node sharing, ``$or`` forward nodes) bounds, per chunk, the
  distinct tests, the children of a node, the depth of durable's 64-entry evaluation stack
  (error 303), and the number of paths; a rule too big for any chunk is evaluated by the
  reference evaluator.
- Per handle: an always-true sentinel rule and a warm-up evaluation (crash mode 2), a lock
  held for the whole assert → actions → ``delete_state`` sequence, ASCII counter sids,
  ``delete_state`` in ``finally``; names are deduplicated, the sentinel ignored.
- Any exception from the C module during an evaluation: the handle is discarded and
  rebuilt, and that evaluation is answered by the reference evaluator.
- Closed groups hand their handles to a small process-wide pool keyed by the ruleset text,
  so rebuilding the same rules reuses them (durable never frees regex state, crash mode 10).
"""

from __future__ import annotations

import contextlib
import itertools
import json
import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import durable_rules_engine as _d

from ipp_rules.engine import patterns
from ipp_rules.engine.ir import (
    AllIn,
    And,
    Atom,
    Compare,
    CompareOp,
    CompiledRule,
    Const,
    Encoded,
    EncodedType,
    Exists,
    FactRef,
    Matches,
    Node,
    Not,
    OneOf,
    Or,
    SomeIn,
    evaluate,
    simplify,
)
from ipp_rules.errors import EngineError

__all__ = ["DurableGroup", "Limits"]

log = logging.getLogger("ipp_rules.engine")

_MARKER_KEY = "mk"
_MARKER: dict[str, Any] = {_MARKER_KEY: 1}
_SENTINEL = "s"
_RESERVED = frozenset({"sid", "id", "$s", "$i", "$forward", _MARKER_KEY})

MAX_INT = 2**53
MAX_STRING_JSON = 65_535
"""Longest JSON text of a string value (durable stores the length in 16 bits)."""
MAX_LIST_LENGTH = 10_000
MAX_MESSAGE_BYTES = 8 * 1024 * 1024
"""durable refuses a value of 16 MiB or more (error 314); a whole message stays under this."""
MAX_PROPERTIES = 250
"""durable refuses more than 254 properties in a message (error 302)."""


@dataclass(frozen=True)
class Limits:
    """Bounds on one chunk (one durable ruleset); see the module docstring."""

    rules: int = 64
    tests: int = 48
    """Distinct JSON test fragments, the marker included."""
    fanout: int = 48
    """Children of one alpha node (durable: 512-slot tables, 128-entry lists)."""
    stack: int = 48
    """Bound on durable's evaluation stack, which holds 64 entries."""
    paths: int = 4096
    """Paths through the alpha network when every test holds (evaluation time)."""
    properties: int = MAX_PROPERTIES


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
_SCALAR_TYPES = {"bool": bool, "int": int, "str": str}
_ELEMENT_TYPES = {"list_str": str, "list_int": int}


def _fnv1a(name: str) -> int:
    """durable's hash of property names (it compares names by this hash only)."""
    h = 2166136261
    for byte in name.encode():
        h = ((h ^ byte) * 16777619) & 0xFFFFFFFF
    return h


class _Unsupported(Exception):
    """A rule durable cannot run faithfully: it is evaluated by the reference evaluator."""


# --- regex probing ------------------------------------------------------------------------

_REGEX_OK: dict[str, bool] = {}
_REGEX_LOCK = threading.Lock()
_NAMES = itertools.count()


def _ruleset_name(kind: str) -> str:
    return f"ipp_rules_{kind}_{os.getpid()}_{next(_NAMES)}"


def _regex_accepted(durable_pattern: str) -> bool:
    """Whether durable builds an automaton for ``durable_pattern`` (it refuses some with
    error 503, too many states). Probed once per process and pattern."""
    with _REGEX_LOCK:
        known = _REGEX_OK.get(durable_pattern)
        if known is not None:
            return known
        spec = {
            _SENTINEL: {"all": [{"m": {"$s": 1}}]},
            "r": {"all": [{"m": {"$mt": {"x": durable_pattern}}}]},
        }
        try:
            handle = _d.create_ruleset(_ruleset_name("probe"), json.dumps(spec))
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
class _FactSlot:
    name: str
    type: EncodedType
    key: str
    length_key: str | None
    matches: dict[str, _MatchCompanion] = field(default_factory=dict)


class _Keys:
    """Short, hash-distinct property names for the facts of one group."""

    def __init__(self, fact_types: Mapping[str, EncodedType]):
        self._types = fact_types
        self.slots: dict[str, _FactSlot] = {}
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

    def slot(self, fact: str) -> _FactSlot:
        found = self.slots.get(fact)
        if found is not None:
            return found
        if fact not in self._types:
            raise EngineError(f"fact {fact!r} is read by a rule but has no declared type")
        kind = self._types[fact]
        length_key = self._new("n") if kind in _ELEMENT_TYPES else None
        created = _FactSlot(fact, kind, self._new("f"), length_key)
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
    def __init__(self, keys: _Keys, rule_id: str):
        self.keys = keys
        self.rule_id = rule_id
        self.read: set[str] = set()
        """Message keys the condition reads."""

    def fail(self, message: str) -> EngineError:
        return EngineError(f"rule {self.rule_id!r}: {message}")

    def fact(self, name: str, kinds: tuple[str, ...] | None = None) -> _FactSlot:
        slot = self.keys.slot(name)
        if kinds is not None and slot.type not in kinds:
            raise self.fail(f"fact {name!r} of type {slot.type} used where {kinds} is needed")
        self.read.add(slot.key)
        if slot.length_key is not None:
            self.read.add(slot.length_key)
        return slot

    def literal(self, slot: _FactSlot, value: object, element: bool = False) -> object:
        kind = _ELEMENT_TYPES[slot.type] if element else _SCALAR_TYPES.get(slot.type)
        if kind is None or type(value) is not kind:
            raise self.fail(f"value {value!r} does not have the type of fact {slot.name!r}")
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_INT:
            raise _Unsupported(f"integer {value} beyond ±2**53")
        if isinstance(value, str) and _json_length(value) > MAX_STRING_JSON:
            raise _Unsupported("string literal longer than durable can compare")
        return value

    def ref(self, slot: _FactSlot, ref: FactRef, element: bool = False) -> _FactSlot:
        other = self.fact(ref.name)
        want = _ELEMENT_TYPES[slot.type] if element else _SCALAR_TYPES.get(slot.type)
        if _SCALAR_TYPES.get(other.type) is not want or want is None:
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
            slot = self.fact(atom.fact, tuple(_ELEMENT_TYPES))
            assert slot.length_key is not None
            empty = {slot.length_key: 0}
            if not atom.values:
                return empty
            values = list(dict.fromkeys(self.literal(slot, v, element=True) for v in atom.values))
            inner = _any_of([{"$i": v} for v in values])
            return {"$or": [empty, {"$iall": {slot.key: inner}}]}
        slot = self.fact(atom.fact, tuple(_ELEMENT_TYPES))
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
            slot = self.fact(atom.fact, tuple(_ELEMENT_TYPES))
            assert slot.length_key is not None
            if not atom.values:
                return {"$neq": {slot.length_key: 0}}
            values = list(dict.fromkeys(self.literal(slot, v, element=True) for v in atom.values))
            inner = _all_of([{"$neq": {"$i": v}} for v in values])
            return {"$iany": {slot.key: inner}}
        slot = self.fact(atom.fact, tuple(_ELEMENT_TYPES))
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
        slot = self.fact(atom.fact, tuple(_ELEMENT_TYPES))
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
                options.append({"$iany": {slot.key: _any_of([{"$i": v} for v in literals])}})
            for key in refs:
                found = {"$iany": {slot.key: {"$i": {"$m": key}}}}
                options.append({"$and": [{"$ex": {key: 1}}, found]})
            return _any_of(options)
        # No element equals a wanted value: true for the empty list; an absent reference
        # wants nothing.
        parts: list[dict[str, Any]] = []
        if literals:
            parts.append({"$iall": {slot.key: _all_of([{"$neq": {"$i": v}} for v in literals])}})
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


def _any_of(tests: list[dict[str, Any]]) -> dict[str, Any]:
    return tests[0] if len(tests) == 1 else {"$or": tests}


def _all_of(tests: list[dict[str, Any]]) -> dict[str, Any]:
    return tests[0] if len(tests) == 1 else {"$and": tests}


def _json_length(text: str) -> int:
    """Length of the JSON text durable stores for ``text`` (escapes kept raw)."""
    if len(text) * 12 <= MAX_STRING_JSON:
        return len(text)  # short enough whatever its escapes; exact length not needed
    return len(json.dumps(text, ensure_ascii=True)) - 2


# --- model of durable's alpha network -----------------------------------------------------


class _Network:
    """The alpha network durable builds for a ruleset, as far as sizes are concerned.

    Mirrors ``createAlpha``/``findAlpha`` of rete.c: a test under a parent is shared with an
    equal test already there (never for ``$iany``/``$iall``); ``$or`` creates a new forward
    node that every branch links to; ``$and`` chains.
    """

    def __init__(self) -> None:
        self.children: list[list[int]] = [[]]
        self.parents: list[list[int]] = [[]]
        self.shared: dict[tuple[int, str], int] = {}
        self.tests: set[str] = set()
        self.rules = 0

    def _new(self) -> int:
        self.children.append([])
        self.parents.append([])
        return len(self.children) - 1

    def _link(self, parent: int, child: int) -> None:
        self.children[parent].append(child)
        self.parents[child].append(parent)

    def add(self, cond: dict[str, Any], parent: int = 0) -> int:
        (key, value), *rest = cond.items()
        if rest:
            raise ValueError("one operator per test")  # pragma: no cover - compiler invariant
        if key == "$and":
            current = parent
            for child in value:
                current = self.add(child, current)
            return current
        if key == "$or":
            forward = self._new()
            for branch in value:
                self._link(self.add(branch, parent), forward)
            return forward
        canon = json.dumps(cond, sort_keys=True)
        self.tests.add(canon)
        if key in ("$iany", "$iall"):
            for inner in _leaves(next(iter(value.values()))):
                self.tests.add(json.dumps(inner, sort_keys=True))
            node = self._new()
            self._link(parent, node)
            return node
        found = self.shared.get((parent, canon))
        if found is not None:
            return found
        node = self._new()
        self.shared[(parent, canon)] = node
        self._link(parent, node)
        return node

    def add_rule(self, cond: dict[str, Any]) -> None:
        self.add(cond)
        self.rules += 1

    def fanout(self) -> int:
        return max(len(c) for c in self.children)

    def stack(self) -> int:
        memo: dict[int, int] = {}

        def depth(node: int) -> int:
            if node not in memo:
                kids = self.children[node]
                memo[node] = (
                    max(len(kids), len(kids) - 1 + max(depth(k) for k in kids)) if kids else 0
                )
            return memo[node]

        return depth(0)

    def paths(self) -> int:
        memo: dict[int, int] = {0: 1}

        def count(node: int) -> int:
            if node not in memo:
                memo[node] = sum(count(p) for p in self.parents[node])
            return memo[node]

        return sum(count(n) for n in range(len(self.children)))


def _leaves(cond: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for key, value in cond.items():
        if key in ("$and", "$or"):
            for child in value:
                yield from _leaves(child)
        else:
            yield {key: value}


@dataclass
class _DurableRule:
    name: str
    rule_id: str
    cond: dict[str, Any]
    keys: frozenset[str]


def _chunk_fits(rules: Sequence[_DurableRule], limits: Limits) -> bool:
    if len(rules) > limits.rules:
        return False
    keys: set[str] = set()
    for r in rules:
        keys |= r.keys
    if len(keys) + 3 > limits.properties:
        return False
    net = _Network()
    net.add_rule({"$s": 1})
    for r in rules:
        net.add_rule(r.cond)
    return (
        len(net.tests) + 1 <= limits.tests
        and net.fanout() <= limits.fanout
        and net.stack() <= limits.stack
        and net.paths() <= limits.paths
    )


# --- handles ------------------------------------------------------------------------------


class _Handle:
    """One durable ruleset: its C handle, a lock for whole evaluations, a sid counter."""

    def __init__(self, spec: str):
        self.spec = spec
        self.name = _ruleset_name("group")
        self.lock = threading.Lock()
        self.sids = itertools.count(1)
        self.alive = False
        try:
            self.handle: int = _d.create_ruleset(self.name, spec)
        except Exception as error:
            raise EngineError(f"durable_rules refused a compiled ruleset: {error}") from error
        self.alive = True
        try:
            with self.lock:
                self.run('{"sid":"%s","id":"w"}')
        except Exception as error:
            self.discard()
            raise EngineError(f"durable_rules failed its warm-up evaluation: {error}") from error

    def run(self, payload: str) -> set[str]:
        """Evaluate one message in a new session; the caller holds ``lock``."""
        sid = str(next(self.sids))
        names: set[str] = set()
        try:
            result = _d.assert_fact(self.handle, payload % sid)
            state = result[1]
            started = _d.start_action_for_state(self.handle, state)
            message = started[1] if started else None
            while message:
                names.update(json.loads(message))
                message = _d.complete_and_start_action(self.handle, state)
        finally:
            _d.delete_state(self.handle, sid)
        names.discard(_SENTINEL)
        return names

    def discard(self) -> None:
        """Delete the ruleset; never raises."""
        with self.lock:
            if not self.alive:
                return
            self.alive = False
            try:
                _d.delete_ruleset(self.handle)
            except Exception as error:
                log.warning("could not delete durable ruleset %s: %s", self.name, error)


_POOL: OrderedDict[int, _Handle] = OrderedDict()
_POOL_LOCK = threading.Lock()
_POOL_SIZE = 32


def _acquire(spec: str) -> _Handle:
    with _POOL_LOCK:
        for key, handle in _POOL.items():
            if handle.spec == spec:
                del _POOL[key]
                return handle
    return _Handle(spec)


def _release(handle: _Handle) -> None:
    evicted: list[_Handle] = []
    with _POOL_LOCK:
        if handle.alive:
            _POOL[id(handle)] = handle
            while len(_POOL) > _POOL_SIZE:
                evicted.append(_POOL.popitem(last=False)[1])
    for old in evicted:
        old.discard()


class _Chunk:
    def __init__(self, rules: Sequence[_DurableRule]):
        self.rules = tuple(rules)
        self.names = {r.name: r.rule_id for r in rules}
        keys: set[str] = set()
        for r in rules:
            keys |= r.keys
        self.keys = tuple(sorted(keys))
        spec: dict[str, Any] = {_SENTINEL: {"all": [{"m": {"$s": 1}}]}}
        for r in rules:
            spec[r.name] = {"all": [{"m": r.cond}]}
        self.spec = json.dumps(spec, ensure_ascii=True, allow_nan=False, separators=(",", ":"))
        self.swap = threading.Lock()
        self.handle: _Handle | None = _acquire(self.spec)


class _Stale(Exception):
    """The handle was replaced while this evaluation waited for it."""


# --- the group ----------------------------------------------------------------------------


_MISSING = object()


class DurableGroup:
    """Rules of one scope and stratum, run by durable_rules (see the module docstring)."""

    def __init__(
        self,
        rules: Sequence[CompiledRule],
        fact_types: Mapping[str, EncodedType],
        limits: Limits | None = None,
    ):
        self._rules = tuple(rules)
        self._limits = limits or Limits()
        self._closed = False
        self._lock = threading.Lock()
        self._chunks: list[_Chunk] = []
        self._keys = _Keys(fact_types)
        self._python: list[CompiledRule] = []
        compiled: list[_DurableRule] = []
        for index, rule in enumerate(self._rules):
            built = self._compile(index, rule)
            if built is not None:
                compiled.append(built)
        try:
            for rules_of_chunk in self._split(compiled):
                self._chunks.append(_Chunk(rules_of_chunk))
        except BaseException:
            self.close()
            raise
        self._slots = [
            s
            for s in self._keys.slots.values()
            if any(k in c.keys for c in self._chunks for k in _slot_keys(s))
        ]

    # -- building

    def _compile(self, index: int, rule: CompiledRule) -> _DurableRule | None:
        condition = simplify(rule.condition)
        if isinstance(condition, Const) and not condition.value:
            return None
        compiler = _Compiler(self._keys, rule.id)
        try:
            if isinstance(condition, Const):
                cond: dict[str, Any] = _MARKER
            else:
                body = compiler.node(condition)
                parts = body["$and"] if list(body) == ["$and"] else [body]
                cond = {"$and": [_MARKER, *parts]}
        except _Unsupported as why:
            log.warning("rule %r runs on the reference evaluator: %s", rule.id, why)
            self._python.append(rule)
            return None
        return _DurableRule(f"r{index}", rule.id, cond, frozenset(compiler.read))

    def _split(self, rules: list[_DurableRule]) -> list[list[_DurableRule]]:
        chunks: list[list[_DurableRule]] = []
        current: list[_DurableRule] = []
        for rule in rules:
            if _chunk_fits([*current, rule], self._limits):
                current.append(rule)
                continue
            if current:
                chunks.append(current)
            if _chunk_fits([rule], self._limits):
                current = [rule]
            else:
                log.warning(
                    "rule %r is too large for durable_rules; it runs on the reference evaluator",
                    rule.rule_id,
                )
                self._python.append(self._rules[int(rule.name[1:])])
                current = []
        if current:
            chunks.append(current)
        return chunks

    # -- introspection (diagnostics and tests)

    @property
    def chunk_count(self) -> int:
        """How many durable rulesets the group uses."""
        return len(self._chunks)

    @property
    def chunk_sizes(self) -> tuple[int, ...]:
        """Rules per durable ruleset."""
        return tuple(len(c.rules) for c in self._chunks)

    @property
    def reference_rule_ids(self) -> tuple[str, ...]:
        """Rules that always run on the reference evaluator (too large for durable)."""
        return tuple(r.id for r in self._python)

    @property
    def handle_ids(self) -> tuple[int, ...]:
        """The live durable handles, one per chunk."""
        return tuple(c.handle.handle for c in self._chunks if c.handle is not None)

    # -- evaluation

    def _reference(self, facts: Mapping[str, Encoded]) -> frozenset[str]:
        return frozenset(r.id for r in self._rules if evaluate(r.condition, facts))

    def fired(self, facts: Mapping[str, Encoded]) -> frozenset[str]:
        if self._closed:
            raise EngineError("this rule group is closed")
        message = self._encode(facts)
        if message is None:
            return self._reference(facts)
        payloads: list[str] = []
        for chunk in self._chunks:
            payload = _payload(message, chunk.keys)
            if payload is None:
                return self._reference(facts)
            payloads.append(payload)
        ids = {r.id for r in self._python if evaluate(r.condition, facts)}
        for chunk, payload in zip(self._chunks, payloads, strict=True):
            try:
                names = self._run(chunk, payload)
            except Exception as error:
                log.warning(
                    "durable_rules failed (%s); rebuilt its ruleset, answered by the reference "
                    "evaluator",
                    error,
                )
                return self._reference(facts)
            ids.update(chunk.names[n] for n in names)
        return frozenset(ids)

    def _run(self, chunk: _Chunk, payload: str) -> set[str]:
        for _attempt in range(3):
            handle = chunk.handle
            if handle is None:
                handle = self._replace(chunk, None)
            try:
                with handle.lock:
                    if not handle.alive:
                        raise _Stale
                    return handle.run(payload)
            except _Stale:
                continue
            except Exception:
                self._replace(chunk, handle)
                raise
        raise EngineError("durable_rules handle kept being replaced")  # pragma: no cover

    def _replace(self, chunk: _Chunk, broken: _Handle | None) -> _Handle:
        """Discard ``broken`` (if it is still the chunk's handle) and build a fresh one."""
        with chunk.swap:
            if self._closed:
                raise EngineError("this rule group is closed")
            current = chunk.handle
            if current is not None and current is not broken:
                return current
            if current is not None:
                current.discard()
                chunk.handle = None
            fresh = _Handle(chunk.spec)
            chunk.handle = fresh
            return fresh

    def _encode(self, facts: Mapping[str, Encoded]) -> dict[str, object] | None:
        """The message properties for ``facts``; ``None`` if durable cannot take them."""
        out: dict[str, object] = {}
        for slot in self._slots:
            value = facts.get(slot.name, _MISSING)
            if slot.length_key is not None:
                element = _ELEMENT_TYPES[slot.type]
                items: object = () if value is _MISSING else value
                if type(items) is not tuple or len(items) > MAX_LIST_LENGTH:
                    return None
                for item in items:
                    if type(item) is not element or not _fits(item):
                        return None
                if value is not _MISSING:
                    out[slot.key] = list(items)
                out[slot.length_key] = len(items)
                continue
            if value is _MISSING:
                continue
            if type(value) is not _SCALAR_TYPES[slot.type] or not _fits(value):
                return None
            out[slot.key] = value
            if slot.matches:
                assert isinstance(value, str)
                for companion in slot.matches.values():
                    if companion.translated:
                        out[companion.key] = patterns.durable_text(companion.pattern, value)
                        if len(value) > MAX_STRING_JSON:
                            return None
                    else:
                        out[companion.key] = patterns.fullmatch(companion.pattern, value)
        return out

    # -- lifecycle

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
        for chunk in self._chunks:
            with chunk.swap:
                handle, chunk.handle = chunk.handle, None
            if handle is not None:
                with handle.lock:
                    pass  # wait for an evaluation in flight
                _release(handle)

    def __del__(self) -> None:
        with contextlib.suppress(Exception):  # never raise from a finaliser
            self.close()


def _slot_keys(slot: _FactSlot) -> Iterator[str]:
    yield slot.key
    if slot.length_key is not None:
        yield slot.length_key
    for companion in slot.matches.values():
        yield companion.key


def _fits(value: object) -> bool:
    if isinstance(value, bool):
        return True
    if isinstance(value, int):
        return abs(value) <= MAX_INT
    assert isinstance(value, str)
    return _json_length(value) <= MAX_STRING_JSON


def _payload(message: Mapping[str, object], keys: Sequence[str]) -> str | None:
    body = {k: message[k] for k in keys if k in message}
    text = json.dumps(body, ensure_ascii=True, allow_nan=False, separators=(",", ":"))
    if len(text) > MAX_MESSAGE_BYTES:
        return None
    head = '{"sid":"%s","id":"f","' + _MARKER_KEY + '":1'
    escaped = text.replace("%", "%%")
    return head + ("}" if text == "{}" else "," + escaped[1:])
