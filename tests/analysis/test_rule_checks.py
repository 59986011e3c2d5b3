"""rule_checks.py: rules and waivers that can never fire or always do, rules another rule
shadows, and tables and derived facts nothing reads, each found where it is written."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from ipp_rules import Engine
from ipp_rules.analysis.check import check_bundle
from tests.conftest import BUNDLE, append

WRONG_RULES = """
  - id: account.contradiction
    title: An agent who is a rights holder
    source: test
    when:
      complainant.role: {eq: authorized_agent}
      listings.count: {lt: 5, gt: 10}
    outcome: reject
    code: CONTRADICTION
    message: never

  - id: account.no_values
    title: A right of no type
    source: test
    when:
      right.type: {in: []}
    outcome: reject
    code: NO_VALUES
    message: never

  - id: account.every_complaint
    title: Membership stated or not
    source: test
    when:
      any:
        - complainant.good_faith_member: {exists: true}
        - complainant.good_faith_member: {exists: false}
    outcome: info
    code: EVERY_COMPLAINT
    message: always

  - id: account.unverified_agent
    title: An unverified agent
    source: test
    when:
      channel: {eq: ipp_account}
      complainant.identity_verified: {eq: false}
      complainant.role: {eq: authorized_agent}
    outcome: reject
    code: IDENTITY_NOT_VERIFIED
    message: The complainant's identity has not been verified.

  - id: account.agent_derived
    title: A derived fact nobody reads
    source: test
    when:
      complainant.role: {eq: authorized_agent}
    outcome: derive
    derive: nobody_reads_this

  - id: account.old_rule
    title: Only before 2020, but in force from 2021
    source: test
    when:
      submitted_on: {lt: 2020-01-01}
    outcome: warn
    code: OLD_RULE
    message: old
    effective_from: 2021-01-01

tables:
  forgotten: [a, b]

waivers:
  - id: account.never_waived
    title: A waiver that can never apply
    source: test
    when:
      complainant.good_faith_member: {eq: true}
      all:
        - complainant.good_faith_member: {eq: false}
    waives: [account.right_expired]
