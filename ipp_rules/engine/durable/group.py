"""The runtime group: ``DurableGroup`` plans, builds and evaluates the rules of one scope and
stratum on durable_rules, and answers on the reference evaluator what durable cannot."""

from __future__ import annotations

import contextlib
import json
import logging
import threading
from collections import deque
from collections.abc import Iterator, Mapping, Sequence

from ipp_rules.engine.backend import ReferenceGroup
from ipp_rules.engine.durable.handles import Chunk, Handle, release
from ipp_rules.engine.durable.limits import (
    MAX_INT,
    MAX_LIST_LENGTH,
    MAX_MESSAGE_BYTES,
    MAX_STRING_JSON,
    Limits,
    json_length,
)
from ipp_rules.engine.durable.network import DurableRule, chunk_fits, sequence_length
from ipp_rules.engine.durable.split import Formula, Planner, TooLarge, holds, is_union, names_of
from ipp_rules.engine.durable.translate import (
    ELEMENT_TYPES,
    MARKER_KEY,
    SCALAR_TYPES,
    FactSlot,
    Keys,
    Unsupported,
    compile_condition,
)
from ipp_rules.errors import EngineError
from ipp_rules.facts.types import Encoded, EncodedType
from ipp_rules.rulesets import patterns
from ipp_rules.rulesets.ir import CompiledRule, Const, simplify

__all__ = ["DurableGroup"]

log = logging.getLogger("ipp_rules.engine")


class _Stale(Exception):
    """The handle was replaced while this evaluation waited for it."""


_MISSING = object()


class DurableGroup:
    """Rules of one scope and stratum, run by durable_rules (see the package docstring)."""

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
        self._chunks: list[Chunk] = []
        self._keys = Keys(fact_types)
        self._formulas: dict[int, Formula] = {}
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
        self._combined: list[tuple[str, Formula]] = []
        """The other split rules: rule id and formula."""
        for index, formula in self._formulas.items():
            rule_id = self._rules[index].id
            if is_union(formula):
                self._direct.update((name, rule_id) for name in names_of(formula))
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
        planner = Planner(self._keys, self._limits, index, rule.id)
        try:
            self._formulas[index] = planner.plan(condition)
        except Unsupported as why:  # pragma: no cover - the parts hold the rule's literals
            log.info("rule %r runs on the reference evaluator: %s", rule.id, why)
            self._fallback.add(index)
            return []
        except TooLarge:
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
                chunk = Chunk(group)
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
                release(handle)
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
            names = sum(1 for _ in names_of(formula))
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
        ids.update(rule_id for rule_id, formula in self._combined if holds(formula, names))
        return frozenset(ids)

    def _run(self, chunk: Chunk, payload: str) -> set[str]:
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

    def _replace(self, chunk: Chunk, broken: Handle | None) -> Handle:
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
            fresh = Handle(chunk.spec)
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
                release(handle)

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
