"""The fact catalog's claims about each fact's values hold for every valid complaint.

``check`` decides that a rule fires for every complaint from these claims (a required fact is
never absent, a count is never negative, a submission date lies in the model's years), so a
claim that is too strong would make it warn about rules that are fine.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import given, settings

from ipp_rules.facts import (
    CATALOG,
    FACTS,
    FactSet,
    complaint_facts,
    derived_fact,
    listing_facts,
)
from ipp_rules.models.complaint import EARLIEST_INSTANT, INSTANTS_END
from ipp_rules.models.intake import load_complaint
from ipp_rules.policies import policies
from ipp_rules.testing.strategies import complaint_documents


def _subjects(document: dict[str, Any]) -> list[FactSet]:
    complaint = load_complaint(document)
    base = complaint_facts(complaint)
    return [base, *listing_facts(complaint, base)]


def _claims_hold(subject: FactSet) -> None:
    scopes = {"complaint"} if subject.listing is None else {"complaint", "listing"}
    for spec in (s for s in CATALOG if s.scope in scopes):
        value = subject.encoded.get(spec.name)
        if value is None:
            assert not spec.always_present, f"{spec.name} is absent"
            continue
        bounds = spec.value_bounds()
        if bounds is not None:
            assert isinstance(value, int)
            assert bounds[0] <= value <= bounds[1], f"{spec.name} = {value}, not in {bounds}"
        allowed = spec.allowed_values()
        if allowed is not None:
            values = value if isinstance(value, tuple) else (value,)
            assert set(values) <= set(allowed), f"{spec.name} = {value}"


@settings(max_examples=40)
@given(complaint_documents())
def test_every_claim_of_the_catalog_holds_for_any_valid_complaint(document: dict[str, Any]):
    for subject in _subjects(document):
        _claims_hold(subject)


def _places() -> list[tuple[str, str | None]]:
    return [
        (name, country)
        for name, policy in policies().items()
        for country in (policy.countries or (None,))
    ]


def test_submission_dates_are_bounded_by_the_model_years_in_every_marketplace_timezone(
    taobao_document: dict[str, Any],
):
    earliest, last = EARLIEST_INSTANT, INSTANTS_END - timedelta(microseconds=1)
    seen: dict[str, list[int]] = {"submitted_on": [], "submitted_at": []}
    for platform, country in _places():
        for instant in (earliest, last):
            document = {**taobao_document, "platform": platform, "submitted_at": instant}
            if country is not None:
                document["country"] = country
            (subject, *_) = _subjects(document)
            _claims_hold(subject)
            for name, values in seen.items():
                value = subject.encoded[name]
                assert isinstance(value, int)
                values.append(value)
    # The bounds are the extremes themselves, not merely bounds: every marketplace keeps
    # dates east of UTC, so no complaint is submitted on 1899-12-31.
    assert FACTS["submitted_on"].value_bounds() == (
        min(seen["submitted_on"]),
        max(seen["submitted_on"]),
    )
    assert FACTS["submitted_on"].value_bounds() == (
        date(1900, 1, 1).toordinal(),
        date(3000, 1, 1).toordinal(),
    )
    assert FACTS["submitted_at"].value_bounds() == (
        min(seen["submitted_at"]),
        max(seen["submitted_at"]),
    )


def test_the_facts_every_complaint_has():
    present = {spec.name for spec in CATALOG if spec.always_present}
    assert {
        "platform",
        "channel",
        "submitted_on",
        "listings.count",
        "complainant.identity_verified",
        "listing.url",
        "right.designations",
    } <= present
    # Optional fields are not claimed: a complaint may leave them out.
    assert not present & {
        "country",
        "mark_use",
        "complainant.good_faith_member",
        "complainant.authorization.document",
        "right.registered",
        "right.valid_until",
        "listing.nice_class",
        "listing.marketplace",
    }
    assert derived_fact("anything", "complaint").always_present
    assert FACTS["listings.count"].value_bounds() == (0, 5000)
    assert FACTS["listing.number"].value_bounds() == (1, 5000)


def test_a_minimal_complaint_has_exactly_the_facts_every_complaint_has():
    # The other direction: a fact not claimed may really be missing. A complaint with only
    # the required fields has the facts claimed always present, and no other.
    (subject, *_) = _subjects(minimal_complaint())
    claimed = {s.name for s in CATALOG if s.scope == "complaint" and s.always_present}
    assert set(subject.encoded) == claimed


def minimal_complaint() -> dict[str, Any]:
    return {
        "platform": "taobao",
        "submitted_at": "2026-03-02T10:00:00+08:00",
        "channel": "ipp_account",
        "complaint_type": "product_listing",
        "reason": "counterfeit",
        "complainant": {
            "kind": "business",
            "role": "rights_holder",
            "location": "other",
            "identity_verified": True,
        },
        "right": {
            "type": "trademark",
            "id": "TM-1",
            "status": "authenticated",
            "jurisdiction": "CN",
            "nice_classes": [25],
        },
        "listings": [],
    }
