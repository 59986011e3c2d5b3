"""``ipp-rules test``: the bundle's YAML cases without pytest, with rule coverage."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.cli.conftest import run_cli
from tests.conftest import GOOD_FAITH_RELIEF, append, edit

NEW_RULE = """
  - id: account.individual_agent
    title: An individual acting as an agent
    source: test
    when:
      complainant.kind: {eq: individual}
      complainant.role: {eq: authorized_agent}
    outcome: warn
    code: INDIVIDUAL_AGENT
    message: An individual acts as an agent.
"""


def test_the_bundled_cases_pass_and_cover_every_rule():
    done = run_cli("test", "--min-coverage", "100")
    assert done.returncode == 0, done.stdout + done.stderr
    bundle, first, *_ = done.stdout.splitlines()
    assert bundle == (
        "bundle: ipp-default 2026.11.0, the bundled default at rulesets; pass a folder, or run "
        "`ipp-rules init FOLDER` to get an editable copy"
    )
    found = re.fullmatch(
        r"ipp-default \S+: ([0-9]+) cases in ([0-9]+) files: \1 passed, 0 failed", first
    )
    assert found, first
    assert re.search(
        r"^rule coverage: ([0-9]+) of \1 rules fired in some case \(100%\)$", done.stdout, re.M
    )
    assert re.search(r"^  account\.yaml +([0-9]+) of \1 rules fired$", done.stdout, re.M)
    assert done.stdout.endswith("rules no case makes fire: none\n")
    assert done.stderr == ""


def test_a_failing_case_is_reported_in_the_bundles_words(bundle_copy: Path):
    edit(bundle_copy / "evidence.yaml", *GOOD_FAITH_RELIEF)
    done = run_cli("test", bundle_copy.name, cwd=bundle_copy.parent)
    assert done.returncode == 1
    assert re.search(
        r"^FAILED my-bundle/tests/test_evidence\.yaml:[0-9]+:5: case 'a Good Faith member "
        r"still describes the differences'\n"
        r"  outcome is accept, expected needs_info\n"
        r"  codes differ; missing \['DIFFERENCES_DESCRIPTION_MISSING'\]\n",
        done.stdout,
        re.M,
    )
    assert re.search(r": ([0-9]+) cases in 6 files: [0-9]+ passed, 1 failed$", done.stdout, re.M)


def test_a_rule_no_case_makes_fire_lowers_the_coverage(bundle_copy: Path):
    append(bundle_copy / "account.yaml", NEW_RULE)
    done = run_cli("test", bundle_copy.name, cwd=bundle_copy.parent)
    assert done.returncode == 0
    assert "rules no case makes fire: account.individual_agent\n" in done.stdout
    assert re.search(r"^  account\.yaml +9 of 10 rules fired$", done.stdout, re.M)

    low = run_cli("test", bundle_copy.name, "--min-coverage", "100", "-v", cwd=bundle_copy.parent)
    assert low.returncode == 1
    assert re.search(r"^    account\.individual_agent +never fired$", low.stdout, re.M)
    assert re.search(r"^    account\.right_expired +[0-9]+ cases?$", low.stdout, re.M)
    assert re.search(r"^rule coverage 98(\.[0-9])?% is below the minimum 100%$", low.stdout, re.M)

    as_json = json.loads(run_cli("test", bundle_copy, "--format", "json").stdout)
    assert as_json["coverage"]["never_fired"] == ["account.individual_agent"]
    assert as_json["coverage"]["fired"] == as_json["coverage"]["total"] - 1
    rules = {r["rule"]: r for r in as_json["coverage"]["rules"]}
    assert rules["account.individual_agent"] == {
        "rule": "account.individual_agent",
        "file": "account.yaml",
        "cases": 0,
    }
    assert as_json["failed"] == [] and as_json["passed"] == as_json["cases"]


def test_a_bundle_that_does_not_load_is_invalid_input(bundle_copy: Path):
    edit(
        bundle_copy / "account.yaml",
        "outcome: reject\n    code: IDENTITY_NOT_VERIFIED",
        "outcome: rejekt\n    code: IDENTITY_NOT_VERIFIED",
    )
    done = run_cli("test", bundle_copy.name, cwd=bundle_copy.parent)
    assert done.returncode == 2
    assert done.stdout == ""
    assert "ipp-rules test: invalid ruleset bundle (1 problem)" in done.stderr
    assert "my-bundle/account.yaml:" in done.stderr and "did you mean 'reject'?" in done.stderr


def test_a_test_file_that_does_not_load_is_invalid_input_and_the_others_still_run(
    bundle_copy: Path,
):
    edit(
        bundle_copy / "tests" / "test_account.yaml",
        "    expect:\n      outcome: reject\n      codes: [IDENTITY_NOT_VERIFIED]",
        "    expect:\n      outcome: rejected\n      codes: [IDENTITY_NOT_VERIFIED]",
    )
    done = run_cli("test", bundle_copy.name, cwd=bundle_copy.parent)
    assert done.returncode == 2
    assert re.search(
        r"my-bundle/tests/test_account\.yaml:[0-9]+:[0-9]+: "
        r"expected one of accept, needs_info, reject",
        done.stderr,
    )
    # The file that did not load is reported as the failure it is, never as "0 failed".
    assert "0 failed" not in done.stdout
    assert "NOT LOADED my-bundle/tests/test_account.yaml: its cases did not run" in done.stdout
    assert re.search(
        r"^ipp-default 2026\.11\.0: 1 test file did not load; ([0-9]+) cases in the other 5 "
        r"files: \1 passed$",
        done.stdout,
        re.M,
    )
    as_json = run_cli("test", bundle_copy.name, "--format", "json", cwd=bundle_copy.parent)
    assert as_json.returncode == 2 and as_json.stderr == ""
    document = json.loads(as_json.stdout)
    assert document["error"]["type"] == "RulesetError"
    assert document["error"]["problems"][0]["file"] == "my-bundle/tests/test_account.yaml"


def test_a_base_outside_the_tests_folder_gets_one_problem_in_the_words_of_a_file_name(
    bundle_copy: Path,
):
    edit(
        bundle_copy / "tests" / "test_evidence.yaml",
        "base: bases/taobao_rights_holder.yaml",
        "base: ../../../../etc/passwd",
    )
    done = run_cli("test", bundle_copy.name, cwd=bundle_copy.parent)
    assert done.returncode == 2
    problems = [line for line in done.stderr.splitlines() if line.startswith("  ")]
    assert problems == [
        "  my-bundle/tests/test_evidence.yaml:5:7: expected a file name ending in .yaml, inside "
        "the tests folder, got '../../../../etc/passwd'"
    ]


def test_a_test_file_or_base_that_is_a_symlink_loop_is_invalid_input(bundle_copy: Path):
    # Path.resolve() raised RuntimeError("Symlink loop"): a traceback and exit status 1.
    base = bundle_copy / "tests" / "bases" / "taobao_rights_holder.yaml"
    base.unlink()
    base.symlink_to(base.name)
    (bundle_copy / "tests" / "test_loop.yaml").symlink_to("test_loop.yaml")
    done = run_cli("test", bundle_copy)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert "tests/test_loop.yaml:1:1: cannot read file" in done.stderr
    assert "cannot read base file 'bases/taobao_rights_holder.yaml': a symlink loop" in (
        done.stderr
    )


def test_a_tests_entry_that_is_a_file_is_invalid_input(bundle_copy: Path):
    import shutil

    shutil.rmtree(bundle_copy / "tests")
    (bundle_copy / "tests").write_text("not a folder\n")
    done = run_cli("test", bundle_copy.name, cwd=bundle_copy.parent)
    assert done.returncode == 2
    assert "'tests' must be a folder of test files" in done.stderr


def test_an_empty_case_name_and_an_empty_case_list_are_said_in_words(bundle_copy: Path):
    path = bundle_copy / "tests" / "test_evidence.yaml"
    text = path.read_text()
    first = text.index("  - name: ")
    end = text.index("\n", first)
    path.write_text(text[:first] + '  - name: ""' + text[end:])
    edit(bundle_copy / "tests" / "test_account.yaml", "\ncases:\n", "\ncases: []\nx_cases:\n")
    done = run_cli("test", bundle_copy.name, cwd=bundle_copy.parent)
    assert done.returncode == 2
    assert re.search(
        r"test_evidence\.yaml:\d+:\d+: expected text, got an empty string$", done.stderr, re.M
    )
    assert re.search(
        r"test_account\.yaml:\d+:\d+: expected at least 1 item, got none$", done.stderr, re.M
    )
