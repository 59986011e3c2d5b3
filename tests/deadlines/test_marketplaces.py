"""The marketplace registry is the only list of marketplaces deadlines and case events know.

A marketplace that a plugin registers (``tests/policies/plugin``: ExampleMart, on Singapore's
calendar) is named in the deadline policy, gets deadlines and lifecycle states, and is refused
everywhere while it is not registered. No module of ``ipp_rules.deadlines`` reads the
``Platform`` enum.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

import ipp_rules.deadlines
from ipp_rules import Engine
from ipp_rules.deadlines import (
    DeadlinePolicy,
    compute_deadline,
    compute_due,
    deadline_function,
    replay,
)
from ipp_rules.errors import UnknownMarketplaceError
from ipp_rules.policies import policies
from tests.conftest import REPO, install_example_plugin
from tests.deadlines.examples import minimal, policy_from

MARKETPLACE = "examplemart"
# Friday in Singapore; Mon 21, Tue 22, Wed 23 September 2026 are business days there.
RECEIVED = datetime.fromisoformat("2026-09-18T10:00:00+08:00")


def with_examplemart_period() -> dict[str, object]:
    data = minimal()
    data["deadlines"]["merchant_counter_notification"]["marketplaces"] = {
        MARKETPLACE: {"business_days": 2, "source": "ExampleMart seller terms"}
    }
    return data


def test_a_plugin_marketplace_gets_deadlines(examplemart: str) -> None:
    assert MARKETPLACE in policies()
    policy = policy_from(with_examplemart_period())
    own = compute_deadline(policy, MARKETPLACE, "merchant_counter_notification", RECEIVED)
    assert (own.platform, own.country, own.calendar, own.timezone) == (
        MARKETPLACE,
        None,
        "SG",
        "Asia/Singapore",
    )
    assert (own.business_days, own.source) == (2, "ExampleMart seller terms")
    assert own.due.isoformat() == "2026-09-23T00:00:00+08:00"
    default = compute_deadline(policy, MARKETPLACE, "rights_holder_response", RECEIVED)
    assert (default.business_days, default.source) == (3, "Handbook 2 B 3")
    assert default.due.isoformat() == "2026-09-24T00:00:00+08:00"
    hours = compute_due(policy, MARKETPLACE, "takedown_processing", RECEIVED)
    assert hours[0].isoformat() == "2026-09-21T10:00:00+08:00"
    assert policy.calendar_for(MARKETPLACE).name == "SG"
    policy.warm_up()
    with pytest.raises(UnknownMarketplaceError, match="has no country platforms"):
        compute_deadline(policy, MARKETPLACE, "merchant_counter_notification", RECEIVED, "SG")
    with pytest.raises(UnknownMarketplaceError, match="has no country platforms"):
        deadline_function(policy, MARKETPLACE, "SG")


def test_a_plugin_marketplace_gets_a_lifecycle_state(examplemart: str) -> None:
    policy = policy_from(with_examplemart_period())
    events = [
        {"kind": "submitted", "at": "2026-09-17T09:00:00+08:00"},
        {"kind": "taken_down", "at": "2026-09-18T10:00:00+08:00"},
    ]
    deadlines = deadline_function(policy, MARKETPLACE)
    waiting = replay(
        events, deadlines=deadlines, now=datetime.fromisoformat("2026-09-22T12:00+08:00")
    )
    assert (waiting.state, waiting.listing) == ("taken_down", "removed")
    assert waiting.next is not None
    assert (waiting.next.party, waiting.next.deadline_kind) == (
        "merchant",
        "merchant_counter_notification",
    )
    assert waiting.next.due is not None
    assert waiting.next.due.isoformat() == "2026-09-23T00:00:00+08:00"
    closed = replay(
        events, deadlines=deadlines, now=datetime.fromisoformat("2026-09-23T00:00+08:00")
    )
    assert closed.state == "closed"
    (finding,) = closed.deemed
    assert finding.code == "COUNTER_NOTIFICATION_WINDOW_CLOSED"
    assert "2 business days" in finding.message


def test_the_engine_answers_for_a_plugin_marketplace(examplemart: str) -> None:
    with Engine.default(backend="reference") as engine:
        deadline = engine.deadline(MARKETPLACE, "merchant_counter_notification", RECEIVED)
        assert (deadline.calendar, deadline.due.isoformat()) == ("SG", "2026-09-24T00:00:00+08:00")
        state = engine.lifecycle(
            [{"kind": "submitted", "at": "2026-09-17T09:00:00+08:00"}],
            platform=MARKETPLACE,
            now=datetime.fromisoformat("2026-09-17T12:00+08:00"),
        )
        assert state.state == "submitted"
        assert state.next is not None and state.next.deadline_kind == "takedown_processing"


def test_without_the_plugin_its_marketplace_is_unknown_everywhere(shipped: DeadlinePolicy) -> None:
    assert MARKETPLACE not in policies()
    with pytest.raises(ValueError, match="unknown marketplace 'examplemart'"):
        policy_from(with_examplemart_period())
    with pytest.raises(UnknownMarketplaceError, match="unknown marketplace"):
        compute_deadline(shipped, MARKETPLACE, "merchant_counter_notification", RECEIVED)
    with pytest.raises(UnknownMarketplaceError, match="unknown marketplace"):
        compute_due(shipped, MARKETPLACE, "merchant_counter_notification", RECEIVED)
    with pytest.raises(UnknownMarketplaceError, match="unknown marketplace"):
        deadline_function(shipped, MARKETPLACE)


def test_no_deadline_module_reads_the_platform_enum() -> None:
    package = Path(ipp_rules.deadlines.__file__).parent
    readers = []
    for path in sorted(package.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            if any(
                n.startswith("ipp_rules.models.marketplace") or n.endswith(".Platform")
                for n in names
            ):
                readers.append(path.name)
    assert readers == []


PROBE = """
import json, sys
from datetime import datetime
from ipp_rules.deadlines import load_deadline_policy, compute_deadline, deadline_function, replay
policy = load_deadline_policy(sys.argv[1])
received = datetime.fromisoformat("2026-09-18T10:00:00+08:00")
deadline = compute_deadline(policy, "examplemart", "merchant_counter_notification", received)
state = replay(
    [{"kind": "submitted", "at": "2026-09-17T09:00:00+08:00"},
     {"kind": "taken_down", "at": "2026-09-18T10:00:00+08:00"}],
    deadlines=deadline_function(policy, "examplemart"),
    now=datetime.fromisoformat("2026-09-25T00:00:00+08:00"),
)
print(json.dumps({"due": deadline.due.isoformat(), "calendar": deadline.calendar,
                  "state": state.state, "deemed": [f.code for f in state.deemed]}))
