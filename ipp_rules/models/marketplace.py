"""The Alibaba group marketplaces a complaint can be for."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["LazadaCountry", "Platform"]


class Platform(StrEnum):
    """A marketplace, by the name the complaint document uses for it."""

    TAOBAO = "taobao"
    TMALL = "tmall"
    TMALL_GLOBAL = "tmall_global"
    ALIBABA_1688 = "1688"
    ALIEXPRESS = "aliexpress"
    ALIBABA_COM = "alibaba_com"
    LAZADA = "lazada"


class LazadaCountry(StrEnum):
    """A Lazada country platform (ISO 3166-1 alpha-2); every Lazada store belongs to one."""

    ID = "ID"
    MY = "MY"
    PH = "PH"
    SG = "SG"
    TH = "TH"
    VN = "VN"
