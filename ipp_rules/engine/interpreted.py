"""A bundle run rule group by rule group: the durable_rules and reference backends, and traces.

Each evaluation computes the facts a bundle reads into one fact set for the complaint and one
per listing (the complaint's facts copied in), then asks each rule group, stratum by stratum,
which of its rules fire on each subject. It is the slower way through, kept because it lets
an independent engine (durable_rules) decide, and because it holds every value a rule saw,
which is what a trace shows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from ipp_rules.engine.backend import ReferenceGroup, RuleGroup
from ipp_rules.engine.findings import FindingMaker, decision_of, finding_maker, finding_order
from ipp_rules.facts import (
    CATALOG,
    FactSet,
    FactSpec,
    complaint_facts,
    json_ready,
    listing_facts,
    set_fact,
)
from ipp_rules.facts.types import EncodedType, Scope
from ipp_rules.models.complaint import Complaint
from ipp_rules.models.decision import Decision, Finding, TraceEntry
from ipp_rules.rulesets.bundle import Bundle
from ipp_rules.rulesets.compiler import RuleInfo
from ipp_rules.rulesets.ir import CompiledRule

__all__ = ["GroupBackend", "InterpretedProgram"]

GroupBackend = Literal["durable", "reference"]


@dataclass(frozen=True)
class _DerivedStep:
    spec: FactSpec
    rules: frozenset[str]


class InterpretedProgram:
    """A bundle compiled for one group backend: rule groups per stratum and scope."""

    def __init__(self, bundle: Bundle, backend: GroupBackend):
        compiled = bundle.compiled
        self.bundle = bundle
        self.info: Mapping[str, RuleInfo] = compiled.info
        self.rules: Mapping[str, CompiledRule] = {r.id: r for r in compiled.rules}
        self.strata = compiled.strata
        fact_types: dict[str, EncodedType] = {n: s.encoded_type for n, s in compiled.facts.items()}
        self.makers: dict[str, FindingMaker | None] = {
            r.id: finding_maker(compiled.info[r.id], compiled.facts, r.scope)
            for r in compiled.rules
        }
        self.groups: dict[tuple[int, Scope], RuleGroup] = {}
        by_key: dict[tuple[int, Scope], list[CompiledRule]] = {}
        for rule in compiled.rules:
            by_key.setdefault((rule.stratum, rule.scope), []).append(rule)
        try:
            for key, rules in by_key.items():
                self.groups[key] = _make_group(backend, rules, fact_types)
        except BaseException:
            self.close()
            raise
        # A derived fact is set once every rule deriving it has run.
        ready: dict[int, list[_DerivedStep]] = {}
        derivers: dict[str, list[CompiledRule]] = {}
        for rule in compiled.rules:
            if rule.derives:
                derivers.setdefault(rule.derives, []).append(rule)
        for name, rules in derivers.items():
            stratum = max(r.stratum for r in rules)
            ready.setdefault(stratum, []).append(
                _DerivedStep(compiled.facts[name], frozenset(r.id for r in rules))
            )
        self.derived_ready = ready
        # Only the facts some rule, message or finding path reads are computed per evaluation.
        needed = {name for rule in compiled.rules for name in rule.facts}
        for info in compiled.info.values():
            needed.update(info.message.fields if info.message else ())
            needed.update([info.path_fact] if info.path_fact else [])
        self.needed = tuple(spec for spec in CATALOG if spec.name in needed)

    def close(self) -> None:
        for group in self.groups.values():
            group.close()

    def decide(self, model: Complaint, trace: bool) -> Decision:
        base = complaint_facts(model, self.needed)
        listings = listing_facts(model, base, self.needed, self.bundle.category_classes)
        fired: list[tuple[str, FactSet]] = []
        for stratum in range(self.strata):
            complaint_group = self.groups.get((stratum, "complaint"))
            if complaint_group is not None:
                fired.extend((rid, base) for rid in complaint_group.fired(base.encoded))
            listing_group = self.groups.get((stratum, "listing"))
            if listing_group is not None:
                for subject in listings:
                    fired.extend((rid, subject) for rid in listing_group.fired(subject.encoded))
            for step in self.derived_ready.get(stratum, ()):
                _set_derived(step, fired, base, listings)
        return self._decision(fired, trace)

    def _decision(self, fired: list[tuple[str, FactSet]], trace: bool) -> Decision:
        findings: list[tuple[int, Finding]] = []
        entries: list[tuple[tuple[int, int], TraceEntry]] = []
        for rid, subject in fired:
            info = self.info[rid]
            listing = subject.listing
            if trace:
                rule = self.rules[rid]
                values = {name: json_ready(subject.raw.get(name)) for name in sorted(rule.facts)}
                entries.append(
                    (
                        (info.index, -1 if listing is None else listing),
                        TraceEntry(rule_id=rid, listing=listing, values=values),
                    )
                )
            make = self.makers[rid]
            if make is not None:
                assert info.message is not None
                values_read = [subject.raw.get(name) for name in info.message.fields]
                findings.append((finding_order(info, listing), make(listing, values_read)))
        entries.sort(key=lambda pair: pair[0])
        return decision_of(
            findings, self.bundle.identity, [e for _, e in entries] if trace else None
        )


def _make_group(
    backend: GroupBackend, rules: list[CompiledRule], fact_types: Mapping[str, EncodedType]
) -> RuleGroup:
    if backend == "reference":
        return ReferenceGroup(rules, fact_types)
    from ipp_rules.engine.durable import DurableGroup

    return DurableGroup(rules, fact_types)


def _set_derived(
    step: _DerivedStep,
    fired: list[tuple[str, FactSet]],
    base: FactSet,
    listings: list[FactSet],
) -> None:
    on_complaint = any(rid in step.rules and s.listing is None for rid, s in fired)
    if step.spec.scope == "complaint":
        for subject in (base, *listings):
            set_fact(subject, step.spec, on_complaint)
        return
    per_listing = {s.listing for rid, s in fired if rid in step.rules and s.listing is not None}
    for subject in listings:
        set_fact(subject, step.spec, on_complaint or subject.listing in per_listing)