"""


@pytest.mark.slow
def test_an_installed_plugin_marketplace_gets_deadlines_and_states(tmp_path: Path) -> None:
    site = install_example_plugin(tmp_path / "site")
    env = {"PYTHONPATH": f"{site}:{REPO}", "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(REPO / "rulesets")],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {
        "due": "2026-09-24T00:00:00+08:00",
        "calendar": "SG",
        "state": "closed",
        "deemed": ["COUNTER_NOTIFICATION_WINDOW_CLOSED"],
    }
    events = tmp_path / "events.json"
    events.write_text(json.dumps([{"kind": "submitted", "at": "2026-09-17T09:00:00+08:00"}]))
    command = [sys.executable, "-m", "ipp_rules.cli"]
    deadline = subprocess.run(
        [*command, "deadline", MARKETPLACE, "account_verification", "2026-09-18T10:00:00+08:00"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env=env,
    )
    assert deadline.returncode == 0, deadline.stderr
    assert "  marketplace  examplemart (calendar SG, Asia/Singapore)\n" in deadline.stdout
    lifecycle = subprocess.run(
        [
            *command,
            "lifecycle",
            str(events),
            "--platform",
            MARKETPLACE,
            "--now",
            "2026-09-17T12:00Z",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env=env,
    )
    assert lifecycle.returncode == 0, lifecycle.stderr
    assert lifecycle.stdout.startswith("state    submitted")
