"""What a backend does: given the encoded facts of one subject, say which rules fire."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from ipp_rules.facts.types import Encoded, EncodedType
from ipp_rules.rulesets.ir import CompiledRule, compile_predicate

__all__ = [
    "ReferenceGroup",
    "RuleGroup",
]


class RuleGroup(Protocol):
    """Rules of one scope and stratum, compiled for one backend."""

    def fired(self, facts: Mapping[str, Encoded]) -> frozenset[str]:
        """Ids of the rules whose condition holds for ``facts``."""
        ...

    def close(self) -> None:
        """Release what the group holds (engine handles); idempotent."""
        ...


class ReferenceGroup:
    """The reference evaluator: runs the compiled conditions as Python functions
    (:func:`~ipp_rules.rulesets.ir.compile_predicate`)."""

    def __init__(self, rules: Sequence[CompiledRule], fact_types: Mapping[str, EncodedType]):
        self._checks = tuple((r.id, compile_predicate(r.condition)) for r in rules)

    def fired(self, facts: Mapping[str, Encoded]) -> frozenset[str]:
        return frozenset(rule_id for rule_id, holds in self._checks if holds(facts))

    def close(self) -> None:
        return None
