"""``ipp-rules explain FILE``: one decision in full, for the person who has to act on it.

For each finding the rule, where it is written, its policy source and the fact values it saw;
the derived facts that held; for a complaint that needs more information, what to add
(:func:`ipp_rules.analysis.explain.explain`). Exit status: that of ``evaluate``: 0 accept,
1 needs_info or reject, 2 an invalid document, bundle or arguments.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping
from typing import Any, TextIO

from ipp_rules.analysis.explain import Explanation, RuleReference, explain
from ipp_rules.cli.arguments import add_backend, add_format, add_rules
from ipp_rules.cli.bundles import BundleInUse, read_engine
from ipp_rules.cli.inputs import read_input
from ipp_rules.cli.output import EXIT_FOUND, EXIT_OK, write_json
from ipp_rules.cli.render_text import wrapped
from ipp_rules.models.intake import parse_complaint_document

__all__ = ["add_parser", "explanation_text", "run"]


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``explain`` to the ``ipp-rules`` subcommands."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "explain",
        help="explain a decision: each finding's rule, source and the values it saw",
        description="Evaluate a complaint document and explain the decision: for each "
        "finding the rule, where it is written, its source and the values it saw; for "
        "needs_info the additions that would complete the complaint. Exit status: 0 accept, "
        "1 needs_info or reject, 2 invalid document or bundle.",
    )
    parser.add_argument(
        "file", metavar="FILE", help="complaint document (.json, .yaml; - for standard input)"
    )
    add_rules(parser)
    add_format(parser)
    add_backend(parser)
    return parser


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Run ``ipp-rules explain`` with parsed ``args``."""
    data, label = read_input(args.file)
    complaint = parse_complaint_document(data, label)
    engine, bundle = read_engine(args.rules, args.backend)
    with engine:
        explanation = explain(engine, complaint)
    if args.format == "json":
        write_json(out, {**explanation.model_dump(mode="json"), **bundle.as_json()})
    else:
        out.write(explanation_text(explanation, bundle))
    return EXIT_OK if explanation.decision.outcome == "accept" else EXIT_FOUND


# ---------------------------------------------------------------------------------------------
# The text


def explanation_text(explanation: Explanation, bundle: BundleInUse | None = None) -> str:
    """The explanation for a person: what to add, each finding with its rule, source and
    the values it saw, and the derived facts that held."""
    decision = explanation.decision
    identity = decision.bundle
    named = (
        bundle.text(identity.sha256)
        if bundle is not None
        else f"{identity.name} {identity.version} (sha256 {identity.sha256[:12]})"
    )
    lines = [f"outcome: {decision.outcome}", f"bundle:  {named}"]
    if explanation.additions:
        lines += ["", f"to complete the complaint, add ({len(explanation.additions)}):"]
        for number, addition in enumerate(explanation.additions, start=1):
            lines += wrapped(f"{number}. {addition.message}", "  ", "     ")
            lines.append(f"     at {addition.path or '(complaint)'} ({addition.code})")
    if not explanation.findings:
        lines += ["", "no findings: no rule that gives a finding fired"]
    for number, item in enumerate(explanation.findings, start=1):
        finding = item.finding
        lines += [
            "",
            f"finding {number}: [{finding.severity}] {finding.code} at "
            f"{finding.path or '(complaint)'}",
        ]
        lines += wrapped(finding.message, "  ", "  ")
        lines += _rule_lines(item.rule, item.values)
    if explanation.derived:
        lines += ["", "derived facts that held:"]
        for fact in explanation.derived:
            where = f" (listing {fact.listing})" if fact.listing is not None else ""
            lines.append(f"  {fact.fact}{where}")
            lines += _rule_lines(fact.rule, fact.values)
    return "\n".join(lines) + "\n"


def _rule_lines(rule: RuleReference, values: Mapping[str, Any]) -> list[str]:
    lines = [f"  rule    {rule.id} ({rule.location})"]
    lines += wrapped(rule.title, "          ", "          ")
    lines += wrapped(rule.source, "  source  ", "          ")
    width = max((len(name) for name in values), default=0)
    for number, (name, value) in enumerate(values.items()):
        label = "  saw     " if number == 0 else "          "
        lines.append(f"{label}{name.ljust(width)} = {json.dumps(value, ensure_ascii=False)}")
    return lines
