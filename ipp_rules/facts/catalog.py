"""The fact catalog: every name a rule can read, its type, and how it is computed.

Python computes facts; YAML decides. A rule names facts by dotted path
(``right.valid_until``); each fact here has a type the loader checks conditions against, the
complaint field a finding about it points to, and a function that reads it off a complaint.
Complaint facts are computed once per evaluation; listing facts once per listing, and a
listing's rules see the complaint facts too.

Kept whole (about 800 lines): it is one table, the catalog of every fact, read top to bottom;
the helpers above it exist only to fill it.
"""

from __future__ import annotations

import enum
import functools
import operator
import types
import typing
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

import annotated_types
from dateutil.relativedelta import relativedelta
from pydantic import BaseModel

from ipp_rules.facts.types import (
    DERIVED_PREFIX,
    ENCODED_TYPES,
    Encoded,
    EncodedType,
    FactType,
    Scope,
)
from ipp_rules.models.complaint import (
    EARLIEST_INSTANT,
    INSTANTS_END,
    Authorization,
    Complainant,
    Complaint,
    Listing,
)
from ipp_rules.policies import ParsedUrl, UrlProblem, get_policy, identify_url, policies

__all__ = [
    "CATALOG",
    "FACTS",
    "ComplaintGetter",
    "FactSpec",
    "ListingGetter",
    "ListingView",
    "UrlFacts",
    "choices",
    "decode_literal",
    "derived_fact",
    "encode",
    "json_ready",
    "listing_views",
    "marketplace_timezone",
    "url_facts",
]


def marketplace_timezone(complaint: Complaint) -> ZoneInfo:
    """The IANA timezone in which the complaint's marketplace (or country platform) keeps dates."""
    return get_policy(complaint.platform).zone(complaint.country)


def _marketplaces() -> tuple[str, ...]:
    return tuple(policies())


def _groups() -> tuple[str, ...]:
    return tuple(dict.fromkeys(p.group for p in policies().values()))


def _countries() -> tuple[str, ...]:
    return tuple(dict.fromkeys(c for p in policies().values() for c in p.countries))


@dataclass(frozen=True, slots=True)
class UrlFacts:
    """What a listing URL turned out to be, in the terms of the listing facts (None where the
    URL says nothing): computed once per distinct URL."""

    problem: str | None = None
    problem_text: str | None = None
    marketplace: str | None = None
    country: str | None = None
    kind: str | None = None
    item_id: str | None = None
    canonical: str | None = None


@functools.lru_cache(maxsize=8192)
def url_facts(url: str) -> UrlFacts:
    """The facts of a listing URL (cached: a corpus names the same listings again and again)."""
    parsed = identify_url(url)
    if isinstance(parsed, ParsedUrl):
        return UrlFacts(
            marketplace=parsed.marketplace,
            country=parsed.country,
            kind=parsed.kind,
            item_id=parsed.item_id,
            canonical=parsed.canonical,
        )
    if isinstance(parsed, UrlProblem):
        return UrlFacts(problem=parsed.value, problem_text=parsed.description)
    return UrlFacts()


class ListingView:
    """One listing and what its URL turned out to be, for the listing facts."""

    __slots__ = ("category_class", "first_index", "index", "item", "link")

    def __init__(
        self,
        item: Listing,
        index: int,
        link: UrlFacts,
        first_index: int | None,
        category_class: int | None,
    ) -> None:
        self.item = item
        self.index = index
        self.link = link
        self.first_index = first_index
        """The earlier listing with the same canonical URL, if there is one."""
        self.category_class = category_class
        """The Nice class the marketplace's category table gives the listing's category."""


