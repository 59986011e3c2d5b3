"""``diff``'s analysis: what a bundle change does to a corpus of real complaints.

Every complaint of the corpus (JSON lines) is decided under both bundles. A complaint
changes when its outcome changes or the multiset of its findings, each taken as (rule, code,
path), does. Changes are grouped by the rules responsible: a rule whose finding appears in
the new decision, or disappears from it. Before the complaints, the rules that changed in
the bundle itself are listed, so a change the corpus never exercises is visible too.

With ``jobs=N`` the corpus is split into chunks decided in N processes
(:func:`ipp_rules.engine.batch.map_chunks`), each building its two engines once; the report
is the same whatever N is. Lines that are not valid complaints
are reported with their line numbers; the others are still decided.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from ipp_rules.analysis.changes import BundleChanges, bundle_changes
from ipp_rules.analysis.corpus import CorpusLine, chunks, parse_line, read_corpus
from ipp_rules.engine.batch import map_chunks
from ipp_rules.engine.engine import BackendName, Engine
from ipp_rules.errors import IppRulesError
from ipp_rules.models.intake import load_complaint
from ipp_rules.problems import Problem
from ipp_rules.rulesets.bundle import Bundle, load_bundle

__all__ = [
    "ChangeGroup",
    "ComplaintChange",
    "DiffReport",
    "FindingKey",
    "LineResult",
    "OnDecided",
    "Verdict",
    "compare",
    "decide_corpus",
    "decide_document",
    "decide_lines",
    "diff_corpus",
    "verdict",
]

FindingKey = tuple[str, str, str]
"""A finding as the comparison sees it: (rule id, code, path)."""

_MAX_PROBLEMS_PER_LINE = 3

OnDecided = Callable[[int, int], None]
"""Told ``(decided, total)`` each time more lines of the corpus are decided."""


@dataclass(frozen=True)
class Verdict:
    """A decision, reduced to what the comparison reads."""

    outcome: str
    findings: tuple[FindingKey, ...]


@dataclass(frozen=True)
class LineResult:
    """One corpus line decided under both bundles, or what is wrong with it."""

    line: int
    old: Verdict | None = None
    new: Verdict | None = None
    problem: Problem | None = None
    source: str | None = None
    """The file of the line, for a corpus of several files."""


@dataclass(frozen=True)
class ComplaintChange:
    """A complaint whose decision changes: the findings that appear and disappear."""

    line: int
    old: Verdict
    new: Verdict
    appeared: tuple[FindingKey, ...]
    disappeared: tuple[FindingKey, ...]
    source: str | None = None
    """The file of the line, for a corpus of several files."""

    @property
    def transition(self) -> str:
        return f"{self.old.outcome} -> {self.new.outcome}"

    @property
    def place(self) -> int | str:
        """The line, or ``file:line`` in a corpus of several files."""
        return self.line if self.source is None else f"{self.source}:{self.line}"


@dataclass
class ChangeGroup:
    """The complaints one rule's findings appear in (or disappear from) under the new bundle:
    the changed decisions one rule is responsible for."""

    rule: str
    change: str
    """``now fires`` or ``no longer fires``."""
    lines: list[int | str] = field(default_factory=list)
    """The changed complaints' places (:attr:`ComplaintChange.place`)."""
    outcomes: Counter[str] = field(default_factory=Counter)


@dataclass
class DiffReport:
    """Both bundles, what changed in them, and every complaint of the corpus whose decision
    changes (and the lines that could not be decided)."""

    old: Bundle
    new: Bundle
    corpus: str
    complaints: int
    changes: list[ComplaintChange]
    problems: list[Problem]
    bundle: BundleChanges
    sources: bool = False
    """Whether the corpus is several files (a change's place is then ``file:line``)."""

    @property
    def groups(self) -> list[ChangeGroup]:
        """The changes grouped by the rule responsible, the largest group first."""
        groups: dict[tuple[str, str], ChangeGroup] = {}
        for change in self.changes:
            for keys, word in (
                (change.appeared, "now fires"),
                (change.disappeared, "no longer fires"),
            ):
                for rule in dict.fromkeys(key[0] for key in keys):
                    group = groups.setdefault((rule, word), ChangeGroup(rule, word))
                    group.lines.append(change.place)
                    group.outcomes[change.transition] += 1
        return sorted(groups.values(), key=lambda g: (-len(g.lines), g.rule, g.change))

    @property
    def outcomes(self) -> Counter[str]:
        """How many complaints go from one outcome to another (``needs_info -> accept``)."""
        return Counter(change.transition for change in self.changes)


# ---------------------------------------------------------------------------------------------
# Deciding the corpus

_ENGINES: tuple[Engine, Engine] | None = None
"""The engines of a worker process, built once by :func:`_start_worker`."""


def _start_worker(old: str, new: str, backend: BackendName) -> None:
    global _ENGINES
    _ENGINES = (Engine.from_path(old, backend=backend), Engine.from_path(new, backend=backend))


def _decide_chunk(label: str, lines: Sequence[CorpusLine]) -> list[LineResult]:
    assert _ENGINES is not None, "the worker was not started"
    return decide_lines(_ENGINES, label, lines)


