"""``explain``'s analysis: one decision in full, for the person who has to act on it.

For each finding: the rule, where it is written, its policy source, and the fact values it
saw (the engine's trace). The derived facts that held, and the rules that set them. For a
complaint that needs more information, the additions that would complete it: every finding
of severity ``missing`` names exactly one item (the bundled rules are written that way), so
together they are the smallest set to add.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict

from ipp_rules.engine.engine import Engine
from ipp_rules.models.decision import Decision, Finding, TraceEntry
from ipp_rules.rulesets.compiler import RuleInfo

__all__ = [
    "Addition",
    "DerivedFact",
    "ExplainedFinding",
    "Explanation",
    "RuleReference",
    "explain",
]

_LISTING = re.compile(r"listings\[(?P<index>[0-9]+)\]")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RuleReference(_Model):
    """A rule as the explanation shows it: what it requires and where it is written."""

    id: str
    title: str
    source: str
    location: str
    """``file:line:column`` of the rule in its bundle."""


class ExplainedFinding(_Model):
    """A finding with the rule behind it and the fact values that rule saw."""

    finding: Finding
    rule: RuleReference
    listing: int | None
    values: dict[str, Any]


class DerivedFact(_Model):
    """A derived fact that held, and the rule that set it."""

    fact: str
    rule: RuleReference
    listing: int | None
    values: dict[str, Any]


class Addition(_Model):
    """One item to add to complete the complaint."""

    code: str
    path: str
    message: str
    rule_id: str


class Explanation(_Model):
    """A decision, each finding explained, and what would complete the complaint."""

    decision: Decision
    findings: tuple[ExplainedFinding, ...]
    derived: tuple[DerivedFact, ...]
    additions: tuple[Addition, ...]
    """For ``needs_info``: the smallest set of additions that completes the complaint."""


def explain(engine: Engine, document: Any) -> Explanation:
    """Evaluate ``document`` with a trace and explain the decision."""
    decision = engine.evaluate(document, trace=True)
    info = engine.bundle.compiled.info
    derives = {rule.id: rule.derives for rule in engine.bundle.compiled.rules}
    traced: dict[tuple[str, int | None], TraceEntry] = {
        (entry.rule_id, entry.listing): entry for entry in decision.trace or ()
    }
    findings = []
    for finding in decision.findings:
        listing = _listing_of(finding, traced)
        entry = traced.get((finding.rule_id, listing))
        findings.append(
            ExplainedFinding(
                finding=finding,
                rule=_reference(info[finding.rule_id]),
                listing=listing,
                values=dict(entry.values) if entry is not None else {},
            )
        )
    derived = tuple(
        DerivedFact(
            fact=fact,
            rule=_reference(info[entry.rule_id]),
            listing=entry.listing,
            values=dict(entry.values),
        )
        for entry in decision.trace or ()
        if (fact := derives.get(entry.rule_id)) is not None
    )
    additions: tuple[Addition, ...] = ()
    if decision.outcome == "needs_info":
        additions = tuple(
            Addition(code=f.code, path=f.path, message=f.message, rule_id=f.rule_id)
            for f in decision.findings
            if f.severity == "missing"
        )
    return Explanation(
        decision=decision, findings=tuple(findings), derived=derived, additions=additions
    )


def _reference(info: RuleInfo) -> RuleReference:
    return RuleReference(id=info.id, title=info.title, source=info.source, location=info.location)


def _listing_of(
    finding: Finding, traced: Mapping[tuple[str, int | None], TraceEntry]
) -> int | None:
    """The listing a finding is about: a listing rule's finding points into ``listings[i]``."""
    if (finding.rule_id, None) in traced:
        return None
    found = _LISTING.match(finding.path)
    return int(found["index"]) if found else None
