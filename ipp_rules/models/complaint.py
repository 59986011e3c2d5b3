"""The complaint document (v1) as typed, immutable models.

The field names and values are the public contract (``docs/`` and the JSON Schema). The models only
check the *shape* of a complaint: types, closed value sets, bounds, and the few cross-field
facts without which the document means nothing (a Lazada complaint names its country). Whether
a complaint is admissible is decided by the rulesets, as findings; so a listing URL is any
text here, an agent without an authorisation is a valid document, and 301 listings are too.

Inputs come from outside and are hostile until validated: every string, list and number is
bounded, booleans and integers are strict (``"yes"`` is not true, ``"25"`` is not 25), dates
are ``YYYY-MM-DD`` and times carry a UTC offset. A field that expects text also takes a plain
YAML number as the text it was written as (``platform: 1688``, ``similar_groups: [0304]``).

Kept whole (about 650 lines): it is one model, the complaint document, with the validators that
tie its fields together.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Annotated, Any, ClassVar, Literal, TypeAlias, TypeVar

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    JsonValue,
    StrictBool,
    StrictInt,
    StrictStr,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
)
from pydantic_core import PydanticCustomError

from ipp_rules.errors import shown
from ipp_rules.models.countries import JURISDICTION_CODES
from ipp_rules.policies.registry import get_policy, policies
from ipp_rules.problems import worded_pattern
from ipp_rules.text.scalars import source_text

__all__ = [
    "COMPLAINT_SCHEMA_ID",
    "EARLIEST_INSTANT",
    "INSTANTS_END",
    "Authority",
    "Authorization",
    "AuthorizationDocument",
    "BasicDocument",
    "Channel",
    "ClaimChartEvidence",
    "ComparisonImageEvidence",
    "Complainant",
    "ComplainantKind",
    "ComplainantLocation",
    "ComplainantRole",
    "Complaint",
    "ComplaintType",
    "CopyrightRight",
    "DecisionEvidence",
    "DescriptionEvidence",
    "DesignRight",
    "EvaluationConclusion",
    "Evidence",
    "Listing",
    "MarkUse",
    "PatentEvaluationReport",
    "PatentKind",
    "PatentRight",
    "Reason",
    "Right",
    "RightDocument",
    "RightStatus",
    "SellerAdmissionEvidence",
    "SourceText",
    "TerritorialExtensionCertificate",
    "TestBuyReportEvidence",
    "TrademarkRight",
    "Translation",
    "complaint_json_schema",
]

COMPLAINT_SCHEMA_ID = "urn:ipp-rules:schema:complaint:v1"

# ---------------------------------------------------------------------------------------------
# Field types

_T = TypeVar("_T")

SourceText: TypeAlias = Annotated[_T, BeforeValidator(source_text)]
"""A text (or text enum) field: a plain YAML number arrives as the text it was written as."""

_NOT_BLANK = worded_pattern(r"\S", "text that is not blank")
"""Text fields hold at least one character that is not white space: a blank order number or
description would otherwise count as given."""

Code: TypeAlias = SourceText[
    Annotated[StrictStr, Field(min_length=1, max_length=64, pattern=_NOT_BLANK)]
]
"""An id, code, registration number or order number."""

Url: TypeAlias = SourceText[
    Annotated[StrictStr, Field(min_length=1, max_length=2048, pattern=_NOT_BLANK)]
]
"""A URL or a reference to a file; never parsed here (spoofed URLs are findings, not errors)."""

Label: TypeAlias = SourceText[
    Annotated[StrictStr, Field(min_length=1, max_length=256, pattern=_NOT_BLANK)]
]
"""A short name, such as a marketplace category."""

FreeText: TypeAlias = SourceText[
    Annotated[StrictStr, Field(min_length=1, max_length=10_000, pattern=_NOT_BLANK)]
]


_COUNTRY_CODE = worded_pattern(
    r"^[A-Z]{2}$", "a two-letter upper-case country code (ISO 3166-1 alpha-2, or WO)"
)
_LANGUAGE_CODE = worded_pattern(r"^[a-z]{2}$", "a two-letter lower-case language code (ISO 639-1)")


def _known_code(value: str) -> str:
    if value not in JURISDICTION_CODES:
        raise PydanticCustomError(
            "country_unknown",
            "expected an ISO 3166-1 country code, or the WIPO code of an office such as WO "
            "(international registrations) or EM (the EUIPO); {given} is neither",
            {"given": repr(value)},
        )
    return value


CountryCode: TypeAlias = SourceText[
    Annotated[StrictStr, Field(pattern=_COUNTRY_CODE), AfterValidator(_known_code)]
]
"""ISO 3166-1 alpha-2, upper case, or a WIPO ST.3 office code: ``WO`` is WIPO (an
international registration), ``EM`` the EUIPO (see :mod:`ipp_rules.models.countries`)."""

LanguageCode: TypeAlias = SourceText[Annotated[StrictStr, Field(pattern=_LANGUAGE_CODE)]]
"""ISO 639-1, lower case."""

SIMILAR_GROUP_PATTERN = worded_pattern(
    r"^(0[1-9]|[1-3][0-9]|4[0-5])[0-9]{2}$",
    "a four-digit similar-goods group such as '0304' (its class 01-45, then the group)",
)

SimilarGroup: TypeAlias = SourceText[Annotated[StrictStr, Field(pattern=SIMILAR_GROUP_PATTERN)]]
"""A group of China's similar-goods table (区分表), four digits such as ``"0304"``: its Nice
class (01 to 45), then the group within the class."""


def _group_class(group: str) -> int:
    return int(group[:2])


NiceClass: TypeAlias = Annotated[StrictInt, Field(ge=1, le=45)]


def _one_of_error(known: tuple[str, ...]) -> PydanticCustomError:
    return PydanticCustomError(
        "enum",
        "Input should be {expected}",
        {"expected": ", ".join(repr(k) for k in known)},
    )


def _registered_marketplace(value: Any) -> Any:
    """A marketplace id the policy registry knows (plain YAML numbers as their text)."""
    value = source_text(value)
    known = tuple(policies())
    if not isinstance(value, str) or value not in known:
        raise _one_of_error(known)
    return value


MarketplaceId: TypeAlias = Annotated[
    str,
    BeforeValidator(_registered_marketplace),
    WithJsonSchema({"type": "string", "description": "A registered marketplace id."}),
]
"""A marketplace id known to the policy registry (``taobao``, ``1688``, ``lazada``, ...)."""

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
ISO_DATETIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}.{0,40}", re.DOTALL)


def _date_input(value: Any) -> Any:
    """Only a date or ``YYYY-MM-DD`` text: no timestamps, no date-times cut to their date."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        if _ISO_DATE.fullmatch(value):
            return value
        raise PydanticCustomError("date_parsing", "Input should be a date written YYYY-MM-DD")
    raise PydanticCustomError("date_type", "Input should be a date written YYYY-MM-DD")


