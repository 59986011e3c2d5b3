"""What a marketplace policy is: declarative facts about one marketplace, behaviour here.

A marketplace is a subclass of :class:`MarketplacePolicy` that declares class attributes
(its id, timezone, calendar, category table and the :class:`UrlForm` shapes of its listing
and store URLs); matching, country checks and self-validation live in this base class, so a
new marketplace is a short module of data. A policy holds no admissibility decision: it
computes facts the rulesets decide on.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import ClassVar, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ipp_rules.errors import PolicyDefinitionError, UnknownMarketplaceError, shown
from ipp_rules.policies.urls import SafeUrl, UrlProblem, inspect_url
from ipp_rules.problems import suggest

__all__ = [
    "CHINA_CALENDAR",
    "CHINA_TIMEZONE",
    "DIGITS_ID",
    "LABEL_ID",
    "CalendarSpec",
    "MarketplacePolicy",
    "ParsedUrl",
    "PolicyDefinitionError",
    "UrlForm",
    "UrlKind",
    "calendar_name",
]

UrlKind = Literal["listing", "store"]

CHINA_TIMEZONE = "Asia/Shanghai"
"""Where Taobao, Tmall, Tmall Global, 1688, AliExpress and Alibaba.com keep their dates."""

DIGITS_ID = r"[0-9]{1,20}"
"""A numeric listing, offer or shop id."""

LABEL_ID = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
"""A store name that is a whole DNS label (``nike`` in ``nike.tmall.com``)."""

ROOT_PATH = r"/?"
"""The path of a store front's home page: empty or ``/``."""

_POLICY_ID = re.compile(r"[a-z0-9][a-z0-9_]{0,39}")
_COUNTRY = re.compile(r"[A-Z]{2}")
_HOST = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+")
_HOST_PATTERN = re.compile(r"([a-z0-9-]*)\{id\}([a-z0-9-]*(?:\.[a-z0-9-]+)+)")
_PLACEHOLDER = "{id}"


@dataclass(frozen=True)
class CalendarSpec:
    """What a marketplace's business-day calendar is built from (see ``ipp_rules.calendars``).

    ``country`` and ``subdivision`` are codes of the ``holidays`` package; ``categories``
    are its holiday categories that close the marketplace; ``weekend`` overrides the
    package's weekend (0 = Monday), ``None`` keeps it.
    """

    country: str
    subdivision: str | None = None
    categories: tuple[str, ...] = ("public",)
    weekend: tuple[int, ...] | None = None

    def __post_init__(self) -> None:
        if not _COUNTRY.fullmatch(self.country):
            raise PolicyDefinitionError(
                f"calendar country {self.country!r} is not an upper-case ISO 3166-1 code"
            )
        if not self.categories:
            raise PolicyDefinitionError(f"calendar {self.country}: no holiday categories")
        if self.weekend is not None and any(day not in range(7) for day in self.weekend):
            raise PolicyDefinitionError(
                f"calendar {self.country}: weekend days must be 0 (Monday) to 6 (Sunday)"
            )


def calendar_name(spec: CalendarSpec) -> str:
    """A short, stable name of the calendar ``spec`` describes: ``CN``, ``MY-14``,
    ``ID+government``, ``AE/weekend=4,5`` (used in messages and errors)."""
    name = spec.country if spec.subdivision is None else f"{spec.country}-{spec.subdivision}"
    extra = [c for c in spec.categories if c != "public"]
    if extra:
        name += "+" + "+".join(extra)
    if spec.weekend is not None:
        name += "/weekend=" + ",".join(str(day) for day in sorted(set(spec.weekend)))
    return name


CHINA_CALENDAR = CalendarSpec("CN")
"""Mainland China's public holidays, with the official make-up working days."""


