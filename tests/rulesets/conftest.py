"""Fixtures for the ruleset tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.rulesets.bundles import BASE_COMPLAINT


@pytest.fixture(scope="module")
def base_complaint() -> dict[str, Any]:
    data = yaml.safe_load(BASE_COMPLAINT)
    assert isinstance(data, dict)
    return data


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run in ``tmp_path``: locations are shown relative to the working directory."""
    monkeypatch.chdir(tmp_path)
