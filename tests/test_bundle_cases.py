"""The default bundle's YAML cases: every rule is shown firing and not firing.

This tests the shipped bundle's content, not a module of the package, so it is named after
no module; the runner (testing/cases.py) is tested in tests/testing/test_cases.py."""

from __future__ import annotations

import pytest

from ipp_rules import Engine
from ipp_rules.engine.engine import BACKENDS
from ipp_rules.testing.cases import CaseResult, run_bundle_cases


@pytest.fixture(scope="module", params=BACKENDS)
def results(request: pytest.FixtureRequest) -> tuple[Engine, list[CaseResult]]:
    engine = Engine.default(backend=request.param)
    yield engine, run_bundle_cases(engine)
    engine.close()


def test_every_case_passes_on_both_backends(results: tuple[Engine, list[CaseResult]]) -> None:
    _, cases = results
    assert cases, "the bundle has no test cases"
    failures = [c.report() for c in cases if not c.passed]
    assert not failures, "\n\n".join(failures)


def test_every_rule_fires_in_some_case_and_not_in_another(
    results: tuple[Engine, list[CaseResult]],
) -> None:
    engine, cases = results
    passing = [c for c in cases if c.passed]
    never_fired = [r for r in engine.bundle.compiled.info if not any(r in c.fired for c in passing)]
    always_fired = [r for r in engine.bundle.compiled.info if all(r in c.fired for c in passing)]
    assert never_fired == [], f"rules with no case that makes them fire: {never_fired}"
    assert always_fired == [], f"rules with no case where they stay silent: {always_fired}"


def test_every_finding_code_is_expected_by_some_case(
    results: tuple[Engine, list[CaseResult]],
) -> None:
    engine, cases = results
    expected = {code for c in cases for code in (c.expected.codes or ())}
    codes = {i.code for i in engine.bundle.compiled.info.values() if i.code}
    assert codes - expected == set(), "codes never asserted by a case"
