"""The whole default bundle written by hand in plain Python: the baseline the engine is measured
against.

What a competent developer would write for a service without a rules engine: every rule of
``account.yaml``, ``listing.yaml``, ``jurisdiction.yaml``, ``scope.yaml`` and ``evidence.yaml``
(the Good Faith waiver included) as ``if`` chains over the validated complaint model, each value
computed once and only where a rule needs it. Configuration is read once, at import: the
tables and each rule's policy citation from the bundle's YAML files, the timezones, families
and category tables of the marketplaces from the policy registry, and the bundle's identity
from the loaded bundle. URLs are identified with the registry's public ``identify_url``,
behind the same bounded cache the engine keeps.

It answers with the same :class:`~ipp_rules.Decision` the engine gives, byte for byte
(``model_dump_json``): same findings, messages, paths and order. ``agreement.py`` checks that
before anything is timed, so a rule changed in YAML and not here stops the benchmark.

    decide(document)       validate the dict with Complaint.model_validate, then decide_model
    decide_model(model)    the rules on a validated Complaint

Kept whole (about 1,100 lines, most of them message texts): the rules are one function over one
complaint, sharing the values computed once at its top.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from datetime import date
from operator import itemgetter
from pathlib import Path
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

import yaml

from ipp_rules import Complaint, Decision, Finding
from ipp_rules.engine.engine import default_bundle_path
from ipp_rules.policies import ParsedUrl, UrlProblem, identify_url, policies
from ipp_rules.rulesets.bundle import load_bundle

__all__ = ["BUNDLE", "IDENTITY", "RULES", "Rule", "decide", "decide_model"]

BUNDLE: Path = default_bundle_path()
IDENTITY = load_bundle(BUNDLE).identity
"""Decisions name the bundle whose rules this module implements."""


def _read_bundle(root: Path) -> tuple[dict[str, Any], dict[str, str]]:
    """The tables of the bundle's rule files, and each rule's policy citation."""
    manifest = yaml.safe_load((root / "bundle.yaml").read_text(encoding="utf-8"))
    tables: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for name in manifest["rulesets"]:
        data = yaml.safe_load((root / name).read_text(encoding="utf-8"))
        tables.update(data.get("tables") or {})
        for rule in data.get("rules") or ():
            sources[rule["id"]] = rule["source"]
    return tables, sources


_TABLES, _SOURCES = _read_bundle(BUNDLE)


def _texts(name: str) -> frozenset[str]:
    # A plain YAML number (1688) is read as a number; the tables hold text.
    return frozenset(str(value) for value in _TABLES[name])


PRC_MARKETPLACES = _texts("prc_marketplaces")
CROSS_BORDER_MARKETPLACES = _texts("cross_border_marketplaces")
REGISTERED_RIGHT_TYPES = _texts("registered_right_types")
CERTIFICATE_LANGUAGES = _texts("certificate_languages")
NON_BERNE_COUNTRIES = _texts("non_berne_countries")
STORE_FRONTS_BY_EMAIL = _texts("store_fronts_by_email")
RIGHT_TYPES_FOR_REASON: Mapping[str, frozenset[str]] = {
    str(reason): frozenset(map(str, types))
    for reason, types in _TABLES["right_types_for_reason"].items()
}
SIMILAR_GROUP_NOTES: Mapping[str, frozenset[str]] = {
    str(group): frozenset(map(str, similar))
    for group, similar in _TABLES["similar_group_notes"].items()
}


class _Market(NamedTuple):
    zone: ZoneInfo
    group: str
    categories: Mapping[str, int]


def _markets() -> dict[tuple[str, str | None], _Market]:
    """Per marketplace and country platform: its timezone, family and category table."""
    found = {}
    for marketplace, policy in policies().items():
        table = _TABLES.get(policy.category_table) or {}
        categories = {str(category): int(classes[0]) for category, classes in table.items()}
        for country in policy.countries or (None,):
            found[marketplace, country] = _Market(policy.zone(country), policy.group, categories)
    return found


MARKETS = _markets()


_identify = functools.lru_cache(maxsize=8192)(identify_url)
"""The same bound as the engine's cache of identified URLs."""

# --- The rules: id, code, category, severity, in the order the bundle reports them ------------

_SEVERITY_RANK = {"error": 0, "missing": 1, "warning": 2}


class Rule(NamedTuple):
    rank: int
    """Findings are reported by severity, then in the bundle's rule order."""
    id: str
    code: str
    category: str
    severity: str
    source: str


RULES: list[Rule] = []
"""Every rule with a finding, in the bundle's order (rules that only derive a fact are inlined)."""


def _rule(rule_id: str, code: str, category: str, severity: str) -> Rule:
    rule = Rule(
        _SEVERITY_RANK[severity] * 1000 + len(RULES),
        rule_id,
        code,
        category,
        severity,
        _SOURCES[rule_id],
    )
    RULES.append(rule)
    return rule


ERROR, MISSING, WARNING = "error", "missing", "warning"

