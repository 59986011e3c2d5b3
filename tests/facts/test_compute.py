"""Computing the facts of one evaluation: only those asked for, and a listing's on top of the
complaint's."""

from __future__ import annotations

from typing import Any

from ipp_rules.facts import FACTS, complaint_facts, derived_fact, listing_facts, set_fact
from ipp_rules.models.intake import load_complaint
from tests.facts.test_catalog import minimal_complaint


def document() -> dict[str, Any]:
    data = minimal_complaint()
    data["listings"] = [
        {"url": "https://item.taobao.com/item.htm?id=680000000001", "nice_class": 25},
        {"url": "https://item.taobao.com/item.htm?id=680000000001", "nice_class": 25},
    ]
    return data


def test_only_the_facts_asked_for_are_computed() -> None:
    complaint = load_complaint(document())
    facts = complaint_facts(complaint, [FACTS["platform"], FACTS["listings.count"]])
    assert facts.raw == {"platform": "taobao", "listings.count": 2}
    assert facts.encoded == {"platform": "taobao", "listings.count": 2}
    assert facts.listing is None


def test_each_listing_sees_the_complaint_facts_and_its_own() -> None:
    complaint = load_complaint(document())
    specs = [FACTS["platform"], FACTS["listing.number"], FACTS["listing.duplicate_of"]]
    base = complaint_facts(complaint, specs)
    first, second = listing_facts(complaint, base, specs)
    assert (first.listing, second.listing) == (0, 1)
    assert first.encoded["platform"] == second.encoded["platform"] == "taobao"
    assert (first.encoded["listing.number"], second.encoded["listing.number"]) == (1, 2)
    assert "listing.duplicate_of" not in first.encoded  # absent: the first is no duplicate
    assert second.encoded["listing.duplicate_of"] == 0  # the index of the first
    assert "listing.number" not in base.encoded  # the complaint's facts are not changed


def test_a_derived_fact_is_set_raw_and_encoded() -> None:
    complaint = load_complaint(document())
    facts = complaint_facts(complaint, [])
    spec = derived_fact("late", "complaint")
    set_fact(facts, spec, True)
    assert facts.raw["derived.late"] is True
    assert facts.encoded["derived.late"] is True
