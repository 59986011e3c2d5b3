"""The benchmark's hand-written baseline decides as the engine does, byte for byte: on every
complaint the project has (the check ``benchmarks/evaluate.py`` runs before timing), and on
generated ones, so the baseline cannot drift from the rules unnoticed."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ipp_rules import Engine
from ipp_rules.testing.strategies import AREAS, complaint_documents, near_valid_documents

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


@pytest.fixture(scope="module")
def agreement() -> Iterator[ModuleType]:
    """``benchmarks/agreement.py``, imported as the benchmark scripts import each other."""
    sys.path.insert(0, str(BENCHMARKS))
    try:
        import agreement

        yield agreement
    finally:
        sys.path.remove(str(BENCHMARKS))


def test_baseline_decides_every_known_complaint_as_the_engine(
    agreement: ModuleType, engine: Engine
) -> None:
    compared = agreement.check_agreement({engine.backend: engine})
    assert compared > 400  # the corpus, the bundle's YAML cases and the examples


def test_a_difference_stops_the_check_naming_the_document_and_the_finding(
    agreement: ModuleType,
    engine: Engine,
    taobao_document: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    handwritten = sys.modules["handwritten"]
    drifted = handwritten.RIGHT_EXPIRED._replace(code="RIGHT_LAPSED")
    monkeypatch.setattr(handwritten, "RIGHT_EXPIRED", drifted)
    taobao_document["right"]["valid_until"] = "2020-01-01"
    with pytest.raises(agreement.Disagreement) as raised:
        agreement.check_document("an expired right", taobao_document, {engine.backend: engine})
    assert str(raised.value) == (
        f"an expired right, backend {engine.backend}: finding 0 differs; "
        "code: baseline 'RIGHT_LAPSED', engine 'RIGHT_EXPIRED'"
    )


@given(
    st.one_of(
        complaint_documents(max_listings=4),
        st.sampled_from(AREAS).flatmap(near_valid_documents),
    )
)
def test_baseline_decides_generated_complaints_as_the_engine(
    agreement: ModuleType, engine: Engine, document: dict[str, Any]
) -> None:
    agreement.check_document("a generated complaint", document, {engine.backend: engine})
