"""The hypothesis strategies: admissible complaints are accepted as they are, and breaking one
requirement of an area makes that area's rules fire, and only that area's."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given

from ipp_rules import Engine
from ipp_rules.models.intake import load_complaint
from ipp_rules.testing.strategies import (
    AREAS,
    admissible_documents,
    near_valid_documents,
    near_valid_pairs,
)


@pytest.fixture(scope="module")
def engine() -> Iterator[Engine]:
    with Engine.default(backend="reference") as engine:
        yield engine


def area_of(rule_id: str) -> str:
    return rule_id.split(".", 1)[0]


@given(admissible_documents())
def test_an_admissible_complaint_is_accepted_with_no_finding(
    engine: Engine, document: dict[str, Any]
):
    decision = engine.evaluate(document)
    assert decision.findings == (), [f.code for f in decision.findings]
    assert decision.outcome == "accept"


@pytest.mark.parametrize("area", AREAS)
def test_one_broken_requirement_fires_its_area_only(engine: Engine, area: str):
    @given(near_valid_pairs(area))
    def check(pair: tuple[dict[str, Any], dict[str, Any]]) -> None:
        valid, broken = pair
        assert engine.evaluate(valid).findings == ()
        findings = engine.evaluate(broken).findings
        areas = {area_of(f.rule_id) for f in findings}
        assert areas == {area}, [f.rule_id for f in findings]

    check()


@pytest.mark.parametrize("area", AREAS)
def test_near_valid_documents_are_valid_documents(area: str):
    @given(near_valid_documents(area))
    def check(document: dict[str, Any]) -> None:
        assert load_complaint(document).platform == document["platform"]

    check()


def test_an_unknown_area_is_refused():
    with pytest.raises(ValueError, match="unknown rule area 'accounts'"):
        near_valid_pairs("accounts")
