"""``ipp-rules diff OLD NEW --corpus FILE``: the preview of a bundle change on real complaints.

Every complaint of the corpus (JSON lines) is decided under both bundles. A complaint
changes when its outcome changes or the multiset of its findings, each taken as (rule, code,
path), does. Changes are grouped by the rules responsible: a rule whose finding appears in
the new decision, or disappears from it. Before the complaints, the rules that changed in
the bundle itself are listed, so a change the corpus never exercises is visible too.

With ``--jobs N`` the corpus is split into chunks decided in N processes, each building its
two engines once; the report is the same whatever N is. Exit status: 0 no complaint's
decision changes, 1 some do, 2 a bundle does not load, the corpus cannot be read, or some of
its lines are not valid complaints (reported with their line numbers).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
from collections import Counter
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from ipp_rules.engine.engine import BackendName, Engine
from ipp_rules.errors import IppRulesError, RulesetError
from ipp_rules.models.intake import load_complaint
from ipp_rules.problems import Problem
from ipp_rules.rulesets.bundle import Bundle, load_bundle
from ipp_rules.tools.changes import BundleChanges, bundle_changes
from ipp_rules.tools.corpus import CorpusLine, chunks, parse_line, read_corpus
from ipp_rules.tools.progress import Progress

EXIT_SAME = 0
EXIT_CHANGED = 1
EXIT_INVALID = 2

FindingKey = tuple[str, str, str]
"""A finding as the comparison sees it: (rule id, code, path)."""

_MAX_LINES_SHOWN = 10
_MAX_PROBLEMS_PER_LINE = 3


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


@dataclass(frozen=True)
class ComplaintChange:
    """A complaint whose decision changes: the findings that appear and disappear."""

    line: int
    old: Verdict
    new: Verdict
    appeared: tuple[FindingKey, ...]
    disappeared: tuple[FindingKey, ...]

    @property
    def transition(self) -> str:
        return f"{self.old.outcome} -> {self.new.outcome}"


@dataclass
class RuleGroup:
    """The complaints one rule's findings appear in (or disappear from) under the new bundle."""

    rule: str
    change: str
    """``now fires`` or ``no longer fires``."""
    lines: list[int] = field(default_factory=list)
    outcomes: Counter[str] = field(default_factory=Counter)


@dataclass
class DiffReport:
    old: Bundle
    new: Bundle
    corpus: str
    complaints: int
    changes: list[ComplaintChange]
    problems: list[Problem]
    bundle: BundleChanges

    @property
    def groups(self) -> list[RuleGroup]:
        groups: dict[tuple[str, str], RuleGroup] = {}
        for change in self.changes:
            for keys, word in (
                (change.appeared, "now fires"),
                (change.disappeared, "no longer fires"),
            ):
                for rule in dict.fromkeys(key[0] for key in keys):
                    group = groups.setdefault((rule, word), RuleGroup(rule, word))
                    group.lines.append(change.line)
                    group.outcomes[change.transition] += 1
        return sorted(groups.values(), key=lambda g: (-len(g.lines), g.rule, g.change))

    @property
    def outcomes(self) -> Counter[str]:
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
    results = []
    for line in lines:
        document = parse_line(label, line)
        if isinstance(document, Problem):
            results.append(LineResult(line.number, problem=document))
            continue
        try:
            complaint = load_complaint(document)
            old, new = (_verdict(engine, complaint) for engine in engines)
        except IppRulesError as exc:
            results.append(LineResult(line.number, problem=_line_problem(label, line, exc)))
            continue
        results.append(LineResult(line.number, old, new))
    return results


def _verdict(engine: Engine, complaint: Any) -> Verdict:
    decision = engine.evaluate(complaint)
    return Verdict(decision.outcome, tuple((f.rule_id, f.code, f.path) for f in decision.findings))


def _line_problem(label: str, line: CorpusLine, exc: IppRulesError) -> Problem:
    problems = getattr(exc, "problems", None)
    if problems:
        shown = "; ".join(str(p) for p in problems[:_MAX_PROBLEMS_PER_LINE])
        more = len(problems) - _MAX_PROBLEMS_PER_LINE
        if more > 0:
            shown += f"; and {more} more"
        message = f"not a valid complaint: {shown}"
    else:
        message = f"cannot be decided: {exc}"
    return Problem(message, "complaint", file=label, line=line.number)


