"""The periods of the deadlines file: how long a party has, per deadline kind, per marketplace
and per country platform, and the default settings that say what a period means.

``semantics:`` is :class:`DefaultSemantics`; ``deadlines:`` is :class:`DeadlineRules`, one
:class:`DeadlineRule` per kind, whose periods are :class:`DeadlinePeriod` (the default),
:class:`MarketplacePeriod` and :class:`CountryPeriod`. Marketplace and country names are
checked against the marketplace registry.
"""

from __future__ import annotations

from datetime import time
from typing import Annotated, ClassVar

from pydantic import Field, StrictInt, model_validator

from ipp_rules.deadlines.values import (
    Citation,
    CountryKey,
    Cutoff,
    Ends,
    MarketplaceKey,
    NonBusinessTrigger,
    PolicyPart,
    Title,
)
from ipp_rules.policies.registry import get_policy

__all__ = [
    "CountryPeriod",
    "DeadlinePeriod",
    "DeadlineRule",
    "DeadlineRules",
    "DefaultSemantics",
    "MarketplacePeriod",
]


def _check_cutoff(ends: str | None, cutoff: time | None) -> None:
    """``ends: cutoff`` and ``cutoff`` are written together, or neither (``ValueError``)."""
    if ends == "cutoff" and cutoff is None:
        raise ValueError('ends: cutoff needs the time it ends at, like cutoff: "18:00"')
    if cutoff is not None and ends != "cutoff":
        raise ValueError(
            "cutoff is the time of an ends: cutoff period; write ends: cutoff beside it "
            "(or remove cutoff)"
        )


class DefaultSemantics(PolicyPart):
    """What a ``business_days`` period means where the period itself does not say.

    The defaults follow PRC Civil Code Arts. 201 and 203: the trigger day is not counted, a
    trigger on a non-business day is counted from the next day like any other, and the
    period ends at 24:00 local time of its last business day.
    """

    non_business_trigger: NonBusinessTrigger = "count_from_next_day"
    """``count_from_next_day``: the N business days are those after the trigger day, whether
    or not the trigger day is a business day. ``deemed_received_next_business_day``: a trigger
    on a non-business day is taken as received on the next business day, and the N business
    days are those after that day (one more day for such triggers)."""
    ends: Ends = "end_of_day"
    """``end_of_day``: the period ends at 24:00 local time of its last day. ``cutoff``: it
    ends at ``cutoff`` local time of its last day."""
    cutoff: Cutoff | None = None
    """The local time a period with ``ends: cutoff`` ends at, ``"HH:MM"``; written with
    ``ends: cutoff`` and only with it."""

    @model_validator(mode="after")
    def _cutoff_with_ends(self) -> DefaultSemantics:
        _check_cutoff(self.ends, self.cutoff)
        return self


class DeadlinePeriod(PolicyPart):
    """How long a party has: ``business_days: N`` or ``business_hours: H`` (exactly one),
    and for a ``business_days`` period optionally its own settings (else those of the
    file's ``semantics``)."""

    business_days: Annotated[StrictInt, Field(ge=1, le=250)] | None = None
    """N business days after the trigger day; the period ends on the N-th."""
    business_hours: Annotated[StrictInt, Field(ge=1, le=2400)] | None = None
    """H hours that run only on business days (24 per business day), from the trigger
    instant, or from 00:00 of the next business day for a trigger on a non-business day."""
    non_business_trigger: NonBusinessTrigger | None = None
    """This period's own ``non_business_trigger`` (``business_days`` periods only)."""
    ends: Ends | None = None
    """This period's own ``ends`` (``business_days`` periods only); with ``cutoff``."""
    cutoff: Cutoff | None = None
    """This period's own cut-off time, written with ``ends: cutoff``."""

    @model_validator(mode="after")
    def _one_length(self) -> DeadlinePeriod:
        if (self.business_days is None) == (self.business_hours is None):
            raise ValueError(
                "write exactly one of business_days or business_hours, like "
                "{business_days: 3} or {business_hours: 24}"
            )
        if self.business_hours is not None:
            given = [
                key
                for key, value in (
                    ("non_business_trigger", self.non_business_trigger),
                    ("ends", self.ends),
                    ("cutoff", self.cutoff),
                )
                if value is not None
            ]
            if given:
                raise ValueError(
                    f"{', '.join(given)} applies to business_days periods only: a "
                    "business_hours period always starts at 00:00 of the next business day "
                    "when triggered on a non-business day, and ends when its hours have run"
                )
        if self.ends is not None or self.cutoff is not None:
            _check_cutoff(self.ends, self.cutoff)
        return self


class CountryPeriod(DeadlinePeriod):
    """The period for one country platform of a marketplace (Lazada ``ID`` ... ``VN``)."""

    source: Citation | None = None
    """The citation for this country's period, if it is not the deadline's ``source``."""


class MarketplacePeriod(DeadlinePeriod):
    """The period for one marketplace, and optionally per country platform."""

    source: Citation | None = None
    """The citation for this marketplace's period, if it is not the deadline's ``source``."""
    countries: dict[CountryKey, CountryPeriod] = Field(default_factory=dict)
    """Periods of single country platforms (only for a marketplace with country platforms);
    a country not listed has the marketplace's period."""


class DeadlineRule(PolicyPart):
    """One kind of deadline: where it comes from, its default period, and per-marketplace
    periods."""

    title: Title
    """What the period is for, in plain words (shown in the command's output)."""
    source: Citation
    """The policy citation of the default period (handbook section and quote)."""
    default: DeadlinePeriod
    """The period of every marketplace not listed under ``marketplaces``."""
    marketplaces: dict[MarketplaceKey, MarketplacePeriod] = Field(default_factory=dict)
    """Periods of single marketplaces (``taobao``, ``lazada``, ...)."""

    @model_validator(mode="after")
    def _countries_need_country_platforms(self) -> DeadlineRule:
        for marketplace, period in self.marketplaces.items():
            if not period.countries:
                continue
            policy = get_policy(marketplace)
            if not policy.countries:
                raise ValueError(
                    f"marketplaces: {marketplace} has no country platforms, so it cannot have "
                    "countries"
                )
            other = [c for c in period.countries if c not in policy.countries]
            if other:
                raise ValueError(
                    f"marketplaces: {marketplace} has no country platform {', '.join(other)}; "
                    f"it has {', '.join(policy.countries)}"
                )
        return self


class DeadlineRules(PolicyPart):
    """The four deadline kinds, each required."""

    unknown_key: ClassVar[str] = "deadline kind"

    merchant_counter_notification: DeadlineRule
    """The merchant's window to counter-notify after the listing was taken down (counted from
    the takedown notice)."""
    rights_holder_response: DeadlineRule
    """The rights holder's window to accept or dispute a counter-notification (counted from
    the counter-notification); silence past it is acceptance."""
    account_verification: DeadlineRule
    """Alibaba's verification of an IPP account's identity and IPR documents (counted from
    their submission)."""
    takedown_processing: DeadlineRule
    """The platform's processing of a takedown request (counted from its submission)."""
