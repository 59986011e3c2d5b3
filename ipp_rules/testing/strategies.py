"""Hypothesis strategies for complaint documents, for this library's tests and for yours.

All documents are plain dicts, as a service would send them.

- ``complaint_documents()`` draws valid complaint documents of any content. Values come from
  small pools, so that generated rules and generated complaints often meet: a rule about
  ``right.jurisdiction: {eq: TH}`` has a fair chance of firing.
- ``admissible_documents()`` draws complaints the bundled rules accept with no finding at all:
  a verified complainant, an authenticated right valid on the day, registered where the
  marketplace needs it, listings of the complaint's own marketplace whose goods the right
  covers, and the evidence the reason needs.
- ``near_valid_documents(area)`` draws an admissible complaint with exactly one requirement of
  one rule area broken (``account``, ``listing``, ``jurisdiction``, ``scope``, ``evidence``);
  ``near_valid_pairs(area)`` draws the admissible complaint together with its broken copy.

A service that customises the bundle can run its rules against these to see each area's
rules fire on the complaints they are about, and stay silent on complete ones.

Kept whole (about 800 lines): one generator of complaint documents, whose parts draw from each
other.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from functools import cache
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
from ipp_rules.policies import BUILTIN_POLICIES, ParsedUrl, identify_url, policies
from ipp_rules.policies.base import DIGITS_ID, UrlKind

__all__ = [
    "AREAS",
    "CATEGORIES",
    "CATEGORY_CLASSES",
    "CROSS_BORDER_MARKETPLACES",
    "DATES",
    "DAY0",
    "FOREIGN_JURISDICTIONS",
    "JURISDICTIONS",
    "LANGUAGES",
    "NICE_CLASSES",
    "NON_BERNE",
    "OFFSETS",
    "PRC_MARKETPLACES",
    "RIGHT_IDS",
    "SIMILAR_GROUPS",
    "SUBMISSION_DAYS",
    "UNLISTED_CATEGORY",
    "URLS",
    "Breaker",
    "admissible_documents",
    "complaint_documents",
    "near_valid_documents",
    "near_valid_pairs",
]

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
        # A group belongs to the class its first two digits name.
        in_classes = [g for g in SIMILAR_GROUPS if int(g[:2]) in right["nice_classes"]]
        right["similar_groups"] = (
            draw(st.lists(st.sampled_from(in_classes), unique=True, max_size=2))
            if in_classes
            else []
        )
    elif kind == "copyright":
        right["registered"] = draw(st.booleans())
    elif kind == "patent":
        right["patent_kind"] = draw(_values(PatentKind))
        right["filed_on"] = draw(_optional(_ISO_DATES))
    else:
        right["filed_on"] = draw(_optional(_ISO_DATES))
    return _drop_none(right)


def _listing(url: str, nice: int | None, group: str | None, category: str | None) -> dict[str, Any]:
    if nice is not None and group is not None and int(group[:2]) != nice:
        group = None  # a group belongs to the class its first two digits name
    return _drop_none(
        {"url": url, "nice_class": nice, "similar_group": group, "category": category}
    )


_LISTING = st.builds(
    _listing,
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
    st.just({"kind": "seller_admission", "reference": "chat.png"}),
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
    platform = draw(st.sampled_from(tuple(policies())))
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
    countries = policies()[platform].countries
    if countries:
        document["country"] = draw(st.sampled_from(countries))
    return document


# ---------------------------------------------------------------------------------------------
# Admissible complaints

AREAS = ("account", "listing", "jurisdiction", "scope", "evidence")
"""The rule areas :func:`near_valid_documents` breaks a requirement of."""

BUILTIN_MARKETPLACES = tuple(policy.id for policy in BUILTIN_POLICIES)
"""The registry's built-in marketplaces: those the bundled rules know, so those an admissible
complaint is drawn for (a plugin's marketplace needs the rules that come with it)."""
PRC_MARKETPLACES = ("taobao", "tmall", "tmall_global", "1688")
CROSS_BORDER_MARKETPLACES = ("aliexpress", "alibaba_com")
SUBMISSION_DAYS = (date(2024, 6, 3), date(2025, 11, 20), date(2026, 3, 2), date(2026, 7, 15))
"""Days complaints are submitted on; every date a document gives is days away from them."""
FOREIGN_JURISDICTIONS = ("US", "DE", "JP", "KR", "FR", "GB", "TH", "MY")
NON_BERNE = ("IR", "ET", "AO")
NICE_CLASSES = (3, 9, 14, 18, 25, 28)
CATEGORY_CLASSES = {"apparel": 25, "shoes": 25, "bags": 18, "toys": 28, "watches": 14}
"""Categories of the bundled category tables, with the Nice class each maps to."""
UNLISTED_CATEGORY = "garden ornaments"
"""A category no bundled category table lists."""
_STORE_NAMES = ("acme-official", "brandhouse", "northwind", "bluefin", "kite-store")
_MARGIN = timedelta(days=2)
"""Dates stay this far from the submission day, whatever the marketplace's timezone."""


@cache
def _urls(platform: str, country: str | None, kind: UrlKind) -> tuple[str, ...]:
    """Canonical listing or store URLs of a marketplace (country platform), checked with the
    marketplace policies themselves."""
    found: list[str] = []
    for form in policies()[platform].url_forms:
        if form.kind != kind or form.country != country:
            continue
        if form.id_pattern == DIGITS_ID:
            ids = [str(680000000000 + n) for n in range(1, 9)]
        else:
            ids = list(_STORE_NAMES)
        for item_id in ids:
            url = form.canonical_url(item_id)
            parsed = identify_url(url)
            if (
                isinstance(parsed, ParsedUrl)
                and (parsed.marketplace, parsed.country, parsed.kind) == (platform, country, kind)
                and url not in found
            ):
                found.append(url)
    return tuple(found)


def _iso(day: date) -> str:
    return day.isoformat()


@st.composite
def _validity(draw: st.DrawFn, day: date) -> dict[str, str]:
    """A validity period around ``day``, open at either end or not."""
    period: dict[str, str] = {}
    if draw(st.booleans()):
        period["valid_from"] = _iso(day - timedelta(days=draw(st.integers(2, 3000))))
    if draw(st.booleans()):
        period["valid_until"] = _iso(day + timedelta(days=draw(st.integers(2, 3000))))
    return period


@st.composite
def _admissible_right(
    draw: st.DrawFn, platform: str, country: str | None, day: date, kind: str
) -> dict[str, Any]:
    right: dict[str, Any] = {
        "id": draw(st.sampled_from(("TM-CN-1", "TM-7", "CR-2", "PT-9", "DS-4"))),
        "type": kind,
        "status": "authenticated",
        "registration_number": draw(st.sampled_from(("12345678", "0456789", "2026000123"))),
    }
    documents: list[dict[str, Any]] = [{"kind": "registration_certificate"}]
    if kind == "copyright":
        right["jurisdiction"] = draw(st.sampled_from(("CN", *FOREIGN_JURISDICTIONS)))
        right["registered"] = draw(st.booleans())
        if not right["registered"]:
            documents = [{"kind": "copyright_claim_statement"}]
    elif platform in PRC_MARKETPLACES:
        right["jurisdiction"] = draw(st.sampled_from(("CN", "CN", "WO")))
    elif platform == "lazada":
        assert country is not None
        right["jurisdiction"] = draw(st.sampled_from((country, country, "WO")))
    else:
        right["jurisdiction"] = draw(st.sampled_from(("CN", "WO", *FOREIGN_JURISDICTIONS)))
    if right["jurisdiction"] == "WO":
        needed = country if platform == "lazada" else "CN"
        others = draw(st.lists(st.sampled_from(("US", "DE", "JP", "KR")), unique=True, max_size=2))
        right["designations"] = [needed, *others]
        documents.append({"kind": "territorial_extension_certificate", "country": "CN"})
    right.update(draw(_validity(day)))
    if kind in ("patent", "design"):
        # An end date on file keeps the statutory-term rules out of the way.
        right["valid_until"] = _iso(day + timedelta(days=draw(st.integers(30, 3000))))
        right["filed_on"] = _iso(day - timedelta(days=draw(st.integers(30, 3000))))
        if kind == "patent":
            right["patent_kind"] = draw(_values(PatentKind))
            if right["jurisdiction"] == "WO":  # WIPO registers designs, never patents
                right["patent_kind"] = "design"
        designations = right.get("designations", ())
        relies_on_china = right["jurisdiction"] == "CN" or (
            "CN" in designations
            and (platform in PRC_MARKETPLACES or tuple(designations) == ("CN",))
        )
        if platform == "lazada":
            relies_on_china = False
        if relies_on_china and (kind == "design" or right["patent_kind"] != "invention"):
            documents.append({"kind": "patent_evaluation_report", "conclusion": "positive"})
    if "valid_from" in right and right["valid_from"] > right.get("valid_until", "9999"):
        right["valid_from"] = _iso(day - _MARGIN)
    language = draw(st.sampled_from(("en", "zh", "th", "ja", None)))
    if language is not None:
        right["language"] = language
        if language not in ("en", "zh"):
            documents.append(
                {"kind": "translation", "language": draw(st.sampled_from(("en", "zh")))}
            )
    if kind == "trademark":
        right["nice_classes"] = draw(
            st.lists(st.sampled_from(NICE_CLASSES), min_size=1, max_size=3, unique=True)
        )
    right["documents"] = documents
    return right


@st.composite
def _admissible_complainant(draw: st.DrawFn, day: date, right_id: str) -> dict[str, Any]:
    complainant: dict[str, Any] = {
        "kind": draw(_values(ComplainantKind)),
        "role": draw(_values(ComplainantRole)),
        "location": draw(_values(ComplainantLocation)),
        "identity_verified": True,
    }
    member = draw(st.sampled_from((None, False, True)))
    if member is not None:
        complainant["good_faith_member"] = member
    if complainant["role"] == "authorized_agent":
        authorization: dict[str, Any] = {"document": draw(_values(AuthorizationDocument))}
        authorization.update(draw(_validity(day)))
        covered = draw(st.sampled_from(((), (right_id,), (right_id, "TM-OTHER-3"))))
        authorization["rights"] = list(covered)
        if authorization.get("valid_from", "") > authorization.get("valid_until", "9999"):
            authorization.pop("valid_from")
        complainant["authorization"] = authorization
    return complainant


_REASONS = {
    "trademark": ("counterfeit", "trademark_misuse", "test_buy", "image_misuse", "model_not_exist"),
    "copyright": ("copyright_infringement", "image_misuse"),
    "patent": ("patent_infringement",),
    "design": ("design_infringement",),
}


@st.composite
def _admissible_evidence(draw: st.DrawFn, document: dict[str, Any]) -> list[dict[str, Any]]:
    reason = document["reason"]
    evidence: list[dict[str, Any]] = []
    # Every complaint supports its allegation; a test buy may rest on its report alone.
    if reason != "test_buy" or draw(st.booleans()):
        evidence.append(
            {
                "kind": "description",
                "text": "The logo and the label differ from the genuine product.",
            }
        )
    if reason == "counterfeit":
        evidence.append({"kind": "comparison_image", "reference": "comparison-1.png"})
    if reason == "test_buy":
        evidence.append(
            {
                "kind": "test_buy_report",
                "order_number": draw(st.sampled_from(("TB-1001", "TB-2002"))),
            }
        )
    decision = {"kind": "decision", "authority": draw(st.sampled_from(("court", "administrative")))}
    if document.get("mark_use") == "similar":
        evidence.append(decision)
    elif reason == "trademark_misuse":
        # Proof of the misuse: a test buy, the seller's admission or a decision.
        evidence.append(
            draw(
                st.sampled_from(
                    (
                        {"kind": "test_buy_report", "order_number": "TB-3003"},
                        {"kind": "seller_admission", "reference": "chat-1.png"},
                        decision,
                    )
                )
            )
        )
    if document["right"]["type"] == "patent":
        evidence.append({"kind": "claim_chart", "reference": "claims.pdf"})
    return evidence


@st.composite
def _admissible(
    draw: st.DrawFn,
    *,
    right_types: tuple[str, ...] = ("trademark", "copyright", "patent", "design"),
    platforms: tuple[str, ...] | None = None,
    reasons: tuple[str, ...] | None = None,
    max_listings: int = 3,
) -> dict[str, Any]:
    platform = draw(st.sampled_from(platforms or BUILTIN_MARKETPLACES))
    countries = policies()[platform].countries
    country = draw(st.sampled_from(countries)) if countries else None
    kind = draw(st.sampled_from(right_types))
    day = draw(st.sampled_from(SUBMISSION_DAYS))
    zone = policies()[platform].zone(country)
    submitted = datetime.combine(day, time(draw(st.integers(8, 17)), 15), tzinfo=zone)
    complaint_type = draw(_values(ComplaintType))
    allowed = tuple(r for r in _REASONS[kind] if reasons is None or r in reasons)
    document: dict[str, Any] = {"platform": platform}
    if country is not None:
        document["country"] = country
    document.update(
        {
            "submitted_at": submitted.isoformat(),
            "channel": "email"
            if complaint_type == "store_front" and platform in CROSS_BORDER_MARKETPLACES
            else draw(st.sampled_from(("ipp_account", "online_form"))),
            "complaint_type": complaint_type,
            "reason": draw(st.sampled_from(allowed)),
        }
    )
    right = draw(_admissible_right(platform, country, day, kind))
    if document["reason"] == "trademark_misuse":
        document["mark_use"] = draw(st.sampled_from(("identical", "similar")))
    document["complainant"] = draw(_admissible_complainant(day, right["id"]))
    document["right"] = right
    kind_of_page: UrlKind = "store" if complaint_type == "store_front" else "listing"
    urls = draw(
        st.lists(
            st.sampled_from(_urls(platform, country, kind_of_page)),
            min_size=1,
            max_size=max_listings,
            unique=True,
        )
    )
    listings = []
    for url in urls:
        listing: dict[str, Any] = {"url": url}
        if kind == "trademark":
            listing["nice_class"] = draw(st.sampled_from(right["nice_classes"]))
        elif draw(st.booleans()):
            listing["nice_class"] = draw(st.sampled_from(NICE_CLASSES))
        listings.append(listing)
    document["listings"] = listings
    document["evidence"] = draw(_admissible_evidence(document))
    return document


def admissible_documents(max_listings: int = 3) -> st.SearchStrategy[dict[str, Any]]:
    """A complaint the bundled rules accept with no finding at all."""
    return _admissible(max_listings=max_listings)


# ---------------------------------------------------------------------------------------------
# Near-valid complaints: one requirement of one area broken

Breaker = Callable[[st.DrawFn, dict[str, Any]], None]
"""Breaks one requirement of an admissible document, in place."""


def _day(document: dict[str, Any]) -> date:
    return date.fromisoformat(document["submitted_at"][:10])


def _break_identity(draw: st.DrawFn, document: dict[str, Any]) -> None:
    document["complainant"]["identity_verified"] = False


def _break_status(draw: st.DrawFn, document: dict[str, Any]) -> None:
    document["right"]["status"] = draw(
        st.sampled_from(("under_authentication", "authentication_failed", "withdrawn"))
    )


def _break_right_expired(draw: st.DrawFn, document: dict[str, Any]) -> None:
    day = _day(document)
    document["right"]["valid_from"] = _iso(day - timedelta(days=4000))
    document["right"]["valid_until"] = _iso(day - timedelta(days=draw(st.integers(2, 900))))


def _break_right_not_yet_valid(draw: st.DrawFn, document: dict[str, Any]) -> None:
    day = _day(document)
    document["right"]["valid_from"] = _iso(day + timedelta(days=draw(st.integers(2, 900))))
    document["right"]["valid_until"] = _iso(day + timedelta(days=4000))


def _break_agent_without_authorization(draw: st.DrawFn, document: dict[str, Any]) -> None:
    document["complainant"]["role"] = "authorized_agent"
    document["complainant"].pop("authorization", None)


def _break_authorization_expired(draw: st.DrawFn, document: dict[str, Any]) -> None:
    day = _day(document)
    document["complainant"]["role"] = "authorized_agent"
    document["complainant"]["authorization"] = {
        "document": "power_of_attorney",
        "valid_until": _iso(day - timedelta(days=draw(st.integers(2, 900)))),
    }


def _break_authorization_scope(draw: st.DrawFn, document: dict[str, Any]) -> None:
    document["complainant"]["role"] = "authorized_agent"
    document["complainant"]["authorization"] = {
        "document": "letter_of_authorization",
        "rights": ["TM-OTHER-3"],
    }


def _break_no_listings(draw: st.DrawFn, document: dict[str, Any]) -> None:
    document["listings"] = []


def _break_unsafe_url(draw: st.DrawFn, document: dict[str, Any]) -> None:
    listing = document["listings"][0]
    scheme, rest = listing["url"].split("://", 1)
    trick = draw(st.sampled_from(("userinfo", "port", "whitespace")))
    host, _, path = rest.partition("/")
    if trick == "userinfo":
        listing["url"] = f"{scheme}://seller@{rest}"
    elif trick == "port":
        listing["url"] = f"{scheme}://{host}:8443/{path}"
    else:
        listing["url"] = f"{scheme}://{host}/ {path}"


def _break_unrecognised_url(draw: st.DrawFn, document: dict[str, Any]) -> None:
    document["listings"][0]["url"] = draw(
        st.sampled_from(("https://www.example.com/item/12345.html", "https://shop.example.org/"))
    )


def _page_kind(document: dict[str, Any]) -> UrlKind:
    return "store" if document["complaint_type"] == "store_front" else "listing"


def _break_wrong_marketplace(draw: st.DrawFn, document: dict[str, Any]) -> None:
    other = draw(st.sampled_from([m for m in BUILTIN_MARKETPLACES if m != document["platform"]]))
    country = "TH" if other == "lazada" else None
    document["listings"][0]["url"] = draw(
        st.sampled_from(_urls(other, country, _page_kind(document)))
    )


def _break_duplicate(draw: st.DrawFn, document: dict[str, Any]) -> None:
    document["listings"].append(copy.deepcopy(document["listings"][0]))


def _break_page_kind(draw: st.DrawFn, document: dict[str, Any]) -> None:
    wrong: UrlKind = "listing" if _page_kind(document) == "store" else "store"
    document["listings"][0]["url"] = draw(
        st.sampled_from(_urls(document["platform"], document.get("country"), wrong))
    )


def _break_lazada_country(draw: st.DrawFn, document: dict[str, Any]) -> None:
    other = draw(
        st.sampled_from([c for c in policies()["lazada"].countries if c != document["country"]])
    )
    document["listings"][0]["url"] = draw(
        st.sampled_from(_urls("lazada", other, _page_kind(document)))
    )


def _break_not_registered_locally(draw: st.DrawFn, document: dict[str, Any]) -> None:
    right = document["right"]
    here = document.get("country") or "CN"
    right["jurisdiction"] = draw(st.sampled_from([c for c in FOREIGN_JURISDICTIONS if c != here]))
    right.pop("designations", None)
    right["documents"] = [
        d for d in right["documents"] if d["kind"] != "territorial_extension_certificate"
    ]


def _break_designations(draw: st.DrawFn, document: dict[str, Any]) -> None:
    right = document["right"]
    right["jurisdiction"] = "WO"
    right["designations"] = []


def _break_berne(draw: st.DrawFn, document: dict[str, Any]) -> None:
    document["right"]["jurisdiction"] = draw(st.sampled_from(NON_BERNE))


def _break_claim_statement(draw: st.DrawFn, document: dict[str, Any]) -> None:
    right = document["right"]
    right["registered"] = False
    right["documents"] = [d for d in right["documents"] if d["kind"] != "copyright_claim_statement"]


def _break_translation(draw: st.DrawFn, document: dict[str, Any]) -> None:
    right = document["right"]
    right["language"] = draw(st.sampled_from(("de", "ko", "vi")))
    right["documents"] = [d for d in right["documents"] if d["kind"] != "translation"]


def _break_distribution_channel(draw: st.DrawFn, document: dict[str, Any]) -> None:
    document["reason"] = "distribution_channel"
    document.pop("mark_use", None)


def _break_class(draw: st.DrawFn, document: dict[str, Any]) -> None:
    listing = document["listings"][0]
    listing["nice_class"] = draw(
        st.sampled_from([c for c in NICE_CLASSES if c not in document["right"]["nice_classes"]])
    )


def _break_no_class(draw: st.DrawFn, document: dict[str, Any]) -> None:
    document["listings"][0].pop("nice_class", None)


def _break_unlisted_category(draw: st.DrawFn, document: dict[str, Any]) -> None:
    listing = document["listings"][0]
    listing.pop("nice_class", None)
    listing["category"] = UNLISTED_CATEGORY


def _break_category_class(draw: st.DrawFn, document: dict[str, Any]) -> None:
    listing = document["listings"][0]
    listing.pop("nice_class", None)
    covered = document["right"]["nice_classes"]
    listing["category"] = draw(
        st.sampled_from([c for c, n in CATEGORY_CLASSES.items() if n not in covered])
    )


def _without_evidence(document: dict[str, Any], kind: str) -> None:
    document["evidence"] = [e for e in document["evidence"] if e["kind"] != kind]


def _break_description(draw: st.DrawFn, document: dict[str, Any]) -> None:
    _without_evidence(document, "description")


def _break_test_buy_report(draw: st.DrawFn, document: dict[str, Any]) -> None:
    if draw(st.booleans()):
        _without_evidence(document, "test_buy_report")
    else:
        for item in document["evidence"]:
            if item["kind"] == "test_buy_report":
                item["signed"] = False


def _break_decision(draw: st.DrawFn, document: dict[str, Any]) -> None:
    _without_evidence(document, "decision")


def _break_misuse_proof(draw: st.DrawFn, document: dict[str, Any]) -> None:
    for kind in ("test_buy_report", "seller_admission", "decision"):
        _without_evidence(document, kind)


def _break_test_buy_orders(draw: st.DrawFn, document: dict[str, Any]) -> None:
    document["evidence"].append({"kind": "test_buy_report", "order_number": "TB-9009"})


def _break_certificate(draw: st.DrawFn, document: dict[str, Any]) -> None:
    right = document["right"]
    right["documents"] = [d for d in right["documents"] if d["kind"] != "registration_certificate"]


def _break_claim_chart(draw: st.DrawFn, document: dict[str, Any]) -> None:
    _without_evidence(document, "claim_chart")


def _break_evaluation_report(draw: st.DrawFn, document: dict[str, Any]) -> None:
    right = document["right"]
    if draw(st.booleans()):
        right["documents"] = [
            d for d in right["documents"] if d["kind"] != "patent_evaluation_report"
        ]
    else:
        for item in right["documents"]:
            if item["kind"] == "patent_evaluation_report":
                item["conclusion"] = "negative"


def _breakers(area: str, document: dict[str, Any]) -> list[Breaker]:
    """The ways of breaking one requirement of ``area`` that apply to ``document``."""
    right = document["right"]
    platform = document["platform"]
    registered = right["type"] != "copyright"
    if area == "account":
        # Only an IPP account has a verified identity and authenticated rights to lose.
        account_state = [_break_identity, _break_status]
        return [
            *(account_state if document["channel"] == "ipp_account" else []),
            _break_right_expired,
            _break_right_not_yet_valid,
            _break_agent_without_authorization,
            _break_authorization_expired,
            _break_authorization_scope,
        ]
    found: list[Breaker]
    if area == "listing":
        found = [
            _break_no_listings,
            _break_unsafe_url,
            _break_unrecognised_url,
            _break_wrong_marketplace,
            _break_duplicate,
            _break_page_kind,
        ]
        if platform == "lazada":
            found.append(_break_lazada_country)
        return found
    if area == "jurisdiction":
        found = [_break_translation]
        if registered and platform not in CROSS_BORDER_MARKETPLACES:
            found.append(_break_not_registered_locally)
        if registered:
            found.append(_break_designations)
        else:
            found += [_break_berne, _break_claim_statement]
        if platform == "lazada":
            found.append(_break_distribution_channel)
        return found
    if area == "scope":
        return [_break_class, _break_no_class, _break_unlisted_category, _break_category_class]
    if area == "evidence":
        found = []
        if document["reason"] == "counterfeit":
            found.append(_break_description)
        if document["reason"] == "test_buy":
            found += [_break_test_buy_report, _break_test_buy_orders]
        if document.get("mark_use") == "similar":
            found.append(_break_decision)
        elif document["reason"] == "trademark_misuse":
            found.append(_break_misuse_proof)
        unregistered_work = right["type"] == "copyright" and right.get("registered") is False
        if document["channel"] != "ipp_account" and not unregistered_work:
            found.append(_break_certificate)
        if right["type"] == "patent":
            found.append(_break_claim_chart)
        if any(d["kind"] == "patent_evaluation_report" for d in right["documents"]):
            found.append(_break_evaluation_report)
        return found
    raise ValueError(f"unknown rule area {area!r}; one of {', '.join(AREAS)}")


def _valid_for(area: str) -> st.SearchStrategy[dict[str, Any]]:
    """Admissible documents of a shape that has a requirement of ``area`` to break."""
    if area == "scope":
        return _admissible(right_types=("trademark",))
    if area == "evidence":
        return st.one_of(
            _admissible(
                right_types=("trademark",), reasons=("counterfeit", "test_buy", "trademark_misuse")
            ),
            _admissible(right_types=("patent", "design"), platforms=PRC_MARKETPLACES),
        ).filter(lambda d: bool(_breakers("evidence", d)))
    return _admissible()


@st.composite
def _near_valid_pairs(draw: st.DrawFn, area: str) -> tuple[dict[str, Any], dict[str, Any]]:
    valid = draw(_valid_for(area))
    broken = copy.deepcopy(valid)
    breaker = draw(st.sampled_from(_breakers(area, valid)))
    breaker(draw, broken)
    return valid, broken


def near_valid_pairs(area: str) -> st.SearchStrategy[tuple[dict[str, Any], dict[str, Any]]]:
    """An admissible complaint and a copy of it with one requirement of ``area`` broken."""
    if area not in AREAS:
        raise ValueError(f"unknown rule area {area!r}; one of {', '.join(AREAS)}")
    return _near_valid_pairs(area)


def near_valid_documents(area: str) -> st.SearchStrategy[dict[str, Any]]:
    """A complaint that is admissible but for one broken requirement of rule area ``area``."""
    return near_valid_pairs(area).map(lambda pair: pair[1])