@dataclass(frozen=True)
class UrlForm:
    """One accepted shape of a marketplace's listing or store URL.

    A URL has this form when its host is one of ``hosts``, its raw path matches ``path``
    (a regular expression matched against the whole path) and it yields an id matching
    ``id_pattern`` that is not in ``reserved``. The id comes from exactly one place:

    - a host pattern with ``{id}`` in its first label (``shop{id}.taobao.com``): the id is
      what stands there, never spanning a dot, so ``a.b.tmall.com`` is not a store ``a.b``;
    - a named group ``(?P<id>...)`` in ``path``;
    - the query parameter ``query_key``; given twice, the URL is ambiguous.

    Hosts match exactly, so ``item.taobao.com.evil.example`` and ``eviltaobao.com`` never
    do. ``canonical`` is the https URL the id stands for, with ``{id}`` where it goes.
    ``country`` is the country platform (Lazada) the form belongs to.
    """

    kind: UrlKind
    hosts: tuple[str, ...]
    canonical: str
    path: str = ROOT_PATH
    query_key: str | None = None
    id_pattern: str = DIGITS_ID
    reserved: frozenset[str] = frozenset()
    country: str | None = None
    _exact_hosts: frozenset[str] = field(init=False, repr=False, compare=False)
    _host_patterns: tuple[re.Pattern[str], ...] = field(init=False, repr=False, compare=False)
    _path: re.Pattern[str] = field(init=False, repr=False, compare=False)
    _id: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        where = f"{self.kind} form {self.canonical!r}"
        if self.kind not in ("listing", "store"):
            raise PolicyDefinitionError(f"{where}: kind must be 'listing' or 'store'")
        if isinstance(self.hosts, str) or not self.hosts:
            raise PolicyDefinitionError(f"{where}: hosts must be a non-empty tuple of names")
        exact = [host for host in self.hosts if _PLACEHOLDER not in host]
        patterns = [host for host in self.hosts if _PLACEHOLDER in host]
        for host in exact:
            if not _HOST.fullmatch(host):
                raise PolicyDefinitionError(f"{where}: {host!r} is not a lower-case host name")
        compiled_hosts = tuple(_compile_host_pattern(where, host) for host in patterns)
        path = _compile(where, "path", self.path)
        id_sources = [
            name
            for name, present in (
                ("a host pattern", bool(patterns)),
                ("the path", "id" in path.groupindex),
                ("the query", self.query_key is not None),
            )
            if present
        ]
        if len(id_sources) != 1:
            raise PolicyDefinitionError(
                f"{where}: the id must come from exactly one of a host pattern, a (?P<id>...) "
                f"path group or a query key; found {', '.join(id_sources) or 'none'}"
            )
        if patterns and exact:
            raise PolicyDefinitionError(f"{where}: mixes exact hosts and {{id}} host patterns")
        if self.canonical.count(_PLACEHOLDER) != 1 or not self.canonical.startswith("https://"):
            raise PolicyDefinitionError(
                f"{where}: canonical must be an https URL with {{id}} exactly once"
            )
        if self.country is not None and not _COUNTRY.fullmatch(self.country):
            raise PolicyDefinitionError(f"{where}: country {self.country!r} is not ISO 3166-1")
        object.__setattr__(self, "_exact_hosts", frozenset(exact))
        object.__setattr__(self, "_host_patterns", compiled_hosts)
        object.__setattr__(self, "_path", path)
        object.__setattr__(self, "_id", _compile(where, "id_pattern", self.id_pattern))

    def match(self, url: SafeUrl) -> str | UrlProblem | None:
        """The id ``url`` yields in this form; ``None`` if it does not have this form."""
        host_id = self._match_host(url.host)
        if host_id is None:
            return None
        path = self._path.fullmatch(url.path)
        if path is None:
            return None
        if self.query_key is not None:
            values = url.query_values(self.query_key)
            if len(values) > 1:
                return UrlProblem.ambiguous_query
            if not values:
                return None
            item_id = values[0]
        elif "id" in self._path.groupindex:
            item_id = path.group("id")
        else:
            item_id = host_id
        if item_id is None or not self._id.fullmatch(item_id) or item_id in self.reserved:
            return None
        return item_id

    def canonical_url(self, item_id: str) -> str:
        """The canonical https URL of the listing or store ``item_id``."""
        return self.canonical.replace(_PLACEHOLDER, item_id)

    def _match_host(self, host: str) -> str | None:
        if host in self._exact_hosts:
            return ""
        for pattern in self._host_patterns:
            found = pattern.fullmatch(host)
            if found is not None:
                return found.group("id")
        return None


