"""The facts of one evaluation: the complaint's, and each listing's on top of them.

Only the facts a bundle reads are computed (``specs``); a listing's facts hold the complaint's
too, because a listing rule may read both.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ipp_rules.facts.catalog import CATALOG, FactSpec, encode, listing_views
from ipp_rules.facts.types import Encoded
from ipp_rules.models.complaint import Complaint

__all__ = ["FactSet", "complaint_facts", "listing_facts", "set_fact"]


@dataclass(frozen=True)
class FactSet:
    """The facts of one thing the rules look at: the complaint, or one of its listings."""

    raw: dict[str, Any]
    encoded: dict[str, Encoded]
    listing: int | None = None


def _add(facts: FactSet, spec: FactSpec, value: Any) -> None:
    facts.raw[spec.name] = value
    encoded = encode(spec, value)
    if encoded is not None:
        facts.encoded[spec.name] = encoded


def complaint_facts(complaint: Complaint, specs: Sequence[FactSpec] = CATALOG) -> FactSet:
    """The complaint's facts; only ``specs`` are computed (a bundle reads a few of them)."""
    facts = FactSet({}, {})
    for spec in specs:
        if spec.scope == "complaint" and spec.get is not None:
            _add(facts, spec, spec.get(complaint))
    return facts


def listing_facts(
    complaint: Complaint,
    base: FactSet,
    specs: Sequence[FactSpec] = CATALOG,
    category_tables: Mapping[str, Mapping[str, int]] | None = None,
) -> list[FactSet]:
    """One fact set per listing: the complaint's facts plus the listing's own."""
    listing_specs = [s for s in specs if s.scope == "listing" and s.get is not None]
    fact_sets = []
    for view in listing_views(complaint, category_tables):
        facts = FactSet(dict(base.raw), dict(base.encoded), listing=view.index)
        for spec in listing_specs:
            _add(facts, spec, spec.get(view))  # type: ignore[misc]
        fact_sets.append(facts)
    return fact_sets


def set_fact(facts: FactSet, spec: FactSpec, value: Any) -> None:
    """Set a derived fact in a fact set."""
    _add(facts, spec, value)
