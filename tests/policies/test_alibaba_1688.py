"""1688.com: offer URLs, shop<code> and named store fronts."""

from __future__ import annotations

import pytest

from ipp_rules.policies import Alibaba1688Policy, CalendarSpec, ParsedUrl, get_policy, identify_url
from ipp_rules.policies.alibaba_1688 import ALIBABA_1688_RESERVED_SUBDOMAINS

OFFER = "https://detail.1688.com/offer/{}.html"

RECOGNISED = [
    (
        "https://detail.1688.com/offer/620000000001.html",
        ParsedUrl("listing", "1688", None, "620000000001", OFFER.format("620000000001")),
    ),
    (
        "https://detail.1688.com/offer/620000000002.html?spm=a26352.13672862&sk=consign",
        ParsedUrl("listing", "1688", None, "620000000002", OFFER.format("620000000002")),
    ),
    (
        "http://m.1688.com/offer/620000000003.html",
        ParsedUrl("listing", "1688", None, "620000000003", OFFER.format("620000000003")),
    ),
    (
        "https://detail.m.1688.com/page/index.html?offerId=620000000004&spm=a2",
        ParsedUrl("listing", "1688", None, "620000000004", OFFER.format("620000000004")),
    ),
    (
        "https://shop1a2b3c4d5e.1688.com/",
        ParsedUrl("store", "1688", None, "1a2b3c4d5e", "https://shop1a2b3c4d5e.1688.com/"),
    ),
    (
        "https://shop11a6l9x84x6q9.1688.com/page/offerlist.htm",
        ParsedUrl("store", "1688", None, "11a6l9x84x6q9", "https://shop11a6l9x84x6q9.1688.com/"),
    ),
    (
        "https://yiwu-toys.1688.com/page/index.htm",
        ParsedUrl("store", "1688", None, "yiwu-toys", "https://yiwu-toys.1688.com/"),
    ),
]


@pytest.mark.parametrize(("url", "expected"), RECOGNISED)
def test_recognised_urls(url: str, expected: ParsedUrl) -> None:
    assert identify_url(url) == expected
    assert get_policy("1688").parse_url(url) == expected
    assert identify_url(expected.canonical) == expected


@pytest.mark.parametrize("name", sorted(ALIBABA_1688_RESERVED_SUBDOMAINS))
def test_service_subdomains_are_not_stores(name: str) -> None:
    assert identify_url(f"https://{name}.1688.com/") is None


@pytest.mark.parametrize(
    "url",
    [
        "https://detail.1688.com/offer/abc.html",
        "https://detail.1688.com/offer/620000000001.htm",
        "https://detail.1688.com/offer/620000000001.html/",
        "https://detail.1688.com/offers/620000000001.html",
        "https://www.1688.com/offer/620000000001.html",
        "https://detail.m.1688.com/page/index.html?offerid=620000000001",
        "https://shop1a2b.1688.com/page/contactinfo.htm",
        "https://1688.com/",
    ],
)
def test_near_misses_are_nobodys(url: str) -> None:
    assert identify_url(url) is None


def test_duplicate_offer_id_parameter_is_ambiguous() -> None:
    url = "https://detail.m.1688.com/page/index.html?offerId=1&offerId=2"
    assert identify_url(url) == "ambiguous_query"


def test_facts() -> None:
    policy = Alibaba1688Policy()
    assert (policy.id, policy.name, policy.group) == ("1688", "1688.com", "1688")
    assert policy.timezone() == "Asia/Shanghai"
    assert policy.calendar() == CalendarSpec("CN")
    assert policy.category_table == "categories_1688"
    assert policy.definition_problems() == ()
    assert [form.kind for form in policy.forms()] == ["listing", "listing", "store", "store"]