def _datetime_input(value: Any) -> Any:
    """Only a datetime or ISO-8601 date-and-time text: no Unix timestamps, no bare dates."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, str):
        if ISO_DATETIME.fullmatch(value):
            return value
        code = "datetime_parsing"
    else:
        code = "datetime_type"
    given = shown(value)
    raise PydanticCustomError(
        code,
        "expected an ISO-8601 date and time with a UTC offset, such as "
        "2026-03-02T10:15:00+08:00, got {given}",
        {"given": given},
    )


EARLIEST_INSTANT = datetime(1900, 1, 1, tzinfo=UTC)
"""The earliest instant a complaint document may name."""
INSTANTS_END = datetime(3000, 1, 1, tzinfo=UTC)
"""The first instant past those a complaint document may name."""


def in_range(value: datetime) -> datetime:
    """``value`` if it is an instant every marketplace timezone can hold (1900-01-01 to
    2999-12-31, in UTC), else ``ValueError``: near year 1 or 9999, converting it to a local
    date would overflow."""
    try:
        inside = EARLIEST_INSTANT <= value < INSTANTS_END
    except OverflowError:  # its UTC offset takes it past year 1 or 9999
        inside = False
    if not inside:
        raise ValueError(
            f"expected a time from 1900-01-01 to 2999-12-31 in UTC, got {value.isoformat()}"
        )
    return value


def _in_range(value: datetime) -> datetime:
    try:
        return in_range(value)
    except ValueError as exc:
        raise PydanticCustomError(
            "datetime_out_of_range", "{message}", {"message": str(exc)}
        ) from None


IsoDate: TypeAlias = Annotated[date, BeforeValidator(_date_input)]
AwareTimestamp: TypeAlias = Annotated[
    AwareDatetime, BeforeValidator(_datetime_input), AfterValidator(_in_range)
]
"""An instant: ISO-8601 text (or a datetime) with a UTC offset, in the years 1900 to 2999."""

_H = TypeVar("_H", str, int)


def _unique(values: tuple[_H, ...]) -> tuple[_H, ...]:
    """A list whose values may each appear once; the error names the second occurrence."""
    first: dict[_H, int] = {}
    for index, value in enumerate(values):
        seen = first.setdefault(value, index)
        if seen != index:
            raise PydanticCustomError(
                "duplicate_item",
                "expected each value once, got {value} again (first at position {first})",
                {"value": value, "first": seen, "index": index},
            )
    return values


_UNIQUE_ITEMS: dict[str, JsonValue] = {"uniqueItems": True}
"""JSON Schema for a list checked by :func:`_unique`."""


def _period_end(valid_until: date | None, info: ValidationInfo) -> date | None:
    valid_from = info.data.get("valid_from")
    if valid_until is not None and valid_from is not None and valid_until < valid_from:
        raise PydanticCustomError(
            "date_order",
            "expected a date on or after valid_from ({valid_from}), got {valid_until}",
            {"valid_until": valid_until.isoformat(), "valid_from": valid_from.isoformat()},
        )
    return valid_until


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    unknown_key: ClassVar[str] = "field"
    """What problems call a key of a complaint document."""


# ---------------------------------------------------------------------------------------------
# Closed value sets


class Channel(StrEnum):
    """How the complaint arrived."""

    IPP_ACCOUNT = "ipp_account"
    ONLINE_FORM = "online_form"
    EMAIL = "email"


class ComplaintType(StrEnum):
    PRODUCT_LISTING = "product_listing"
    STORE_FRONT = "store_front"


class MarkUse(StrEnum):
    """How the listing uses the rights holder's trademark."""

    IDENTICAL = "identical"
    SIMILAR = "similar"
    """A merely similar mark: misuse needs a court or administrative decision."""


