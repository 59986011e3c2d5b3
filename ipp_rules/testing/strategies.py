"""Hypothesis strategies for complaint documents, for this library's tests and for yours.

``complaint_documents()`` draws valid complaint documents (plain dicts, as a service would
send them). Values come from small pools, so that generated rules and generated complaints
often meet: a rule about ``right.jurisdiction: {eq: TH}`` has a fair chance of firing.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import strategies as st

from ipp_rules.models.complaint import (
    AuthorizationDocument,
    Channel,
    ComplainantKind,
    ComplainantLocation,
    ComplainantRole,
    ComplaintType,
    EvaluationConclusion,
    PatentKind,
    Reason,
    RightStatus,
)
from ipp_rules.models.marketplace import LazadaCountry, Platform

RIGHT_IDS = ("TM-1", "TM-2", "CR-1", "PT-1")
JURISDICTIONS = ("CN", "TH", "MY", "US", "WO", "NO")
LANGUAGES = ("zh", "en", "th", "de")
CATEGORIES = ("apparel", "bags", "toys")
SIMILAR_GROUPS = ("2501", "2507", "1801", "0304")
URLS = (
    "https://item.taobao.com/item.htm?id=1",
    "https://detail.tmall.com/item.htm?id=2",
    "https://www.lazada.co.th/products/x-i1-s2.html",
    "http://example.com/",
)
DAY0 = date(2026, 3, 2)
DATES = tuple(DAY0 + timedelta(days=d) for d in (-400, -1, 0, 1, 400))
OFFSETS = ("+08:00", "+07:00", "+00:00", "-05:00")

_ISO_DATES = st.sampled_from([d.isoformat() for d in DATES])


def _values(enum: Any) -> st.SearchStrategy[str]:
    return st.sampled_from([m.value for m in enum])


def _optional(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.none() | strategy


def _drop_none(mapping: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in mapping.items() if v is not None}


@st.composite
def _right(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(("trademark", "copyright", "patent", "design")))
    jurisdiction = draw(st.sampled_from(JURISDICTIONS))
    valid_from = draw(_optional(_ISO_DATES))
    valid_until = draw(_optional(_ISO_DATES))
    if valid_from and valid_until and valid_until < valid_from:
        valid_from, valid_until = valid_until, valid_from
    documents = draw(
        st.lists(
            st.one_of(
                st.sampled_from(
                    [
                        "registration_certificate",
                        "renewal",
                        "assignment",
                        "copyright_claim_statement",
                    ]
                ).map(lambda k: {"kind": k}),
                _values(EvaluationConclusion).map(
                    lambda c: {"kind": "patent_evaluation_report", "conclusion": c}
                ),
                st.sampled_from(["CN", "TH"]).map(
                    lambda c: {"kind": "territorial_extension_certificate", "country": c}
                ),
                st.sampled_from(LANGUAGES).map(
                    lambda lang: {"kind": "translation", "language": lang}
                ),
            ),
            max_size=3,
        )
    )
    right: dict[str, Any] = {
        "id": draw(st.sampled_from(RIGHT_IDS)),
        "type": kind,
        "status": draw(_values(RightStatus)),
        "jurisdiction": jurisdiction,
        "designations": draw(st.lists(st.sampled_from(["CN", "TH", "MY"]), unique=True, max_size=2))
        if jurisdiction == "WO"
        else [],
        "registration_number": draw(_optional(st.sampled_from(["123", "0456"]))),
        "valid_from": valid_from,
        "valid_until": valid_until,
        "language": draw(_optional(st.sampled_from(LANGUAGES))),
        "documents": documents,
    }
    if kind == "trademark":
        right["nice_classes"] = draw(
            st.lists(st.sampled_from([9, 18, 25, 28]), min_size=1, max_size=3, unique=True)
        )
        right["similar_groups"] = draw(
            st.lists(st.sampled_from(SIMILAR_GROUPS), unique=True, max_size=2)
        )
    elif kind == "copyright":
        right["registered"] = draw(st.booleans())
    elif kind == "patent":
        right["patent_kind"] = draw(_values(PatentKind))
        right["filed_on"] = draw(_optional(_ISO_DATES))
    else:
        right["filed_on"] = draw(_optional(_ISO_DATES))
    return _drop_none(right)


_LISTING = st.builds(
    lambda url, nice, group, category: _drop_none(
        {"url": url, "nice_class": nice, "similar_group": group, "category": category}
    ),
    st.sampled_from(URLS),
    _optional(st.sampled_from([18, 25, 28])),
    _optional(st.sampled_from(SIMILAR_GROUPS)),
    _optional(st.sampled_from(CATEGORIES)),
)

_EVIDENCE = st.one_of(
    st.just({"kind": "description", "text": "The logo differs from the genuine product."}),
    st.just({"kind": "comparison_image", "reference": "cmp.png"}),
    st.sampled_from(["A-1", "B-2"]).map(lambda n: {"kind": "test_buy_report", "order_number": n}),
    st.just({"kind": "claim_chart"}),
    st.sampled_from(["court", "administrative"]).map(
        lambda a: {"kind": "decision", "authority": a}
    ),
)


@st.composite
def _complainant(draw: st.DrawFn) -> dict[str, Any]:
    complainant: dict[str, Any] = {
        "kind": draw(_values(ComplainantKind)),
        "role": draw(_values(ComplainantRole)),
        "location": draw(_values(ComplainantLocation)),
        "identity_verified": draw(st.booleans()),
        "good_faith_member": draw(_optional(st.booleans())),
    }
    if draw(st.booleans()):
        valid_from = draw(_optional(_ISO_DATES))
        valid_until = draw(_optional(_ISO_DATES))
        if valid_from and valid_until and valid_until < valid_from:
            valid_from, valid_until = valid_until, valid_from
        complainant["authorization"] = _drop_none(
            {
                "document": draw(_values(AuthorizationDocument)),
                "valid_from": valid_from,
                "valid_until": valid_until,
                "rights": draw(st.lists(st.sampled_from(RIGHT_IDS), unique=True, max_size=2)),
            }
        )
    return _drop_none(complainant)


@st.composite
def complaint_documents(draw: st.DrawFn, max_listings: int = 3) -> dict[str, Any]:
    """A valid complaint document, as a dict."""
    platform = draw(_values(Platform))
    day = draw(st.sampled_from(DATES))
    hour = draw(st.integers(0, 23))
    document: dict[str, Any] = {
        "platform": platform,
        "submitted_at": f"{day.isoformat()}T{hour:02d}:30:00{draw(st.sampled_from(OFFSETS))}",
        "channel": draw(_values(Channel)),
        "complaint_type": draw(_values(ComplaintType)),
        "reason": draw(_values(Reason)),
        "complainant": draw(_complainant()),
        "right": draw(_right()),
        "listings": draw(st.lists(_LISTING, max_size=max_listings)),
        "evidence": draw(st.lists(_EVIDENCE, max_size=3)),
    }
    if platform == Platform.LAZADA.value:
        document["country"] = draw(_values(LazadaCountry))
    return document
