"""Running ``ipp-rules``: in this process (:func:`call`) or in a subprocess, as a person runs
it (:func:`run_cli`)."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

from ipp_rules.cli.main import dispatch
from tests.conftest import REPO

CORPUS = REPO / "docs" / "examples" / "corpus.jsonl"
EXAMPLES = REPO / "docs" / "examples"


def run_cli(
    *args: str | Path, cwd: Path = REPO, timeout: float = 300, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """``ipp-rules ARGS`` in a subprocess, as a person runs it."""
    return subprocess.run(
        [sys.executable, "-m", "ipp_rules", *map(str, args)],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=timeout,
    )


def call(*args: str | Path) -> tuple[int, str, str]:
    """``ipp-rules ARGS`` in this process: the exit status, the output and the error output."""
    out, err = io.StringIO(), io.StringIO()
    status = dispatch([str(arg) for arg in args], out, err)
    return status, out.getvalue(), err.getvalue()