class Reason(StrEnum):
    """The reason chosen for the complaint (the IPP reason code family)."""

    COUNTERFEIT = "counterfeit"
    TRADEMARK_MISUSE = "trademark_misuse"
    IMAGE_MISUSE = "image_misuse"
    COPYRIGHT_INFRINGEMENT = "copyright_infringement"
    PATENT_INFRINGEMENT = "patent_infringement"
    DESIGN_INFRINGEMENT = "design_infringement"
    TEST_BUY = "test_buy"
    MODEL_NOT_EXIST = "model_not_exist"
    DISTRIBUTION_CHANNEL = "distribution_channel"
    """Distribution-channel management: out of policy on Lazada (Lazada FAQ)."""
    UNAUTHORIZED_SALES = "unauthorized_sales"
    """Sales of genuine goods without authorisation: not accepted on Taobao."""


class ComplainantKind(StrEnum):
    INDIVIDUAL = "individual"
    BUSINESS = "business"


class ComplainantRole(StrEnum):
    RIGHTS_HOLDER = "rights_holder"
    AUTHORIZED_AGENT = "authorized_agent"


class ComplainantLocation(StrEnum):
    MAINLAND_CHINA = "mainland_china"
    OTHER = "other"


class AuthorizationDocument(StrEnum):
    POWER_OF_ATTORNEY = "power_of_attorney"
    LETTER_OF_AUTHORIZATION = "letter_of_authorization"


class RightStatus(StrEnum):
    """The right's authentication status in the complainant's IPP account."""

    UNDER_AUTHENTICATION = "under_authentication"
    AUTHENTICATION_FAILED = "authentication_failed"
    AUTHENTICATED = "authenticated"
    WITHDRAWN = "withdrawn"


class PatentKind(StrEnum):
    INVENTION = "invention"
    UTILITY_MODEL = "utility_model"
    DESIGN = "design"


class EvaluationConclusion(StrEnum):
    POSITIVE = "positive"
    NEGATIVE = "negative"


class Authority(StrEnum):
    """Who made a decision given as evidence."""

    COURT = "court"
    ADMINISTRATIVE = "administrative"


# ---------------------------------------------------------------------------------------------
# Complainant


class Authorization(_Model):
    """An agent's proof of authorisation by the rights holder."""

    document: SourceText[AuthorizationDocument]
    valid_from: IsoDate | None = None
    valid_until: IsoDate | None = None
    rights: tuple[Code, ...] = Field(default=(), max_length=1000)
    """Ids of the rights it covers; empty means all of the principal's rights."""

    @field_validator("valid_until")
    @classmethod
    def _ends_after_start(cls, value: date | None, info: ValidationInfo) -> date | None:
        return _period_end(value, info)


