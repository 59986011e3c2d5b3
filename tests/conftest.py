"""Shared fixtures: real complaint documents and engines on both backends."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, settings

from ipp_rules import Engine

REPO = Path(__file__).resolve().parents[1]
BUNDLE = REPO / "rulesets"

settings.register_profile(
    "ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", max_examples=30, deadline=None)
settings.register_profile("thorough", max_examples=1000, deadline=None)
settings.load_profile("ci")


@pytest.fixture
def taobao_document() -> dict[str, Any]:
    """The bundled tests' base complaint: complete and admissible."""
    with (BUNDLE / "tests" / "bases" / "taobao_rights_holder.yaml").open() as handle:
        return copy.deepcopy(yaml.safe_load(handle))


@pytest.fixture(scope="session", params=["durable", "reference"])
def engine(request: pytest.FixtureRequest) -> Iterator[Engine]:
    with Engine.default(backend=request.param) as engine:
        yield engine
