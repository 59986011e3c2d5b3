"""``Engine``: a loaded bundle, compiled for a backend, that turns complaints into decisions."""

from __future__ import annotations

import importlib.util
import logging
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, overload

from ipp_rules.deadlines import (
    CaseEvent,
    CaseState,
    Deadline,
    DeadlinePolicy,
    compute_deadline,
    deadline_function,
    replay,
)
from ipp_rules.engine.backend import ReferenceGroup, RuleGroup
from ipp_rules.errors import EngineError, RulesetError
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
from ipp_rules.goodfaith import (
    Eligibility,
    HistoryRecord,
    MembershipEvent,
    evaluate_good_faith,
    history_records,
)
from ipp_rules.models.complaint import Complaint
from ipp_rules.models.decision import Decision, Finding, TraceEntry
from ipp_rules.models.intake import load_complaint
from ipp_rules.problems import Problem
from ipp_rules.rulesets.bundle import Bundle, load_bundle
from ipp_rules.rulesets.compiler import RuleInfo
from ipp_rules.rulesets.ir import CompiledRule

if TYPE_CHECKING:
    from collections.abc import Generator

    from ipp_rules.engine.batch import Document, ErrorMode
    from ipp_rules.errors import ComplaintError

__all__ = [
    "BackendName",
    "Engine",
    "default_bundle_path",
    "durable_available",
]

log = logging.getLogger("ipp_rules.engine")

BackendName = Literal["auto", "durable", "reference"]
_SEVERITY_RANK = {"error": 0, "missing": 1, "warning": 2, "info": 3}


def default_bundle_path() -> Path:
    """The bundle shipped with the package (in a wheel), or the repository's ``rulesets/``."""
    package = Path(__file__).resolve().parents[1]
    shipped = package / "_bundle"
    if (shipped / "bundle.yaml").is_file():
        return shipped
    return package.parent / "rulesets"


def durable_available() -> bool:
    return importlib.util.find_spec("durable_rules_engine") is not None


@dataclass(frozen=True)
class _DerivedStep:
    spec: FactSpec
    rules: frozenset[str]


class _Program:
    """A bundle compiled for one backend: rule groups per stratum and scope."""

    def __init__(self, bundle: Bundle, backend: BackendName):
        compiled = bundle.compiled
        self.bundle = bundle
        self.info: Mapping[str, RuleInfo] = compiled.info
        self.facts = compiled.facts
        self.rules: Mapping[str, CompiledRule] = {r.id: r for r in compiled.rules}
        self.strata = compiled.strata
        fact_types: dict[str, EncodedType] = {n: s.encoded_type for n, s in self.facts.items()}
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
                _DerivedStep(self.facts[name], frozenset(r.id for r in rules))
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


def _make_group(
    backend: BackendName, rules: list[CompiledRule], fact_types: Mapping[str, EncodedType]
) -> RuleGroup:
    if backend == "reference":
        return ReferenceGroup(rules, fact_types)
    from ipp_rules.engine.durable import DurableGroup

    return DurableGroup(rules, fact_types)


