"""Decisions as text a person reads in a terminal."""

from __future__ import annotations

import json
import textwrap

from ipp_rules.models.decision import Decision


def decision_text(decision: Decision) -> str:
    bundle = decision.bundle
    lines = [
        f"outcome: {decision.outcome}",
        f"bundle:  {bundle.name} {bundle.version} (sha256 {bundle.sha256[:12]})",
    ]
    if decision.findings:
        lines.append(f"findings ({len(decision.findings)}):")
    for finding in decision.findings:
        lines.append(f"  [{finding.severity}] {finding.code} at {finding.path or '(complaint)'}")
        lines += textwrap.wrap(
            finding.message, 92, initial_indent="      ", subsequent_indent="      "
        )
        lines.append(f"      rule {finding.rule_id} ({finding.category})")
        lines += textwrap.wrap(
            f"source: {finding.source}", 92, initial_indent="      ", subsequent_indent="        "
        )
    if decision.trace is not None:
        lines.append(f"rules that fired ({len(decision.trace)}):")
        for entry in decision.trace:
            where = f" listing {entry.listing}" if entry.listing is not None else ""
            lines.append(f"  {entry.rule_id}{where}")
            for name, value in entry.values.items():
                lines.append(f"      {name} = {json.dumps(value, ensure_ascii=False)}")
    return "\n".join(lines) + "\n"
