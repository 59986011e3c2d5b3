"""A wheel built from the repository, installed in a fresh environment, finds its bundle."""

from __future__ import annotations

import subprocess
import sys
import venv
import zipfile
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
    # The workbench's page ships whole: it works offline, with nothing built or fetched.
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    static = REPO / "ipp_rules" / "workbench" / "static"
    for asset in static.rglob("*"):
        if asset.is_file():
            assert f"ipp_rules/workbench/static/{asset.relative_to(static).as_posix()}" in names
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

    # The bundle in use is named: inside the installed package, and said so plainly.
    check = subprocess.run(
        [str(env_dir / "bin" / "ipp-rules"), "check"],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert check.returncode == 0, check.stderr
    assert check.stdout.startswith(f"bundle: ipp-default 2026.11.0, the bundled default at {root};")
    # The examples ship in the wheel: init puts them beside the copy, to try the commands on.
    init = subprocess.run(
        [str(env_dir / "bin" / "ipp-rules"), "init", "my-bundle"],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert init.returncode == 0, init.stderr
    examples = elsewhere / "my-bundle" / "examples"
    shipped = sorted(p.name for p in (REPO / "docs" / "examples").iterdir())
    assert sorted(p.name for p in examples.iterdir()) == shipped
    tried = subprocess.run(
        [str(python), "-m", "ipp_rules", "evaluate", "my-bundle/examples/complaint.json"],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert tried.returncode == 1, tried.stderr
    assert tried.stdout.startswith("outcome: needs_info")
    version = subprocess.run(
        [str(env_dir / "bin" / "ipp-rules"), "--version"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert version.stdout == "ipp-rules 0.1.0\n"
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
