"""Lazada: six country platforms, each with its own site, timezone and calendar."""

from __future__ import annotations

import pytest

from ipp_rules.errors import UnknownMarketplaceError
from ipp_rules.policies import CalendarSpec, LazadaPolicy, ParsedUrl, get_policy, identify_url

SITES = {
    "ID": ("www.lazada.co.id", "Asia/Jakarta"),
    "MY": ("www.lazada.com.my", "Asia/Kuala_Lumpur"),
    "PH": ("www.lazada.com.ph", "Asia/Manila"),
    "SG": ("www.lazada.sg", "Asia/Singapore"),
    "TH": ("www.lazada.co.th", "Asia/Bangkok"),
    "VN": ("www.lazada.vn", "Asia/Ho_Chi_Minh"),
}

# (country, URL, kind, id): two real-shaped listings and a store front per country.
RECOGNISED = [
    (
        "ID",
        "https://www.lazada.co.id/products/sepatu-sneakers-pria-i123456789-s987654321.html",
        "listing",
        "123456789",
    ),
    (
        "ID",
        "https://www.lazada.co.id/products/pdp-i7012345678.html?spm=a2o4j",
        "listing",
        "7012345678",
    ),
    ("ID", "https://www.lazada.co.id/shop/toko-resmi-nike/", "store", "toko-resmi-nike"),
    (
        "MY",
        "https://www.lazada.com.my/products/baju-kurung-moden-i234567890-s1234567890.html",
        "listing",
        "234567890",
    ),
    ("MY", "http://lazada.com.my/products/i2345678901-s12345.html", "listing", "2345678901"),
    (
        "MY",
        "https://www.lazada.com.my/shop/samsung-official-store",
        "store",
        "samsung-official-store",
    ),
    (
        "PH",
        "https://www.lazada.com.ph/products/rubber-shoes-for-men-i345678901-s456789.html",
        "listing",
        "345678901",
    ),
    ("PH", "https://www.lazada.com.ph/products/i3456789012.html#details", "listing", "3456789012"),
    ("PH", "https://www.lazada.com.ph/shop/adidas/?path=promotion", "store", "adidas"),
    (
        "SG",
        "https://www.lazada.sg/products/wireless-earbuds-i456789012-s567890123.html",
        "listing",
        "456789012",
    ),
    ("SG", "https://www.lazada.sg/products/pdp-i456789013.html", "listing", "456789013"),
    ("SG", "https://www.lazada.sg/shop/nike-official-store/", "store", "nike-official-store"),
    (
        "TH",
        "https://www.lazada.co.th/products/example-i123456789-s987654321.html",
        "listing",
        "123456789",
    ),
    (
        "TH",
        "https://www.lazada.co.th/products/%E0%B9%80%E0%B8%AA%E0%B8%B7%E0%B9%89%E0%B8%AD"
        "-i567890123-s678901234.html",
        "listing",
        "567890123",
    ),
    (
        "TH",
        "https://www.lazada.co.th/products/\u0e40\u0e2a\u0e37\u0e49\u0e2d-i567890124.html",
        "listing",
        "567890124",
    ),
    ("TH", "https://www.lazada.co.th/shop/unilever_thailand/", "store", "unilever_thailand"),
    (
        "VN",
        "https://www.lazada.vn/products/ao-thun-nam-cotton-i678901234-s789012345.html",
        "listing",
        "678901234",
    ),
    ("VN", "https://lazada.vn/products/dep-i678901235.html", "listing", "678901235"),
    ("VN", "https://www.lazada.vn/shop/xiaomi-official-store/", "store", "xiaomi-official-store"),
]


def canonical(country: str, kind: str, item_id: str) -> str:
    host = SITES[country][0]
    if kind == "listing":
        return f"https://{host}/products/i{item_id}.html"
    return f"https://{host}/shop/{item_id}/"


@pytest.mark.parametrize(("country", "url", "kind", "item_id"), RECOGNISED)
def test_recognised_urls(country: str, url: str, kind: str, item_id: str) -> None:
    expected = ParsedUrl(
        "listing" if kind == "listing" else "store",
        "lazada",
        country,
        item_id,
        canonical(country, kind, item_id),
    )
    assert identify_url(url) == expected
    assert get_policy("lazada").parse_url(url) == expected
    assert identify_url(expected.canonical) == expected


def test_every_country_has_two_listings_and_a_store() -> None:
    for country in SITES:
        kinds = [kind for c, _, kind, _ in RECOGNISED if c == country]
        assert kinds.count("listing") >= 2
        assert kinds.count("store") >= 1


@pytest.mark.parametrize("country", sorted(SITES))
def test_country_timezone_and_calendar(country: str) -> None:
    policy = LazadaPolicy()
    assert policy.timezone(country) == SITES[country][1]
    assert str(policy.zone(country)) == SITES[country][1]
    spec = policy.calendar(country)
    assert spec.country == country
    assert spec.categories == ("public",)
    assert [form.country for form in policy.forms(country=country)] == [country, country]


def test_malaysia_uses_the_kuala_lumpur_calendar() -> None:
    assert LazadaPolicy().calendar("MY") == CalendarSpec("MY", "14")


def test_countries() -> None:
    policy = LazadaPolicy()
    assert policy.countries == ("ID", "MY", "PH", "SG", "TH", "VN")
    assert (policy.id, policy.name, policy.group) == ("lazada", "Lazada", "lazada")
    assert policy.category_table == "categories_lazada"
    assert policy.definition_problems() == ()


@pytest.mark.parametrize("country", [None, "CN", "th", "MM"])
def test_a_country_is_required_and_must_be_known(country: str | None) -> None:
    policy = LazadaPolicy()
    with pytest.raises(UnknownMarketplaceError) as caught:
        policy.timezone(country)
    assert caught.value.marketplace == "lazada"
    assert caught.value.country == country
    assert caught.value.known == ("ID", "MY", "PH", "SG", "TH", "VN")
    assert "ID, MY, PH, SG, TH, VN" in str(caught.value)
    with pytest.raises(UnknownMarketplaceError):
        policy.calendar(country)


@pytest.mark.parametrize(
    "url",
    [
        "https://www.lazada.co.th/products/example.html",
        "https://www.lazada.co.th/products/example-i.html",
        "https://www.lazada.co.th/products/example-iabc-s1.html",
        "https://www.lazada.co.th/products/example-i123-sx.html",
        "https://www.lazada.co.th/products/example-i123.htm",
        "https://www.lazada.co.th/product/example-i123.html",
        "https://www.lazada.co.th/products/a/example-i123.html",
        "https://www.lazada.co.th/shop/",
        "https://www.lazada.co.th/shop/-nike-/",
        "https://www.lazada.co.th/shop/nike/all-products",
        "https://m.lazada.co.th/products/example-i123.html",
        "https://pages.lazada.co.th/products/example-i123.html",
        "https://www.lazada.com/products/example-i123.html",
    ],
)
def test_near_misses_are_nobodys(url: str) -> None:
    assert identify_url(url) is None


def test_a_listing_on_one_country_site_belongs_to_that_country_only() -> None:
    path = "/products/example-i123456789-s987654321.html"
    found = {country: identify_url(f"https://{host}{path}") for country, (host, _) in SITES.items()}
    assert {c: p.country for c, p in found.items() if isinstance(p, ParsedUrl)} == {
        c: c for c in SITES
    }