def listing_views(
    complaint: Complaint, category_tables: Mapping[str, Mapping[str, int]] | None = None
) -> list[ListingView]:
    """Every listing with its URL identified, duplicates found (by canonical URL), and its
    category placed in a Nice class by the table the marketplace's policy names."""
    table = (category_tables or {}).get(get_policy(complaint.platform).category_table, {})
    views = []
    first: dict[str, int] = {}
    for index, item in enumerate(complaint.listings):
        link = url_facts(item.url)
        earlier = None
        if link.canonical is not None:
            earlier = first.setdefault(link.canonical, index)
            earlier = None if earlier == index else earlier
        category = table.get(item.category) if item.category is not None else None
        views.append(ListingView(item, index, link, earlier, category))
    return views


ComplaintGetter = Callable[[Complaint], Any]
ListingGetter = Callable[[ListingView], Any]


@dataclass(frozen=True)
class FactSpec:
    """One fact: its name, type, meaning, and the complaint field it stands for."""

    name: str
    type: FactType
    description: str
    path: str
    """The complaint field a finding about this fact points to; ``{i}`` is the listing index."""
    scope: Scope = "complaint"
    choices: tuple[str, ...] | None = None
    """For text facts (and lists of text) with a closed set of values: the values."""
    get: Callable[..., Any] | None = None
    """Reads the fact off a complaint (a listing fact: off a :class:`ListingView`); None for
    a fact the bundle's rules derive."""
    reads: str | None = None
    """The attribute path ``get`` reads, where the fact is just that attribute (``right.id``;
    a text fact may be a string enum member, which compares and hashes as its value): the
    generated backend reads it inline instead of calling ``get``."""
    choices_from: Callable[[], tuple[str, ...]] | None = None
    """Where the closed set is not fixed (marketplaces come from the policy registry)."""
    required: bool = False
    """The fact is there for every valid complaint (a listing fact: for every listing): the
    complaint model requires the field, or the fact is computed from required ones."""
    bounds: tuple[Any, Any] | None = None
    """The least and the greatest value the fact can take on a valid complaint (numbers,
    dates, instants), where the model bounds it."""
    bounds_from: Callable[[], tuple[Any, Any]] | None = None
    """Where the bounds are not fixed (submission dates depend on marketplace timezones)."""

    def allowed_values(self) -> tuple[str, ...] | None:
        """The closed set of values of this fact (or of its elements), if it has one."""
        return self.choices_from() if self.choices_from is not None else self.choices

    @property
    def always_present(self) -> bool:
        """No valid complaint lacks the fact (a list fact is at least the empty list)."""
        return self.required or self.type in ("list_str", "list_int")

    def value_bounds(self) -> tuple[int, int] | None:
        """The bounds of the fact's encoded values, if it has any: a date is always one the
        calendar can hold."""
        found = self.bounds_from() if self.bounds_from is not None else self.bounds
        if found is None and self.type == "date":
            found = (date.min, date.max)
        if found is None:
            return None
        low, high = (encode(self, value) for value in found)
        assert isinstance(low, int) and isinstance(high, int)
        return low, high

    @property
    def encoded_type(self) -> EncodedType:
        return ENCODED_TYPES[self.type]

    def document_path(self, listing: int | None) -> str:
        return self.path.replace("{i}", str(listing)) if listing is not None else self.path


