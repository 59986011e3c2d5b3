"""Rule coverage: which rules of a bundle some test case makes fire, and which none does.

A rule counts as covered when it fired (``derive`` rules included) in at least one case whose
complaint is a valid document; whether the case passed is the case's own verdict, reported
beside the coverage.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import PurePath

from ipp_rules.rulesets.bundle import Bundle
from ipp_rules.testing.cases import CaseResult

__all__ = [
    "RuleCoverage",
    "format_percent",
    "rule_coverage",
]


@dataclass(frozen=True)
class RuleCoverage:
    """How many cases each rule of a bundle fired in, in the bundle's order."""

    cases: Mapping[str, int]
    """Rule id -> the number of cases in which it fired."""
    files: Mapping[str, str]
    """Rule id -> the rule file it is written in."""

    @property
    def total(self) -> int:
        return len(self.cases)

    @property
    def fired(self) -> list[str]:
        return [rule for rule, count in self.cases.items() if count]

    @property
    def never_fired(self) -> list[str]:
        return [rule for rule, count in self.cases.items() if not count]

    @property
    def percent(self) -> float:
        """Covered rules as a percentage; a bundle without rules is fully covered."""
        return 100.0 * len(self.fired) / self.total if self.total else 100.0

    def by_file(self) -> dict[str, list[str]]:
        grouped: dict[str, list[str]] = {}
        for rule in self.cases:
            grouped.setdefault(self.files[rule], []).append(rule)
        return grouped


def rule_coverage(bundle: Bundle, results: Iterable[CaseResult]) -> RuleCoverage:
    """The coverage of ``bundle``'s rules by the cases that produced ``results``."""
    infos = sorted(bundle.compiled.info.values(), key=lambda info: info.index)
    counts = {info.id: 0 for info in infos}
    for result in results:
        for rule in set(result.fired):
            if rule in counts:
                counts[rule] += 1
    files = {info.id: PurePath(info.location.rsplit(":", 2)[0]).name for info in infos}
    return RuleCoverage(counts, files)


def format_percent(value: float) -> str:
    """``100%``, ``98.1%``: one decimal, none when it is whole; never rounded up to 100."""
    if value >= 100.0:
        return "100%"
    text = f"{int(value * 10) / 10:.1f}"
    return f"{text.removesuffix('.0')}%"
