"""What a backend does: given the encoded facts of one subject, say which rules fire."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from ipp_rules.engine.ir import CompiledRule, Encoded, EncodedType, evaluate


class RuleGroup(Protocol):
    """Rules of one scope and stratum, compiled for one backend."""

    def fired(self, facts: Mapping[str, Encoded]) -> frozenset[str]:
        """Ids of the rules whose condition holds for ``facts``."""
        ...

    def close(self) -> None:
        """Release what the group holds (engine handles); idempotent."""
        ...


class ReferenceGroup:
    """The reference evaluator: interprets the compiled conditions in Python."""

    def __init__(self, rules: Sequence[CompiledRule], fact_types: Mapping[str, EncodedType]):
        self._rules = tuple(rules)

    def fired(self, facts: Mapping[str, Encoded]) -> frozenset[str]:
        return frozenset(r.id for r in self._rules if evaluate(r.condition, facts))

    def close(self) -> None:
        return None
