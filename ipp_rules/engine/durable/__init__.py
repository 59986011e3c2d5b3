"""The durable_rules backend: compiled conditions run by durable_rules' C engine.

Only the C module ``durable_rules_engine`` is used (no ``Host``, no timer threads). What the
wrapper does about each measured quirk and crash mode of durable_rules 2.0.28 (the crash and
hang modes are listed, and numbered as cited here, in ``tests/engine/test_crash_modes.py``):

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
- The inner condition of ``$iany``/``$iall`` never ends in an ``$or``: durable type-checks
  the last node of that condition and reads, for an ``$or``, a forward node's uninitialised
  memory, refusing the ruleset when the heap held 0x09 there (see ``translate.each``).
- The rules of a group are split into chunks, one durable ruleset each. A model of the
  alpha network durable builds (node sharing, ``$or`` forward nodes) bounds, per chunk, the
  distinct tests, the children of a node, the depth of durable's 64-entry evaluation stack
  (error 303), and the number of paths; per rule, it bounds the expression sequence durable
  keeps for the rule's condition: two entries per ``$and``/``$or``, 31 entries at most, so 15
  operators (error 113, ``ERR_EXPRESSION_LIMIT_EXCEEDED``; a keyed table of 14 entries is 16).
- A rule too big for a chunk is split into several durable rules (``r7_0``, ``r7_1`` ...)
  along exact identities: groups of the branches of an ``Or`` (or of a bounded ``And``
  distributed over its ``Or``) fire the rule when any fires; groups of the children of an
  ``And`` when all fire; value lists are cut into groups of values; a negated keyed table is
  first rewritten as a disjunction (see ``_exclusive``). The parts count against the chunk
  limits like rules. Only a rule no cut makes small enough runs on the reference evaluator.
- A chunk durable refuses all the same is halved and both halves tried again, down to one
  durable rule; only the rule of a durable rule refused alone runs on the reference
  evaluator. Running a rule on the reference evaluator is a correct answer, logged at INFO
  (WARNING reaches stderr through logging's last-resort handler).
- Per handle: an always-true sentinel rule and a warm-up evaluation (crash mode 2), a lock
  held for the whole assert → actions → ``delete_state`` sequence, ASCII counter sids,
  ``delete_state`` in ``finally``; names are deduplicated, the sentinel ignored.
- Any exception from the C module during an evaluation: the handle is discarded and
  rebuilt, that evaluation is answered by the reference evaluator, and a WARNING is logged
  (not when the group was closed during the evaluation: that is no failure).
- Closed groups hand their handles to a small process-wide pool keyed by the ruleset text,
  so rebuilding the same rules reuses them (durable never frees regex state, crash mode 10).
"""

from __future__ import annotations

import contextlib
import itertools
import json
import logging
import threading
from collections import OrderedDict, deque
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

import durable_rules_engine as _d

from ipp_rules.engine import patterns
from ipp_rules.engine.backend import ReferenceGroup
from ipp_rules.engine.durable.limits import (
    MAX_INT,
    MAX_LIST_LENGTH,
    MAX_MESSAGE_BYTES,
    MAX_SEQUENCE_ENTRIES,
    MAX_STRING_JSON,
    Limits,
    json_length,
)
from ipp_rules.engine.durable.network import DurableRule, chunk_fits, sequence_length
from ipp_rules.engine.durable.translate import (
    ELEMENT_TYPES,
    MARKER_KEY,
    SCALAR_TYPES,
    SENTINEL,
    FactSlot,
    Keys,
    Unsupported,
    compile_condition,
    ruleset_name,
)
from ipp_rules.engine.ir import (
    And,
    Compare,
    CompiledRule,
    Const,
    Encoded,
    EncodedType,
    FactRef,
    Node,
    Not,
    OneOf,
    Or,
    Scalar,
    SomeIn,
    simplify,
)
from ipp_rules.errors import EngineError

__all__ = ["MAX_SEQUENCE_ENTRIES", "DurableGroup", "Limits"]

log = logging.getLogger("ipp_rules.engine")


# --- splitting a rule in parts -----------------------------------------------------------


class _TooLarge(Exception):
    """A rule no split makes small enough for one chunk: it runs on the reference evaluator."""


@dataclass(frozen=True)
class _Combine:
    """A rule split in parts: it holds when all (``conjunction``) or any of its parts hold."""

    conjunction: bool
    parts: tuple[_Formula, ...]


_Formula: TypeAlias = str | _Combine
"""How a rule's firing follows from its durable rules: a durable rule name, or a combination."""


