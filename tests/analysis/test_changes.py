"""changes.py: what changed between two versions of a bundle, before any complaint is run: rules
added, removed or changed (and in which aspects), category tables, and the Good Faith policy
period by period."""

from __future__ import annotations

import shutil
from pathlib import Path

from ipp_rules.analysis.changes import BundleChanges, RuleChange, bundle_changes
from ipp_rules.rulesets.bundle import load_bundle
from tests.conftest import BUNDLE, GOOD_FAITH_RELIEF, append, edit

RULE = """  - id: a.{id}
    title: {title}
    source: s
    when:
      platform: {{eq: taobao}}
    outcome: {outcome}
{then}"""

WARN = "    code: {code}\n    message: m\n"

THRESHOLDS = """    min_requests: 100
    thresholds:
      takedown_success_rate: {min: 90%}
      counter_notification_success_rate: {max: 5%}
    per_reason_code: true
"""

LATER_PERIOD = """
  - name: 2027 volume
    effective_from: 2027-01-01
    source: test
    marketplaces: [taobao, tmall, tmall_global]
    window_months: 3
    min_requests: 200
    thresholds:
      takedown_success_rate: {min: 90%}
      counter_notification_success_rate: {max: 5%}
    per_reason_code: true
    false_information: {allowed: false, look_back: history}
    rejoin_wait_months: 3
"""


def rule(rule_id: str, title: str = "t", code: str = "CODE", derive: str | None = None) -> str:
    if derive is not None:
        return RULE.format(
            id=rule_id, title=title, outcome="derive", then=f"    derive: {derive}\n"
        )
    return RULE.format(id=rule_id, title=title, outcome="warn", then=WARN.format(code=code))


def small_bundle(root: Path, *rules: str, good_faith: bool = False) -> Path:
    root.mkdir()
    manifest = "name: t\nversion: '1'\nrulesets: [a.yaml]\n"
    if good_faith:
        shutil.copy(BUNDLE / "good_faith.yaml", root / "good_faith.yaml")
        manifest += "good_faith: good_faith.yaml\n"
    (root / "bundle.yaml").write_text(manifest)
    (root / "a.yaml").write_text("area: a\ncategory: account\nrules:\n" + "".join(rules))
    return root


def test_the_same_bundle_changes_nothing() -> None:
    changes = bundle_changes(load_bundle(BUNDLE), load_bundle(BUNDLE))
    assert changes == BundleChanges(rules=(), category_tables=(), good_faith=())
    assert changes.empty


def test_a_rule_changed_names_the_aspects_that_changed(bundle_copy: Path) -> None:
    edit(
        bundle_copy / "account.yaml",
        "    code: IDENTITY_NOT_VERIFIED\n    path: complainant.identity_verified\n",
        "    code: IDENTITY_UNVERIFIED\n    path: complainant.role\n",
    )
    edit(bundle_copy / "evidence.yaml", *GOOD_FAITH_RELIEF)  # a waiver: the condition changes
    edit(
        bundle_copy / "classification.yaml",
        "  categories_1688: *starter_categories\n",
        "  categories_1688: {apparel: [25]}\n",
    )
    changes = bundle_changes(load_bundle(BUNDLE), load_bundle(bundle_copy))
    assert changes.rules == (
        RuleChange("account.identity_not_verified", "changed", ("code", "path")),
        RuleChange("evidence.counterfeit_description_missing", "changed", ("condition",)),
    )
    assert changes.category_tables == ("categories_1688",)
    assert changes.good_faith == ()
    assert not changes.empty


def test_rules_added_in_the_new_order_then_rules_removed(tmp_path: Path) -> None:
    old = small_bundle(tmp_path / "old", rule("one"), rule("two"), rule("four", derive="x"))
    new = small_bundle(
        tmp_path / "new",
        rule("two", title="another title"),
        rule("three"),
        rule("four", derive="y"),
    )
    changes = bundle_changes(load_bundle(old), load_bundle(new))
    assert changes.rules == (
        RuleChange("a.two", "changed", ("title",)),
        RuleChange("a.three", "added"),
        RuleChange("a.four", "changed", ("derived fact",)),
        RuleChange("a.one", "removed"),
    )


def test_the_good_faith_policy_added_or_removed(tmp_path: Path) -> None:
    without = load_bundle(small_bundle(tmp_path / "without", rule("one")))
    with_policy = load_bundle(small_bundle(tmp_path / "with", rule("one"), good_faith=True))
    assert bundle_changes(without, with_policy).good_faith == ("the policy was added",)
    assert bundle_changes(with_policy, without).good_faith == ("the policy was removed",)
    assert bundle_changes(without, without).good_faith == ()


def test_the_good_faith_policy_is_compared_value_by_value(bundle_copy: Path) -> None:
    edit(
        bundle_copy / "good_faith.yaml",
        "    code: GOOD_FAITH_COUNTER_RATE_HIGH\n",
        "    code: GOOD_FAITH_COUNTER_HIGH\n",
    )
    edit(bundle_copy / "good_faith.yaml", THRESHOLDS, THRESHOLDS.replace("100", "200"))
    changes = bundle_changes(load_bundle(BUNDLE), load_bundle(bundle_copy))
    assert changes.good_faith == (
        "rates.counter_notification_success_rate.code: GOOD_FAITH_COUNTER_RATE_HIGH -> "
        "GOOD_FAITH_COUNTER_HIGH",
        "period '2022 upgrade': min_requests: 100 -> 200",
    )
    assert changes.rules == () and changes.category_tables == ()


def test_a_period_added_says_how_it_differs_from_the_one_before(bundle_copy: Path) -> None:
    edit(
        bundle_copy / "good_faith.yaml",
        "  - name: 2022 upgrade\n    effective_from: 2022-04-15\n",
        "  - name: 2022 upgrade\n    effective_from: 2022-04-15\n    effective_until: 2027-01-01\n",
    )
    append(bundle_copy / "good_faith.yaml", LATER_PERIOD)
    edit(bundle_copy / "good_faith.yaml", "  - name: 2015 launch\n", "  - name: 2015 start\n")
    changes = bundle_changes(load_bundle(BUNDLE), load_bundle(bundle_copy))
    assert changes.good_faith == (
        "period '2015 start' added (from 2015-04-01 until 2018-04-15)",
        "period '2022 upgrade': effective_until: (none) -> 2027-01-01",
        "period '2027 volume' added (from 2027-01-01)",
        "period '2027 volume': min_requests: 200 (was 100 in '2022 upgrade')",
        "period '2015 launch' removed",
    )
