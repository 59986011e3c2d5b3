"""From fired rules to findings and a decision, the same for every way of running the rules.

A rule that fires makes one finding per subject it fired on: the complaint, or one listing.
What a finding says is fixed when the bundle loads (code, category, severity, source, the
message's literal text, where its path points), so each rule gets a :class:`FindingMaker`
then, and an evaluation only fills in the listing and the values the message reads. Findings
are ordered by severity, then by the rule's place in the bundle, then by listing.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from functools import lru_cache
from operator import itemgetter
from typing import Any

from ipp_rules.facts import FactSpec
from ipp_rules.models.decision import (
    BundleIdentity,
    Decision,
    Finding,
    Outcome,
    TraceEntry,
    trusted,
)
from ipp_rules.rulesets.compiler import RuleInfo
from ipp_rules.rulesets.templates import format_value

__all__ = [
    "SEVERITY_RANK",
    "FindingMaker",
    "decision_of",
    "finding_maker",
    "finding_order",
    "path_template",
]

SEVERITY_RANK: Mapping[str, int] = {"error": 0, "missing": 1, "warning": 2, "info": 3}
_OUTCOMES: tuple[Outcome, ...] = ("reject", "needs_info", "accept", "accept")
_LISTINGS = 1 << 20  # more listings than a complaint can hold (an order key's stride)

FindingMaker = Callable[[int | None, Sequence[Any]], Finding]
"""Makes a rule's finding about one subject: the listing index (None for the complaint) and
the raw values of the fields the message reads, in the template's order."""


def path_template(
    info: RuleInfo, facts: Mapping[str, FactSpec], scope: str
) -> tuple[str, str | None]:
    """Where a rule's findings point: ``(text, None)`` for a fixed path, or the text before
    and after the listing index."""
    spec = facts.get(info.path_fact) if info.path_fact else None
    if scope == "listing" and (spec is None or spec.scope != "listing"):
        return "listings[", "]"
    if spec is None or not spec.path:
        return "", None
    before, marker, after = spec.path.partition("{i}")
    return (before, after) if marker else (before, None)


def finding_order(info: RuleInfo, listing: int | None) -> int:
    """The sort key of a rule's finding: severity, then the rule's place, then the listing."""
    assert info.severity is not None
    rank = SEVERITY_RANK[info.severity] * (1 << 40) + info.index * _LISTINGS
    return rank + (0 if listing is None else listing + 1)


def finding_maker(info: RuleInfo, facts: Mapping[str, FactSpec], scope: str) -> FindingMaker | None:
    """The maker of a rule's findings, or None for a rule that makes none (it derives a fact,
    or has no code or message)."""
    if info.severity is None or info.code is None or info.message is None:
        return None
    before, after = path_template(info, facts, scope)
    parts = info.message.parts
    constant = all(isinstance(p, str) for p in parts)
    literal = "".join(p for p in parts if isinstance(p, str))
    head = {"rule_id": info.id, "code": info.code, "category": info.category}
    severity, source = info.severity, info.source

    def make(listing: int | None, values: Sequence[Any]) -> Finding:
        if constant:
            message = literal
        else:
            given = iter(values)
            message = "".join(p if isinstance(p, str) else format_value(next(given)) for p in parts)
        path = before if after is None or listing is None else f"{before}{listing}{after}"
        return trusted(
            Finding,
            {
                **head,
                "severity": severity,
                "message": message,
                "path": path,
                "source": source,
            },
        )

    return make


def decision_of(
    findings: Collection[tuple[int, Finding]],
    bundle: BundleIdentity,
    trace: Iterable[TraceEntry] | None = None,
) -> Decision:
    """The decision made by findings given with their order keys (:func:`finding_order`)."""
    if not findings and trace is None:
        return _accepted(bundle)
    ordered = sorted(findings, key=itemgetter(0))
    kept = tuple(finding for _, finding in ordered)
    worst = min((SEVERITY_RANK[f.severity] for f in kept), default=3)
    return trusted(
        Decision,
        {
            "outcome": _OUTCOMES[worst],
            "findings": kept,
            "bundle": bundle,
            "trace": None if trace is None else tuple(trace),
        },
    )


@lru_cache(maxsize=64)
def _accepted(bundle: BundleIdentity) -> Decision:
    """The decision without findings: the same for every complaint a bundle accepts, and
    immutable, so it is built once."""
    return trusted(Decision, {"outcome": "accept", "findings": (), "bundle": bundle, "trace": None})