"""


def test_a_derived_fact_no_rule_can_set_makes_its_readers_never_fire(tmp_path: Path):
    (tmp_path / "bundle.yaml").write_text("name: t\nversion: '1'\nrulesets: [a.yaml]\n")
    (tmp_path / "a.yaml").write_text(
        "area: a\ncategory: account\nrules:\n"
        "  - id: a.sets\n    title: t\n    source: s\n    when:\n"
        "      complainant.role: {eq: authorized_agent}\n"
        "      all: [{complainant.role: {eq: rights_holder}}]\n"
        "    outcome: derive\n    derive: impossible\n"
        "  - id: a.reads\n    title: t\n    source: s\n    when:\n"
        "      derived.impossible: {eq: true}\n"
        "    outcome: warn\n    code: READS\n    message: m\n"
    )
    report = check_bundle(tmp_path, backend="reference")
    messages = [p.message for p in report.problems if p.code == "W-NEVER-TRUE"]
    assert len(messages) == 2
    assert (
        "complainant.role: eq authorized_agent and complainant.role: eq rights_holder"
        in messages[0]
    )
    assert (
        "derived.impossible is always false (the rules deriving it can never fire)" in messages[1]
    )
    untested = [p for p in report.problems if p.code == "W-UNTESTED"]
    assert "(the bundle has no tests/test_*.yaml files)" in untested[0].message


def test_a_rule_waived_whenever_it_holds_never_fires(tmp_path: Path):
    (tmp_path / "bundle.yaml").write_text("name: t\nversion: '1'\nrulesets: [a.yaml]\n")
    (tmp_path / "a.yaml").write_text(
        "area: a\ncategory: account\nrules:\n"
        "  - id: a.rule\n    title: t\n    source: s\n    when:\n"
        "      platform: {eq: taobao}\n"
        "    outcome: warn\n    code: RULE\n    message: m\n"
        "waivers:\n  - id: a.waiver\n    title: t\n    source: s\n    when:\n"
        "      platform: {in: [taobao, tmall]}\n    waives: [a.rule]\n"
    )
    (problem,) = [p for p in check_bundle(tmp_path).problems if p.code == "W-NEVER-TRUE"]
    assert problem.message == (
        "rule a.rule can never fire: it is waived whenever its condition holds (by a.waiver)"
    )


def test_every_kind_of_rule_problem_is_found_where_it_is_written(bundle_copy: Path):
    append(bundle_copy / "account.yaml", WRONG_RULES)
    report = check_bundle(bundle_copy, backend="reference")
    found = [p for p in report.problems if p.code != "W-UNTESTED"]
    assert [(p.code, p.subject) for p in found] == [
        ("W-NEVER-TRUE", "account.contradiction"),
        ("W-NEVER-TRUE", "account.no_values"),
        ("W-ALWAYS-TRUE", "account.every_complaint"),
        ("W-SHADOWED", "account.unverified_agent"),
        ("W-UNUSED-DERIVED", "account.agent_derived"),
        ("W-NEVER-TRUE", "account.old_rule"),
        ("W-UNUSED-TABLE", "forgotten"),
        ("W-NEVER-TRUE", "account.never_waived"),
    ]
    account = bundle_copy / "account.yaml"
    lines = account.read_text(encoding="utf-8").splitlines()

    def at(text: str, column: int) -> str:
        return f"{account}:{lines.index(text) + 1}:{column}"

    where = {p.subject: (p.location, p.message) for p in found}
    assert where["account.no_values"] == (
        at("      right.type: {in: []}", 24),  # the empty list itself
        "rule account.no_values can never fire: 'right.type: {in: ...}' names no values, so it "
        "never holds",
    )
    assert where["account.agent_derived"] == (
        at("    derive: nobody_reads_this", 13),
        "rule account.agent_derived derives derived.nobody_reads_this, but no rule, waiver, "
        "message or path reads it",
    )
    assert where["forgotten"] == (
        at("  forgotten: [a, b]", 3),
        "table forgotten is not read by any rule or waiver, nor named by a marketplace policy",
    )
    assert where["account.never_waived"][1] == (
        "waiver account.never_waived never applies: its condition can never hold, so "
        "account.right_expired always apply"
    )
    shadowing = at("  - id: account.identity_not_verified", 5)
    rule = lines.index("  - id: account.unverified_agent")
    when = rule + lines[rule:].index("    when:")  # the shadowed rule's condition
    assert where["account.unverified_agent"] == (
        f"{account}:{when + 1}:5",
        f"rule account.unverified_agent is shadowed by account.identity_not_verified "
        f"({shadowing}): whenever it fires, account.identity_not_verified fires and gives "
        "reject with code IDENTITY_NOT_VERIFIED too, so it adds nothing",
    )


ALWAYS_TRUE_RULES = {
    "platform_given": ("platform: {exists: true}", "platform is always there, one of ["),
    "every_channel": (
        "channel: {in: [ipp_account, online_form, email]}",
        "channel is always there, one of [ipp_account, online_form, email]",
    ),
    "any_count": ("listings.count: {gte: 0}", "listings.count is always there, from 0 to 5000"),
    "verified_or_not": (
        "any:\n        - complainant.identity_verified: {eq: true}\n"
        "        - complainant.identity_verified: {eq: false}",
        "complainant.identity_verified is always there",
    ),
    "any_url": ('listing.url: {matches: "([^x]|x)*"}', "listing.url is always there"),
    "since_1900": (
        "submitted_on: {gte: 1900-01-01}",
        "submitted_on is always there, from 1900-01-01 to 3000-01-01",
    ),
}
"""Rules that fire for every complaint (or listing), whatever it says, and why."""


NOT_ALWAYS_TRUE_RULES = {
    # A URL may hold a line break, which '.' does not match.
    "url_on_one_line": 'listing.url: {matches: ".*"}',
    # A complaint submitted at 1900-01-01T00:00Z is valid, and submitted on 1900-01-01.
    "after_1900": "submitted_on: {gt: 1900-01-01}",
    # Membership is optional.
    "membership_stated": "complainant.good_faith_member: {exists: true}",
}
"""Rules that look as if they always fire, but some valid complaint escapes."""


def _rules(rules: dict[str, str]) -> str:
    return "".join(
        f"\n  - id: account.{name}\n    title: t\n    source: s\n    when:\n      {when}\n"
        f"    outcome: reject\n    code: {name.upper()}\n    message: m\n"
        for name, when in rules.items()
    )


def test_rules_that_fire_for_every_complaint_whatever_their_shape(bundle_copy: Path):
    append(
        bundle_copy / "account.yaml",
        _rules({name: when for name, (when, _) in ALWAYS_TRUE_RULES.items()})
        + _rules(NOT_ALWAYS_TRUE_RULES),
    )
    report = check_bundle(bundle_copy, backend="reference")
    always = {p.subject: p.message for p in report.problems if p.code == "W-ALWAYS-TRUE"}
    assert set(always) == {f"account.{name}" for name in ALWAYS_TRUE_RULES}
    for name, (_, why) in ALWAYS_TRUE_RULES.items():
        every = "listing" if name == "any_url" else "complaint"
        assert always[f"account.{name}"].startswith(
            f"rule account.{name} fires for every {every}: its condition always holds ({why}"
        )
    assert not [p for p in report.problems if p.code == "W-NEVER-TRUE"]


def test_rules_that_only_look_as_if_they_always_fire_are_not_reported(
    bundle_copy: Path, taobao_document: dict[str, Any]
):
    append(bundle_copy / "account.yaml", _rules(NOT_ALWAYS_TRUE_RULES))
    names = {f"account.{name}" for name in NOT_ALWAYS_TRUE_RULES}
    ordinary = copy.deepcopy(taobao_document)
    ordinary["complainant"]["good_faith_member"] = True
    # The complaint each of them misses: a claim that they always fire would be wrong.
    missed = {
        **taobao_document,
        "submitted_at": "1900-01-01T00:00:00Z",
        "listings": [{"url": "https://item.taobao.com/item.htm?id=1\n2"}],
    }
    with Engine.from_path(bundle_copy, backend="reference") as engine:
        for document, fired in ((ordinary, names), (missed, set())):
            trace = engine.evaluate(document, trace=True).trace or ()
            assert {entry.rule_id for entry in trace} & names == fired
    report = check_bundle(bundle_copy, backend="reference")
    assert not [p for p in report.problems if p.code in ("W-ALWAYS-TRUE", "W-NEVER-TRUE")]


def test_the_bundled_rules_never_always_or_never_fire():
    report = check_bundle(BUNDLE, backend="reference")
    found = [*report.problems, *report.allowed]
    assert not [p for p in found if p.code in ("W-ALWAYS-TRUE", "W-NEVER-TRUE")]