def decide_lines(
    engines: tuple[Engine, Engine], label: str, lines: Iterable[CorpusLine]
) -> list[LineResult]:
    """Decide each line's complaint under both engines."""
    return [decide_document(engines, label, line.number, parse_line(label, line)) for line in lines]


def decide_document(
    engines: tuple[Engine, Engine],
    label: str,
    number: int,
    document: Mapping[str, Any] | Problem,
) -> LineResult:
    """Decide the complaint at ``number`` of the corpus ``label`` under both engines (or say
    what is wrong with it: ``document`` is the problem of a line that holds none)."""
    if isinstance(document, Problem):
        return LineResult(number, problem=document)
    try:
        complaint = load_complaint(document)
        old, new = (verdict(engine, complaint) for engine in engines)
    except IppRulesError as exc:
        return LineResult(number, problem=_line_problem(label, number, exc))
    return LineResult(number, old, new)


def verdict(engine: Engine, complaint: Any) -> Verdict:
    """``engine``'s decision on ``complaint``, as the comparison reads it."""
    decision = engine.evaluate(complaint)
    return Verdict(decision.outcome, tuple((f.rule_id, f.code, f.path) for f in decision.findings))


def _line_problem(label: str, number: int, exc: IppRulesError) -> Problem:
    problems = getattr(exc, "problems", None)
    if problems:
        shown = "; ".join(str(p) for p in problems[:_MAX_PROBLEMS_PER_LINE])
        more = len(problems) - _MAX_PROBLEMS_PER_LINE
        if more > 0:
            shown += f"; and {more} more"
        message = f"not a valid complaint: {shown}"
    else:
        message = f"cannot be decided: {exc}"
    return Problem(message, "complaint", file=label, line=number)


def decide_corpus(
    old: Path,
    new: Path,
    label: str,
    lines: list[CorpusLine],
    *,
    jobs: int = 1,
    backend: BackendName = "auto",
    progress: OnDecided | None = None,
) -> list[LineResult]:
    """Every line decided under both bundles, in line order, in ``jobs`` processes;
    ``progress`` is told how many lines are decided as they are."""
    total = len(lines)
    results: list[LineResult] = []
    # More processes than processors (or than lines) decide nothing sooner: each one only
    # costs a start-up and two loaded bundles.
    jobs = min(jobs, os.cpu_count() or 1, len(lines))
    if jobs <= 1 or len(lines) < 2:
        with (
            Engine.from_path(old, backend=backend) as first,
            Engine.from_path(new, backend=backend) as second,
        ):
            for piece in chunks(lines, 50):
                results.extend(decide_lines((first, second), label, piece))
                if progress is not None:
                    progress(len(piece), total)
        return results
    size = max(1, min(500, -(-len(lines) // (jobs * 8))))
    decided = map_chunks(
        partial(_decide_chunk, label),
        chunks(lines, size),
        jobs=jobs,
        initializer=_start_worker,
        initargs=(str(old), str(new), backend),
    )
    with closing(decided):
        for chunk_results in decided:
            results.extend(chunk_results)
            if progress is not None:
                progress(len(chunk_results), total)
    return sorted(results, key=lambda result: result.line)


def compare(results: Iterable[LineResult]) -> tuple[list[ComplaintChange], list[Problem], int]:
    """The complaints whose decision changes, the bad lines, and how many were decided."""
    changes: list[ComplaintChange] = []
    problems: list[Problem] = []
    decided = 0
    for result in results:
        if result.problem is not None:
            problems.append(result.problem)
            continue
        assert result.old is not None and result.new is not None
        decided += 1
        before, after = Counter(result.old.findings), Counter(result.new.findings)
        if result.old.outcome == result.new.outcome and before == after:
            continue
        changes.append(
            ComplaintChange(
                result.line,
                result.old,
                result.new,
                appeared=tuple((after - before).elements()),
                disappeared=tuple((before - after).elements()),
                source=result.source,
            )
        )
    return changes, problems, decided


def diff_corpus(
    old: str | Path,
    new: str | Path,
    corpus: str | Path,
    *,
    jobs: int = 1,
    backend: BackendName = "auto",
    progress: OnDecided | None = None,
) -> DiffReport:
    """Decide the corpus under both bundles and report what changes; ``progress`` is told
    how many lines are decided as they are (a progress bar, say).

    RulesetError if a bundle does not load (its problems name the files), OSError if the
    corpus cannot be read.
    """
    old_bundle, new_bundle = load_bundle(old), load_bundle(new)
    label = os.fspath(corpus)
    lines, problems = read_corpus(corpus)
    results = decide_corpus(
        old_bundle.root.resolve(),
        new_bundle.root.resolve(),
        label,
        lines,
        jobs=jobs,
        backend=backend,
        progress=progress,
    )
    changes, bad, decided = compare(results)
    every = sorted([*problems, *bad], key=lambda problem: problem.line or 0)
    return DiffReport(
        old_bundle,
        new_bundle,
        label,
        decided,
        changes,
        every,
        bundle_changes(old_bundle, new_bundle),
    )