# account.yaml
IDENTITY_NOT_VERIFIED = _rule(
    "account.identity_not_verified", "IDENTITY_NOT_VERIFIED", "account", ERROR
)
AGENT_AUTHORIZATION_MISSING = _rule(
    "account.agent_authorization_missing", "AGENT_AUTHORIZATION_MISSING", "account", MISSING
)
AGENT_AUTHORIZATION_EXPIRED = _rule(
    "account.agent_authorization_expired", "AGENT_AUTHORIZATION_EXPIRED", "account", ERROR
)
AGENT_AUTHORIZATION_NOT_YET_VALID = _rule(
    "account.agent_authorization_not_yet_valid",
    "AGENT_AUTHORIZATION_NOT_YET_VALID",
    "account",
    ERROR,
)
AGENT_AUTHORIZATION_DOES_NOT_COVER_RIGHT = _rule(
    "account.agent_authorization_does_not_cover_right",
    "AGENT_AUTHORIZATION_DOES_NOT_COVER_RIGHT",
    "account",
    ERROR,
)
RIGHT_NOT_AUTHENTICATED = _rule(
    "account.right_not_authenticated", "RIGHT_NOT_AUTHENTICATED", "account", ERROR
)
RIGHT_NOT_YET_VALID = _rule("account.right_not_yet_valid", "RIGHT_NOT_YET_VALID", "account", ERROR)
RIGHT_EXPIRED = _rule("account.right_expired", "RIGHT_EXPIRED", "account", ERROR)
# listing.yaml
LISTINGS_MISSING = _rule("listing.none", "LISTINGS_MISSING", "listing", MISSING)
TOO_MANY_LISTINGS = _rule("listing.too_many", "TOO_MANY_LISTINGS", "listing", ERROR)
URL_UNSAFE = _rule("listing.url_unsafe", "LISTING_URL_INVALID", "listing", ERROR)
URL_NOT_RECOGNISED = _rule(
    "listing.url_not_recognised", "LISTING_URL_NOT_RECOGNISED", "listing", ERROR
)
WRONG_MARKETPLACE = _rule(
    "listing.wrong_marketplace", "LISTING_WRONG_MARKETPLACE", "listing", ERROR
)
WRONG_COUNTRY = _rule("listing.wrong_country", "LISTING_WRONG_COUNTRY", "listing", ERROR)
DUPLICATE = _rule("listing.duplicate", "LISTING_DUPLICATE", "listing", ERROR)
STORE_URL_IN_PRODUCT_COMPLAINT = _rule(
    "listing.store_url_in_product_listing_complaint",
    "LISTING_NOT_A_PRODUCT_PAGE",
    "listing",
    ERROR,
)
PRODUCT_URL_IN_STORE_COMPLAINT = _rule(
    "listing.product_url_in_store_front_complaint", "LISTING_NOT_A_STORE_PAGE", "listing", ERROR
)
STORE_FRONT_BY_EMAIL = _rule(
    "listing.store_front_by_email", "STORE_FRONT_BY_EMAIL", "listing", WARNING
)
# jurisdiction.yaml
LAZADA_DISTRIBUTION_CHANNEL = _rule(
    "jurisdiction.lazada_distribution_channel",
    "DISTRIBUTION_CHANNEL_NOT_COVERED",
    "jurisdiction",
    ERROR,
)
TAOBAO_UNAUTHORIZED_SALES = _rule(
    "jurisdiction.taobao_unauthorized_sales",
    "UNAUTHORIZED_SALES_NOT_COVERED",
    "jurisdiction",
    ERROR,
)
RIGHT_NOT_REGISTERED_IN_CHINA = _rule(
    "jurisdiction.prc_marketplace_right_not_chinese",
    "RIGHT_NOT_REGISTERED_IN_CHINA",
    "jurisdiction",
    ERROR,
)
WIPO_CHINA_NOT_DESIGNATED = _rule(
    "jurisdiction.prc_marketplace_wipo_without_china",
    "WIPO_CHINA_NOT_DESIGNATED",
    "jurisdiction",
    ERROR,
)
EXTENSION_CERTIFICATE_MISSING = _rule(
    "jurisdiction.china_extension_certificate_missing",
    "TERRITORIAL_EXTENSION_CERTIFICATE_MISSING",
    "jurisdiction",
    MISSING,
)
RIGHT_NOT_REGISTERED_IN_COUNTRY = _rule(
    "jurisdiction.lazada_right_not_local",
    "RIGHT_NOT_REGISTERED_IN_COUNTRY",
    "jurisdiction",
    ERROR,
)
WIPO_COUNTRY_NOT_DESIGNATED = _rule(
    "jurisdiction.lazada_wipo_without_country",
    "WIPO_COUNTRY_NOT_DESIGNATED",
    "jurisdiction",
    ERROR,
)
WIPO_DESIGNATIONS_MISSING = _rule(
    "jurisdiction.wipo_designations_missing", "WIPO_DESIGNATIONS_MISSING", "jurisdiction", MISSING
)
COPYRIGHT_OUTSIDE_BERNE = _rule(
    "jurisdiction.copyright_outside_berne",
    "COPYRIGHT_COUNTRY_NOT_IN_BERNE_UNION",
    "jurisdiction",
    ERROR,
)
COPYRIGHT_CLAIM_STATEMENT_MISSING = _rule(
    "jurisdiction.copyright_claim_statement_missing",
    "COPYRIGHT_CLAIM_STATEMENT_MISSING",
    "jurisdiction",
    MISSING,
)
TRANSLATION_MISSING = _rule(
    "jurisdiction.translation_missing", "TRANSLATION_MISSING", "jurisdiction", MISSING
)
INTERNATIONAL_PATENT_NOT_GRANTED = _rule(
    "jurisdiction.international_patent_not_granted",
    "INTERNATIONAL_PATENT_NOT_GRANTED",
    "jurisdiction",
    ERROR,
)
PATENT_TERM_ENDED = _rule(
    "jurisdiction.chinese_patent_term_ended", "PATENT_TERM_ENDED", "account", ERROR
)
PATENT_TERM_UNCONFIRMED = _rule(
    "jurisdiction.foreign_patent_term_unconfirmed", "PATENT_TERM_UNCONFIRMED", "account", MISSING
)
# scope.yaml
REASON_NOT_FOR_RIGHT = _rule(
    "scope.reason_not_for_this_right", "REASON_NOT_FOR_RIGHT", "scope", ERROR
)
DESIGN_REASON_FOR_A_NON_DESIGN_PATENT = _rule(
    "scope.design_reason_for_a_non_design_patent", "REASON_NOT_FOR_RIGHT", "scope", ERROR
)
SIMILAR_GROUP_NOT_COVERED = _rule(
    "scope.similar_group_not_covered", "SIMILAR_GROUP_NOT_COVERED", "scope", ERROR
)
CLASS_NOT_COVERED = _rule("scope.class_not_covered", "CLASS_NOT_COVERED", "scope", ERROR)
LISTING_CLASS_MISSING = _rule(
    "scope.listing_class_missing", "LISTING_CLASS_MISSING", "scope", MISSING
)
LISTING_GROUP_NOT_COMPARABLE = _rule(
    "scope.listing_group_not_comparable", "LISTING_CLASS_MISSING", "scope", MISSING
)
CATEGORY_CLASS_NOT_COVERED = _rule(
    "scope.category_class_not_covered", "CLASS_NOT_COVERED", "scope", ERROR
)
LISTING_CLASS_UNCONFIRMED = _rule(
    "scope.listing_class_unconfirmed", "LISTING_CLASS_UNCONFIRMED", "scope", MISSING
)
# evidence.yaml
DESCRIPTION_MISSING = _rule(
    "evidence.counterfeit_description_missing",
    "DIFFERENCES_DESCRIPTION_MISSING",
    "evidence",
    MISSING,
)
COMPARISON_MISSING = _rule(
    "evidence.counterfeit_comparison_missing", "COMPARISON_MISSING", "evidence", MISSING
)
SUPPORTING_INFORMATION_MISSING = _rule(
    "evidence.supporting_information_missing",
    "SUPPORTING_INFORMATION_MISSING",
    "evidence",
    MISSING,
)
TEST_BUY_REPORT_MISSING = _rule(
    "evidence.test_buy_report_missing", "TEST_BUY_REPORT_MISSING", "evidence", MISSING
)
TEST_BUY_REPORT_NOT_SIGNED = _rule(
    "evidence.test_buy_report_not_signed", "TEST_BUY_REPORT_NOT_SIGNED", "evidence", MISSING
)
TEST_BUY_ONE_ORDER = _rule(
    "evidence.test_buy_one_order", "TEST_BUY_ONE_ORDER_PER_COMPLAINT", "evidence", ERROR
)
TRADEMARK_MISUSE_PROOF_MISSING = _rule(
    "evidence.trademark_misuse_proof_missing",
    "TRADEMARK_MISUSE_PROOF_MISSING",
    "evidence",
    MISSING,
)
SIMILARITY_DECISION_MISSING = _rule(
    "evidence.similar_mark_decision_missing", "SIMILARITY_DECISION_MISSING", "evidence", MISSING
)
RIGHT_CERTIFICATE_MISSING = _rule(
    "evidence.right_certificate_missing", "RIGHT_CERTIFICATE_MISSING", "evidence", MISSING
)
CLAIM_CHART_RECOMMENDED = _rule(
    "evidence.claim_chart_recommended", "CLAIM_CHART_RECOMMENDED", "evidence", WARNING
)
PATENT_EVALUATION_REPORT_MISSING = _rule(
    "evidence.patent_evaluation_report_missing",
    "PATENT_EVALUATION_REPORT_MISSING",
    "evidence",
    MISSING,
)
PATENT_EVALUATION_NEGATIVE = _rule(
    "evidence.patent_evaluation_report_negative", "PATENT_EVALUATION_NEGATIVE", "evidence", ERROR
)

