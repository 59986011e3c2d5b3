"""Taobao, Tmall and Tmall Global: URL forms, timezone, calendar."""

from __future__ import annotations

import pytest

from ipp_rules.errors import UnknownMarketplaceError
from ipp_rules.policies import (
    CalendarSpec,
    ParsedUrl,
    TaobaoPolicy,
    TmallGlobalPolicy,
    TmallPolicy,
    get_policy,
    identify_url,
)
from ipp_rules.policies.tao import TMALL_RESERVED_SUBDOMAINS


def listing(marketplace: str, item_id: str, canonical: str) -> ParsedUrl:
    return ParsedUrl("listing", marketplace, None, item_id, canonical)


def store(marketplace: str, item_id: str, canonical: str) -> ParsedUrl:
    return ParsedUrl("store", marketplace, None, item_id, canonical)


TAOBAO_ITEM = "https://item.taobao.com/item.htm?id={}"
TMALL_ITEM = "https://detail.tmall.com/item.htm?id={}"
TMALL_HK_ITEM = "https://detail.tmall.hk/hk/item.htm?id={}"

RECOGNISED = [
    # Taobao
    (
        "https://item.taobao.com/item.htm?id=680000000001",
        listing("taobao", "680000000001", TAOBAO_ITEM.format("680000000001")),
    ),
    (
        "https://item.taobao.com/item.htm?spm=a230r.1.14.16.4a2c3d&id=680000000002&ns=1",
        listing("taobao", "680000000002", TAOBAO_ITEM.format("680000000002")),
    ),
    (
        "http://m.intl.taobao.com/detail/detail.html?id=680000000003",
        listing("taobao", "680000000003", TAOBAO_ITEM.format("680000000003")),
    ),
    (
        "https://h5.m.taobao.com/awp/core/detail.htm?id=680000000004&spm=a1z",
        listing("taobao", "680000000004", TAOBAO_ITEM.format("680000000004")),
    ),
    (
        "https://world.taobao.com/item/680000000005.htm",
        listing("taobao", "680000000005", TAOBAO_ITEM.format("680000000005")),
    ),
    (
        "https://shop123456789.taobao.com/",
        store("taobao", "123456789", "https://shop123456789.taobao.com/"),
    ),
    (
        "http://SHOP58501945.taobao.com/shop/view_shop.htm?spm=a1z10",
        store("taobao", "58501945", "https://shop58501945.taobao.com/"),
    ),
    # Tmall
    (
        "https://detail.tmall.com/item.htm?id=600000000001",
        listing("tmall", "600000000001", TMALL_ITEM.format("600000000001")),
    ),
    (
        "https://detail.m.tmall.com/item.htm?id=600000000002&skuId=4",
        listing("tmall", "600000000002", TMALL_ITEM.format("600000000002")),
    ),
    (
        "https://chaoshi.detail.tmall.com/item.htm?spm=x&id=600000000003",
        listing("tmall", "600000000003", TMALL_ITEM.format("600000000003")),
    ),
    ("https://nike.tmall.com/", store("tmall", "nike", "https://nike.tmall.com/")),
    (
        "http://li-ning.tmall.com/index.htm?spm=a1z10",
        store("tmall", "li-ning", "https://li-ning.tmall.com/"),
    ),
    # Tmall Global
    (
        "https://detail.tmall.hk/hk/item.htm?id=610000000001",
        listing("tmall_global", "610000000001", TMALL_HK_ITEM.format("610000000001")),
    ),
    (
        "https://detail.tmall.hk/item.htm?spm=a220m&id=610000000002",
        listing("tmall_global", "610000000002", TMALL_HK_ITEM.format("610000000002")),
    ),
    (
        "https://lookfantastic.tmall.hk/",
        store("tmall_global", "lookfantastic", "https://lookfantastic.tmall.hk/"),
    ),
]


@pytest.mark.parametrize(("url", "expected"), RECOGNISED)
def test_recognised_urls(url: str, expected: ParsedUrl) -> None:
    assert identify_url(url) == expected
    assert get_policy(expected.marketplace).parse_url(url) == expected
    assert identify_url(expected.canonical) == expected


@pytest.mark.parametrize("name", sorted(TMALL_RESERVED_SUBDOMAINS))
def test_tmall_service_subdomains_are_not_stores(name: str) -> None:
    assert identify_url(f"https://{name}.tmall.com/") is None
    assert identify_url(f"https://{name}.tmall.hk/") is None


@pytest.mark.parametrize(
    "url",
    [
        "https://item.taobao.com/item.htm",  # no id
        "https://item.taobao.com/item.htm?id=",  # empty id
        "https://item.taobao.com/item.htm?id=68x",
        "https://item.taobao.com/item.htm?id=%36%38",  # encoded digits are not taken
        "https://item.taobao.com/item.htm?ID=680000000001",
        "https://item.taobao.com/item.htm?id=123456789012345678901",  # 21 digits
        "https://item.taobao.com/ITEM.HTM?id=680000000001",
        "https://item.taobao.com/item.htm/x?id=680000000001",
        "https://taobao.com/item.htm?id=680000000001",
        "https://www.taobao.com/",
        "https://shop.taobao.com/",
        "https://shopabc.taobao.com/",
        "https://shop-123.taobao.com/",
        "https://shop123.taobao.com/category.htm",
        "https://detail.tmall.com/item.htm?itemId=1",
        "https://a.b.tmall.com/",  # a store name is one label
        "https://tmall.com/",
        "https://detail.tmall.hk/us/item.htm?id=1",
        "https://detail.tmall.com/hk/item.htm?id=1",
    ],
)
def test_near_misses_are_nobodys(url: str) -> None:
    assert identify_url(url) is None


@pytest.mark.parametrize("policy", [TaobaoPolicy(), TmallPolicy(), TmallGlobalPolicy()])
def test_china_timezone_calendar_and_table(
    policy: TaobaoPolicy | TmallPolicy | TmallGlobalPolicy,
) -> None:
    assert policy.group == "tao"
    assert policy.countries == ()
    assert policy.timezone() == "Asia/Shanghai"
    assert str(policy.zone()) == "Asia/Shanghai"
    assert policy.calendar() == CalendarSpec("CN", None, ("public",), None)
    assert policy.category_table == "categories_tao"
    assert policy.definition_problems() == ()


def test_tao_marketplaces_have_no_country_platforms() -> None:
    with pytest.raises(UnknownMarketplaceError, match="no country platforms") as caught:
        TaobaoPolicy().timezone("TH")
    assert caught.value.marketplace == "taobao"
    assert caught.value.country == "TH"


def test_ids_and_names() -> None:
    assert [(p.id, p.name) for p in (TaobaoPolicy(), TmallPolicy(), TmallGlobalPolicy())] == [
        ("taobao", "Taobao"),
        ("tmall", "Tmall"),
        ("tmall_global", "Tmall Global"),
    ]
