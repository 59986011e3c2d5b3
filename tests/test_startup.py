"""What a fresh process imports: ``import ipp_rules`` only the errors, and deciding a complaint
neither the ``holidays`` data, the calendars, Good Faith's deciding nor the deadline arithmetic.

How long start-up takes is measured by ``benchmarks/startup.py``; these tests check which
modules load, which is what keeps it short and does not vary with the machine.
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.slow

COMPLAINT = REPO / "docs" / "examples" / "complaint.json"

NEVER_FOR_A_DECISION = ("holidays", "ipp_rules.calendars", "ipp_rules.analysis")
"""Neither ``import ipp_rules`` nor deciding a complaint imports these, or anything in them."""

POLICY_FILE_MODULES = {
    "ipp_rules.deadlines",
    "ipp_rules.deadlines.calendar_settings",
    "ipp_rules.deadlines.periods",
    "ipp_rules.deadlines.policy",
    "ipp_rules.deadlines.results",
    "ipp_rules.deadlines.values",
    "ipp_rules.goodfaith",
    "ipp_rules.goodfaith.history",
    "ipp_rules.goodfaith.policy",
    "ipp_rules.goodfaith.ratios",
}
"""What loading the default bundle imports of Good Faith and deadlines: the models of their
files. A bundle checks the ``good_faith.yaml`` and ``deadlines.yaml`` it names when it loads,
so that a bad one stops the load (and a reload keeps the bundle in use); counting, deciding,
deadline arithmetic, the lifecycle and the calendars wait for their first question."""

PROBE = """
import json, sys

def loaded(prefixes):
    return sorted(m for m in sys.modules if m.split(".")[0] in prefixes)

watched = ("ipp_rules", "holidays", "pydantic", "yaml")
seen = {}
import ipp_rules
seen["import"] = loaded(watched)
engine = ipp_rules.Engine.default()
seen["default"] = loaded(watched)
with open(sys.argv[1], encoding="utf-8") as handle:
    decision = engine.evaluate(json.load(handle))
seen["evaluate"] = loaded(watched)
seen["outcome"] = decision.outcome
if sys.argv[2:] == ["deadline"]:
    from datetime import datetime, timezone
    received = datetime(2026, 3, 2, tzinfo=timezone.utc)
    engine.deadline("taobao", "merchant_counter_notification", received)
    seen["deadline"] = loaded(watched)
print(json.dumps(seen))
"""


def probe(*arguments: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(COMPLAINT), *arguments],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def under(modules: list[str], *packages: str) -> list[str]:
    return [m for m in modules if any(m == p or m.startswith(p + ".") for p in packages)]


def test_import_ipp_rules_loads_the_errors_and_nothing_else() -> None:
    seen = probe()
    assert seen["import"] == [
        "ipp_rules",
        "ipp_rules.errors",
        "ipp_rules.exports",
        "ipp_rules.problems",
    ]


def test_deciding_a_complaint_loads_no_calendar_and_no_good_faith_or_deadline_logic() -> None:
    seen = probe()
    assert seen["outcome"] == "needs_info"
    assert under(seen["evaluate"], *NEVER_FOR_A_DECISION) == []
    assert under(seen["evaluate"], "ipp_rules.cli", "ipp_rules.testing") == []
    assert set(under(seen["evaluate"], "ipp_rules.deadlines", "ipp_rules.goodfaith")) == (
        POLICY_FILE_MODULES
    )
    # Everything a decision needs is loaded with the bundle; evaluating imports nothing more.
    assert seen["evaluate"] == seen["default"]


def test_the_first_deadline_loads_the_calendars_then() -> None:
    # The other side of the tests above: the imports put off are made where they are used.
    seen = probe("deadline")
    assert under(seen["evaluate"], "holidays", "ipp_rules.calendars") == []
    assert "holidays" in seen["deadline"]
    assert {"ipp_rules.calendars.calendar", "ipp_rules.deadlines.compute"} <= set(seen["deadline"])


def test_the_evaluate_command_loads_no_other_command_and_no_calendar() -> None:
    script = (
        "import io, json, sys\n"
        "from contextlib import redirect_stdout\n"
        "from ipp_rules.cli.main import main\n"
        "with redirect_stdout(io.StringIO()):\n"
        "    status = main(['evaluate', sys.argv[1]])\n"
        "print(json.dumps([status, sorted(sys.modules)]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(COMPLAINT)], capture_output=True, text=True, cwd=REPO
    )
    assert done.returncode == 0, done.stderr
    status, modules = json.loads(done.stdout)
    assert status == 1  # needs_info
    assert under(modules, *NEVER_FOR_A_DECISION) == []
    commands = under(modules, "ipp_rules.cli")
    assert "ipp_rules.cli.evaluate" in commands
    assert not {"ipp_rules.cli.check", "ipp_rules.cli.deadline", "ipp_rules.cli.diff"} & set(
        commands
    )
    assert set(under(modules, "ipp_rules.deadlines", "ipp_rules.goodfaith")) == (
        POLICY_FILE_MODULES
    )
