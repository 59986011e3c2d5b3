"""check.py: ``check`` on copies of the bundle broken in the ways it reports beside the rules
(dates, files the manifest does not name, test cases, allow comments), and its codes
explained for staff. The checks on the rules themselves are in test_rule_checks.py."""

from __future__ import annotations

import pickle
import re
import shutil
from pathlib import Path

import pytest
import yaml

from ipp_rules.analysis.check import CODES, check_bundle
from ipp_rules.errors import BundlePathError
from tests.conftest import REPO, edit

LINE = re.compile(
    r"^(?P<file>[^:]+):(?P<line>[0-9]+):(?P<column>[0-9]+): (?P<code>[EW]-[A-Z-]+) .+$"
)


def codes(output: str) -> list[str]:
    return [m["code"] for m in map(LINE.match, output.splitlines()) if m]


def test_reversed_effective_dates_are_reported_once_as_their_own_error(bundle_copy: Path):
    edit(
        bundle_copy / "listing.yaml",
        "      listings.count: {eq: 0}\n",
        "      listings.count: {eq: 0}\n    effective_from: 2026-05-01\n"
        "    effective_until: 2026-04-01\n",
    )
    report = check_bundle(bundle_copy)
    (problem,) = report.problems
    assert problem.code == "E-DATES" and problem.subject == "listing.none"
    assert problem.location.endswith("listing.yaml:13:5")  # the rule, as the loader points at it
    assert problem.message.startswith(
        "rule listing.none stops applying on 2026-04-01 (effective_until), which is not after "
        "it starts on 2026-05-01 (effective_from)"
    )


def test_a_warning_is_allowed_by_a_comment_on_its_line_or_just_above(tmp_path: Path):
    (tmp_path / "bundle.yaml").write_text("name: t\nversion: '1'\nrulesets: [a.yaml]\n")
    rules = (
        "area: a\ncategory: account\ntables:\n"
        "  kept: [x]  # ipp-rules: allow W-UNUSED-TABLE\n"
        "  # data for people\n  # ipp-rules: allow W-SHADOWED, W-UNUSED-TABLE\n  notes: [y]\n"
        "  # ipp-rules: allow W-UNUSED-TABLE\n\n  gap: [z]\n"
    )
    (tmp_path / "a.yaml").write_text(rules)
    report = check_bundle(tmp_path)
    assert [p.subject for p in report.allowed] == ["kept", "notes"]
    assert [p.subject for p in report.problems] == ["gap"]


def test_a_folder_that_is_no_bundle_is_not_a_report_but_an_error(tmp_path: Path):
    with pytest.raises(BundlePathError) as caught:
        check_bundle(tmp_path)
    (problem,) = caught.value.problems
    assert (problem.code, problem.message) == (
        "no_manifest",
        "not a bundle: no bundle.yaml in this folder",
    )
    assert pickle.loads(pickle.dumps(caught.value)).problems == caught.value.problems


@pytest.mark.parametrize("code", sorted(CODES))
def test_every_code_is_explained_for_staff(code: str):
    text = (REPO / "docs" / "tools.md").read_text(encoding="utf-8")
    assert re.search(rf"^\| `{code}` \|", text, re.M), f"docs/tools.md does not explain {code}"


def test_a_rule_file_the_manifest_does_not_list_is_reported_with_its_cases(bundle_copy: Path):
    edit(bundle_copy / "bundle.yaml", "  - scope.yaml\n", "")
    (bundle_copy / "README.md").write_text("notes, not rules\n")
    report = check_bundle(bundle_copy, backend="reference")
    scope = yaml.safe_load((bundle_copy / "scope.yaml").read_text())
    rule_ids = [rule["id"] for rule in scope["rules"]]
    (unlisted,) = [p for p in report.problems if p.code == "W-UNLISTED-FILE"]
    assert unlisted.location == f"{bundle_copy / 'scope.yaml'}:1:1"
    assert unlisted.subject == "scope.yaml"
    assert unlisted.message == (
        f"scope.yaml is in the bundle folder but bundle.yaml does not list it, so its "
        f"{len(rule_ids)} rules are never read: add '- scope.yaml' under rulesets in "
        "bundle.yaml, or remove the file"
    )
    # Every case naming a scope rule is pointed at, at the rule id in the case.
    unknown = [p for p in report.problems if p.code == "W-UNKNOWN-RULE"]
    cases = yaml.safe_load((bundle_copy / "tests" / "test_scope.yaml").read_text())["cases"]
    named = [
        rule
        for case in cases
        for key in ("fires", "does_not_fire")
        for rule in case["expect"].get(key, [])
    ]
    assert [p.subject for p in unknown] == [r for r in named if r in rule_ids]
    assert {p.file for p in unknown} == {str(bundle_copy / "tests" / "test_scope.yaml")}
    first = unknown[0]
    lines = (bundle_copy / "tests" / "test_scope.yaml").read_text().splitlines()
    line, column = first.line, first.column
    assert line is not None and column is not None
    assert lines[line - 1][column - 1 :] == first.subject  # the id itself, in its list
    assert first.message.endswith(
        f"names rule {first.subject} under does_not_fire, but the bundle has no such rule "
        "(it is in scope.yaml, which bundle.yaml does not list)"
    )
    # Before, check was quiet about all of it.
    assert report.errors == []