# Dates the rules name.
DESIGN_TERM_CHANGE = date(2021, 6, 1)
"""Designs filed from this day have a 15-year term, before it a 10-year one."""
EVALUATION_REPORTS_FROM = date(2010, 1, 1)
"""Utility models and designs filed from this day need a Patent Evaluation Report."""

NOT_IN_POLICY = frozenset({"distribution_channel", "unauthorized_sales"})
EVIDENCE_NAMED_BY_OWN_RULES = frozenset(
    {"counterfeit", "test_buy", "trademark_misuse", "distribution_channel", "unauthorized_sales"}
)
MISUSE_PROOFS = frozenset({"test_buy_report", "seller_admission", "decision"})
UTILITY_OR_DESIGN = frozenset({"utility_model", "design"})
INVENTION_OR_UTILITY = frozenset({"invention", "utility_model"})


def _listed(values: Any) -> str:
    """A list as a message shows it."""
    return ", ".join(map(str, values)) if values else "(none)"


def _whole_years(start: date, end: date) -> int:
    """Whole years from ``start`` to ``end``, counted as dateutil's relativedelta counts
    them: an anniversary that falls on a day the month lacks (29 February) is its last day."""
    years = end.year - start.year
    month, day = start.month, start.day
    if (end.month, end.day) < (month, day):
        if not (month == 2 and day == 29 and end.month == 2 and end.day == 28):
            years -= 1
        elif end.year % 4 == 0 and (end.year % 100 != 0 or end.year % 400 == 0):
            years -= 1  # in a leap year the anniversary is 29 February itself
    return years


