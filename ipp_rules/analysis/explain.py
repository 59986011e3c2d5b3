"""``ipp-rules explain FILE``: one decision in full, for the person who has to act on it.

For each finding: the rule, where it is written, its policy source, and the fact values it
saw (the engine's trace). The derived facts that held, and the rules that set them. For a
complaint that needs more information, the additions that would complete it: every finding
of severity ``missing`` names exactly one item (the bundled rules are written that way), so
together they are the smallest set to add.
"""

from __future__ import annotations

import argparse
import json
import re
import textwrap
from collections.abc import Mapping
from typing import Any, TextIO

from pydantic import BaseModel, ConfigDict

from ipp_rules.engine.engine import Engine
from ipp_rules.models.decision import Decision, Finding, TraceEntry
from ipp_rules.models.intake import parse_complaint_document
from ipp_rules.rulesets.compiler import RuleInfo
from ipp_rules.tools.inputs import read_input

_LISTING = re.compile(r"listings\[(?P<index>[0-9]+)\]")
_WIDTH = 92


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


def explanation_text(explanation: Explanation) -> str:
    decision = explanation.decision
    bundle = decision.bundle
    lines = [
        f"outcome: {decision.outcome}",
        f"bundle:  {bundle.name} {bundle.version} (sha256 {bundle.sha256[:12]})",
    ]
    if explanation.additions:
        lines += ["", f"to complete the complaint, add ({len(explanation.additions)}):"]
        for number, addition in enumerate(explanation.additions, start=1):
            lines += _wrapped(f"{number}. {addition.message}", "  ", "     ")
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
        lines += _wrapped(finding.message, "  ", "  ")
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
    lines += _wrapped(rule.title, "          ", "          ")
    lines += _wrapped(rule.source, "  source  ", "          ")
    width = max((len(name) for name in values), default=0)
    for number, (name, value) in enumerate(values.items()):
        label = "  saw     " if number == 0 else "          "
        lines.append(f"{label}{name.ljust(width)} = {json.dumps(value, ensure_ascii=False)}")
    return lines


def _wrapped(text: str, first: str, rest: str) -> list[str]:
    return textwrap.wrap(
        text, _WIDTH, initial_indent=first, subsequent_indent=rest, break_on_hyphens=False
    )


# ---------------------------------------------------------------------------------------------
# The command


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
    parser.add_argument(
        "--rules", metavar="PATH", help="bundle folder (default: the bundled rulesets)"
    )
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument(
        "--backend",
        choices=("auto", "durable", "reference"),
        default="auto",
        help=argparse.SUPPRESS,
    )
    return parser


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Run ``ipp-rules explain`` with parsed ``args``; errors are raised for the CLI to
    report (``ComplaintError``, ``RulesetError``, ``OSError``)."""

    data, label = read_input(args.file)
    complaint = parse_complaint_document(data, label)
    engine = (
        Engine.from_path(args.rules, backend=args.backend)
        if args.rules
        else Engine.default(backend=args.backend)
    )
    with engine:
        explanation = explain(engine, complaint)
    if args.format == "json":
        out.write(explanation.model_dump_json(indent=2) + "\n")
    else:
        out.write(explanation_text(explanation))
    return 0 if explanation.decision.outcome == "accept" else 1
