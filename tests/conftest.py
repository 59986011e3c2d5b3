"""Shared fixtures: real complaint documents and engines on both backends."""

from __future__ import annotations

import copy
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, settings

from ipp_rules import Engine

REPO = Path(__file__).resolve().parents[1]
BUNDLE = REPO / "rulesets"

# "ci" (the default) is derandomized: the same examples on every run, so a red run is a
# change's fault and never the draw's. "explore" and "thorough" draw fresh examples each run
# and are how new counterexamples are looked for: HYPOTHESIS_PROFILE=thorough python -m pytest
settings.register_profile(
    "ci",
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("explore", max_examples=60, deadline=None)
settings.register_profile("thorough", max_examples=1000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# What `check` and `calendars` take as today when no --today is given: a fixed date, so that
# no test starts failing when the real date passes a calendar's horizon (every calendar's
# horizon is at least 2026-12-31 with holidays 0.109, more than 60 days after it). Tests of
# the horizon warnings pass --today themselves. Subprocesses inherit it.
FIXED_TODAY = "2026-09-01"
os.environ["IPP_RULES_TODAY"] = FIXED_TODAY


@pytest.fixture
def taobao_document() -> dict[str, Any]:
    """The bundled tests' base complaint: complete and admissible."""
    with (BUNDLE / "tests" / "bases" / "taobao_rights_holder.yaml").open() as handle:
        return copy.deepcopy(yaml.safe_load(handle))


@pytest.fixture(scope="session", params=["durable", "reference"])
def engine(request: pytest.FixtureRequest) -> Iterator[Engine]:
    with Engine.default(backend=request.param) as engine:
        yield engine
