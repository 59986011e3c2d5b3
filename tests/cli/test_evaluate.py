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


# --- a path that is not a bundle ----------------------------------------------------------

CORPUS = EXAMPLES / "corpus.jsonl"
COMPLAINT = str(EXAMPLES / "complaint-lazada-th.yaml")
BUNDLE_COMMANDS = {
    "check": lambda p: ["check", p],
    "test": lambda p: ["test", p],
    "diff OLD": lambda p: ["diff", p, str(BUNDLE), "--corpus", str(CORPUS)],
    "diff NEW": lambda p: ["diff", str(BUNDLE), p, "--corpus", str(CORPUS)],
    "explain": lambda p: ["explain", COMPLAINT, "--rules", p],
    "evaluate": lambda p: ["evaluate", COMPLAINT, "--rules", p],
    "deadline": lambda p: [
        "deadline",
        "taobao",
        "takedown_processing",
        "2026-09-18T10:00:00+08:00",
        "--rules",
        p,
    ],
    "lifecycle": lambda p: ["lifecycle", "EVENTS", "--platform", "taobao", "--rules", p],
    "good-faith": lambda p: ["good-faith", str(EXAMPLES / "history-2027.csv"), "--rules", p],
}


def _unusable_path(kind: str, tmp_path: Path) -> Path:
    if kind == "missing":
        return tmp_path / "no-such-bundle"
    if kind == "empty folder":
        (tmp_path / "empty").mkdir()
        return tmp_path / "empty"
    if kind == "a file":
        (tmp_path / "rules.txt").write_text("these are not rules\n")
        return tmp_path / "rules.txt"
    return Path("/dev/null")


@pytest.mark.parametrize("kind", ["missing", "empty folder", "a file", "/dev/null"])
@pytest.mark.parametrize("command", sorted(BUNDLE_COMMANDS))
def test_a_path_that_is_not_a_bundle_exits_2_naming_it_on_stderr(
    command: str, kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    from ipp_rules.cli import main

    path = _unusable_path(kind, tmp_path)
    events = tmp_path / "events.yaml"
    events.write_text("- {kind: submitted, at: '2026-09-14T09:00:00+08:00'}\n")
    argv = [str(events) if a == "EVENTS" else a for a in BUNDLE_COMMANDS[command](str(path))]
    status = main(argv)
    out, err = capsys.readouterr()
    assert (status, out) == (2, "")
    assert str(path) in err, err
    assert err.startswith(f"ipp-rules {command.split()[0]}: ") or err.startswith("ipp-rules: ")


@pytest.mark.parametrize(
    ("kind", "why"),
    [
        ("missing", "no such file or folder"),
        ("empty folder", "not a bundle: no bundle.yaml in this folder"),
        ("a file", "not a bundle: a bundle is a folder holding bundle.yaml"),
        ("/dev/null", "not a bundle: a bundle is a folder holding bundle.yaml"),
    ],
)
def test_check_says_why_a_path_is_not_a_bundle(
    kind: str, why: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    from ipp_rules.cli import main

    path = _unusable_path(kind, tmp_path)
    assert main(["check", str(path)]) == 2
    assert capsys.readouterr() == ("", f"ipp-rules check: {path}: {why}\n")


def test_a_bundle_that_does_not_load_is_still_checked_with_exit_1(tmp_path: Path):
    # The line: past bundle.yaml, what is wrong is the bundle's own problem (E-LOAD).
    (tmp_path / "bundle.yaml").write_text("name: t\nversion: '1'\nrulesets: [gone.yaml]\n")
    done = run("check", str(tmp_path))
    assert done.returncode == 1, done.stderr
    assert done.stderr == ""
    assert "E-LOAD no file 'gone.yaml' in the bundle folder" in done.stdout


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
