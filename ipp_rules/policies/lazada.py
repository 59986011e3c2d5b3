"""Lazada, with one country platform per site (id ``lazada``; ``ID MY PH SG TH VN``).

Every listing and store belongs to one country platform, told by the site's host; a
complaint names the country, and its URLs must be on that country's site.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from ipp_rules.policies.base import CalendarSpec, MarketplacePolicy, UrlForm

__all__ = ["LAZADA_SITES", "LazadaPolicy", "LazadaSite"]


@dataclass(frozen=True)
class LazadaSite:
    """One Lazada country platform: its site and where it keeps its dates."""

    host: str
    timezone: str
    calendar: CalendarSpec


LAZADA_SITES: Mapping[str, LazadaSite] = MappingProxyType(
    {
        "ID": LazadaSite("www.lazada.co.id", "Asia/Jakarta", CalendarSpec("ID")),
        # Lazada Malaysia is in Kuala Lumpur (subdivision 14), which has its own holidays.
        "MY": LazadaSite("www.lazada.com.my", "Asia/Kuala_Lumpur", CalendarSpec("MY", "14")),
        "PH": LazadaSite("www.lazada.com.ph", "Asia/Manila", CalendarSpec("PH")),
        "SG": LazadaSite("www.lazada.sg", "Asia/Singapore", CalendarSpec("SG")),
        "TH": LazadaSite("www.lazada.co.th", "Asia/Bangkok", CalendarSpec("TH")),
        "VN": LazadaSite("www.lazada.vn", "Asia/Ho_Chi_Minh", CalendarSpec("VN")),
    }
)

LISTING_PATH = r"/products/(?:[^/]{0,500}-)?i(?P<id>[0-9]{1,20})(?:-s[0-9]{1,20})?\.html"
"""``/products/<slug>-i<item>-s<sku>.html``; the slug and the SKU part are optional."""

STORE_PATH = r"/shop/(?P<id>[^/]{1,100})/?"
STORE_ID = r"[A-Za-z0-9](?:[A-Za-z0-9_-]{0,98}[A-Za-z0-9])?"


def _site_forms(country: str, site: LazadaSite) -> tuple[UrlForm, ...]:
    hosts = (site.host, site.host.removeprefix("www."))
    return (
        UrlForm(
            "listing",
            hosts=hosts,
            path=LISTING_PATH,
            canonical=f"https://{site.host}/products/i{{id}}.html",
            country=country,
        ),
        UrlForm(
            "store",
            hosts=hosts,
            path=STORE_PATH,
            id_pattern=STORE_ID,
            canonical=f"https://{site.host}/shop/{{id}}/",
            country=country,
        ),
    )


class LazadaPolicy(MarketplacePolicy):
    id = "lazada"
    name = "Lazada"
    group = "lazada"
    category_table = "categories_lazada"
    countries = tuple(LAZADA_SITES)
    country_timezones = MappingProxyType({c: s.timezone for c, s in LAZADA_SITES.items()})
    country_calendars = MappingProxyType({c: s.calendar for c, s in LAZADA_SITES.items()})
    url_forms = tuple(
        form for country, site in LAZADA_SITES.items() for form in _site_forms(country, site)
    )
