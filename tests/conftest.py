"""Shared fixtures: real complaint documents, engines on both backends, and copies of the
bundled rules to break."""

from __future__ import annotations

import copy
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from importlib.metadata import EntryPoint
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, settings

from ipp_rules import Engine
from ipp_rules.engine.engine import BACKENDS
from ipp_rules.policies import ENTRY_POINT_GROUP, reset_registry
from ipp_rules.policies import registry as registry_module

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
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
settings.load_profile(PROFILE)


def examples(n: int) -> int:
    """How many examples a long property search draws. ``n`` is what the search needs to
    find a rare counterexample; the derandomized ``ci`` profile, which the README's test
    command runs on every change, draws a third of it (the same ones every run, so it still
    guards everything it ever found), ``explore`` draws ``n`` fresh ones, ``thorough`` at
    least 1,000."""
    if PROFILE == "thorough":
        return max(n, 1000)
    if PROFILE == "ci":
        return max(60, n // 3)
    return n


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


@pytest.fixture(scope="session", params=BACKENDS)
def engine(request: pytest.FixtureRequest) -> Iterator[Engine]:
    with Engine.default(backend=request.param) as engine:
        yield engine


def edit(path: Path, old: str, new: str) -> None:
    """Replace the one occurrence of ``old`` in ``path``."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{path.name}: {old!r} is not there exactly once"
    path.write_text(text.replace(old, new), encoding="utf-8")


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


@pytest.fixture
def bundle_copy(tmp_path: Path) -> Path:
    """A copy of the bundled rules, tests included, in ``tmp_path/my-bundle``."""
    return Path(shutil.copytree(BUNDLE, tmp_path / "my-bundle"))


GOOD_FAITH_RELIEF = (
    "    waives:\n      - evidence.counterfeit_comparison_missing\n",
    "    waives:\n      - evidence.counterfeit_comparison_missing\n"
    "      - evidence.counterfeit_description_missing\n",
)
"""The tutorial's change: Good Faith members on the Tao marketplaces need no description."""


SITE_PACKAGES_BUNDLE = "…/site-packages/ipp_rules/_bundle"
"""Where the documentation shows the bundled default: inside an installed package."""


def as_documented(output: str) -> str:
    """A command's output as the documentation shows it: the bundled default named where an
    installed package keeps it, not where this checkout does."""
    shown = {str(BUNDLE), str(BUNDLE.relative_to(REPO)), str(BUNDLE.resolve())}
    for path in sorted(shown, key=len, reverse=True):
        output = output.replace(
            f"the bundled default at {path};", f"the bundled default at {SITE_PACKAGES_BUNDLE};"
        )
        output = output.replace(f" from {path} to ", f" from {SITE_PACKAGES_BUNDLE} to ")
        output = output.replace(
            f'"bundle_folder": "{path}"', f'"bundle_folder": "{SITE_PACKAGES_BUNDLE}"'
        )
    return output


EXAMPLE_PLUGIN = REPO / "tests" / "policies" / "plugin"
"""A plugin distribution that registers the marketplace ``examplemart`` (Singapore's
calendar), as a third party would."""


@pytest.fixture
def examplemart(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The test plugin's marketplace in the registry, loaded from its entry point as an
    installed plugin would be (the slow tests install it for real with
    :func:`install_example_plugin`)."""
    monkeypatch.syspath_prepend(str(EXAMPLE_PLUGIN))
    plugin = EntryPoint("examplemart", "ipp_example_market:ExampleMartPolicy", ENTRY_POINT_GROUP)
    monkeypatch.setattr(
        registry_module,
        "entry_points",
        lambda *, group: (plugin,) if group == ENTRY_POINT_GROUP else (),
    )
    reset_registry()
    yield "examplemart"
    reset_registry()


def install_example_plugin(target: Path) -> Path:
    """``pip install`` the test plugin into folder ``target`` (for ``PYTHONPATH``)."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--target",
            str(target),
            str(EXAMPLE_PLUGIN),
        ],
        check=True,
        timeout=600,
    )
    return target
