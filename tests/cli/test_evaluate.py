"""``ipp-rules evaluate`` as a subprocess: output, formats and exit status."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from ipp_rules import Decision, Engine
from ipp_rules.cli.bundles import shown_folder
from tests.cli.conftest import EXAMPLES, call, run_cli
from tests.conftest import BUNDLE, REPO


def run(*args: str, stdin: str | None = None, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return run_cli(*args, stdin=stdin, cwd=cwd, timeout=120)


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


# ---------------------------------------------------------------------------------------------
# What was checked, and which bundle


def test_an_accept_says_what_was_checked():
    with Engine.default(backend="reference") as engine:
        rules = len(engine.bundle.compiled.rules)
    status, out, err = call("evaluate", EXAMPLES / "complaint-lazada-th.yaml")
    assert (status, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == "outcome: accept"
    assert lines[2] == f"checked: {rules} rules run, none fired"
    assert len(lines) == 3


def test_a_trace_with_nothing_fired_says_so():
    status, out, _ = call("evaluate", EXAMPLES / "complaint-lazada-th.yaml", "--trace")
    assert status == 0
    assert out.endswith("\nrules that fired: none\n")
    status, out, _ = call("evaluate", EXAMPLES / "complaint-agent-expired.json", "--trace")
    assert status == 1
    assert "\nrules that fired (2):\n" in out


def test_the_bundle_read_is_named_and_the_bundled_default_says_so(bundle_copy: Path):
    _, out, _ = call("evaluate", EXAMPLES / "complaint-lazada-th.yaml")
    assert re.fullmatch(
        rf"bundle:  ipp-default 2026\.11\.0 \(sha256 [0-9a-f]{{12}}\), the bundled default at "
        rf"{re.escape(shown_folder(BUNDLE))}; pass a folder, or run `ipp-rules init FOLDER` to "
        r"get an editable copy",
        out.splitlines()[1],
    )
    _, out, _ = call("evaluate", EXAMPLES / "complaint-lazada-th.yaml", "--rules", bundle_copy)
    assert out.splitlines()[1].endswith(f") in {bundle_copy.resolve()}")
    _, out, _ = call(
        "evaluate",
        EXAMPLES / "complaint-lazada-th.yaml",
        "--rules",
        bundle_copy,
        "--format",
        "json",
    )
    document = json.loads(out)
    assert (document.pop("bundle_folder"), document.pop("bundle_default")) == (
        str(bundle_copy.resolve()),
        False,
    )
    assert Decision.model_validate(document).outcome == "accept"
