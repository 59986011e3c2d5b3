"""Alibaba.com: product-detail listings and supplier store fronts."""

from __future__ import annotations

import pytest

from ipp_rules.policies import AlibabaComPolicy, CalendarSpec, ParsedUrl, get_policy, identify_url

DETAIL = "https://www.alibaba.com/product-detail/_{}.html"

RECOGNISED = [
    (
        "https://www.alibaba.com/product-detail/Some-Product-Slug_1600123456789.html",
        ParsedUrl("listing", "alibaba_com", None, "1600123456789", DETAIL.format("1600123456789")),
    ),
    (
        "https://www.alibaba.com/product-detail/New-Arrival-Men-s-Casual_Shoes_62012345678.html"
        "?spm=a2700.galleryofferlist",
        ParsedUrl("listing", "alibaba_com", None, "62012345678", DETAIL.format("62012345678")),
    ),
    (
        "http://alibaba.com/product-detail/1601234567890.html",
        ParsedUrl("listing", "alibaba_com", None, "1601234567890", DETAIL.format("1601234567890")),
    ),
    (
        "https://acme-industrial.en.alibaba.com/",
        ParsedUrl(
            "store",
            "alibaba_com",
            None,
            "acme-industrial",
            "https://acme-industrial.en.alibaba.com/",
        ),
    ),
    (
        "https://yiwusupplier.en.alibaba.com/productlist.html?spm=a2700",
        ParsedUrl(
            "store", "alibaba_com", None, "yiwusupplier", "https://yiwusupplier.en.alibaba.com/"
        ),
    ),
]


@pytest.mark.parametrize(("url", "expected"), RECOGNISED)
def test_recognised_urls(url: str, expected: ParsedUrl) -> None:
    assert identify_url(url) == expected
    assert get_policy("alibaba_com").parse_url(url) == expected
    assert identify_url(expected.canonical) == expected


@pytest.mark.parametrize(
    "url",
    [
        "https://www.alibaba.com/product-detail/Some-Product-Slug.html",
        "https://www.alibaba.com/product-detail/Slug_1600123456789.htm",
        "https://www.alibaba.com/product-detail/Sl%20ug_1600123456789.html",
        "https://www.alibaba.com/products/Slug_1600123456789.html",
        "https://m.alibaba.com/product-detail/Slug_1600123456789.html",
        "https://www.en.alibaba.com/",
        "https://a.b.en.alibaba.com/",
        "https://acme.alibaba.com/",
        "https://acme.en.alibaba.com/contact.html",
    ],
)
def test_near_misses_are_nobodys(url: str) -> None:
    assert identify_url(url) is None


def test_facts() -> None:
    policy = AlibabaComPolicy()
    assert (policy.id, policy.name, policy.group) == ("alibaba_com", "Alibaba.com", "alibaba_com")
    assert policy.timezone() == "Asia/Shanghai"
    assert policy.calendar() == CalendarSpec("CN")
    assert policy.category_table == "categories_alibaba_com"
    assert policy.definition_problems() == ()