def _compile(where: str, what: str, pattern: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise PolicyDefinitionError(f"{where}: {what} {pattern!r} is not a regex: {exc}") from exc


def _compile_host_pattern(where: str, host: str) -> re.Pattern[str]:
    shape = _HOST_PATTERN.fullmatch(host)
    if shape is None:
        raise PolicyDefinitionError(
            f"{where}: host pattern {host!r} must have {{id}} once, in its first label"
        )
    before, after = shape.groups()
    return re.compile(f"{re.escape(before)}(?P<id>[a-z0-9-]+){re.escape(after)}")


@dataclass(frozen=True)
class ParsedUrl:
    """A URL identified as a listing or store front of one marketplace (and country)."""

    kind: UrlKind
    marketplace: str
    country: str | None
    item_id: str
    """The listing id, or the store id (shop number or store name)."""
    canonical: str
    """The https URL the id stands for, on the marketplace's canonical host."""


_NO_TIMEZONES: Mapping[str, str] = MappingProxyType({})
_NO_CALENDARS: Mapping[str, CalendarSpec] = MappingProxyType({})


class MarketplacePolicy:
    """A marketplace's technical facts, declared as class attributes by a subclass.

    A marketplace without country platforms declares ``home_timezone`` and
    ``home_calendar``; one with country platforms (Lazada) declares ``countries`` and, per
    country, ``country_timezones`` and ``country_calendars``, and tags each URL form with
    its country. :meth:`definition_problems` says what is missing or inconsistent.
    """

    id: ClassVar[str]
    """The marketplace's name in complaint documents (``taobao``, ``1688``, ``lazada``)."""
    name: ClassVar[str]
    """Its name for people."""
    group: ClassVar[str]
    """Its family: ``tao``, ``1688``, ``aliexpress``, ``alibaba_com``, ``lazada``."""
    category_table: ClassVar[str]
    """The bundle table that maps its listing categories (e.g. ``categories_tao``)."""
    url_forms: ClassVar[tuple[UrlForm, ...]]
    """Its listing and store URL shapes, tried in order."""
    countries: ClassVar[tuple[str, ...]] = ()
    """Its country platforms; a complaint must name one. Empty: no country platforms."""
    home_timezone: ClassVar[str | None] = None
    home_calendar: ClassVar[CalendarSpec | None] = None
    country_timezones: ClassVar[Mapping[str, str]] = _NO_TIMEZONES
    country_calendars: ClassVar[Mapping[str, CalendarSpec]] = _NO_CALENDARS

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {getattr(self, 'id', '?')!r}>"

    def check_country(self, country: str | None) -> str | None:
        """``country`` if this marketplace has that country platform (``None`` if it has none).

        Raises :class:`UnknownMarketplaceError` when a country is missing, unknown, or given
        to a marketplace without country platforms.
        """
        if not self.countries:
            if country is None:
                return None
            raise UnknownMarketplaceError(
                self.id,
                country=country,
                message=f"marketplace {self.id!r} has no country platforms; got {shown(country)}",
            )
        if country in self.countries:
            return country
        listed = ", ".join(self.countries)
        nearest = suggest(country, self.countries) if isinstance(country, str) else None
        if country is None:
            message = f"marketplace {self.id!r} needs a country: one of {listed}"
        else:
            message = f"marketplace {self.id!r} has no country {shown(country)}; known: {listed}"
            if nearest is not None:
                message += f" (did you mean {nearest!r}?)"
        raise UnknownMarketplaceError(
            self.id, self.countries, suggestion=nearest, country=country, message=message
        )

    def timezone(self, country: str | None = None) -> str:
        """The IANA timezone in which the marketplace (or its ``country`` platform) keeps dates."""
        checked = self.check_country(country)
        found = self.home_timezone if checked is None else self.country_timezones.get(checked)
        if found is None:
            raise PolicyDefinitionError(f"{self!r} declares no timezone for {checked!r}")
        return found

    def zone(self, country: str | None = None) -> ZoneInfo:
        """:meth:`timezone` as a :class:`~zoneinfo.ZoneInfo`."""
        return ZoneInfo(self.timezone(country))

    def calendar(self, country: str | None = None) -> CalendarSpec:
        """What the business-day calendar of the marketplace (or ``country``) is built from."""
        checked = self.check_country(country)
        found = self.home_calendar if checked is None else self.country_calendars.get(checked)
        if found is None:
            raise PolicyDefinitionError(f"{self!r} declares no calendar for {checked!r}")
        return found

    def forms(self, kind: UrlKind | None = None, country: str | None = None) -> tuple[UrlForm, ...]:
        """The URL forms of one kind and/or one country platform (all, by default)."""
        return tuple(
            form
            for form in self.url_forms
            if (kind is None or form.kind == kind) and (country is None or form.country == country)
        )

    def match_url(self, url: SafeUrl) -> ParsedUrl | UrlProblem | None:
        """Which of this marketplace's listings or stores a gate-checked URL is.

        ``None``: not a URL of this marketplace. A :class:`UrlProblem` (``ambiguous_query``):
        it has one of this marketplace's forms but names its id twice.
        """
        for form in self.url_forms:
            found = form.match(url)
            if isinstance(found, UrlProblem):
                return found
            if found is not None:
                return ParsedUrl(
                    kind=form.kind,
                    marketplace=self.id,
                    country=form.country,
                    item_id=found,
                    canonical=form.canonical_url(found),
                )
        return None

    def parse_url(self, text: str) -> ParsedUrl | UrlProblem | None:
        """:func:`~ipp_rules.policies.urls.inspect_url`, then :meth:`match_url`."""
        safe = inspect_url(text)
        return safe if isinstance(safe, UrlProblem) else self.match_url(safe)

    def definition_problems(self) -> tuple[str, ...]:
        """What is missing or inconsistent in this policy's declarations (empty: none)."""
        problems: list[str] = []
        for attribute in ("id", "name", "group", "category_table"):
            value = getattr(self, attribute, None)
            if not isinstance(value, str) or not value:
                problems.append(f"{attribute} must be a non-empty string")
        policy_id = getattr(self, "id", None)
        if isinstance(policy_id, str) and not _POLICY_ID.fullmatch(policy_id):
            problems.append(f"id {policy_id!r} must be lower-case letters, digits and '_'")
        forms = getattr(self, "url_forms", None)
        if not isinstance(forms, tuple) or not all(isinstance(f, UrlForm) for f in forms):
            problems.append("url_forms must be a tuple of UrlForm")
            forms = ()
        countries = self.countries
        if not isinstance(countries, tuple) or not all(
            isinstance(c, str) and _COUNTRY.fullmatch(c) for c in countries
        ):
            problems.append("countries must be a tuple of upper-case ISO 3166-1 codes")
            countries = ()
        elif len(set(countries)) != len(countries):
            problems.append("countries lists a country twice")
        if countries:
            problems.extend(self._country_problems(countries, forms))
        else:
            problems.extend(self._home_problems(forms))
        return tuple(problems)

    def _home_problems(self, forms: tuple[UrlForm, ...]) -> list[str]:
        problems = _timezone_problems("home_timezone", self.home_timezone)
        if not isinstance(self.home_calendar, CalendarSpec):
            problems.append("home_calendar must be a CalendarSpec")
        if not any(form.kind == "listing" for form in forms):
            problems.append("no listing URL form")
        problems.extend(
            f"URL form {form.canonical!r} names country {form.country!r}, "
            "but the marketplace has no country platforms"
            for form in forms
            if form.country is not None
        )
        return problems

    def _country_problems(
        self, countries: tuple[str, ...], forms: tuple[UrlForm, ...]
    ) -> list[str]:
        problems: list[str] = []
        for country in dict.fromkeys(countries):
            problems.extend(
                _timezone_problems(
                    f"country_timezones[{country!r}]", self.country_timezones.get(country)
                )
            )
            if not isinstance(self.country_calendars.get(country), CalendarSpec):
                problems.append(f"country_calendars[{country!r}] must be a CalendarSpec")
            if not any(form.kind == "listing" and form.country == country for form in forms):
                problems.append(f"no listing URL form for country {country!r}")
        problems.extend(
            f"URL form {form.canonical!r} must name one of the countries, not {form.country!r}"
            for form in forms
            if form.country not in countries
        )
        return problems


def _timezone_problems(where: str, name: object) -> list[str]:
    if not isinstance(name, str):
        return [f"{where} must be an IANA timezone name"]
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return [f"{where}: {name!r} is not an IANA timezone"]
    return []


class ChinaMarketplacePolicy(MarketplacePolicy):
    """A marketplace run from mainland China: China's timezone and business-day calendar."""

    home_timezone = CHINA_TIMEZONE
    home_calendar = CHINA_CALENDAR
