"""``ipp-rules evaluate FILE``: decide one complaint document and print the decision.

``--batch FILE`` decides every complaint of a JSON lines file instead, one decision per line
(:mod:`ipp_rules.cli.batch`). Exit status: 0 accept, 1 needs_info or reject, 2 invalid
document (in a batch, any invalid line), bundle or arguments.
"""

from __future__ import annotations

import argparse
import json
from typing import Any, TextIO

from ipp_rules.cli.arguments import add_backend, add_format, add_rules, add_scheduler
from ipp_rules.cli.bundles import BundleInUse, read_engine
from ipp_rules.cli.inputs import read_input
from ipp_rules.cli.output import EXIT_FOUND, EXIT_OK, write_json
from ipp_rules.cli.render_text import count, wrapped
from ipp_rules.models.decision import Decision
from ipp_rules.models.intake import parse_complaint_document

__all__ = ["add_parser", "decision_text", "run"]


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``evaluate`` to the ``ipp-rules`` subcommands."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "evaluate",
        help="evaluate a complaint document (JSON or YAML)",
        description="Evaluate a complaint document and print the decision; with --batch, "
        "every complaint of a JSON lines file, one decision per line. Exit status: 0 accept, "
        "1 needs_info or reject, 2 invalid document (any invalid line) or bundle.",
    )
    parser.add_argument(
        "file",
        metavar="FILE",
        nargs="?",
        help="complaint document (.json, .yaml; - for standard input)",
    )
    add_rules(parser)
    add_format(parser)
    parser.add_argument(
        "--trace", action="store_true", help="include the rules that fired and the values they saw"
    )
    parser.add_argument(
        "--batch",
        metavar="FILE",
        help="decide every complaint of a JSON lines file (- for standard input): one JSON "
        "line out per line in, in order, then a summary; with --scheduler, JSON Lines and "
        "Parquet files by glob pattern or fsspec URL: one row per input",
    )
    parser.add_argument(
        "--output",
        metavar="FILE",
        help="with --batch: write the decisions to FILE (whole, or not at all) and the summary "
        "to the standard output; with --scheduler, FILE.jsonl, FILE.parquet or a new "
        "FOLDER/ of parts",
    )
    parser.add_argument(
        "--jobs",
        type=_jobs,
        metavar="N",
        help="with --batch: decide in N processes (default 1; never more than the processors "
        "this process may use)",
    )
    parser.add_argument(
        "--output-format",
        choices=("jsonl", "parquet"),
        help="with --scheduler and --output FOLDER/: the parts' format (default jsonl)",
    )
    add_scheduler(parser, "with --batch: decide the batch")
    add_backend(parser)
    # What FILE, --batch, --output and --jobs need of each other is checked once parsed, and
    # worded as argparse words its errors, usage first.
    parser.set_defaults(refuse=parser.error)
    return parser


def _jobs(text: str) -> int:
    """``--jobs``: a whole number of processes, 1 or more, kept to the processors available."""
    from ipp_rules.engine.batch import available_cores

    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a whole number of processes, 1 or more (got {text!r})"
        ) from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected 1 or more processes (got {text!r})")
    return min(value, available_cores())


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Run ``ipp-rules evaluate`` with parsed ``args``."""
    if args.batch is not None:
        if args.file is not None:
            args.refuse(
                f"argument --batch: give FILE or --batch FILE, not both (got {args.file!r})"
            )
        if args.scheduler is not None:
            if args.jobs is not None:
                args.refuse("argument --jobs: not with --scheduler (the cluster's workers decide)")
            from ipp_rules.cli.distributed import run_batch as run_distributed

            return run_distributed(args, out, err)
        for option in ("part_size", "output_format"):
            if getattr(args, option) is not None:
                args.refuse(f"argument --{option.replace('_', '-')}: goes with --scheduler")
        from ipp_rules.cli.batch import run_batch

        return run_batch(args, out, err)
    if args.file is None:
        args.refuse("the following arguments are required: FILE")  # or --batch FILE
    for option in ("output", "jobs", "scheduler", "part_size", "output_format"):
        if getattr(args, option) is not None:
            args.refuse(f"argument --{option.replace('_', '-')}: goes with --batch FILE")
    data, label = read_input(args.file)
    complaint = parse_complaint_document(data, label)
    engine, bundle = read_engine(args.rules, args.backend)
    with engine:
        rules = len(engine.bundle.compiled.rules)
        # The trace is always taken: the text says how many rules fired even without it.
        traced = engine.evaluate(complaint, trace=True)
    decision = traced if args.trace else traced.model_copy(update={"trace": None})
    if args.format == "json":
        write_json(out, {**decision.model_dump(mode="json"), **bundle.as_json()})
    else:
        out.write(decision_text(decision, bundle, rules=rules, fired=_fired(traced)))
    return EXIT_OK if decision.outcome == "accept" else EXIT_FOUND


def _fired(decision: Decision) -> int:
    return len({entry.rule_id for entry in decision.trace or ()})


def decision_text(
    decision: Decision,
    bundle: BundleInUse | None = None,
    *,
    rules: int | None = None,
    fired: int | None = None,
) -> str:
    """A decision for a person: the outcome, the bundle (and where it was read), what was
    checked, each finding with its rule and source, and the trace when there is one."""
    identity = decision.bundle
    named = (
        bundle.text(identity.sha256)
        if bundle is not None
        else f"{identity.name} {identity.version} (sha256 {identity.sha256[:12]})"
    )
    lines = [f"outcome: {decision.outcome}", f"bundle:  {named}"]
    if decision.outcome == "accept" and rules is not None and fired is not None:
        lines.append(f"checked: {count(rules, 'rule')} run, {_fired_words(fired)}")
    if decision.findings:
        lines.append(f"findings ({len(decision.findings)}):")
    for finding in decision.findings:
        lines.append(f"  [{finding.severity}] {finding.code} at {finding.path or '(complaint)'}")
        lines += wrapped(finding.message, "      ", "      ", at_hyphens=True)
        lines.append(f"      rule {finding.rule_id} ({finding.category})")
        lines += wrapped(f"source: {finding.source}", "      ", "        ", at_hyphens=True)
    if decision.trace is not None:
        if not decision.trace:
            lines.append("rules that fired: none")
        else:
            lines.append(f"rules that fired ({len(decision.trace)}):")
        for entry in decision.trace:
            where = f" listing {entry.listing}" if entry.listing is not None else ""
            lines.append(f"  {entry.rule_id}{where}")
            for name, value in entry.values.items():
                lines.append(f"      {name} = {json.dumps(value, ensure_ascii=False)}")
    return "\n".join(lines) + "\n"


def _fired_words(fired: int) -> str:
    if fired == 0:
        return "none fired"
    return f"{fired} fired, none with a finding that stops acceptance"