class Engine:
    """Evaluates complaints against a bundle. Safe to share between threads."""

    def __init__(self, bundle: Bundle, *, backend: BackendName = "auto"):
        if backend == "auto":
            backend = "durable" if durable_available() else "reference"
        if backend == "durable" and not durable_available():
            raise EngineError("the durable_rules engine is not installed; use backend='reference'")
        self.backend: BackendName = backend
        self._program = _Program(bundle, backend)

    @classmethod
    def default(cls, *, backend: BackendName = "auto") -> Engine:
        """The bundled rulesets."""
        return cls.from_path(default_bundle_path(), backend=backend)

    @classmethod
    def from_path(cls, path: str | os.PathLike[str], *, backend: BackendName = "auto") -> Engine:
        """A bundle folder (or its ``bundle.yaml``); RulesetError if it does not load."""
        return cls(load_bundle(path), backend=backend)

    @property
    def bundle(self) -> Bundle:
        return self._program.bundle

    def reload(self, path: str | os.PathLike[str] | None = None) -> None:
        """Load the bundle again (or another one) and swap it in atomically.

        If the new bundle fails to load or compile, the error is raised and the bundle in use
        stays in use. Evaluations already running finish on the bundle they started with.
        """
        bundle = load_bundle(path if path is not None else self._program.bundle.root)
        self._program = _Program(bundle, self.backend)

    def close(self) -> None:
        self._program.close()

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def good_faith(
        self,
        history: Iterable[HistoryRecord | Mapping[str, Any]],
        as_of: datetime | date,
        platform: str = "taobao",
        membership: Iterable[MembershipEvent] = (),
    ) -> Eligibility:
        """Good Faith Program eligibility of a reporting history, under the bundle's policy.

        ``history`` holds records (models or mappings: submitted_at, platform, reason,
        outcome, counter_notification, false_information); a bad record raises HistoryError
        naming it. ``membership`` lists the account's removals and withdrawals, for the
        rejoin wait.
        """
        bundle = self._program.bundle
        if bundle.good_faith is None:
            problem = Problem(
                "this bundle has no good_faith policy "
                "(name one in bundle.yaml: good_faith: good_faith.yaml)",
                "no_policy",
                file=str(bundle.root),
            )
            raise RulesetError([problem])
        records = history_records(history)
        return evaluate_good_faith(bundle.good_faith, records, as_of, platform, membership)

    def deadline(
        self, platform: str, kind: str, received_at: datetime, country: str | None = None
    ) -> Deadline:
        """When a period that starts at ``received_at`` ends, on the marketplace's calendar.

        ``kind``: merchant_counter_notification, rights_holder_response, account_verification
        or takedown_processing. ``received_at`` must carry an offset (DeadlineError if not);
        past the calendar's published horizon, CalendarHorizonError unless the bundle allows
        estimates.
        """
        return compute_deadline(self._deadline_policy(), platform, kind, received_at, country)

    def lifecycle(
        self,
        events: Iterable[CaseEvent | Mapping[str, Any]],
        platform: str,
        country: str | None = None,
        now: datetime | None = None,
    ) -> CaseState:
        """A complaint's state from its events: what is due next and by when, and what the
        policy deemed when a deadline passed before ``now``."""
        deadlines = deadline_function(self._deadline_policy(), platform, country)
        return replay(events, deadlines=deadlines, now=now)

    def _deadline_policy(self) -> DeadlinePolicy:
        bundle = self._program.bundle
        if bundle.deadlines is None:
            problem = Problem(
                "this bundle has no deadline policy (name one in bundle.yaml: deadlines: "
                "deadlines.yaml)",
                "no_policy",
                file=str(bundle.root),
            )
            raise RulesetError([problem])
        return bundle.deadlines

    def evaluate(
        self, complaint: Complaint | Mapping[str, Any], *, trace: bool = False
    ) -> Decision:
        """Decide a complaint: a Complaint model, or a document as a mapping.

        A document that does not match the complaint model raises ComplaintError.
        """
        model = load_complaint(complaint)
        program = self._program
        base = complaint_facts(model, program.needed)
        listings = listing_facts(model, base, program.needed, program.bundle.category_classes)
        fired: list[tuple[str, FactSet]] = []
        for stratum in range(program.strata):
            complaint_group = program.groups.get((stratum, "complaint"))
            if complaint_group is not None:
                fired.extend((rid, base) for rid in complaint_group.fired(base.encoded))
            listing_group = program.groups.get((stratum, "listing"))
            if listing_group is not None:
                for subject in listings:
                    fired.extend((rid, subject) for rid in listing_group.fired(subject.encoded))
            for step in program.derived_ready.get(stratum, ()):
                _set_derived(step, fired, base, listings)
        return _decision(program, fired, trace)

    @overload
    def evaluate_many(
        self,
        documents: Iterable[Document],
        *,
        jobs: int = ...,
        errors: Literal["raise"] = ...,
        trace: bool = ...,
        chunk_size: int | None = ...,
    ) -> Generator[Decision, None, None]: ...

    @overload
    def evaluate_many(
        self,
        documents: Iterable[Document],
        *,
        jobs: int = ...,
        errors: ErrorMode,
        trace: bool = ...,
        chunk_size: int | None = ...,
    ) -> Generator[Decision | ComplaintError, None, None]: ...

    def evaluate_many(
        self,
        documents: Iterable[Document],
        *,
        jobs: int = 1,
        errors: ErrorMode = "raise",
        trace: bool = False,
        chunk_size: int | None = None,
    ) -> Generator[Decision | ComplaintError, None, None]:
        """Decide many complaints: one result per document, in their order, as a stream.

        A document is what :meth:`evaluate` takes (a Complaint, a mapping) or one JSON
        document as ``str`` or ``bytes`` (a line of a JSON lines file), read as
        :func:`~ipp_rules.models.intake.load_complaint_json` reads it. ``documents`` is read
        lazily, only as far as the results are: it may be a generator that never ends.

        ``jobs=N`` decides in N worker processes, each building its engine once from this
        engine's bundle folder; ``chunk_size`` documents (default 64) go to a worker at a
        time, and at most two chunks per worker are in flight. The results are the same
        whatever ``jobs`` is. Close the iterator (or read it to the end) to stop the workers.
        With ``jobs`` > 1 a mapping must pickle.

        ``errors="raise"`` (the default): a document that is not a valid complaint raises
        its ComplaintError when its turn comes, and the batch ends there. ``errors="return"``:
        its ComplaintError is yielded in its place and the batch goes on. Any other error
        (the engine failing) is raised, from a worker too.
        """
        from ipp_rules.engine.batch import evaluate_many

        return evaluate_many(
            self, documents, jobs=jobs, errors=errors, trace=trace, chunk_size=chunk_size
        )


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


def _decision(program: _Program, fired: list[tuple[str, FactSet]], trace: bool) -> Decision:
    findings: list[tuple[tuple[int, int, int], Finding]] = []
    entries: list[tuple[tuple[int, int], TraceEntry]] = []
    for rid, subject in fired:
        info = program.info[rid]
        rule = program.rules[rid]
        listing = subject.listing
        if trace:
            values = {name: json_ready(subject.raw.get(name)) for name in sorted(rule.facts)}
            entries.append(
                (
                    (info.index, -1 if listing is None else listing),
                    TraceEntry(rule_id=rid, listing=listing, values=values),
                )
            )
        if info.severity is None or info.code is None or info.message is None:
            continue
        findings.append(
            (
                (_SEVERITY_RANK[info.severity], info.index, -1 if listing is None else listing),
                Finding(
                    rule_id=rid,
                    code=info.code,
                    category=info.category,
                    severity=info.severity,
                    message=info.message.render(subject.raw),
                    path=_finding_path(program, info, listing),
                    source=info.source,
                ),
            )
        )
    findings.sort(key=lambda pair: pair[0])
    entries.sort(key=lambda pair: pair[0])
    return Decision.from_findings(
        [f for _, f in findings],
        program.bundle.identity,
        trace=[e for _, e in entries] if trace else None,
    )


def _finding_path(program: _Program, info: RuleInfo, listing: int | None) -> str:
    spec = program.facts.get(info.path_fact) if info.path_fact else None
    if listing is not None and (spec is None or spec.scope != "listing"):
        return f"listings[{listing}]"
    if spec is None or not spec.path:
        return ""
    return spec.document_path(listing)
