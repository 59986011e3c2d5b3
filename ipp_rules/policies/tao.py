"""The Tao marketplaces: Taobao, Tmall and Tmall Global (group ``tao``).

Store fronts of Tmall and Tmall Global are subdomains named after the store
(``nike.tmall.com``); the marketplaces' own service subdomains share that namespace, so
they are listed in ``reserved`` and never read as a store.
"""

from __future__ import annotations

from ipp_rules.policies.base import (
    LABEL_ID,
    ChinaMarketplacePolicy,
    UrlForm,
)

__all__ = ["TMALL_RESERVED_SUBDOMAINS", "TaobaoPolicy", "TmallGlobalPolicy", "TmallPolicy"]

TAO_STORE_PATH = r"(?:/|/index\.htm|/shop/view_shop\.htm)?"
"""A store front's home page: ``/``, ``/index.htm`` or ``/shop/view_shop.htm``."""

TMALL_RESERVED_SUBDOMAINS = frozenset(
    [
        "3c",
        "act",
        "ai",
        "ald",
        "api",
        "book",
        "brand",
        "buy",
        "cart",
        "cdn",
        "chaoshi",
        "consumerservice",
        "detail",
        "err",
        "favorite",
        "food",
        "fw",
        "g",
        "global",
        "h5",
        "help",
        "huodong",
        "i",
        "img",
        "import",
        "jifen",
        "ju",
        "list",
        "login",
        "m",
        "mai",
        "mall",
        "maoku",
        "mdetail",
        "member",
        "miao",
        "mobile",
        "pages",
        "passport",
        "pay",
        "portal",
        "promotion",
        "register",
        "rule",
        "s",
        "sale",
        "search",
        "service",
        "shop",
        "static",
        "store",
        "suggest",
        "temai",
        "top",
        "trade",
        "tv",
        "vip",
        "wap",
        "wow",
        "www",
        "www1",
    ]
)
"""Service subdomains of tmall.com and tmall.hk that are not store names."""


class TaobaoPolicy(ChinaMarketplacePolicy):
    id = "taobao"
    name = "Taobao"
    group = "tao"
    category_table = "categories_tao"
    url_forms = (
        UrlForm(
            "listing",
            hosts=("item.taobao.com",),
            path=r"/item\.htm",
            query_key="id",
            canonical="https://item.taobao.com/item.htm?id={id}",
        ),
        UrlForm(
            "listing",
            hosts=("m.intl.taobao.com",),
            path=r"/detail/detail\.html",
            query_key="id",
            canonical="https://item.taobao.com/item.htm?id={id}",
        ),
        UrlForm(
            "listing",
            hosts=("h5.m.taobao.com",),
            path=r"/awp/core/detail\.htm",
            query_key="id",
            canonical="https://item.taobao.com/item.htm?id={id}",
        ),
        UrlForm(
            "listing",
            hosts=("world.taobao.com",),
            path=r"/item/(?P<id>[0-9]{1,20})\.htm",
            canonical="https://item.taobao.com/item.htm?id={id}",
        ),
        UrlForm(
            "store",
            hosts=("shop{id}.taobao.com",),
            path=TAO_STORE_PATH,
            canonical="https://shop{id}.taobao.com/",
        ),
    )


class TmallPolicy(ChinaMarketplacePolicy):
    id = "tmall"
    name = "Tmall"
    group = "tao"
    category_table = "categories_tao"
    url_forms = (
        UrlForm(
            "listing",
            hosts=("detail.tmall.com", "detail.m.tmall.com", "chaoshi.detail.tmall.com"),
            path=r"/item\.htm",
            query_key="id",
            canonical="https://detail.tmall.com/item.htm?id={id}",
        ),
        UrlForm(
            "store",
            hosts=("{id}.tmall.com",),
            path=TAO_STORE_PATH,
            id_pattern=LABEL_ID,
            reserved=TMALL_RESERVED_SUBDOMAINS,
            canonical="https://{id}.tmall.com/",
        ),
    )


class TmallGlobalPolicy(ChinaMarketplacePolicy):
    id = "tmall_global"
    name = "Tmall Global"
    group = "tao"
    category_table = "categories_tao"
    url_forms = (
        UrlForm(
            "listing",
            hosts=("detail.tmall.hk",),
            path=r"(?:/hk)?/item\.htm",
            query_key="id",
            canonical="https://detail.tmall.hk/hk/item.htm?id={id}",
        ),
        UrlForm(
            "store",
            hosts=("{id}.tmall.hk",),
            path=TAO_STORE_PATH,
            id_pattern=LABEL_ID,
            reserved=TMALL_RESERVED_SUBDOMAINS,
            canonical="https://{id}.tmall.hk/",
        ),
    )