class Complainant(_Model):
    """Who files the complaint. An agent without an authorisation is a finding, not an error."""

    kind: SourceText[ComplainantKind]
    role: SourceText[ComplainantRole]
    location: SourceText[ComplainantLocation]
    identity_verified: StrictBool
    authorization: Authorization | None = None
    good_faith_member: StrictBool | None = None
    """Stated by the sender; ``engine.good_faith()`` derives it from a reporting history."""


# ---------------------------------------------------------------------------------------------
# Documents on file with a right


class BasicDocument(_Model):
    """A document known by its kind alone."""

    kind: Literal["registration_certificate", "renewal", "assignment", "copyright_claim_statement"]


class PatentEvaluationReport(_Model):
    """CNIPA's Patent Right Evaluation Report, with its conclusion."""

    kind: Literal["patent_evaluation_report"]
    conclusion: SourceText[EvaluationConclusion]


class TerritorialExtensionCertificate(_Model):
    """Proof that an international (WO) registration extends to a country."""

    kind: Literal["territorial_extension_certificate"]
    country: CountryCode


class Translation(_Model):
    """A translation of the certificate."""

    kind: Literal["translation"]
    language: LanguageCode


RightDocument: TypeAlias = Annotated[
    BasicDocument | PatentEvaluationReport | TerritorialExtensionCertificate | Translation,
    Field(discriminator="kind"),
]

# ---------------------------------------------------------------------------------------------
# Rights


class _RightBase(_Model):
    id: Code
    status: SourceText[RightStatus]
    jurisdiction: CountryCode
    designations: Annotated[tuple[CountryCode, ...], AfterValidator(_unique)] = Field(
        default=(), max_length=250, json_schema_extra=_UNIQUE_ITEMS
    )
    """Countries designated by an international (WO) registration."""
    registration_number: Code | None = None
    valid_from: IsoDate | None = None
    valid_until: IsoDate | None = None
    language: LanguageCode | None = None
    """Language of the certificate."""
    documents: tuple[RightDocument, ...] = Field(default=(), max_length=100)

    @field_validator("designations")
    @classmethod
    def _designations_only_for_wo(
        cls, value: tuple[str, ...], info: ValidationInfo
    ) -> tuple[str, ...]:
        jurisdiction = info.data.get("jurisdiction")
        if value and jurisdiction is not None and jurisdiction != "WO":
            raise PydanticCustomError(
                "designations_without_wo",
                "expected no designations, since they belong to an international registration "
                "(jurisdiction WO), got {count} with jurisdiction {jurisdiction}",
                {"count": len(value), "jurisdiction": jurisdiction},
            )
        return value

    @field_validator("valid_until")
    @classmethod
    def _ends_after_start(cls, value: date | None, info: ValidationInfo) -> date | None:
        return _period_end(value, info)


