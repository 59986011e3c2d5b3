"""The policy interface: URL forms, calendar specs, and a policy declared as data."""

from __future__ import annotations

from types import MappingProxyType

import pytest

from ipp_rules.errors import IppRulesError
from ipp_rules.policies import (
    CalendarSpec,
    MarketplacePolicy,
    ParsedUrl,
    PolicyDefinitionError,
    SafeUrl,
    UrlForm,
    UrlProblem,
    inspect_url,
)


def safe(url: str) -> SafeUrl:
    found = inspect_url(url)
    assert isinstance(found, SafeUrl), found
    return found


class MiraviaPolicy(MarketplacePolicy):
    """A new marketplace is a short module of data like this one."""

    id = "miravia"
    name = "Miravia"
    group = "miravia"
    category_table = "categories_miravia"
    home_timezone = "Europe/Madrid"
    home_calendar = CalendarSpec("ES")
    url_forms = (
        UrlForm(
            "listing",
            hosts=("www.miravia.es",),
            path=r"/p/(?:[a-z0-9-]{1,200}-)?i(?P<id>[0-9]{1,20})\.html",
            canonical="https://www.miravia.es/p/i{id}.html",
        ),
        UrlForm(
            "listing",
            hosts=("m.miravia.es",),
            path=r"/item",
            query_key="itemId",
            canonical="https://www.miravia.es/p/i{id}.html",
        ),
        UrlForm(
            "store",
            hosts=("{id}.miravia.es",),
            id_pattern=r"[a-z]{3,20}",
            reserved=frozenset({"www"}),
            canonical="https://{id}.miravia.es/",
        ),
    )


class TwoCountryPolicy(MarketplacePolicy):
    id = "two"
    name = "Two"
    group = "two"
    category_table = "categories_two"
    countries = ("AA", "BB")
    country_timezones = MappingProxyType({"AA": "Asia/Tokyo", "BB": "Europe/Paris"})
    country_calendars = MappingProxyType({"AA": CalendarSpec("JP"), "BB": CalendarSpec("FR")})
    url_forms = (
        UrlForm(
            "listing", ("a.example",), "https://a.example/{id}", r"/(?P<id>[0-9]+)", country="AA"
        ),
        UrlForm(
            "listing", ("b.example",), "https://b.example/{id}", r"/(?P<id>[0-9]+)", country="BB"
        ),
    )


def test_a_declared_policy_matches_its_forms() -> None:
    policy = MiraviaPolicy()
    assert policy.parse_url("https://www.miravia.es/p/zapatillas-i123.html") == ParsedUrl(
        "listing", "miravia", None, "123", "https://www.miravia.es/p/i123.html"
    )
    assert policy.match_url(safe("http://m.miravia.es/item?itemId=9")) == ParsedUrl(
        "listing", "miravia", None, "9", "https://www.miravia.es/p/i9.html"
    )
    assert policy.parse_url("https://adidas.miravia.es") == ParsedUrl(
        "store", "miravia", None, "adidas", "https://adidas.miravia.es/"
    )
    assert policy.parse_url("https://www.miravia.es/") is None  # reserved
    assert policy.parse_url("https://ab.miravia.es/") is None  # id_pattern
    assert policy.parse_url("https://m.miravia.es/item?itemId=1&itemId=1") == (
        UrlProblem.ambiguous_query
    )
    assert policy.parse_url("https://m.miravia.es:8443/item?itemId=1") == UrlProblem.port
    assert policy.timezone() == "Europe/Madrid"
    assert policy.calendar() == CalendarSpec("ES")
    assert [f.kind for f in policy.forms("listing")] == ["listing", "listing"]
    assert policy.definition_problems() == ()
    assert repr(policy) == "<MiraviaPolicy 'miravia'>"


def test_a_host_id_never_spans_a_dot() -> None:
    form = MiraviaPolicy.url_forms[2]
    assert form.match(safe("https://nike.miravia.es/")) == "nike"
    assert form.match(safe("https://nike.evil.miravia.es/")) is None
    assert form.match(safe("https://nike.miravia.es.evil.example/")) is None
    assert form.match(safe("https://nikemiravia.es/")) is None


def test_an_id_group_that_did_not_take_part_is_no_match() -> None:
    form = UrlForm(
        "listing",
        hosts=("a.example",),
        path=r"/(?:x(?P<id>[0-9]+)|y)",
        canonical="https://a.example/x{id}",
    )
    assert form.match(safe("https://a.example/x12")) == "12"
    assert form.match(safe("https://a.example/y")) is None


