"""What an assessment returns: the verdict, the measured counts and rates, and the period.

The models validate when read back from JSON (:meth:`Eligibility.model_validate_json`), and
``eligible`` must agree with the findings.
"""

from __future__ import annotations

from datetime import date, datetime
from fractions import Fraction
from typing import Literal

from pydantic import model_validator

from ipp_rules.goodfaith.ratios import Share
from ipp_rules.models.decision import Finding
from ipp_rules.models.types import Strict

__all__ = ["Eligibility", "GoodFaithMetrics", "PeriodInfo", "Rate", "ReasonMetrics"]


class Rate(Strict):
    """A measured rate: exact as ``numerator`` / ``denominator`` (:meth:`fraction`), which is
    what decides; ``value`` and ``threshold`` are numbers, ``percent`` and
    ``threshold_percent`` the same for people."""

    numerator: int
    denominator: int
    value: Share | None
    """The rate as a number from 0 to 1, rounded half-even to at most 6 decimals (``0.857143``);
    None when the denominator is 0."""
    percent: str | None = None
    """The rate as a percentage for people: ``90%``, or ``about 85.71%`` when rounded; None when
    the denominator is 0."""
    bound: Literal["min", "max"] | None = None
    threshold: Share | None = None
    """The threshold in force as a number, exactly (``0.9``, ``0.015``), when the period sets
    one."""
    threshold_percent: str | None = None
    """The same threshold as the percentage it is written as (``90%``, ``1.5%``)."""
    met: bool | None = None
    """Whether the threshold is met; None when it was not tested (no threshold, or nothing to
    measure for one reason code)."""

    def fraction(self) -> Fraction | None:
        return Fraction(self.numerator, self.denominator) if self.denominator else None


class ReasonMetrics(Strict):
    """The counts and rates of one reason code in the window."""

    requests: int
    rates: dict[str, Rate]


class GoodFaithMetrics(Strict):
    """What was measured, over which window."""

    timezone: str
    """The IANA timezone of the window: the program's marketplaces' (Asia/Shanghai)."""
    window_start: datetime
    """First instant counted (inclusive), in that timezone."""
    window_end: datetime
    """First instant not counted (exclusive): ``as_of``."""
    window_months: int
    requests: int
    """Requests submitted in the window on the program's marketplaces, whatever their outcome."""
    min_requests: int
    rates: dict[str, Rate]
    false_information: int
    """Requests marked as deliberately false information, over ``false_information_look_back``,
    on every marketplace: the IPP account and its reporting history span all of them."""
    false_information_look_back: Literal["history", "window"]
    other_marketplace_requests: int
    """Requests in the window on marketplaces outside the program: not counted in ``requests``
    or the rates (only in ``false_information``, when marked so)."""
    per_reason: dict[str, ReasonMetrics]
    rejoin_from: date | None = None
    """The first day the account may rejoin, when a removal or withdrawal still holds it back."""

    @property
    def takedown_success_rate(self) -> Rate:
        return self.rates["takedown_success_rate"]

    @property
    def counter_notification_success_rate(self) -> Rate:
        return self.rates["counter_notification_success_rate"]


class PeriodInfo(Strict):
    """The policy period that decided."""

    name: str
    effective_from: date
    effective_until: date | None
    source: str


class Eligibility(Strict):
    """Whether a reporting history qualifies for the Good Faith Program, and why (not)."""

    eligible: bool
    program: str
    platform: str
    as_of: datetime
    period: PeriodInfo
    metrics: GoodFaithMetrics
    findings: tuple[Finding, ...]
    """One per unmet condition; empty when eligible."""

    @model_validator(mode="after")
    def _eligible_follows_findings(self) -> Eligibility:
        blocked = any(finding.severity == "error" for finding in self.findings)
        if self.eligible == blocked:
            raise ValueError("eligible contradicts the findings")
        return self
