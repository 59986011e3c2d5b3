"""Waivers: a condition that switches named rules off (the Good Faith Program's relief)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ipp_rules import Engine, RulesetError

RULES = """area: evidence
category: evidence
rules:
  - id: evidence.comparison_missing
    title: Comparison needed
    source: Handbook
    when:
      not:
        evidence.kinds: {contains: comparison_image}
    outcome: needs_info
    code: COMPARISON_MISSING
    message: Add a comparison.
waivers:
  - id: evidence.relief
    title: Members are spared the comparison
    source: Handbook, Good Faith Program
    when:
WAIVER
"""


def bundle(tmp_path: Path, waiver: str) -> Path:
    (tmp_path / "bundle.yaml").write_text("name: t\nversion: '1'\nrulesets: [evidence.yaml]\n")
    (tmp_path / "evidence.yaml").write_text(RULES.replace("WAIVER\n", waiver))
    return tmp_path


def test_a_waiver_switches_its_rules_off_only_when_it_holds(
    tmp_path: Path, taobao_document: dict[str, Any]
):
    root = bundle(
        tmp_path,
        "      complainant.good_faith_member: {eq: true}\n"
        "      platform_group: {eq: tao}\n"
        "    waives: [evidence.comparison_missing]\n",
    )
    taobao_document["evidence"] = []
    with Engine.from_path(root) as engine:
        assert [f.code for f in engine.evaluate(taobao_document).findings] == ["COMPARISON_MISSING"]
        taobao_document["complainant"]["good_faith_member"] = True
        assert engine.evaluate(taobao_document).findings == ()
        taobao_document["platform"] = "1688"
        taobao_document["listings"] = [{"url": "https://detail.1688.com/offer/6.html"}]
        assert [f.code for f in engine.evaluate(taobao_document).findings] == ["COMPARISON_MISSING"]


def test_waiving_an_unknown_rule_is_an_error_with_a_suggestion(tmp_path: Path):
    root = bundle(
        tmp_path,
        "      complainant.good_faith_member: {eq: true}\n"
        "    waives: [evidence.comparison_mising]\n",
    )
    with pytest.raises(RulesetError) as caught:
        Engine.from_path(root, backend="reference")
    (problem,) = caught.value.problems
    assert problem.location.endswith("evidence.yaml:19:14")
    assert "no rule with id 'evidence.comparison_mising'" in problem.message
    assert "did you mean 'evidence.comparison_missing'" in problem.message


def test_a_waiver_cannot_use_a_pattern(tmp_path: Path):
    root = bundle(
        tmp_path,
        "      listing.url: {matches: 'https://.*'}\n    waives: [evidence.comparison_missing]\n",
    )
    with pytest.raises(RulesetError) as caught:
        Engine.from_path(root, backend="reference")
    assert "cannot use 'matches'" in caught.value.problems[0].message


def test_a_waiver_needs_the_rules_it_waives(tmp_path: Path):
    root = bundle(tmp_path, "      complainant.good_faith_member: {eq: true}\n    waives: []\n")
    with pytest.raises(RulesetError) as caught:
        Engine.from_path(root, backend="reference")
    assert caught.value.problems[0].location.endswith("evidence.yaml:19:13")
