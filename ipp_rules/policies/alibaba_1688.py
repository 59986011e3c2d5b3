"""1688.com, Alibaba's domestic wholesale marketplace (id ``1688``).

A store front is ``shop<code>.1688.com`` or a name of its own (``yiwutoys.1688.com``);
1688's service subdomains share that namespace and are listed in ``reserved``.
"""

from __future__ import annotations

from ipp_rules.policies.base import (
    DIGITS_ID,
    LABEL_ID,
    ChinaMarketplacePolicy,
    UrlForm,
)

__all__ = ["ALIBABA_1688_RESERVED_SUBDOMAINS", "Alibaba1688Policy"]

STORE_PATH = r"(?:/|/page/index\.htm|/page/offerlist\.htm|/page/creditdetail\.htm)?"
"""A store front's home, catalogue or credit page."""

ALIBABA_1688_RESERVED_SUBDOMAINS = frozenset(
    [
        "air",
        "b2b",
        "cart",
        "club",
        "cui",
        "detail",
        "dj",
        "exodus",
        "go",
        "help",
        "i",
        "info",
        "login",
        "m",
        "news",
        "offer",
        "order",
        "p4p",
        "page",
        "pages",
        "rule",
        "s",
        "sale",
        "search",
        "service",
        "shop",
        "show",
        "trade",
        "view",
        "work",
        "www",
        "zhaohuo",
    ]
)
"""Service subdomains of 1688.com that are not store names."""


class Alibaba1688Policy(ChinaMarketplacePolicy):
    id = "1688"
    name = "1688.com"
    group = "1688"
    category_table = "categories_1688"
    url_forms = (
        UrlForm(
            "listing",
            hosts=("detail.1688.com", "m.1688.com"),
            path=rf"/offer/(?P<id>{DIGITS_ID})\.html",
            canonical="https://detail.1688.com/offer/{id}.html",
        ),
        UrlForm(
            "listing",
            hosts=("detail.m.1688.com",),
            path=r"/page/index\.html",
            query_key="offerId",
            canonical="https://detail.1688.com/offer/{id}.html",
        ),
        UrlForm(
            "store",
            hosts=("shop{id}.1688.com",),
            path=STORE_PATH,
            id_pattern=r"[a-z0-9]{1,40}",
            canonical="https://shop{id}.1688.com/",
        ),
        UrlForm(
            "store",
            hosts=("{id}.1688.com",),
            path=STORE_PATH,
            id_pattern=LABEL_ID,
            reserved=ALIBABA_1688_RESERVED_SUBDOMAINS,
            canonical="https://{id}.1688.com/",
        ),
    )