def _holds(formula: _Formula, names: set[str]) -> bool:
    if isinstance(formula, str):
        return formula in names
    if formula.conjunction:
        return all(_holds(part, names) for part in formula.parts)
    return any(_holds(part, names) for part in formula.parts)


def _is_union(formula: _Formula) -> bool:
    """True when the rule fires exactly when any of its durable rules fires."""
    if isinstance(formula, str):
        return True
    return not formula.conjunction and all(_is_union(part) for part in formula.parts)


def _names_of(formula: _Formula) -> Iterator[str]:
    if isinstance(formula, str):
        yield formula
    else:
        for part in formula.parts:
            yield from _names_of(part)


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


class _Planner:
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

    def plan(self, node: Node) -> _Formula:
        whole = self.unit(node)
        if whole is not None:
            return self.accept(whole)
        if isinstance(node, And):
            keyed = _exclusive(node)
            if keyed is not None:
                return self.plan(keyed)
        cut = self.cut(node)
        if cut is None:
            raise _TooLarge
        formulas: list[_Formula] = []
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
        return _Combine(cut.conjunction, tuple(formulas))

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


def _exclusive(node: And) -> Node | None:
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


# --- handles ------------------------------------------------------------------------------


class _Handle:
    """One durable ruleset: its C handle, a lock for whole evaluations, a sid counter."""

    def __init__(self, spec: str):
        self.spec = spec
        self.name = ruleset_name("group")
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
        names.discard(SENTINEL)
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
    def __init__(self, rules: Sequence[DurableRule]):
        self.rules = tuple(rules)
        keys: set[str] = set()
        for r in rules:
            keys |= r.keys
        self.keys = tuple(sorted(keys))
        spec: dict[str, Any] = {SENTINEL: {"all": [{"m": {"$s": 1}}]}}
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
        self._keys = Keys(fact_types)
        self._formulas: dict[int, _Formula] = {}
        """Per rule run on durable (by position): how its durable rules give its firing."""
        self._fallback: set[int] = set()
        """Rules (by position) run on the reference evaluator."""
        units: list[DurableRule] = []
        for index, rule in enumerate(self._rules):
            units.extend(self._plan(index, rule))
        try:
            self._build(units)
        except BaseException:
            self.close()
            raise
        self._python = [r for i, r in enumerate(self._rules) if i in self._fallback]
        self._python_group = ReferenceGroup(self._python, fact_types)
        """The rules durable cannot run, answered on every evaluation."""
        self._whole = ReferenceGroup(self._rules, fact_types)
        """Every rule: the answer when a message cannot go to durable, or durable failed."""
        self._direct: dict[str, str] = {}
        """Durable rule name -> rule id, for rules that fire when any of their parts fires."""
        self._combined: list[tuple[str, _Formula]] = []
        """The other split rules: rule id and formula."""
        for index, formula in self._formulas.items():
            rule_id = self._rules[index].id
            if _is_union(formula):
                self._direct.update((name, rule_id) for name in _names_of(formula))
            else:
                self._combined.append((rule_id, formula))
        self._slots = [
            s
            for s in self._keys.slots.values()
            if any(k in c.keys for c in self._chunks for k in _slot_keys(s))
        ]

    # -- building

    def _plan(self, index: int, rule: CompiledRule) -> list[DurableRule]:
        """The durable rules of one rule (none: it never fires, or runs on the reference)."""
        condition = simplify(rule.condition)
        if isinstance(condition, Const) and not condition.value:
            return []
        try:
            cond, read = compile_condition(self._keys, rule.id, condition)
        except Unsupported as why:
            log.info("rule %r runs on the reference evaluator: %s", rule.id, why)
            self._fallback.add(index)
            return []
        whole = DurableRule(
            f"r{index}", index, rule.id, cond, frozenset(read), sequence_length(cond)
        )
        if chunk_fits([whole], self._limits):
            self._formulas[index] = whole.name
            return [whole]
        planner = _Planner(self._keys, self._limits, index, rule.id)
        try:
            self._formulas[index] = planner.plan(condition)
        except Unsupported as why:  # pragma: no cover - the parts hold the rule's literals
            log.info("rule %r runs on the reference evaluator: %s", rule.id, why)
            self._fallback.add(index)
            return []
        except _TooLarge:
            log.info(
                "rule %r is too large for durable_rules, even split in parts; it runs on the "
                "reference evaluator",
                rule.id,
            )
            self._fallback.add(index)
            return []
        log.debug("rule %r runs as %d durable rules", rule.id, len(planner.units))
        return planner.units

    def _split(self, rules: Sequence[DurableRule]) -> list[list[DurableRule]]:
        """Durable rules packed into chunks, in order (each fits a chunk alone)."""
        chunks: list[list[DurableRule]] = []
        current: list[DurableRule] = []
        for rule in rules:
            if chunk_fits([*current, rule], self._limits):
                current.append(rule)
                continue
            if current:
                chunks.append(current)
            current = [rule]
        if current:
            chunks.append(current)
        return chunks

    def _build(self, units: Sequence[DurableRule]) -> None:
        """Create a durable ruleset per chunk. A chunk durable refuses is halved and each
        half tried again, down to a single durable rule: its rule (all of its parts) then
        runs on the reference evaluator, and the other chunks are unaffected."""
        pending = deque(self._split(units))
        refused_before = len(self._fallback)
        while pending:
            group = [u for u in pending.popleft() if u.index not in self._fallback]
            if not group:
                continue
            try:
                chunk = _Chunk(group)
            except EngineError as error:
                if len(group) > 1:
                    half = len(group) // 2
                    pending.extendleft([group[half:], group[:half]])
                    continue
                rule_id = group[0].rule_id
                log.info(
                    "durable_rules refused rule %r (%s); it runs on the reference evaluator",
                    rule_id,
                    error,
                )
                self._fallback.add(group[0].index)
                self._formulas.pop(group[0].index, None)
                continue
            self._chunks.append(chunk)
        if len(self._fallback) == refused_before:
            return
        # Parts of a refused rule built into chunks before the refusal: rebuild without them.
        stale = [c for c in self._chunks if any(u.index in self._fallback for u in c.rules)]
        if not stale:
            return
        self._chunks = [c for c in self._chunks if c not in stale]
        for chunk in stale:
            with chunk.swap:
                handle, chunk.handle = chunk.handle, None
            if handle is not None:
                _release(handle)
        self._build([u for c in stale for u in c.rules if u.index not in self._fallback])

    # -- introspection (diagnostics and tests)

    @property
    def chunk_count(self) -> int:
        """How many durable rulesets the group uses."""
        return len(self._chunks)

    @property
    def chunk_sizes(self) -> tuple[int, ...]:
        """Durable rules per durable ruleset (each part of a split rule counts)."""
        return tuple(len(c.rules) for c in self._chunks)

    @property
    def split_rules(self) -> dict[str, int]:
        """Rules run as several durable rules: rule id -> number of durable rules."""
        counts: dict[str, int] = {}
        for index, formula in self._formulas.items():
            names = sum(1 for _ in _names_of(formula))
            if names > 1:
                counts[self._rules[index].id] = names
        return counts

    @property
    def reference_rule_ids(self) -> tuple[str, ...]:
        """Rules that always run on the reference evaluator (durable cannot run them)."""
        return tuple(r.id for r in self._python)

    @property
    def handle_ids(self) -> tuple[int, ...]:
        """The live durable handles, one per chunk."""
        return tuple(c.handle.handle for c in self._chunks if c.handle is not None)

    # -- evaluation

    def _reference(self, facts: Mapping[str, Encoded]) -> frozenset[str]:
        return self._whole.fired(facts)

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
        ids = set(self._python_group.fired(facts))
        names: set[str] = set()
        for chunk, payload in zip(self._chunks, payloads, strict=True):
            try:
                names |= self._run(chunk, payload)
            except Exception as error:
                if self._closed:
                    # Closed while this evaluation ran: nothing failed, nothing to report.
                    log.debug("rule group closed during an evaluation: %s", error)
                else:
                    log.warning(
                        "durable_rules failed (%s); rebuilt its ruleset, answered by the "
                        "reference evaluator",
                        error,
                    )
                return self._reference(facts)
        direct = self._direct
        ids.update(direct[n] for n in names if n in direct)
        ids.update(rule_id for rule_id, formula in self._combined if _holds(formula, names))
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
                element = ELEMENT_TYPES[slot.type]
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
            if type(value) is not SCALAR_TYPES[slot.type] or not _fits(value):
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


def _slot_keys(slot: FactSlot) -> Iterator[str]:
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
    return json_length(value) <= MAX_STRING_JSON


def _payload(message: Mapping[str, object], keys: Sequence[str]) -> str | None:
    body = {k: message[k] for k in keys if k in message}
    text = json.dumps(body, ensure_ascii=True, allow_nan=False, separators=(",", ":"))
    if len(text) > MAX_MESSAGE_BYTES:
        return None
    head = '{"sid":"%s","id":"f","' + MARKER_KEY + '":1'
    escaped = text.replace("%", "%%")
    return head + ("}" if text == "{}" else "," + escaped[1:])
