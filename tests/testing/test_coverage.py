"""coverage.py: which rules of a bundle some case makes fire, counted once per case, in the
bundle's order and by file, and the percentage as the reports print it."""

from __future__ import annotations

import pytest

from ipp_rules.rulesets.bundle import load_bundle
from ipp_rules.rulesets.format import Expectation
from ipp_rules.testing.cases import CaseResult
from ipp_rules.testing.coverage import RuleCoverage, format_percent, rule_coverage
from tests.conftest import BUNDLE

FIRST, SECOND = "account.identity_not_verified", "account.agent_authorization_on_file"
LAST = "evidence.patent_evaluation_report_negative"


def case(*fired: str) -> CaseResult:
    return CaseResult("c", "t.yaml:1:1", Expectation(outcome="accept"), fired=list(fired))


def test_a_rule_is_counted_once_in_each_case_it_fired_in() -> None:
    bundle = load_bundle(BUNDLE)
    coverage = rule_coverage(
        bundle, [case(LAST, FIRST, FIRST), case(FIRST, "no.such_rule"), case()]
    )
    assert coverage.total == len(bundle.compiled.info) == 62
    assert (coverage.cases[FIRST], coverage.cases[LAST], coverage.cases[SECOND]) == (2, 1, 0)
    assert "no.such_rule" not in coverage.cases
    assert coverage.fired == [FIRST, LAST]  # in the bundle's order
    assert coverage.never_fired[0] == SECOND and len(coverage.never_fired) == 60
    assert coverage.percent == pytest.approx(100 * 2 / 62)
    assert format_percent(coverage.percent) == "3.2%"


def test_rules_are_grouped_by_the_file_they_are_written_in() -> None:
    coverage = rule_coverage(load_bundle(BUNDLE), [])
    grouped = coverage.by_file()
    assert list(grouped) == [
        "account.yaml",
        "listing.yaml",
        "jurisdiction.yaml",
        "scope.yaml",
        "evidence.yaml",
    ]
    assert [len(rules) for rules in grouped.values()] == [9, 10, 18, 12, 13]
    assert grouped["account.yaml"][:2] == [FIRST, SECOND]
    assert (coverage.files[FIRST], coverage.files[LAST]) == ("account.yaml", "evidence.yaml")
    assert coverage.percent == 0.0


def test_a_bundle_without_rules_is_fully_covered() -> None:
    empty = RuleCoverage({}, {})
    assert (empty.total, empty.fired, empty.never_fired, empty.by_file()) == (0, [], [], {})
    assert empty.percent == 100.0


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (100.0, "100%"),
        (120.0, "100%"),
        (99.99, "99.9%"),  # never rounded up to 100
        (98.15, "98.1%"),
        (98.1, "98.1%"),
        (50.0, "50%"),
        (0.0, "0%"),
    ],
)
def test_a_percentage_has_one_decimal_and_none_when_whole(value: float, text: str) -> None:
    assert format_percent(value) == text