def decide_corpus(
    old: Path,
    new: Path,
    label: str,
    lines: list[CorpusLine],
    *,
    jobs: int = 1,
    backend: BackendName = "auto",
    progress: Progress | None = None,
) -> list[LineResult]:
    """Every line decided under both bundles, in line order, in ``jobs`` processes."""
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
                    progress.advance(len(piece))
        return results
    size = max(1, min(500, -(-len(lines) // (jobs * 8))))
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=context,
        initializer=_start_worker,
        initargs=(str(old), str(new), backend),
    ) as pool:
        futures = {
            pool.submit(_decide_chunk, label, piece): len(piece) for piece in chunks(lines, size)
        }
        for future in as_completed(futures):
            results.extend(future.result())
            if progress is not None:
                progress.advance(futures[future])
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
    progress_stream: TextIO | None = None,
) -> DiffReport:
    """Decide the corpus under both bundles and report what changes.

    RulesetError if a bundle does not load (its problems name the files), OSError if the
    corpus cannot be read.
    """
    old_bundle, new_bundle = load_bundle(old), load_bundle(new)
    label = os.fspath(corpus)
    lines, problems = read_corpus(corpus)
    progress = Progress(len(lines), progress_stream, "diff") if progress_stream else None
    try:
        results = decide_corpus(
            old_bundle.root.resolve(),
            new_bundle.root.resolve(),
            label,
            lines,
            jobs=jobs,
            backend=backend,
            progress=progress,
        )
    finally:
        if progress is not None:
            progress.close()
    changes, bad, decided = compare(results)
    every = sorted([*problems, *bad], key=lambda p: int(p.location.rsplit(":", 1)[1]))
    return DiffReport(
        old_bundle,
        new_bundle,
        label,
        decided,
        changes,
        every,
        bundle_changes(old_bundle, new_bundle),
    )


# ---------------------------------------------------------------------------------------------
# Output


def _bundle_name(bundle: Bundle, path: str) -> str:
    return f"{path} ({bundle.manifest.name} {bundle.manifest.version})"


def _finding(key: FindingKey) -> str:
    rule, code, path = key
    return f"{code} at {path or '(complaint)'} ({rule})"


def report_text(report: DiffReport, old_path: str, new_path: str) -> str:
    lines = [
        f"old: {_bundle_name(report.old, old_path)}",
        f"new: {_bundle_name(report.new, new_path)}",
    ]
    lines += _bundle_change_lines(report.bundle)
    changed = len(report.changes)
    lines += [
        "",
        f"corpus {report.corpus}: {_count(report.complaints, 'complaint')}, "
        f"{changed} changed, {report.complaints - changed} unchanged"
        + (f", {_count(len(report.problems), 'line')} not decided" if report.problems else ""),
    ]
    if report.changes:
        lines += ["", "outcomes:"]
        outcomes = sorted(report.outcomes.items(), key=lambda item: (-item[1], item[0]))
        width = max(len(transition) for transition, _ in outcomes)
        lines += [f"  {transition.ljust(width)}  {count}" for transition, count in outcomes]
        lines += ["", "by rule:"]
        for group in report.groups:
            lines.append(f"  {group.rule} {group.change}: {_count(len(group.lines), 'complaint')}")
            lines += [
                f"    {transition}: {count}"
                for transition, count in sorted(group.outcomes.items(), key=lambda i: (-i[1], i[0]))
            ]
            shown = ", ".join(str(n) for n in group.lines[:_MAX_LINES_SHOWN])
            more = len(group.lines) - _MAX_LINES_SHOWN
            lines.append(f"    lines {shown}" + (f" and {more} more" if more > 0 else ""))
        lines += ["", "complaints:"]
        for change in report.changes:
            lines.append(f"  {report.corpus}:{change.line}: {change.transition}")
            lines += [f"    + {_finding(key)}" for key in change.appeared]
            lines += [f"    - {_finding(key)}" for key in change.disappeared]
    if report.problems:
        lines += ["", "lines not decided:"]
        lines += [f"  {problem}" for problem in report.problems]
    return "\n".join(lines) + "\n"


def _bundle_change_lines(changes: BundleChanges) -> list[str]:
    if changes.empty:
        return ["", "bundle changes: none"]
    lines = ["", "bundle changes:"]
    for change in changes.rules:
        detail = f" ({', '.join(change.aspects)})" if change.aspects else ""
        lines.append(f"  rule {change.rule}: {change.change}{detail}")
    lines += [f"  category table {name}: changed" for name in changes.category_tables]
    lines += [f"  Good Faith policy: {line}" for line in changes.good_faith]
    return lines


def report_json(report: DiffReport) -> dict[str, Any]:
    def verdict(value: Verdict) -> dict[str, Any]:
        return {"outcome": value.outcome, "findings": [list(key) for key in value.findings]}

    return {
        "old": report.old.identity.model_dump(),
        "new": report.new.identity.model_dump(),
        "corpus": report.corpus,
        "complaints": report.complaints,
        "changed": len(report.changes),
        "unchanged": report.complaints - len(report.changes),
        "outcomes": dict(sorted(report.outcomes.items())),
        "rules": [
            {
                "rule": group.rule,
                "change": group.change.replace(" ", "_"),
                "complaints": len(group.lines),
                "outcomes": dict(sorted(group.outcomes.items())),
                "lines": group.lines,
            }
            for group in report.groups
        ],
        "changes": [
            {
                "line": change.line,
                "old": verdict(change.old),
                "new": verdict(change.new),
                "appeared": [list(key) for key in change.appeared],
                "disappeared": [list(key) for key in change.disappeared],
            }
            for change in report.changes
        ],
        "invalid_lines": [
            {"line": int(p.location.rsplit(":", 1)[1]), "message": p.message}
            for p in report.problems
        ],
        "bundle_changes": {
            "rules": [
                {"rule": c.rule, "change": c.change, "aspects": list(c.aspects)}
                for c in report.bundle.rules
            ],
            "category_tables": list(report.bundle.category_tables),
            "good_faith": list(report.bundle.good_faith),
        },
    }


def _count(number: int, word: str) -> str:
    return f"{number} {word}{'s' if number != 1 else ''}"


# ---------------------------------------------------------------------------------------------
# The command


def _jobs(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of processes (got {text!r})") from None
    if value < 0:
        raise argparse.ArgumentTypeError("expected 0 (one per CPU) or more processes")
    return value or (os.cpu_count() or 1)


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``diff`` to the ``ipp-rules`` subcommands."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "diff",
        help="decide a corpus of complaints under two bundles and report what changes",
        description="Decide every complaint of a corpus (JSON lines: one complaint document "
        "per line) under the OLD and the NEW bundle, and report every complaint whose "
        "outcome or findings change, grouped by the rules responsible. Exit status: 0 no "
        "decision changes, 1 some do, 2 a bundle does not load or a corpus line is invalid.",
    )
    parser.add_argument("old", metavar="OLD", help="the bundle folder in use")
    parser.add_argument("new", metavar="NEW", help="the changed bundle folder")
    parser.add_argument(
        "--corpus", metavar="FILE", required=True, help="complaint documents, one JSON per line"
    )
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument(
        "--jobs",
        type=_jobs,
        default=1,
        metavar="N",
        help="decide in N processes (0: one per CPU, and never more; default 1)",
    )
    parser.add_argument(
        "--backend",
        choices=("auto", "durable", "reference"),
        default="auto",
        help=argparse.SUPPRESS,
    )
    return parser


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Run ``ipp-rules diff`` with parsed ``args``."""
    try:
        report = diff_corpus(
            args.old,
            args.new,
            args.corpus,
            jobs=args.jobs,
            backend=args.backend,
            progress_stream=err,
        )
    except RulesetError as exc:
        err.write(f"ipp-rules diff: {exc}\n")
        return EXIT_INVALID
    except OSError as exc:
        reason = exc.strerror or str(exc)
        where = f": {exc.filename}" if exc.filename else ""
        err.write(f"ipp-rules diff: {reason}{where}\n")
        return EXIT_INVALID
    if args.format == "json":
        out.write(json.dumps(report_json(report), indent=2, ensure_ascii=False) + "\n")
    else:
        out.write(report_text(report, args.old, args.new))
    if report.problems:
        err.write(
            f"ipp-rules diff: {_count(len(report.problems), 'corpus line')} could not be "
            "decided (listed in the report)\n"
        )
        return EXIT_INVALID
    return EXIT_CHANGED if report.changes else EXIT_SAME
