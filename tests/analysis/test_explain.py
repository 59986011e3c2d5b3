"""``explain``'s analysis: each finding's rule and values, and the additions that complete a
complaint."""

from __future__ import annotations

import copy
from typing import Any

from ipp_rules import Engine
from ipp_rules.analysis.explain import explain


def incomplete(document: dict[str, Any]) -> dict[str, Any]:
    """The base complaint with no evidence and a second listing that gives no class."""
    changed = copy.deepcopy(document)
    changed["evidence"] = []
    changed["listings"].append({"url": "https://item.taobao.com/item.htm?id=680000000002"})
    return changed


def test_every_missing_finding_is_one_addition_and_every_finding_has_its_values(
    taobao_document: dict[str, Any],
):
    with Engine.default(backend="reference") as engine:
        explanation = explain(engine, incomplete(taobao_document))
    missing = [f for f in explanation.decision.findings if f.severity == "missing"]
    assert [a.code for a in explanation.additions] == [f.code for f in missing]
    assert all(item.values for item in explanation.findings)
    listing_rule = explanation.findings[0]
    assert listing_rule.listing == 1
    assert listing_rule.values["listing.nice_class"] is None
