"""AliExpress: item and store URLs on the global, US, mobile and language sites."""

from __future__ import annotations

import pytest

from ipp_rules.policies import AliExpressPolicy, CalendarSpec, ParsedUrl, get_policy, identify_url
from ipp_rules.policies.aliexpress import ALIEXPRESS_HOSTS

ITEM = "https://www.aliexpress.com/item/{}.html"
STORE = "https://www.aliexpress.com/store/{}"

RECOGNISED = [
    (
        "https://www.aliexpress.com/item/1005001234567890.html",
        ParsedUrl(
            "listing", "aliexpress", None, "1005001234567890", ITEM.format("1005001234567890")
        ),
    ),
    (
        "https://www.aliexpress.us/item/3256801234567890.html?spm=a2g0o&gatewayAdapt=glo2usa",
        ParsedUrl(
            "listing", "aliexpress", None, "3256801234567890", ITEM.format("3256801234567890")
        ),
    ),
    (
        "https://es.aliexpress.com/item/1005004567890123.html#nav-review",
        ParsedUrl(
            "listing", "aliexpress", None, "1005004567890123", ITEM.format("1005004567890123")
        ),
    ),
    (
        "http://m.aliexpress.com/item/32800000001.html",
        ParsedUrl("listing", "aliexpress", None, "32800000001", ITEM.format("32800000001")),
    ),
    (
        "https://www.aliexpress.com/item/Women-Summer-Dress/32800000002.html",
        ParsedUrl("listing", "aliexpress", None, "32800000002", ITEM.format("32800000002")),
    ),
    (
        "https://www.aliexpress.com/store/1234567",
        ParsedUrl("store", "aliexpress", None, "1234567", STORE.format("1234567")),
    ),
    (
        "https://fr.aliexpress.com/store/912345678/",
        ParsedUrl("store", "aliexpress", None, "912345678", STORE.format("912345678")),
    ),
]


@pytest.mark.parametrize(("url", "expected"), RECOGNISED)
def test_recognised_urls(url: str, expected: ParsedUrl) -> None:
    assert identify_url(url) == expected
    assert get_policy("aliexpress").parse_url(url) == expected
    assert identify_url(expected.canonical) == expected


@pytest.mark.parametrize("host", ALIEXPRESS_HOSTS)
def test_every_host_serves_items(host: str) -> None:
    found = identify_url(f"https://{host}/item/1005001234567890.html")
    assert found == RECOGNISED[0][1]


@pytest.mark.parametrize(
    "url",
    [
        "https://www.aliexpress.com/item/abc.html",
        "https://www.aliexpress.com/item/1005001234567890.htm",
        "https://www.aliexpress.com/item/1005001234567890",
        "https://www.aliexpress.com/store/abc",
        "https://www.aliexpress.com/store/1234567/search",
        "https://xx.aliexpress.com/item/1005001234567890.html",
        "https://best.aliexpress.com/",
        "https://aliexpress.ru/item/1005001234567890.html",
    ],
)
def test_near_misses_are_nobodys(url: str) -> None:
    assert identify_url(url) is None


def test_facts() -> None:
    policy = AliExpressPolicy()
    assert (policy.id, policy.name, policy.group) == ("aliexpress", "AliExpress", "aliexpress")
    assert policy.timezone() == "Asia/Shanghai"
    assert policy.calendar() == CalendarSpec("CN")
    assert policy.category_table == "categories_aliexpress"
    assert policy.definition_problems() == ()
