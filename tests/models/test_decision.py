"""The decision model: its outcome follows from its findings."""

from __future__ import annotations

import pickle

import pytest
from pydantic import ValidationError

from ipp_rules.models import BundleIdentity, Decision, Finding, Severity, TraceEntry
from ipp_rules.models.decision import trusted

BUNDLE = BundleIdentity(name="default", version="2026.3.0", sha256="ab" * 32)


def finding(severity: Severity, rule_id: str = "account.agent_authorization") -> Finding:
    return Finding(
        rule_id=rule_id,
        code=f"{severity}_{rule_id.replace('.', '_')}",
        category="account",
        severity=severity,
        message=f"{severity} from {rule_id}",
        path="complainant.authorization",
        source="IPR Protection Handbook 2019, 2.1",
    )


@pytest.mark.parametrize(
    ("severities", "outcome"),
    [
        ((), "accept"),
        (("info",), "accept"),
        (("warning", "info"), "accept"),
        (("missing",), "needs_info"),
        (("warning", "missing", "info"), "needs_info"),
        (("error",), "reject"),
        (("missing", "error"), "reject"),
        (("info", "warning", "missing", "error", "missing"), "reject"),
    ],
)
def test_outcome_follows_the_most_severe_finding(
    severities: tuple[Severity, ...], outcome: str
) -> None:
    decision = Decision.from_findings([finding(s) for s in severities], BUNDLE)

    assert decision.outcome == outcome


def test_findings_keep_the_order_given() -> None:
    given = [finding("warning", "z.last"), finding("error", "a.first"), finding("info", "m.mid")]

    decision = Decision.from_findings(iter(given), BUNDLE)

    assert [f.rule_id for f in decision.findings] == ["z.last", "a.first", "m.mid"]
    assert decision.findings == tuple(given)
    assert decision.trace is None


def test_trace_is_kept_when_given() -> None:
    trace = [
        TraceEntry(rule_id="listing.url_platform", listing=2, values={"listing.url": "x"}),
        TraceEntry(rule_id="account.agent_authorization", values={"complainant.role": "agent"}),
    ]

    decision = Decision.from_findings([], BUNDLE, trace=trace)

    assert decision.trace == tuple(trace)
    assert decision.trace[1].listing is None


def test_decision_json_round_trip() -> None:
    trace = [TraceEntry(rule_id="r", listing=0, values={"n": 3, "kinds": ["a", "b"]})]
    decision = Decision.from_findings([finding("missing")], BUNDLE, trace)

    text = decision.model_dump_json()

    assert Decision.model_validate_json(text) == decision
    assert '"outcome":"needs_info"' in text
    assert '"sha256":"' + "ab" * 32 + '"' in text


def test_an_outcome_that_contradicts_the_findings_is_refused() -> None:
    with pytest.raises(ValidationError, match="contradicts the findings"):
        Decision(outcome="accept", findings=(finding("error"),), bundle=BUNDLE)


def test_decision_is_immutable() -> None:
    decision = Decision.from_findings([], BUNDLE)

    with pytest.raises(ValidationError):
        decision.outcome = "reject"  # type: ignore[misc]


def test_finding_refuses_unknown_category_severity_and_fields() -> None:
    good = finding("info").model_dump()

    with pytest.raises(ValidationError) as caught:
        Finding.model_validate({**good, "category": "pricing", "severity": "fatal", "x": 1})

    assert {e["loc"][0] for e in caught.value.errors()} == {"category", "severity", "x"}


def test_a_trusted_instance_equals_and_serialises_as_the_validated_one() -> None:
    validated = finding("missing")
    built = trusted(Finding, dict(validated))
    assert built == validated and hash(built) == hash(validated)
    assert built.model_dump_json() == validated.model_dump_json()
    decision = Decision.from_findings([validated], BUNDLE)
    same = trusted(Decision, dict(decision))
    assert same == decision and same.model_dump_json() == decision.model_dump_json()
    with pytest.raises(ValidationError):
        same.outcome = "accept"  # type: ignore[misc]


def test_a_decision_pickles_as_its_values_and_comes_back_equal() -> None:
    decision = Decision.from_findings([finding("error"), finding("info", "a.b")], BUNDLE)
    again = pickle.loads(pickle.dumps(decision))
    assert again == decision and again.model_dump_json() == decision.model_dump_json()
    assert type(again.findings[0]) is Finding and again.findings[1] == finding("info", "a.b")
