"""Marketplace policies: each marketplace's technical facts, and a registry of them.

A policy knows its marketplace's listing and store URL forms, timezone, business-day
calendar and category table; it decides nothing (the rulesets do). URLs pass the
hostile-input gate :func:`inspect_url` before any policy sees them.

>>> from ipp_rules.policies import get_policy, identify_url
>>> identify_url("https://detail.tmall.com/item.htm?id=680000000001").marketplace
'tmall'
>>> get_policy("lazada").timezone("TH")
'Asia/Bangkok'
"""

from ipp_rules.policies.alibaba_1688 import Alibaba1688Policy
from ipp_rules.policies.alibaba_com import AlibabaComPolicy
from ipp_rules.policies.aliexpress import AliExpressPolicy
from ipp_rules.policies.base import (
    CHINA_CALENDAR,
    CHINA_TIMEZONE,
    CalendarSpec,
    ChinaMarketplacePolicy,
    MarketplacePolicy,
    ParsedUrl,
    PolicyDefinitionError,
    UrlForm,
    UrlKind,
)
from ipp_rules.policies.lazada import LazadaPolicy
from ipp_rules.policies.registry import (
    BUILTIN_POLICIES,
    ENTRY_POINT_GROUP,
    get_policy,
    identify_url,
    policies,
    reset_registry,
)
from ipp_rules.policies.tao import TaobaoPolicy, TmallGlobalPolicy, TmallPolicy
from ipp_rules.policies.urls import MAX_URL_LENGTH, SafeUrl, UrlProblem, inspect_url

__all__ = [
    "BUILTIN_POLICIES",
    "CHINA_CALENDAR",
    "CHINA_TIMEZONE",
    "ENTRY_POINT_GROUP",
    "MAX_URL_LENGTH",
    "AliExpressPolicy",
    "Alibaba1688Policy",
    "AlibabaComPolicy",
    "CalendarSpec",
    "ChinaMarketplacePolicy",
    "LazadaPolicy",
    "MarketplacePolicy",
    "ParsedUrl",
    "PolicyDefinitionError",
    "SafeUrl",
    "TaobaoPolicy",
    "TmallGlobalPolicy",
    "TmallPolicy",
    "UrlForm",
    "UrlKind",
    "UrlProblem",
    "get_policy",
    "identify_url",
    "inspect_url",
    "policies",
    "reset_registry",
]
