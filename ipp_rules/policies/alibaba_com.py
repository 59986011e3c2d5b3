"""Alibaba.com, the international wholesale marketplace (id ``alibaba_com``).

A listing's path carries a product-name slug before its id; the canonical URL keeps only
the id, so the same product named twice is the same listing.
"""

from __future__ import annotations

from ipp_rules.policies.base import (
    DIGITS_ID,
    LABEL_ID,
    ChinaMarketplacePolicy,
    UrlForm,
)

__all__ = ["AlibabaComPolicy"]

STORE_PATH = (
    r"(?:/|/index\.html|/minisiteentrance\.html|/company_profile\.html|/productlist\.html)?"
)
"""A supplier store's home, profile or product-list page."""


class AlibabaComPolicy(ChinaMarketplacePolicy):
    id = "alibaba_com"
    name = "Alibaba.com"
    group = "alibaba_com"
    category_table = "categories_alibaba_com"
    url_forms = (
        UrlForm(
            "listing",
            hosts=("www.alibaba.com", "alibaba.com"),
            path=rf"/product-detail/(?:[A-Za-z0-9_-]{{0,300}}_)?(?P<id>{DIGITS_ID})\.html",
            canonical="https://www.alibaba.com/product-detail/_{id}.html",
        ),
        UrlForm(
            "store",
            hosts=("{id}.en.alibaba.com",),
            path=STORE_PATH,
            id_pattern=LABEL_ID,
            reserved=frozenset({"m", "www"}),
            canonical="https://{id}.en.alibaba.com/",
        ),
    )
