"""``ipp-rules diff OLD NEW --corpus FILE``: the preview of a bundle change on real complaints.

Decides every complaint of the corpus (JSON lines) under both bundles
(:func:`ipp_rules.analysis.diff.diff_corpus`) and prints what changes: the rules changed in
the bundle, the outcomes, the changes by rule, and every changed complaint. On a terminal a
progress bar shows on the error output while the corpus is decided. Exit status: 0 no
complaint's decision changes, 1 some do, 2 a bundle does not load, the corpus cannot be
read, or some of its lines are not valid complaints (reported with their line numbers).
"""

from __future__ import annotations

import argparse
import os
from typing import Any, TextIO

from ipp_rules.analysis.changes import BundleChanges
from ipp_rules.analysis.diff import DiffReport, FindingKey, Verdict, diff_corpus
from ipp_rules.cli.arguments import add_backend, add_format, add_scheduler
from ipp_rules.cli.bundles import shown_folder
from ipp_rules.cli.output import EXIT_FOUND, EXIT_INVALID, EXIT_OK, error_document, write_json
from ipp_rules.cli.progress import Progress
from ipp_rules.cli.render_text import count
from ipp_rules.errors import InputError
from ipp_rules.rulesets.bundle import Bundle

__all__ = ["add_parser", "report_json", "report_text", "run"]

_MAX_LINES_SHOWN = 10
_NOT_DECIDED = "corpus lines that could not be decided"


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
        "--corpus",
        metavar="FILE",
        required=True,
        help="complaint documents, one JSON per line; with --scheduler, JSON Lines and "
        "Parquet files by glob pattern or fsspec URL",
    )
    add_format(parser)
    parser.add_argument(
        "--jobs",
        type=_jobs,
        metavar="N",
        help="decide in N processes (0: one per CPU, and never more; default 1)",
    )
    add_scheduler(parser, "decide the corpus")
    add_backend(parser)
    parser.set_defaults(refuse=parser.error)
    return parser


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Run ``ipp-rules diff`` with parsed ``args``."""
    progress: Progress | None = None

    def decided(lines: int, total: int) -> None:
        nonlocal progress
        if progress is None:
            progress = Progress(total, err, "diff")
        progress.advance(lines)

    if args.scheduler is not None:
        if args.jobs is not None:
            args.refuse("argument --jobs: not with --scheduler (the cluster's workers decide)")
        from ipp_rules.cli.distributed import run_diff

        report = run_diff(args, out, err)
    else:
        if args.part_size is not None:
            args.refuse("argument --part-size: goes with --scheduler")
        try:
            report = diff_corpus(
                args.old,
                args.new,
                args.corpus,
                jobs=args.jobs or 1,
                backend=args.backend,
                progress=decided,
            )
        finally:
            if progress is not None:
                progress.close()
    if args.format == "json":
        document = report_json(report)
        if report.problems:
            document.update(error_document(InputError(report.problems, _NOT_DECIDED)))
        write_json(out, document)
    else:
        out.write(report_text(report))
    if report.problems:
        if args.format != "json":
            err.write(
                f"ipp-rules diff: {count(len(report.problems), 'corpus line')} could not be "
                "decided (listed in the report)\n"
            )
        return EXIT_INVALID
    return EXIT_FOUND if report.changes else EXIT_OK


# ---------------------------------------------------------------------------------------------
# The report


def _bundle_name(bundle: Bundle) -> str:
    return f"{shown_folder(bundle.root)} ({bundle.manifest.name} {bundle.manifest.version})"


def _finding(key: FindingKey) -> str:
    rule, code, path = key
    return f"{code} at {path or '(complaint)'} ({rule})"


def report_text(report: DiffReport) -> str:
    """The report for a person: the bundles (and the folders read), what changed in them,
    the counts, the outcomes, the changes by rule, and every changed complaint."""
    lines = [f"old: {_bundle_name(report.old)}", f"new: {_bundle_name(report.new)}"]
    lines += _bundle_change_lines(report.bundle)
    changed = len(report.changes)
    lines += [
        "",
        f"corpus {report.corpus}: {count(report.complaints, 'complaint')}, "
        f"{changed} changed, {report.complaints - changed} unchanged"
        + (f", {count(len(report.problems), 'line')} not decided" if report.problems else ""),
    ]
    if report.changes:
        lines += ["", "outcomes:"]
        outcomes = sorted(report.outcomes.items(), key=lambda item: (-item[1], item[0]))
        width = max(len(transition) for transition, _ in outcomes)
        lines += [f"  {transition.ljust(width)}  {count}" for transition, count in outcomes]
        lines += ["", "by rule:"]
        for group in report.groups:
            lines.append(f"  {group.rule} {group.change}: {count(len(group.lines), 'complaint')}")
            lines += [
                f"    {transition}: {count}"
                for transition, count in sorted(group.outcomes.items(), key=lambda i: (-i[1], i[0]))
            ]
            shown = ", ".join(str(n) for n in group.lines[:_MAX_LINES_SHOWN])
            more = len(group.lines) - _MAX_LINES_SHOWN
            lines.append(f"    lines {shown}" + (f" and {more} more" if more > 0 else ""))
        lines += ["", "complaints:"]
        for change in report.changes:
            where = change.source or report.corpus
            lines.append(f"  {where}:{change.line}: {change.transition}")
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
    """The report as data."""

    def verdict(value: Verdict) -> dict[str, Any]:
        return {"outcome": value.outcome, "findings": [list(key) for key in value.findings]}

    return {
        "old": report.old.identity.model_dump(),
        "new": report.new.identity.model_dump(),
        "old_folder": str(report.old.root.resolve()),
        "new_folder": str(report.new.root.resolve()),
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
                **({"source": change.source} if change.source is not None else {}),
                "old": verdict(change.old),
                "new": verdict(change.new),
                "appeared": [list(key) for key in change.appeared],
                "disappeared": [list(key) for key in change.disappeared],
            }
            for change in report.changes
        ],
        "invalid_lines": [
            {
                "line": problem.line,
                **({"source": problem.file} if report.sources else {}),
                "message": problem.message,
            }
            for problem in report.problems
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
