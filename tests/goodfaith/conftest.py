"""Fixtures of the Good Faith tests (the plugin marketplace fixture, ``examplemart``, is
shared: tests/conftest.py)."""

from __future__ import annotations

import pytest

# The helpers' asserts (both entry points must agree) explain themselves when they fail.
pytest.register_assert_rewrite("tests.goodfaith.histories")
