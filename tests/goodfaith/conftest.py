"""Fixtures of the Good Faith tests: the test plugin's marketplace in the registry."""

from __future__ import annotations

from collections.abc import Iterator
from importlib.metadata import EntryPoint

import pytest

from ipp_rules.policies import ENTRY_POINT_GROUP, reset_registry
from ipp_rules.policies import registry as registry_module
from tests.conftest import REPO

# The helpers' asserts (both entry points must agree) explain themselves when they fail.
pytest.register_assert_rewrite("tests.goodfaith.histories")

PLUGIN = REPO / "tests" / "policies" / "plugin"


@pytest.fixture
def examplemart(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The test plugin's marketplace in the registry, loaded from its entry point as an
    installed plugin would be (tests/policies/test_plugin.py installs it for real)."""
    monkeypatch.syspath_prepend(str(PLUGIN))
    plugin = EntryPoint("examplemart", "ipp_example_market:ExampleMartPolicy", ENTRY_POINT_GROUP)
    monkeypatch.setattr(
        registry_module,
        "entry_points",
        lambda *, group: (plugin,) if group == ENTRY_POINT_GROUP else (),
    )
    reset_registry()
    yield "examplemart"
    reset_registry()