class TrademarkRight(_RightBase):
    type: Literal["trademark"]
    nice_classes: Annotated[tuple[NiceClass, ...], AfterValidator(_unique)] = Field(
        min_length=1, max_length=45, json_schema_extra=_UNIQUE_ITEMS
    )
    similar_groups: Annotated[tuple[SimilarGroup, ...], AfterValidator(_unique)] = Field(
        default=(), max_length=1000, json_schema_extra=_UNIQUE_ITEMS
    )
    """China's similar-goods groups the mark covers, when known; each in one of its classes."""

    @field_validator("similar_groups")
    @classmethod
    def _groups_in_classes(cls, value: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
        classes = info.data.get("nice_classes")
        if classes is None:
            return value
        outside = [g for g in value if _group_class(g) not in classes]
        if outside:
            raise PydanticCustomError(
                "group_outside_classes",
                "expected groups in the mark's classes {classes}, got {groups}: a group's "
                "first two digits are its class",
                {"classes": list(classes), "groups": ", ".join(outside)},
            )
        return value


class CopyrightRight(_RightBase):
    type: Literal["copyright"]
    registered: StrictBool = True
    """False for an unregistered work (it then needs a copyright claim statement)."""


class PatentRight(_RightBase):
    type: Literal["patent"]
    patent_kind: SourceText[PatentKind]
    filed_on: IsoDate | None = None


class DesignRight(_RightBase):
    """A registered design (Lazada)."""

    type: Literal["design"]
    filed_on: IsoDate | None = None


Right: TypeAlias = Annotated[
    TrademarkRight | CopyrightRight | PatentRight | DesignRight, Field(discriminator="type")
]

# ---------------------------------------------------------------------------------------------
# Listings and evidence


class Listing(_Model):
    """One listing complained about, with the class or category of the goods it offers."""

    url: Url
    nice_class: NiceClass | None = None
    similar_group: SimilarGroup | None = None
    """Its similar-goods group; with a ``nice_class``, a group of that class."""
    category: Label | None = None

    @field_validator("similar_group")
    @classmethod
    def _group_in_class(cls, value: str | None, info: ValidationInfo) -> str | None:
        nice_class = info.data.get("nice_class")
        if value is not None and nice_class is not None and _group_class(value) != nice_class:
            raise PydanticCustomError(
                "group_outside_classes",
                "expected a group of the listing's class {nice_class}, got {group} (class "
                "{group_class}): a group's first two digits are its class",
                {"nice_class": nice_class, "group": value, "group_class": _group_class(value)},
            )
        return value


class DescriptionEvidence(_Model):
    kind: Literal["description"]
    text: FreeText


class ComparisonImageEvidence(_Model):
    kind: Literal["comparison_image"]
    reference: Url | None = None


class TestBuyReportEvidence(_Model):
    """A test-buy report (signed or sealed by the rights holder) and its order number."""

    __test__: ClassVar[bool] = False  # not a pytest test class

    kind: Literal["test_buy_report"]
    order_number: Code
    signed: StrictBool = True


class ClaimChartEvidence(_Model):
    kind: Literal["claim_chart"]
    reference: Url | None = None


class SellerAdmissionEvidence(_Model):
    """The seller's own admission, such as a Trade Manager (Aliwangwang) chat record."""

    kind: Literal["seller_admission"]
    reference: Url | None = None


class DecisionEvidence(_Model):
    """A judicial or administrative decision."""

    kind: Literal["decision"]
    authority: SourceText[Authority]
    reference: Url | None = None


Evidence: TypeAlias = Annotated[
    DescriptionEvidence
    | ComparisonImageEvidence
    | TestBuyReportEvidence
    | ClaimChartEvidence
    | SellerAdmissionEvidence
    | DecisionEvidence,
    Field(discriminator="kind"),
]

# ---------------------------------------------------------------------------------------------
# The complaint


class Complaint(_Model):
    """An IP takedown complaint for one of the Alibaba group marketplaces (document v1)."""

    platform: MarketplaceId
    """A registered marketplace: the built-in seven, or one a plugin registers."""
    country: CountryCode | None = Field(default=None, validate_default=True)
    """The country platform, for a marketplace that has them (Lazada); absent otherwise."""
    submitted_at: AwareTimestamp
    channel: SourceText[Channel]
    complaint_type: SourceText[ComplaintType]
    reason: SourceText[Reason]
    mark_use: SourceText[MarkUse] | None = None
    """For a trademark complaint: whether the listing uses the mark itself or a similar one."""
    complainant: Complainant
    right: Right
    listings: tuple[Listing, ...] = Field(max_length=5000)
    evidence: tuple[Evidence, ...] = Field(default=(), max_length=200)

    @field_validator("country")
    @classmethod
    def _country_matches_platform(cls, value: str | None, info: ValidationInfo) -> str | None:
        platform = info.data.get("platform")
        if platform is None:
            return value
        policy = get_policy(platform)
        if value is None and policy.countries:
            raise PydanticCustomError(
                "country_required",
                "expected a country for a {platform} complaint (one of {countries}), got none",
                {"platform": platform, "countries": ", ".join(policy.countries)},
            )
        if value is not None and not policy.countries:
            raise PydanticCustomError(
                "country_not_allowed",
                "expected no country, since {platform} has no country platforms, got {country}",
                {"platform": platform, "country": value},
            )
        if value is not None and value not in policy.countries:
            raise _one_of_error(policy.countries)
        return value


def complaint_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the complaint document, generated from the models."""
    schema = Complaint.model_json_schema()
    # The marketplaces are whatever the registry knows now, plugins included.
    schema["properties"]["platform"]["enum"] = list(policies())
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": COMPLAINT_SCHEMA_ID,
        **schema,
        "title": "IPP complaint document (v1)",
    }
