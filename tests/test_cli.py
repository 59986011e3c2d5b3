"""``ipp-rules evaluate`` as a subprocess: output, formats and exit status."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import BUNDLE, REPO

EXAMPLES = REPO / "docs" / "examples"


def run(*args: str, stdin: str | None = None, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ipp_rules.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )


def test_an_accepted_example_exits_0_with_text():
    done = run("evaluate", str(EXAMPLES / "complaint-lazada-th.yaml"))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("outcome: accept\nbundle:  ipp-default ")
    assert done.stderr == ""


def test_a_rejected_json_example_exits_1_and_explains():
    done = run("evaluate", str(EXAMPLES / "complaint-agent-expired.json"))
    assert done.returncode == 1
    assert "outcome: reject" in done.stdout
    assert "AGENT_AUTHORIZATION_EXPIRED at complainant.authorization.valid_until" in done.stdout
    assert "rule account.agent_authorization_expired (account)" in done.stdout


def test_json_format_is_the_decision_model():
    done = run(
        "evaluate", "--format", "json", "--trace", str(EXAMPLES / "complaint-agent-expired.json")
    )
    decision = json.loads(done.stdout)
    assert decision["outcome"] == "reject"
    assert [f["code"] for f in decision["findings"]] == ["AGENT_AUTHORIZATION_EXPIRED"]
    assert {e["rule_id"] for e in decision["trace"]} == {
        "account.agent_authorization_on_file",
        "account.agent_authorization_expired",
    }


def test_needs_info_exits_1(tmp_path: Path):
    document = yaml.safe_load(
        (BUNDLE / "tests" / "bases" / "taobao_rights_holder.yaml").read_text()
    )
    document["complainant"]["role"] = "authorized_agent"
    done = run("evaluate", "--format", "json", "-", stdin=json.dumps(document))
    assert done.returncode == 1
    assert json.loads(done.stdout)["outcome"] == "needs_info"


def test_an_invalid_document_exits_2_with_located_errors_on_stderr(tmp_path: Path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("platform: lazada\nsubmitted_at: 2026-03-02T10:15:00\nchannel: fax\n")
    done = run("evaluate", str(bad))
    assert done.returncode == 2
    assert done.stdout == ""
    assert "invalid complaint document" in done.stderr
    assert "country" in done.stderr and "channel" in done.stderr


def test_a_missing_file_exits_2():
    done = run("evaluate", "no-such-complaint.json")
    assert done.returncode == 2
    assert "no-such-complaint.json" in done.stderr


def test_a_broken_bundle_exits_2_naming_file_line_column(tmp_path: Path):
    root = tmp_path / "bundle"
    shutil.copytree(BUNDLE, root)
    account = root / "account.yaml"
    account.write_text(account.read_text().replace("outcome: reject", "outcome: rejected", 1))
    done = run("evaluate", "--rules", str(root), str(EXAMPLES / "complaint-lazada-th.yaml"))
    assert done.returncode == 2
    assert "account.yaml:" in done.stderr and "rejected" in done.stderr


def test_rules_option_uses_that_bundle(tmp_path: Path):
    root = tmp_path / "bundle"
    shutil.copytree(BUNDLE, root)
    manifest = root / "bundle.yaml"
    manifest.write_text(manifest.read_text().replace('version: "2026.11.0"', 'version: "9.9.9"'))
    done = run(
        "evaluate",
        "--rules",
        str(root),
        "--format",
        "json",
        str(EXAMPLES / "complaint-lazada-th.yaml"),
    )
    assert json.loads(done.stdout)["bundle"]["version"] == "9.9.9"


@pytest.mark.parametrize("args", [[], ["evaluate"], ["evaluate", "x", "--format", "xml"]])
def test_bad_arguments_exit_2(args: list[str]):
    assert run(*args).returncode == 2


def test_deadline_prints_the_days_counted_and_the_due_instant():
    done = run("deadline", "taobao", "merchant_counter_notification", "2026-09-18T10:00:00+08:00")
    assert done.returncode == 0, done.stderr
    assert "Sun 2026-09-20 (make-up working day), Mon 2026-09-21, Tue 2026-09-22" in done.stdout
    assert "due          2026-09-23T00:00:00+08:00" in done.stdout


def test_deadline_json_and_a_naive_time(tmp_path: Path):
    done = run(
        "deadline",
        "lazada",
        "takedown_processing",
        "2026-04-10T09:00:00+07:00",
        "--country",
        "TH",
        "--format",
        "json",
    )
    assert json.loads(done.stdout)["last_day"] == "2026-04-22"
    naive = run("deadline", "taobao", "merchant_counter_notification", "2026-09-18T10:00:00")
    assert naive.returncode == 2
    assert "received_at" in naive.stderr


def test_lifecycle_replays_events_from_a_file(tmp_path: Path):
    events = tmp_path / "events.yaml"
    events.write_text(
        "- {kind: submitted, at: '2026-09-14T09:00:00+08:00'}\n"
        "- {kind: taken_down, at: '2026-09-15T09:00:00+08:00'}\n"
        "- {kind: counter_notified, at: '2026-09-18T10:00:00+08:00'}\n"
    )
    done = run(
        "lifecycle",
        str(events),
        "--platform",
        "taobao",
        "--now",
        "2026-09-24T09:00:00+08:00",
        "--format",
        "json",
    )
    assert done.returncode == 0, done.stderr
    state = json.loads(done.stdout)
    assert state["state"] == "reinstated"
    assert [f["code"] for f in state["deemed"]] == ["COUNTER_NOTIFICATION_DEEMED_ACCEPTED"]


@pytest.mark.parametrize(
    ("name", "opening", "where", "message"),
    [
        (
            "deep.json",
            '{"evidence": [{"kind": ',
            "1:53",
            "expected objects and lists nested at most 32 levels deep, "
            "got one nested 33 levels deep here",
        ),
        ("deep.yaml", "evidence:\n- kind: ", "2:38", "nesting too deep: more than 32 levels"),
    ],
)
def test_a_document_nested_too_deep_exits_2_with_one_located_line(
    tmp_path: Path, name: str, opening: str, where: str, message: str
):
    path = tmp_path / name
    closing = "}]}" if name.endswith(".json") else "\n"
    path.write_text(opening + "[" * 100_000 + "]" * 100_000 + closing)
    done = run("evaluate", str(path))
    assert done.returncode == 2
    assert (
        done.stderr
        == f"ipp-rules: invalid complaint document (1 problem)\n  {path}:{where}: {message}\n"
    )