def _choices_of(annotation: Any) -> tuple[str, ...] | None:
    """The allowed values of an enum or literal annotation, looking through wrappers."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _choices_of(typing.get_args(annotation)[0])
    if origin is Literal:
        return tuple(str(a) for a in typing.get_args(annotation))
    if origin in (typing.Union, types.UnionType, list, tuple, frozenset, set):
        found: list[str] = []
        for arg in typing.get_args(annotation):
            if arg is type(None) or arg is Ellipsis:
                continue
            sub = _choices_of(arg)
            if sub is None:
                return None
            found.extend(v for v in sub if v not in found)
        return tuple(found) or None
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return tuple(str(m.value) for m in annotation)
    return None


def choices(model: type[BaseModel], field: str) -> tuple[str, ...] | None:
    """The closed set of values a model field accepts, if it has one."""
    return _choices_of(model.model_fields[field].annotation)


def _with_field(models: Iterable[type[BaseModel]], field: str) -> list[type[BaseModel]]:
    return [m for m in models if field in m.model_fields]


def _union_choices(models: Iterable[type[BaseModel]], field: str) -> tuple[str, ...]:
    found: list[str] = []
    for model in models:
        for value in choices(model, field) or ():
            if value not in found:
                found.append(value)
    return tuple(found)


def _right_models() -> tuple[type[BaseModel], ...]:
    return _union_members(Complaint.model_fields["right"].annotation)


def _union_members(annotation: Any) -> tuple[type[BaseModel], ...]:
    if typing.get_origin(annotation) is typing.Annotated:
        return _union_members(typing.get_args(annotation)[0])
    args = typing.get_args(annotation)
    members: list[type[BaseModel]] = []
    for arg in args or (annotation,):
        if typing.get_origin(arg) is typing.Annotated:
            members.extend(_union_members(arg))
        elif isinstance(arg, type) and issubclass(arg, BaseModel):
            members.append(arg)
    return tuple(members)


def _item_models(model: type[BaseModel], field: str) -> tuple[type[BaseModel], ...]:
    annotation = model.model_fields[field].annotation
    (item,) = typing.get_args(annotation)[:1]
    return _union_members(item)


def _choice_fact(model: type[BaseModel], path: str, description: str) -> FactSpec:
    """A text fact that is a complaint field with a closed set of values (an enum of
    ``model``), named and located like the field."""
    return FactSpec(
        path,
        "str",
        description,
        path,
        choices=choices(model, path.rsplit(".", 1)[-1]),
        **_reading(path),
        required=_required(Complaint, path),
    )


def _required(model: type[BaseModel], path: str) -> bool:
    """Whether every valid ``model`` has the field at the dotted ``path``: each field on the
    way is required (in every member of a union of models)."""
    name, _, rest = path.partition(".")
    field = model.model_fields[name]
    if not field.is_required():
        return False
    if not rest:
        return True
    return all(_required(member, rest) for member in _union_members(field.annotation))


def _count_bounds(model: type[BaseModel], field: str) -> tuple[int, int]:
    """The least and greatest length of a list field, from its model."""
    metadata = model.model_fields[field].metadata
    low = next((m.min_length for m in metadata if isinstance(m, annotated_types.MinLen)), 0)
    high = next(m.max_length for m in metadata if isinstance(m, annotated_types.MaxLen))
    return low, high


def _position_bounds(first: int) -> tuple[int, int]:
    """A listing's position, counted from ``first``: a complaint has at most so many."""
    return first, first + _count_bounds(Complaint, "listings")[1] - 1


@functools.cache
def _submission_dates() -> tuple[date, date]:
    """The submission dates of valid complaints: the local dates, in the timezones of the
    registered marketplaces, of the instants the complaint model accepts. The extremes lie in
    the first and the last day of those instants; offsets are read there every minute."""
    zones = {
        policy.zone(country)
        for policy in policies().values()
        for country in (policy.countries or (None,))
    }
    last = INSTANTS_END - timedelta(microseconds=1)
    minutes = [timedelta(minutes=m) for m in range(24 * 60 + 1)]
    first_days = [(EARLIEST_INSTANT + m).astimezone(z).date() for z in zones for m in minutes]
    last_days = [(last - m).astimezone(z).date() for z in zones for m in minutes]
    return min(first_days), max(last_days)


def _reading(path: str) -> dict[str, Any]:
    """A fact that is the attribute at ``path``: its getter, and the path itself."""
    return {"get": operator.attrgetter(path), "reads": path}


def _field(model: BaseModel | None, name: str, default: Any = None) -> Any:
    """A field of a model that some members of a union lack. ``getattr`` with a default
    costs microseconds for a missing field (pydantic's fallback raises and catches an
    AttributeError); the instance dictionary answers at once."""
    return default if model is None else model.__dict__.get(name, default)


def _attr(obj: Any, *names: str) -> Any:
    for name in names:
        obj = _field(obj, name)
    return obj