def test_policy_files_are_named_by_their_own_keys(bundle_copy: Path):
    edit(bundle_copy / "bundle.yaml", "good_faith: good_faith.yaml\n", "")
    shutil.copy(bundle_copy / "deadlines.yaml", bundle_copy / "deadlines_2027.yaml")
    shutil.copy(bundle_copy / "listing.yaml", bundle_copy / "listing_draft.yml")
    (bundle_copy / "broken.yaml").write_text("rules: [\n")
    (bundle_copy.parent / "elsewhere.yaml").write_text("rules: [{id: a.b}]\n")
    (bundle_copy / "linked.yaml").symlink_to(bundle_copy.parent / "elsewhere.yaml")
    report = check_bundle(bundle_copy, backend="reference")
    found = {p.subject: p.message for p in report.problems if p.code == "W-UNLISTED-FILE"}
    listing_rules = len(yaml.safe_load((bundle_copy / "listing.yaml").read_text())["rules"])
    assert found == {
        "broken.yaml": "broken.yaml is in the bundle folder but bundle.yaml does not list it, "
        "so it is never read: add '- broken.yaml' under rulesets in bundle.yaml, or remove the "
        "file",
        # A link out of the folder is not read (as the loader never reads one), only named.
        "linked.yaml": "linked.yaml is in the bundle folder but bundle.yaml does not list it, "
        "so it is never read: add '- linked.yaml' under rulesets in bundle.yaml, or remove the "
        "file",
        "deadlines_2027.yaml": "deadlines_2027.yaml is a deadline policy that bundle.yaml does "
        "not name, so it is never read: bundle.yaml names deadlines.yaml as its deadlines "
        "policy; remove this file, or name it instead",
        "good_faith.yaml": "good_faith.yaml is a Good Faith Program policy that bundle.yaml "
        "does not name, so it is never read: add 'good_faith: good_faith.yaml' to "
        "bundle.yaml, or remove the file",
        "listing_draft.yml": "listing_draft.yml is in the bundle folder but bundle.yaml does "
        f"not list it, so its {listing_rules} rules are never read: rename it to "
        "listing_draft.yaml (rule files end in .yaml) and "
        "add '- listing_draft.yaml' under rulesets in bundle.yaml, or remove the file",
    }


def test_a_case_naming_a_rule_that_is_not_there_gets_a_near_miss(bundle_copy: Path):
    edit(
        bundle_copy / "tests" / "test_account.yaml",
        "fires: [account.identity_not_verified]",
        "fires: [account.identity_not_verifed]",
    )
    report = check_bundle(bundle_copy, backend="reference")
    (problem,) = report.problems
    assert problem.code == "W-UNKNOWN-RULE"
    assert problem.message == (
        "case 'an unverified identity is rejected' names rule account.identity_not_verifed under "
        "fires, but the bundle has no such rule (did you mean account.identity_not_verified?)"
    )
    line = (
        (bundle_copy / "tests" / "test_account.yaml")
        .read_text()
        .splitlines()
        .index("      fires: [account.identity_not_verifed]")
    )
    assert problem.location == f"{bundle_copy / 'tests' / 'test_account.yaml'}:{line + 1}:15"


def test_a_test_file_not_named_test_yaml_is_reported(bundle_copy: Path):
    # Neither `ipp-rules test` nor pytest collects it: its cases silently never ran.
    cases = (bundle_copy / "tests" / "test_account.yaml").read_text(encoding="utf-8")
    (bundle_copy / "tests" / "account_more.yml").write_text(cases, encoding="utf-8")
    (bundle_copy / "tests" / "extra.yaml").write_text(cases, encoding="utf-8")
    report = check_bundle(bundle_copy, backend="reference")
    found = [p for p in report.problems if p.code == "W-UNLISTED-FILE"]
    assert [(p.subject, p.message) for p in found] == [
        (
            "tests/account_more.yml",
            "tests/account_more.yml holds test cases but is never run: test files are named "
            "tests/test_*.yaml; rename it to tests/test_account_more.yaml",
        ),
        (
            "tests/extra.yaml",
            "tests/extra.yaml holds test cases but is never run: test files are named "
            "tests/test_*.yaml; rename it to tests/test_extra.yaml",
        ),
    ]
    assert all(p.location.endswith(":1:1") for p in found)
    # The base complaints the cases build on are not test files.
    assert not any("bases" in (p.subject or "") for p in report.problems)
