"""``ipp-rules schema``: prints or writes a schema, and never writes over what it must not."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.analysis.test_schemas import SCHEMA_FOLDER
from tests.cli.conftest import run_cli


def test_the_command_prints_and_writes_the_schema(tmp_path: Path):
    done = run_cli("schema", "ruleset")
    assert done.returncode == 0
    assert done.stdout == (SCHEMA_FOLDER / "ruleset.schema.json").read_text()
    target = tmp_path / "tests.schema.json"
    assert run_cli("schema", "tests", "--output", target).returncode == 0
    assert target.read_text() == (SCHEMA_FOLDER / "tests.schema.json").read_text()
    unknown = run_cli("schema", "rules")
    assert unknown.returncode == 2 and "invalid choice: 'rules'" in unknown.stderr


def _limit_file_size() -> None:
    """In the child: files may grow to 1000 bytes; past that a write fails with EFBIG."""
    import resource

    resource.setrlimit(resource.RLIMIT_FSIZE, (1000, 1000))


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs and rlimits (POSIX)")
def test_a_failed_write_names_the_file_and_leaves_it_as_it_was(tmp_path: Path):
    target = tmp_path / "complaint.schema.json"
    target.write_text("the previous schema\n")
    done = subprocess.run(
        [sys.executable, "-m", "ipp_rules", "schema", "complaint", "--output", str(target)],
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=_limit_file_size,  # Python ignores SIGXFSZ, so the write raises instead
    )
    assert done.returncode == 2
    assert done.stderr == f"ipp-rules schema: File too large: {target}\n"
    # The write went to a temporary file: the old schema is whole and nothing is left over.
    assert target.read_text() == "the previous schema\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["complaint.schema.json"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs (POSIX)")
@pytest.mark.parametrize("kind", ["fifo", "/dev/null", "/dev/full", "folder"])
def test_an_output_that_is_not_a_regular_file_is_refused_without_blocking(
    tmp_path: Path, kind: str
):
    if kind == "fifo":
        target = str(tmp_path / "schema.fifo")
        os.mkfifo(target)  # no reader: open(target, "w") would wait for one forever
    elif kind == "folder":
        target = str(tmp_path)
    else:
        target = kind
    before = os.stat(target)
    done = run_cli("schema", "complaint", "--output", target, timeout=60)
    assert done.returncode == 2
    reason = (
        "is a folder, not a file"
        if kind == "folder"
        else "not a regular file (a pipe, device or socket is not written)"
    )
    assert done.stderr == f"ipp-rules schema: {reason}: {target}\n"
    after = os.stat(target)
    assert (after.st_ino, after.st_mode, after.st_rdev) == (
        before.st_ino,
        before.st_mode,
        before.st_rdev,
    )