def _value(v: Any) -> Any:
    return v.value if isinstance(v, enum.Enum) else v


def _submitted_on(c: Complaint) -> date:
    return c.submitted_at.astimezone(marketplace_timezone(c)).date()


def _years_since_filing(c: Complaint) -> int | None:
    filed = _field(c.right, "filed_on")
    if filed is None:
        return None
    return relativedelta(_submitted_on(c), filed).years


def _documents(c: Complaint, kind: str, field: str) -> list[str]:
    return [str(_value(getattr(d, field))) for d in c.right.documents if _value(d.kind) == kind]


def _catalog() -> tuple[FactSpec, ...]:
    rights = _right_models()
    evidence_models = _item_models(Complaint, "evidence")
    document_models = _union_members(
        typing.get_args(_right_models()[0].model_fields["documents"].annotation)[0]
    )
    auth = Authorization
    specs: list[FactSpec] = [
        FactSpec(
            "platform",
            "str",
            "The marketplace the complaint is for.",
            "platform",
            choices_from=_marketplaces,
            **_reading("platform"),
            required=_required(Complaint, "platform"),
        ),
        FactSpec(
            "platform_group",
            "str",
            "The marketplace's family: tao (Taobao, Tmall, Tmall Global), lazada, ...",
            "platform",
            choices_from=_groups,
            get=lambda c: get_policy(c.platform).group,
            required=True,
        ),
        FactSpec(
            "country",
            "str",
            "Lazada's country platform (absent for other marketplaces).",
            "country",
            choices_from=_countries,
            **_reading("country"),
        ),
        FactSpec(
            "submitted_at",
            "datetime",
            "When the complaint was submitted.",
            "submitted_at",
            **_reading("submitted_at"),
            required=_required(Complaint, "submitted_at"),
            bounds=(EARLIEST_INSTANT, INSTANTS_END - timedelta(microseconds=1)),
        ),
        FactSpec(
            "submitted_on",
            "date",
            "The submission date in the marketplace's own timezone.",
            "submitted_at",
            get=_submitted_on,
            required=True,
            bounds_from=_submission_dates,
        ),
        _choice_fact(Complaint, "channel", "How the complaint arrived."),
        _choice_fact(Complaint, "complaint_type", "Product listing or store front."),
        _choice_fact(Complaint, "reason", "The reason chosen for the complaint."),
        _choice_fact(
            Complaint,
            "mark_use",
            "Trademark complaints: whether the listing uses the mark itself or a similar one.",
        ),
        _choice_fact(Complainant, "complainant.kind", "Individual or business."),
        _choice_fact(Complainant, "complainant.role", "Rights holder or authorised agent."),
        _choice_fact(Complainant, "complainant.location", "Mainland China or elsewhere."),
        FactSpec(
            "complainant.identity_verified",
            "bool",
            "The complainant's proof of identity has been verified.",
            "complainant.identity_verified",
            **_reading("complainant.identity_verified"),
            required=_required(Complaint, "complainant.identity_verified"),
        ),
        FactSpec(
            "complainant.good_faith_member",
            "bool",
            "The complainant is a Good Faith Program member (absent if not stated).",
            "complainant.good_faith_member",
            **_reading("complainant.good_faith_member"),
        ),
        FactSpec(
            "complainant.authorization.document",
            "str",
            "The kind of proof of authorisation on file (absent if none).",
            "complainant.authorization",
            choices=choices(auth, "document"),
            get=lambda c: _value(_attr(c.complainant.authorization, "document")),
        ),
        FactSpec(
            "complainant.authorization.valid_from",
            "date",
            "First day of the authorisation.",
            "complainant.authorization.valid_from",
            get=lambda c: _attr(c.complainant.authorization, "valid_from"),
        ),
        FactSpec(
            "complainant.authorization.valid_until",
            "date",
            "Last day of the authorisation.",
            "complainant.authorization.valid_until",
            get=lambda c: _attr(c.complainant.authorization, "valid_until"),
        ),
        FactSpec(
            "complainant.authorization.rights",
            "list_str",
            "Ids of the rights the authorisation covers; empty means all of them.",
            "complainant.authorization.rights",
            get=lambda c: list(_attr(c.complainant.authorization, "rights") or ()),
        ),
        FactSpec(
            "right.id",
            "str",
            "The id of the right the complaint relies on.",
            "right.id",
            **_reading("right.id"),
            required=_required(Complaint, "right.id"),
        ),
        FactSpec(
            "right.type",
            "str",
            "Trademark, copyright, patent or design.",
            "right.type",
            choices=_union_choices(rights, "type"),
            **_reading("right.type"),
            required=_required(Complaint, "right.type"),
        ),
        FactSpec(
            "right.status",
            "str",
            "The right's authentication status in the account.",
            "right.status",
            choices=_union_choices(rights, "status"),
            **_reading("right.status"),
            required=_required(Complaint, "right.status"),
        ),
        FactSpec(
            "right.jurisdiction",
            "str",
            "Where the right is registered (ISO 3166-1 alpha-2; WO for WIPO).",
            "right.jurisdiction",
            **_reading("right.jurisdiction"),
            required=_required(Complaint, "right.jurisdiction"),
        ),
        FactSpec(
            "right.designations",
            "list_str",
            "Countries designated by a WIPO international registration.",
            "right.designations",
            get=lambda c: list(c.right.designations),
        ),
        FactSpec(
            "right.registration_number",
            "str",
            "The registration number.",
            "right.registration_number",
            **_reading("right.registration_number"),
        ),
        FactSpec(
            "right.registered",
            "bool",
            "Copyright: the work is registered (absent for other rights).",
            "right.registered",
            get=lambda c: _field(c.right, "registered"),
        ),
        FactSpec(
            "right.nice_classes",
            "list_int",
            "Trademark: the Nice classes it covers.",
            "right.nice_classes",
            get=lambda c: list(_field(c.right, "nice_classes") or ()),
        ),
        FactSpec(
            "right.similar_groups",
            "list_str",
            "Trademark: China's similar-goods groups it covers.",
            "right.similar_groups",
            get=lambda c: list(_field(c.right, "similar_groups") or ()),
        ),
        FactSpec(
            "right.patent_kind",
            "str",
            "Patent: invention, utility model or design.",
            "right.patent_kind",
            choices=_union_choices(_with_field(rights, "patent_kind"), "patent_kind"),
            get=lambda c: _value(_field(c.right, "patent_kind")),
        ),
        FactSpec(
            "right.filed_on",
            "date",
            "Patent or design: the filing date.",
            "right.filed_on",
            get=lambda c: _field(c.right, "filed_on"),
        ),
        FactSpec(
            "right.years_since_filing",
            "int",
            "Patent or design: whole years from the filing date to the submission date "
            "(a 20-year term has ended when this reaches 20).",
            "right.filed_on",
            get=_years_since_filing,
        ),
        FactSpec(
            "right.valid_from",
            "date",
            "First day the right is valid.",
            "right.valid_from",
            **_reading("right.valid_from"),
        ),
        FactSpec(
            "right.valid_until",
            "date",
            "Last day the right is valid.",
            "right.valid_until",
            **_reading("right.valid_until"),
        ),
        FactSpec(
            "right.language",
            "str",
            "Language of the certificate (ISO 639-1).",
            "right.language",
            **_reading("right.language"),
        ),
        FactSpec(
            "right.documents",
            "list_str",
            "Kinds of the documents on file with the right.",
            "right.documents",
            choices=_union_choices(document_models, "kind"),
            get=lambda c: [str(_value(d.kind)) for d in c.right.documents],
        ),
        FactSpec(
            "right.territorial_extension_countries",
            "list_str",
            "Countries with a territorial-extension certificate on file.",
            "right.documents",
            get=lambda c: _documents(c, "territorial_extension_certificate", "country"),
        ),
        FactSpec(
            "right.translation_languages",
            "list_str",
            "Languages of the translations on file.",
            "right.documents",
            get=lambda c: _documents(c, "translation", "language"),
        ),
        FactSpec(
            "right.patent_evaluation_conclusions",
            "list_str",
            "Conclusions of the Patent Evaluation Reports on file.",
            "right.documents",
            choices=("positive", "negative"),
            get=lambda c: _documents(c, "patent_evaluation_report", "conclusion"),
        ),
        FactSpec(
            "listings.count",
            "int",
            "How many listings the complaint names.",
            "listings",
            get=lambda c: len(c.listings),
            required=True,
            bounds=_count_bounds(Complaint, "listings"),
        ),
        FactSpec(
            "evidence.kinds",
            "list_str",
            "Kinds of the evidence items supplied.",
            "evidence",
            choices=_union_choices(evidence_models, "kind"),
            get=lambda c: [str(_value(e.kind)) for e in c.evidence],
        ),
        FactSpec(
            "evidence.signed_test_buy_report",
            "bool",
            "A test-buy report signed or sealed by the rights holder is supplied.",
            "evidence",
            get=lambda c: any(
                _field(e, "signed", False)
                for e in c.evidence
                if _value(e.kind) == "test_buy_report"
            ),
            required=True,
        ),
        FactSpec(
            "evidence.test_buy_orders",
            "int",
            "How many different orders the test-buy reports supplied are for.",
            "evidence",
            get=lambda c: len(
                {
                    str(_value(e.order_number)).strip()
                    for e in c.evidence
                    if _value(e.kind) == "test_buy_report"
                }
            ),
            required=True,
            bounds=_count_bounds(Complaint, "evidence"),
        ),
        FactSpec(
            "evidence.decision_authorities",
            "list_str",
            "Who issued the court or administrative decisions supplied.",
            "evidence",
            choices=("court", "administrative"),
            get=lambda c: [
                str(_value(e.authority)) for e in c.evidence if _value(e.kind) == "decision"
            ],
        ),
        FactSpec(
            "evidence.count",
            "int",
            "How many evidence items are supplied.",
            "evidence",
            get=lambda c: len(c.evidence),
            required=True,
            bounds=_count_bounds(Complaint, "evidence"),
        ),
        FactSpec(
            "listing.index",
            "int",
            "The listing's position in the complaint, from 0.",
            "listings[{i}]",
            scope="listing",
            **_reading("index"),
            required=True,
            bounds=_position_bounds(0),
        ),
        FactSpec(
            "listing.number",
            "int",
            "The listing's position in the complaint as people count, from 1 (for messages).",
            "listings[{i}]",
            scope="listing",
            get=lambda v: v.index + 1,
            required=True,
            bounds=_position_bounds(1),
        ),
        FactSpec(
            "listing.url",
            "str",
            "The listing's URL as given.",
            "listings[{i}].url",
            scope="listing",
            **_reading("item.url"),
            required=_required(Listing, "url"),
        ),
        FactSpec(
            "listing.url_problem",
            "str",
            "Why the listing's URL is refused before any marketplace looks at it (absent if it "
            "is well formed): a spoofing trick, a bad scheme, control characters, ...",
            "listings[{i}].url",
            scope="listing",
            choices=tuple(p.value for p in UrlProblem),
            **_reading("link.problem"),
        ),
        FactSpec(
            "listing.url_problem_text",
            "str",
            "The URL problem in plain words (absent if there is none).",
            "listings[{i}].url",
            scope="listing",
            **_reading("link.problem_text"),
        ),
        FactSpec(
            "listing.marketplace",
            "str",
            "The marketplace whose listing or store URL this is (absent if none).",
            "listings[{i}].url",
            scope="listing",
            choices_from=_marketplaces,
            **_reading("link.marketplace"),
        ),
        FactSpec(
            "listing.country",
            "str",
            "The country platform the URL belongs to (Lazada; absent otherwise).",
            "listings[{i}].url",
            scope="listing",
            choices_from=_countries,
            **_reading("link.country"),
        ),
        FactSpec(
            "listing.url_kind",
            "str",
            "Whether the URL is a product listing or a store front (absent if not recognised).",
            "listings[{i}].url",
            scope="listing",
            choices=("listing", "store"),
            **_reading("link.kind"),
        ),
        FactSpec(
            "listing.item_id",
            "str",
            "The listing or store id read from the URL.",
            "listings[{i}].url",
            scope="listing",
            **_reading("link.item_id"),
        ),
        FactSpec(
            "listing.canonical_url",
            "str",
            "The URL in its canonical form (https, the marketplace's own host, the id only).",
            "listings[{i}].url",
            scope="listing",
            **_reading("link.canonical"),
        ),
        FactSpec(
            "listing.duplicate_of",
            "int",
            "The earlier listing with the same canonical URL (absent if there is none).",
            "listings[{i}].url",
            scope="listing",
            **_reading("first_index"),
            bounds=_position_bounds(0),
        ),
        FactSpec(
            "listing.duplicate_of_number",
            "int",
            "The earlier listing with the same canonical URL, counted from 1 (for messages).",
            "listings[{i}].url",
            scope="listing",
            get=lambda v: None if v.first_index is None else v.first_index + 1,
            bounds=_position_bounds(1),
        ),
        FactSpec(
            "listing.nice_class",
            "int",
            "The Nice class of the listed goods.",
            "listings[{i}].nice_class",
            scope="listing",
            **_reading("item.nice_class"),
        ),
        FactSpec(
            "listing.category_class",
            "int",
            "The Nice class the marketplace's category table gives the listing's category "
            "(absent if the listing gives no category or the table does not list it).",
            "listings[{i}].category",
            scope="listing",
            **_reading("category_class"),
        ),
        FactSpec(
            "listing.similar_group",
            "str",
            "China's similar-goods group of the listed goods.",
            "listings[{i}].similar_group",
            scope="listing",
            **_reading("item.similar_group"),
        ),
        FactSpec(
            "listing.category",
            "str",
            "The marketplace category of the listed goods.",
            "listings[{i}].category",
            scope="listing",
            **_reading("item.category"),
        ),
    ]
    return tuple(specs)


