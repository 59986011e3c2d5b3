"""A wheel built from the repository, installed in a fresh environment, finds its bundle."""

from __future__ import annotations

import subprocess
import sys
import venv
from pathlib import Path

import pytest

from tests.conftest import REPO


@pytest.mark.slow
def test_wheel_ships_the_bundle_and_works_outside_the_repository(tmp_path: Path):
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(REPO)],
        check=True,
        timeout=600,
    )
    (wheel,) = wheels.glob("ipp_rules-*.whl")
    env_dir = tmp_path / "env"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "-q", str(wheel)], check=True, timeout=900)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    probe = (
        "import ipp_rules, pathlib; e = ipp_rules.Engine.default(); "
        "print(e.bundle.root); print(e.bundle.identity.version)"
    )
    done = subprocess.run(
        [str(python), "-c", probe],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    root, version = done.stdout.split()
    assert Path(root).parts[-2:] == ("ipp_rules", "_bundle")
    assert str(env_dir) in root
    assert version == "2026.11.0"
    example = REPO / "docs" / "examples" / "complaint-lazada-th.yaml"
    cli = subprocess.run(
        [str(env_dir / "bin" / "ipp-rules"), "evaluate", str(example)],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert cli.returncode == 0, cli.stderr
    assert cli.stdout.startswith("outcome: accept")
    typed = subprocess.run(
        [
            str(python),
            "-c",
            "import importlib.resources as r; "
            "print(r.files('ipp_rules').joinpath('py.typed').is_file())",
        ],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        check=True,
    )
    assert typed.stdout.strip() == "True"
