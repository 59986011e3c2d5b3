"""AliExpress, Alibaba's cross-border retail marketplace (id ``aliexpress``)."""

from __future__ import annotations

from ipp_rules.policies.base import (
    DIGITS_ID,
    ChinaMarketplacePolicy,
    UrlForm,
)

__all__ = ["ALIEXPRESS_HOSTS", "AliExpressPolicy"]

LANGUAGE_SITES = tuple(
    ["ar", "de", "es", "fr", "he", "id", "it", "ja", "ko", "nl", "pl", "pt", "ru", "th", "tr", "vi"]
)
"""Language subdomains: ``es.aliexpress.com`` shows the same listings in Spanish."""

ALIEXPRESS_HOSTS = (
    "www.aliexpress.com",
    "aliexpress.com",
    "m.aliexpress.com",
    "www.aliexpress.us",
    "aliexpress.us",
    *(f"{language}.aliexpress.com" for language in LANGUAGE_SITES),
)


class AliExpressPolicy(ChinaMarketplacePolicy):
    id = "aliexpress"
    name = "AliExpress"
    group = "aliexpress"
    category_table = "categories_aliexpress"
    url_forms = (
        UrlForm(
            "listing",
            hosts=ALIEXPRESS_HOSTS,
            # /item/<id>.html, and the older /item/<Slug>/<id>.html
            path=rf"/item/(?:[A-Za-z0-9-]{{1,200}}/)?(?P<id>{DIGITS_ID})\.html",
            canonical="https://www.aliexpress.com/item/{id}.html",
        ),
        UrlForm(
            "store",
            hosts=ALIEXPRESS_HOSTS,
            path=rf"/store/(?P<id>{DIGITS_ID})/?",
            canonical="https://www.aliexpress.com/store/{id}",
        ),
    )