_order = itemgetter(0, 1)


def decide(document: Mapping[str, Any]) -> Decision:
    """Decide a complaint document (a dict): validated as the engine validates it."""
    return decide_model(Complaint.model_validate(document))


def decide_model(c: Complaint) -> Decision:
    """Decide a validated complaint."""
    platform = c.platform
    country = c.country
    market = MARKETS[platform, country]
    on = c.submitted_at.astimezone(market.zone).date()
    channel = c.channel
    reason = c.reason
    complainant = c.complainant
    right = c.right
    right_id = right.id
    right_type = right.type
    jurisdiction = right.jurisdiction
    designations = right.designations
    documents = right.documents
    found: list[tuple[int, int, Rule, str, str]] = []
    add = found.append

    # --- account ----------------------------------------------------------------------------
    if channel == "ipp_account":
        if not complainant.identity_verified:
            add(
                (
                    IDENTITY_NOT_VERIFIED.rank,
                    -1,
                    IDENTITY_NOT_VERIFIED,
                    "The complainant's identity has not been verified. An individual uploads an "
                    "identity card or passport, a business its business licence; complaints can "
                    "be submitted once the account is verified.",
                    "complainant.identity_verified",
                )
            )
        if right.status != "authenticated":
            add(
                (
                    RIGHT_NOT_AUTHENTICATED.rank,
                    -1,
                    RIGHT_NOT_AUTHENTICATED,
                    f"The right {right_id} is {right.status.value} in the account; only an "
                    "authenticated right can support a complaint.",
                    "right.status",
                )
            )
    if complainant.role == "authorized_agent":
        authorization = complainant.authorization
        if authorization is None:
            add(
                (
                    AGENT_AUTHORIZATION_MISSING.rank,
                    -1,
                    AGENT_AUTHORIZATION_MISSING,
                    "An authorised agent must provide proof of authorisation from the rights "
                    f"holder, such as a power of attorney, that covers the right {right_id}.",
                    "complainant.authorization",
                )
            )
        else:
            until = authorization.valid_until
            if until is not None and until < on:
                add(
                    (
                        AGENT_AUTHORIZATION_EXPIRED.rank,
                        -1,
                        AGENT_AUTHORIZATION_EXPIRED,
                        f"The agent's authorisation ended on {until}, before the complaint was "
                        f"submitted on {on}.",
                        "complainant.authorization.valid_until",
                    )
                )
            start = authorization.valid_from
            if start is not None and start > on:
                add(
                    (
                        AGENT_AUTHORIZATION_NOT_YET_VALID.rank,
                        -1,
                        AGENT_AUTHORIZATION_NOT_YET_VALID,
                        f"The agent's authorisation starts on {start}, after the complaint was "
                        f"submitted on {on}.",
                        "complainant.authorization.valid_from",
                    )
                )
            covered = authorization.rights
            if covered and right_id not in covered:
                add(
                    (
                        AGENT_AUTHORIZATION_DOES_NOT_COVER_RIGHT.rank,
                        -1,
                        AGENT_AUTHORIZATION_DOES_NOT_COVER_RIGHT,
                        f"The agent's authorisation covers {_listed(covered)} but not the right "
                        f"{right_id} this complaint relies on.",
                        "complainant.authorization.rights",
                    )
                )
    valid_from = right.valid_from
    if valid_from is not None and valid_from > on:
        add(
            (
                RIGHT_NOT_YET_VALID.rank,
                -1,
                RIGHT_NOT_YET_VALID,
                f"The right {right_id} is valid from {valid_from}, after the complaint was "
                f"submitted on {on}.",
                "right.valid_from",
            )
        )
    valid_until = right.valid_until
    if valid_until is not None and valid_until < on:
        add(
            (
                RIGHT_EXPIRED.rank,
                -1,
                RIGHT_EXPIRED,
                f"The right {right_id} expired on {valid_until}, before the complaint was "
                f"submitted on {on}. If it has been renewed, upload the renewal and give the end "
                "of the renewed term as the right's valid_until.",
                "right.valid_until",
            )
        )

    # --- listings: the complaint ------------------------------------------------------------
    listings = c.listings
    count = len(listings)
    if count == 0:
        add(
            (
                LISTINGS_MISSING.rank,
                -1,
                LISTINGS_MISSING,
                "Add the URL of at least one allegedly infringing listing (or store, for a "
                "store-front complaint).",
                "listings",
            )
        )
    elif count > 300:
        add(
            (
                TOO_MANY_LISTINGS.rank,
                -1,
                TOO_MANY_LISTINGS,
                f"The complaint names {count} listings; IPP accepts at most 300 per complaint. "
                "Split it into several complaints.",
                "listings",
            )
        )
    store_front = c.complaint_type == "store_front"
    if store_front and platform in STORE_FRONTS_BY_EMAIL and channel != "email":
        add(
            (
                STORE_FRONT_BY_EMAIL.rank,
                -1,
                STORE_FRONT_BY_EMAIL,
                f"Store-front complaints about {platform} merchants are best sent to "
                "ipr@alibaba-inc.com.",
                "complaint_type",
            )
        )

    # --- jurisdiction -----------------------------------------------------------------------
    if reason in NOT_IN_POLICY:
        if platform == "lazada":
            add(
                (
                    LAZADA_DISTRIBUTION_CHANNEL.rank,
                    -1,
                    LAZADA_DISTRIBUTION_CHANNEL,
                    f"Lazada {country} does not handle distribution-channel management under "
                    "its IPR policy; a complaint must allege an infringement of the right "
                    f"{right_id} (counterfeit, trademark, copyright, patent or design "
                    "infringement).",
                    "platform",
                )
            )
        elif platform == "taobao":
            add(
                (
                    TAOBAO_UNAUTHORIZED_SALES.rank,
                    -1,
                    TAOBAO_UNAUTHORIZED_SALES,
                    "Taobao does not accept complaints about unauthorised sales of genuine "
                    "goods; a complaint must allege an infringement of the right "
                    f"{right_id} (counterfeit, trademark, copyright, patent or design "
                    "infringement).",
                    "platform",
                )
            )
    international = jurisdiction == "WO"
    if right_type in REGISTERED_RIGHT_TYPES:
        if platform in PRC_MARKETPLACES:
            if not international:
                if jurisdiction != "CN":
                    add(
                        (
                            RIGHT_NOT_REGISTERED_IN_CHINA.rank,
                            -1,
                            RIGHT_NOT_REGISTERED_IN_CHINA,
                            f"The {right_type} {right_id} is registered in {jurisdiction}; "
                            f"complaints on {platform} must rely on a {right_type} registered "
                            "in the People's Republic of China (a Hong Kong, Macao or Taiwan "
                            "registration does not count).",
                            "right.jurisdiction",
                        )
                    )
            elif designations and "CN" not in designations:
                add(
                    (
                        WIPO_CHINA_NOT_DESIGNATED.rank,
                        -1,
                        WIPO_CHINA_NOT_DESIGNATED,
                        f"The international registration {right_id} designates "
                        f"{_listed(designations)} but not China (CN), so it is not valid in the "
                        f"PRC and cannot support a complaint on {platform}.",
                        "right.designations",
                    )
                )
        elif platform == "lazada":
            if not international:
                if jurisdiction != country:
                    add(
                        (
                            RIGHT_NOT_REGISTERED_IN_COUNTRY.rank,
                            -1,
                            RIGHT_NOT_REGISTERED_IN_COUNTRY,
                            f"The {right_type} {right_id} is registered in {jurisdiction}; a "
                            f"complaint on Lazada {country} needs a {right_type} registered in "
                            f"{country} (or an international registration designating "
                            f"{country}).",
                            "right.jurisdiction",
                        )
                    )
            elif designations and country not in designations:
                add(
                    (
                        WIPO_COUNTRY_NOT_DESIGNATED.rank,
                        -1,
                        WIPO_COUNTRY_NOT_DESIGNATED,
                        f"The international registration {right_id} designates "
                        f"{_listed(designations)} but not {country}, so it cannot support a "
                        f"complaint on Lazada {country}.",
                        "right.designations",
                    )
                )
        if international and not designations:
            add(
                (
                    WIPO_DESIGNATIONS_MISSING.rank,
                    -1,
                    WIPO_DESIGNATIONS_MISSING,
                    f"The international registration {right_id} lists no designated countries; "
                    "give the countries it designates (as shown on the WIPO registration "
                    "certificate).",
                    "right.designations",
                )
            )
    if (
        right_type == "trademark"
        and international
        and "CN" in designations
        and (
            platform in PRC_MARKETPLACES
            or (platform in CROSS_BORDER_MARKETPLACES and len(designations) == 1)
        )
        and not any(
            d.kind == "territorial_extension_certificate" and d.country == "CN" for d in documents
        )
    ):
        add(
            (
                EXTENSION_CERTIFICATE_MISSING.rank,
                -1,
                EXTENSION_CERTIFICATE_MISSING,
                f"The international registration {right_id} is relied on for China; upload its "
                "certificate of territorial extension to China (issued by CNIPA) with the right.",
                "right.documents",
            )
        )
    unregistered_copyright = False
    if right_type == "copyright":
        if jurisdiction in NON_BERNE_COUNTRIES:
            add(
                (
                    COPYRIGHT_OUTSIDE_BERNE.rank,
                    -1,
                    COPYRIGHT_OUTSIDE_BERNE,
                    f"The copyright {right_id} is from {jurisdiction}, which is not a party to "
                    f"the Berne Convention, so the work is not protected on {platform} by the "
                    "Convention.",
                    "right.jurisdiction",
                )
            )
        unregistered_copyright = not right.registered
        if unregistered_copyright and not any(
            d.kind == "copyright_claim_statement" for d in documents
        ):
            add(
                (
                    COPYRIGHT_CLAIM_STATEMENT_MISSING.rank,
                    -1,
                    COPYRIGHT_CLAIM_STATEMENT_MISSING,
                    f"The copyright {right_id} is not registered; upload the Copyright Claim "
                    "Statement (the model form is in the IPP Platform) to show ownership of the "
                    "work.",
                    "right.documents",
                )
            )
    language = right.language
    if (
        language is not None
        and language not in CERTIFICATE_LANGUAGES
        and not any(
            d.kind == "translation" and d.language in CERTIFICATE_LANGUAGES for d in documents
        )
    ):
        add(
            (
                TRANSLATION_MISSING.rank,
                -1,
                TRANSLATION_MISSING,
                f"The certificate of {right_id} is in '{language}'; upload a translation into "
                "English or Chinese.",
                "right.language",
            )
        )
    # Patents and designs: a PatentRight has a kind; a DesignRight is a design.
    patent_kind = right.patent_kind.value if right_type == "patent" else None
    if right_type == "patent" or right_type == "design":
        filed = right.filed_on
        if patent_kind in INVENTION_OR_UTILITY:
            if international:
                add(
                    (
                        INTERNATIONAL_PATENT_NOT_GRANTED.rank,
                        -1,
                        INTERNATIONAL_PATENT_NOT_GRANTED,
                        f"{right_id} is given as an international (WO) {patent_kind}, but WIPO "
                        "grants no patents or utility models (a PCT application leads to "
                        "national grants). Give the national patent and the country that "
                        "granted it.",
                        "right.jurisdiction",
                    )
                )
            if reason == "design_infringement":
                add(
                    (
                        DESIGN_REASON_FOR_A_NON_DESIGN_PATENT.rank,
                        -1,
                        DESIGN_REASON_FOR_A_NON_DESIGN_PATENT,
                        "The reason 'design_infringement' needs a design, but "
                        f"{right_id} is an {patent_kind} patent; choose patent_infringement, or "
                        "the design that supports this reason.",
                        "reason",
                    )
                )
        if filed is not None:
            years = _whole_years(filed, on)
            chinese = jurisdiction == "CN"
            open_ended = valid_until is None
            if patent_kind == "invention":
                term_passed = open_ended and years >= 20
            elif patent_kind == "utility_model":
                term_passed = (open_ended or chinese) and years >= 10
            else:  # a design, registered or patented
                term_passed = (open_ended or chinese) and (
                    years >= 10 if filed < DESIGN_TERM_CHANGE else years >= 15
                )
            if term_passed:
                if chinese:
                    add(
                        (
                            PATENT_TERM_ENDED.rank,
                            -1,
                            PATENT_TERM_ENDED,
                            f"The {right_type} {right_id} was filed on {filed}, {years} years "
                            f"before the complaint was submitted on {on}; its term under PRC "
                            "patent law has ended, so it can no longer support a complaint.",
                            "right.filed_on",
                        )
                    )
                else:
                    add(
                        (
                            PATENT_TERM_UNCONFIRMED.rank,
                            -1,
                            PATENT_TERM_UNCONFIRMED,
                            f"The {right_type} {right_id} registered in {jurisdiction} was filed "
                            f"on {filed}, {years} years ago, and no end date is on file; give "
                            "the date it ends and upload the renewal or extension that keeps it "
                            "in force.",
                            "right.valid_until",
                        )
                    )
        # A PRC utility model or design needs a positive Patent Evaluation Report.
        if (
            (right_type == "design" or patent_kind in UTILITY_OR_DESIGN)
            and platform != "lazada"
            and (
                jurisdiction == "CN"
                or (
                    international
                    and "CN" in designations
                    and (platform not in CROSS_BORDER_MARKETPLACES or len(designations) == 1)
                )
            )
            and (filed is None or filed >= EVALUATION_REPORTS_FROM)
        ):
            conclusions = [d.conclusion for d in documents if d.kind == "patent_evaluation_report"]
            if not conclusions:
                add(
                    (
                        PATENT_EVALUATION_REPORT_MISSING.rank,
                        -1,
                        PATENT_EVALUATION_REPORT_MISSING,
                        f"Add the Patent Evaluation Report issued by CNIPA for the patent "
                        f"{right_id} (document of kind patent_evaluation_report with its "
                        "conclusion).",
                        "right.documents",
                    )
                )
            elif "negative" in conclusions and "positive" not in conclusions:
                add(
                    (
                        PATENT_EVALUATION_NEGATIVE.rank,
                        -1,
                        PATENT_EVALUATION_NEGATIVE,
                        f"The Patent Evaluation Report for {right_id} does not conclude that the "
                        "patent is valid; it cannot support a complaint.",
                        "right.documents",
                    )
                )

    # --- scope: the complaint ---------------------------------------------------------------
    if right_type not in RIGHT_TYPES_FOR_REASON.get(reason, ()):
        add(
            (
                REASON_NOT_FOR_RIGHT.rank,
                -1,
                REASON_NOT_FOR_RIGHT,
                f"The reason '{reason.value}' does not fit a {right_type} right; choose the "
                f"reason that matches the right {right_id} (or the right that supports this "
                "reason).",
                "reason",
            )
        )

    # --- evidence ---------------------------------------------------------------------------
    evidence = c.evidence
    kinds = {e.kind for e in evidence}
    if reason == "counterfeit":
        if "description" not in kinds:
            add(
                (
                    DESCRIPTION_MISSING.rank,
                    -1,
                    DESCRIPTION_MISSING,
                    "Add a description of the differences that show the listed product is not "
                    "genuine (evidence of kind description).",
                    "evidence",
                )
            )
        # Waived for Good Faith Program members on the Tao marketplaces.
        if "comparison_image" not in kinds and not (
            complainant.good_faith_member is True and market.group == "tao"
        ):
            add(
                (
                    COMPARISON_MISSING.rank,
                    -1,
                    COMPARISON_MISSING,
                    "Add a side-by-side comparison image or document showing the differences "
                    "(evidence of kind comparison_image).",
                    "evidence",
                )
            )
    elif reason == "test_buy":
        if "test_buy_report" not in kinds:
            add(
                (
                    TEST_BUY_REPORT_MISSING.rank,
                    -1,
                    TEST_BUY_REPORT_MISSING,
                    "Add the test-buy report and the order number of the test purchase "
                    "(evidence of kind test_buy_report with order_number).",
                    "evidence",
                )
            )
        else:
            reports = [e for e in evidence if e.kind == "test_buy_report"]
            if not any(report.signed for report in reports):
                add(
                    (
                        TEST_BUY_REPORT_NOT_SIGNED.rank,
                        -1,
                        TEST_BUY_REPORT_NOT_SIGNED,
                        "Add a test-buy report signed or sealed by the rights holder.",
                        "evidence",
                    )
                )
            orders = len({report.order_number.strip() for report in reports})
            if orders > 1:
                add(
                    (
                        TEST_BUY_ONE_ORDER.rank,
                        -1,
                        TEST_BUY_ONE_ORDER,
                        f"The test-buy reports are for {orders} different orders; a test-buy "
                        "complaint covers one order. Submit one complaint per order, each with "
                        "its own report.",
                        "evidence",
                    )
                )
    elif reason == "trademark_misuse":
        if c.mark_use == "similar":
            if "decision" not in kinds:
                add(
                    (
                        SIMILARITY_DECISION_MISSING.rank,
                        -1,
                        SIMILARITY_DECISION_MISSING,
                        f"The listing uses a mark similar to, not identical with, {right_id}; "
                        "add the court or administrative decision that finds the similar mark "
                        "infringing (evidence of kind decision).",
                        "evidence",
                    )
                )
        elif kinds.isdisjoint(MISUSE_PROOFS):
            add(
                (
                    TRADEMARK_MISUSE_PROOF_MISSING.rank,
                    -1,
                    TRADEMARK_MISUSE_PROOF_MISSING,
                    f"Add proof of the misuse of {right_id}: a test-buy report with its order "
                    "number (test_buy_report), the seller's admission such as a Trade Manager "
                    "chat record (seller_admission), or a court or administrative decision "
                    "(decision).",
                    "evidence",
                )
            )
    if not evidence and reason not in EVIDENCE_NAMED_BY_OWN_RULES:
        add(
            (
                SUPPORTING_INFORMATION_MISSING.rank,
                -1,
                SUPPORTING_INFORMATION_MISSING,
                f"Add supporting information for the {reason.value} allegation: a description "
                f"of how the listing infringes the right {right_id}, with images or documents "
                "that show it.",
                "evidence",
            )
        )
    if (
        channel != "ipp_account"
        and not unregistered_copyright
        and not any(d.kind == "registration_certificate" for d in documents)
    ):
        add(
            (
                RIGHT_CERTIFICATE_MISSING.rank,
                -1,
                RIGHT_CERTIFICATE_MISSING,
                f"Add the registration certificate of {right_id} (right document of kind "
                f"registration_certificate): a complaint sent by {channel.value} has no IPP "
                "account where the right was verified.",
                "right.documents",
            )
        )
    if right_type == "patent" and "claim_chart" not in kinds:
        add(
            (
                CLAIM_CHART_RECOMMENDED.rank,
                -1,
                CLAIM_CHART_RECOMMENDED,
                "A claim chart comparing the patent's claims with the features of the listed "
                "product is recommended (evidence of kind claim_chart).",
                "evidence",
            )
        )

    # --- each listing: its URL, then the scope of the trademark -----------------------------
    if listings:
        product_listing = c.complaint_type == "product_listing"
        trademark = right_type == "trademark"
        if trademark:
            right_groups = right.similar_groups
            right_classes = right.nice_classes
            categories = market.categories
        first_seen: dict[str, int] = {}
        for index, item in enumerate(listings):
            url = item.url
            parsed = _identify(url)
            if parsed is None:
                add(
                    (
                        URL_NOT_RECOGNISED.rank,
                        index,
                        URL_NOT_RECOGNISED,
                        f"Listing {index + 1}: {url} is not a listing or store page of any "
                        "Alibaba group marketplace.",
                        f"listings[{index}].url",
                    )
                )
            elif type(parsed) is ParsedUrl:
                marketplace = parsed.marketplace
                if marketplace != platform:
                    add(
                        (
                            WRONG_MARKETPLACE.rank,
                            index,
                            WRONG_MARKETPLACE,
                            f"Listing {index + 1} is on {marketplace}, but the complaint is for "
                            f"{platform}; submit it as a {marketplace} complaint.",
                            f"listings[{index}].url",
                        )
                    )
                else:
                    listing_country = parsed.country
                    if (
                        listing_country is not None
                        and country is not None
                        and listing_country != country
                    ):
                        add(
                            (
                                WRONG_COUNTRY.rank,
                                index,
                                WRONG_COUNTRY,
                                f"Listing {index + 1} is on Lazada {listing_country}, but the "
                                f"complaint is for Lazada {country}.",
                                f"listings[{index}].url",
                            )
                        )
                    if parsed.kind == "store":
                        if product_listing:
                            add(
                                (
                                    STORE_URL_IN_PRODUCT_COMPLAINT.rank,
                                    index,
                                    STORE_URL_IN_PRODUCT_COMPLAINT,
                                    f"Listing {index + 1} is a store page ({url}); a "
                                    "product-listing complaint names product listings. Submit "
                                    "a store-front complaint for a store.",
                                    f"listings[{index}].url",
                                )
                            )
                    elif store_front:
                        add(
                            (
                                PRODUCT_URL_IN_STORE_COMPLAINT.rank,
                                index,
                                PRODUCT_URL_IN_STORE_COMPLAINT,
                                f"Listing {index + 1} is a product listing ({url}); a "
                                "store-front complaint names store pages. Submit a "
                                "product-listing complaint for a listing.",
                                f"listings[{index}].url",
                            )
                        )
                canonical = parsed.canonical
                first = first_seen.setdefault(canonical, index)
                if first != index:
                    add(
                        (
                            DUPLICATE.rank,
                            index,
                            DUPLICATE,
                            f"Listing {index + 1} is the same page as listing {first + 1} "
                            f"({canonical}); name each listing once.",
                            f"listings[{index}].url",
                        )
                    )
            else:
                assert isinstance(parsed, UrlProblem)
                add(
                    (
                        URL_UNSAFE.rank,
                        index,
                        URL_UNSAFE,
                        f"Listing {index + 1}: {parsed.description}. Give the address exactly "
                        "as the marketplace shows it.",
                        f"listings[{index}].url",
                    )
                )
            if not trademark:
                continue
            group = item.similar_group
            nice_class = item.nice_class
            if right_groups and group is not None:
                # The similar-goods group decides.
                if group not in right_groups and SIMILAR_GROUP_NOTES.get(
                    group, frozenset()
                ).isdisjoint(right_groups):
                    add(
                        (
                            SIMILAR_GROUP_NOT_COVERED.rank,
                            index,
                            SIMILAR_GROUP_NOT_COVERED,
                            f"Listing {url} offers goods of similar-goods group {group}; the "
                            f"trademark {right_id} is registered for groups "
                            f"{_listed(right_groups)}, which neither include that group nor are "
                            "noted as similar to it.",
                            f"listings[{index}].similar_group",
                        )
                    )
            elif nice_class is not None:
                if nice_class not in right_classes:
                    add(
                        (
                            CLASS_NOT_COVERED.rank,
                            index,
                            CLASS_NOT_COVERED,
                            f"Listing {url} offers goods in Nice class {nice_class}; the "
                            f"trademark {right_id} covers classes {_listed(right_classes)} only. "
                            "Choose a right that covers the listed goods.",
                            f"listings[{index}].nice_class",
                        )
                    )
            else:
                category = item.category
                if category is None:
                    if group is None:
                        add(
                            (
                                LISTING_CLASS_MISSING.rank,
                                index,
                                LISTING_CLASS_MISSING,
                                f"Listing {url} gives no Nice class, similar-goods group or "
                                "category for its goods; give its Nice class so the scope of "
                                f"the trademark {right_id} can be checked.",
                                f"listings[{index}].nice_class",
                            )
                        )
                    else:
                        add(
                            (
                                LISTING_GROUP_NOT_COMPARABLE.rank,
                                index,
                                LISTING_GROUP_NOT_COMPARABLE,
                                f"Listing {url} gives only its similar-goods group {group}, and "
                                f"the trademark {right_id} lists no similar-goods groups to "
                                "compare it with; give the listing's Nice class.",
                                f"listings[{index}].nice_class",
                            )
                        )
                else:
                    category_class = categories.get(category)
                    if category_class is None:
                        add(
                            (
                                LISTING_CLASS_UNCONFIRMED.rank,
                                index,
                                LISTING_CLASS_UNCONFIRMED,
                                f"Listing {url} gives no Nice class, and its category "
                                f"'{category}' is not in {platform}'s category table, so it is "
                                "not guessed. Give the listing's Nice class.",
                                f"listings[{index}].nice_class",
                            )
                        )
                    elif category_class not in right_classes:
                        add(
                            (
                                CATEGORY_CLASS_NOT_COVERED.rank,
                                index,
                                CATEGORY_CLASS_NOT_COVERED,
                                f"Listing {url} is in the category '{category}', which is Nice "
                                f"class {category_class}; the trademark {right_id} covers "
                                f"classes {_listed(right_classes)} only. Choose a right that "
                                "covers the listed goods.",
                                f"listings[{index}].category",
                            )
                        )

    # --- the decision -----------------------------------------------------------------------
    if not found:
        return Decision.model_construct(outcome="accept", findings=(), bundle=IDENTITY, trace=None)
    found.sort(key=_order)
    findings = tuple(
        Finding.model_construct(
            rule_id=rule.id,
            code=rule.code,
            category=rule.category,
            severity=rule.severity,
            message=message,
            path=path,
            source=rule.source,
        )
        for _, _, rule, message, path in found
    )
    worst = found[0][2].severity
    outcome = "reject" if worst == ERROR else "needs_info" if worst == MISSING else "accept"
    return Decision.model_construct(outcome=outcome, findings=findings, bundle=IDENTITY, trace=None)