CATALOG: tuple[FactSpec, ...] = _catalog()
FACTS: Mapping[str, FactSpec] = {spec.name: spec for spec in CATALOG}


def derived_fact(name: str, scope: Scope) -> FactSpec:
    """The spec of a fact a rule derives: true when one of its rules fired."""
    return FactSpec(
        f"{DERIVED_PREFIX}{name}",
        "bool",
        f"Derived by the bundle's rules: {name}.",
        "listings[{i}]" if scope == "listing" else "",
        scope=scope,
        required=True,  # set, true or false, once the rules deriving it have run
    )


def encode(spec: FactSpec, value: Any) -> Encoded | None:
    """A fact value as the engine sees it; None for an absent fact."""
    if value is None:
        return None
    kind = spec.type
    if kind == "date":
        assert isinstance(value, date)
        return value.toordinal()
    if kind == "datetime":
        assert isinstance(value, datetime)
        return int(value.astimezone(UTC).timestamp())
    if kind in ("list_str", "list_int"):
        return tuple(_value(v) for v in value)
    return _value(value)  # type: ignore[no-any-return]


def decode_literal(spec_type: FactType, value: Any) -> Encoded:
    """A literal from a ruleset, already type-checked, in its encoded form."""
    if spec_type == "date":
        return date.fromisoformat(value).toordinal() if isinstance(value, str) else int(value)
    if spec_type == "datetime":
        parsed = datetime.fromisoformat(value) if isinstance(value, str) else value
        return int(parsed.astimezone(UTC).timestamp())
    return value  # type: ignore[no-any-return]


def json_ready(value: Any) -> Any:
    """A raw fact value as JSON (for traces): dates in ISO form, enums as their value."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [json_ready(v) for v in value]
    return _value(value)
