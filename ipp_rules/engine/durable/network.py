"""A model of the alpha network durable_rules builds for a ruleset, as far as sizes are
concerned: whether a set of durable rules fits one chunk (one durable ruleset)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from ipp_rules.engine.durable.limits import Limits

__all__ = ["DurableRule", "chunk_fits", "sequence_length"]


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


def sequence_length(cond: dict[str, Any]) -> int:
    """Entries durable appends to a rule's expression sequence while it compiles ``cond``.

    ``createAlpha`` (rete.c) appends ``OP_AND``/``OP_OR`` and then ``OP_END`` for every
    ``$and``/``$or``, those inside an ``$iany``/``$iall`` included; ``findAlpha`` appends one
    more for a test whose right side names a fact of another alias or an arithmetic
    expression over one, which this compiler never writes (``$m`` references to the message
    itself append nothing). The sequence holds ``MAX_SEQUENCE_ENTRIES`` entries; measured:
    15 nested operators compile, 16 fail with error 113, whatever the tests between them.
    """
    entries = 0
    for key, value in cond.items():
        if key in ("$and", "$or"):
            entries += 2 + sum(sequence_length(child) for child in value)
        elif key in ("$iany", "$iall"):
            entries += sequence_length(next(iter(value.values())))
    return entries


@dataclass
class DurableRule:
    """One rule of a durable ruleset: a whole rule, or one part of a rule split in parts."""

    name: str
    index: int
    """Position of the rule it belongs to in the group."""
    rule_id: str
    cond: dict[str, Any]
    keys: frozenset[str]
    entries: int
    """Length of its expression sequence (``sequence_length``)."""


def chunk_fits(rules: Sequence[DurableRule], limits: Limits) -> bool:
    if len(rules) > limits.rules:
        return False
    if any(r.entries > limits.expressions for r in rules):
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
