"""Running ``ipp-rules`` as a subprocess, and copies of the bundled rules to break."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import BUNDLE, REPO

CORPUS = REPO / "docs" / "examples" / "corpus.jsonl"


def run_cli(
    *args: str | Path, cwd: Path = REPO, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """``ipp-rules ARGS`` in a subprocess, as a person runs it."""
    return subprocess.run(
        [sys.executable, "-m", "ipp_rules.cli", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=timeout,
    )


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
