"""The shipped deadline policy, for every deadline test module."""

from __future__ import annotations

import pytest

from ipp_rules.deadlines import DeadlinePolicy, load_deadline_policy
from tests.conftest import REPO


@pytest.fixture(scope="module")
def shipped() -> DeadlinePolicy:
    """The bundled ``rulesets/deadlines.yaml``, loaded once per test module."""
    return load_deadline_policy(REPO / "rulesets")
