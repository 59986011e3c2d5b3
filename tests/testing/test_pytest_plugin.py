"""The pytest plugin in another project: a service keeps its own cases for its own bundle."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import BUNDLE

OWN_CASES = """base: bases/taobao_rights_holder.yaml
cases:
  - name: our marketplace team wants a description even from members
    patch:
      complainant: {good_faith_member: true}
      evidence: []
    expect:
      outcome: needs_info
      codes: [DIFFERENCES_DESCRIPTION_MISSING]
"""


def pytest_in(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.slow
def test_a_service_runs_the_cases_of_the_bundle_it_customises(tmp_path: Path):
    bundle = Path(shutil.copytree(BUNDLE, tmp_path / "my-bundle"))
    for path in (bundle / "tests").glob("test_*.yaml"):
        if path.name != "test_evidence.yaml":
            path.unlink()
    (bundle / "tests" / "test_service.yaml").write_text(OWN_CASES)
    done = pytest_in(tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    cases = int(re.search(r"([0-9]+) passed", done.stdout)[1])  # type: ignore[index]
    assert cases > 10
    assert re.search(
        rf"^ipp-rules rule coverage of my-bundle: ([0-9]+) of [0-9]+ rules fired in the {cases} "
        r"cases run \([0-9.]+%\)$",
        done.stdout,
        re.M,
    )
    assert "  never fired: account.identity_not_verified" in done.stdout

    # The same case fails once the bundle spares members the description.
    evidence = bundle / "evidence.yaml"
    evidence.write_text(
        evidence.read_text().replace(
            "      - evidence.counterfeit_comparison_missing\n",
            "      - evidence.counterfeit_comparison_missing\n"
            "      - evidence.counterfeit_description_missing\n",
        )
    )
    failed = pytest_in(tmp_path, "my-bundle/tests/test_service.yaml")
    assert failed.returncode == 1
    assert "case 'our marketplace team wants a description even from members'" in failed.stdout
    assert "  outcome is accept, expected needs_info" in failed.stdout