def test_country_platforms() -> None:
    policy = TwoCountryPolicy()
    assert policy.definition_problems() == ()
    assert policy.timezone("AA") == "Asia/Tokyo"
    assert policy.calendar("BB") == CalendarSpec("FR")
    assert policy.parse_url("https://b.example/5") == ParsedUrl(
        "listing", "two", "BB", "5", "https://b.example/5"
    )
    assert policy.forms(country="AA") == (TwoCountryPolicy.url_forms[0],)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"hosts": ()}, "hosts must be a non-empty tuple"),
        ({"hosts": "a.example"}, "hosts must be a non-empty tuple"),
        ({"hosts": ("Item.Example.com",)}, "not a lower-case host name"),
        ({"hosts": ("example",)}, "not a lower-case host name"),
        ({"hosts": ("a.example", "{id}.example")}, "mixes exact hosts"),
        ({"hosts": ("a.{id}.example",)}, "in its first label"),
        ({"hosts": ("{id}{id}.example",)}, "in its first label"),
        ({"path": "/x"}, "found none"),
        ({"path": "/(?P<id>[0-9]+)", "query_key": "id"}, "found the path, the query"),
        ({"path": "/(?P<id>[0-9]+", "query_key": None}, "is not a regex"),
        ({"id_pattern": "[0-9", "query_key": "id"}, "is not a regex"),
        ({"canonical": "https://a.example/", "query_key": "id"}, "{id} exactly once"),
        ({"canonical": "http://a.example/{id}", "query_key": "id"}, "https URL"),
        ({"country": "th", "query_key": "id"}, "not ISO 3166-1"),
        ({"kind": "shop", "query_key": "id"}, "kind must be"),
    ],
)
def test_inconsistent_url_forms_are_refused(arguments: dict[str, object], message: str) -> None:
    declared: dict[str, object] = {
        "kind": "listing",
        "hosts": ("a.example",),
        "canonical": "https://a.example/{id}",
    }
    declared.update(arguments)
    with pytest.raises(PolicyDefinitionError, match=message):
        UrlForm(**declared)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"country": "cn"}, "ISO 3166-1"),
        ({"country": "CN", "categories": ()}, "no holiday categories"),
        ({"country": "CN", "weekend": (5, 7)}, "0 \\(Monday\\) to 6"),
    ],
)
def test_inconsistent_calendar_specs_are_refused(
    arguments: dict[str, object], message: str
) -> None:
    with pytest.raises(PolicyDefinitionError, match=message):
        CalendarSpec(**arguments)  # type: ignore[arg-type]


def test_policy_definition_error_is_typed() -> None:
    assert issubclass(PolicyDefinitionError, IppRulesError)
    assert issubclass(PolicyDefinitionError, ValueError)


def test_an_empty_policy_lists_everything_it_lacks() -> None:
    class Empty(MarketplacePolicy):
        pass

    assert Empty().definition_problems() == (
        "id must be a non-empty string",
        "name must be a non-empty string",
        "group must be a non-empty string",
        "category_table must be a non-empty string",
        "url_forms must be a tuple of UrlForm",
        "home_timezone must be an IANA timezone name",
        "home_calendar must be a CalendarSpec",
        "no listing URL form",
    )


def test_inconsistent_policies_are_described() -> None:
    class Broken(MiraviaPolicy):
        id = "Bad Id"
        home_timezone = "Mars/Olympus_Mons"
        url_forms = (
            UrlForm("store", ("{id}.b.example",), "https://{id}.b.example/", country="AA"),
        )

    assert Broken().definition_problems() == (
        "id 'Bad Id' must be lower-case letters, digits and '_'",
        "home_timezone: 'Mars/Olympus_Mons' is not an IANA timezone",
        "no listing URL form",
        "URL form 'https://{id}.b.example/' names country 'AA', "
        "but the marketplace has no country platforms",
    )


def test_inconsistent_country_policies_are_described() -> None:
    class Broken(TwoCountryPolicy):
        countries = ("AA", "BB", "CC", "CC")
        country_timezones = MappingProxyType({"AA": "Asia/Tokyo", "BB": "Nowhere"})

    assert Broken().definition_problems() == (
        "countries lists a country twice",
        "country_timezones['BB']: 'Nowhere' is not an IANA timezone",
        "country_timezones['CC'] must be an IANA timezone name",
        "country_calendars['CC'] must be a CalendarSpec",
        "no listing URL form for country 'CC'",
    )


def test_form_outside_the_countries_is_described() -> None:
    class Broken(TwoCountryPolicy):
        countries = ("AA",)
        country_timezones = MappingProxyType({"AA": "Asia/Tokyo"})

    assert Broken().definition_problems() == (
        "URL form 'https://b.example/{id}' must name one of the countries, not 'BB'",
    )
