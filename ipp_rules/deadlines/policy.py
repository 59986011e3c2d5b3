"""The deadline policy: the deadlines file as a whole, its loader, and what it says for one
question.

The file (``rulesets/deadlines.yaml``, read by :func:`load_deadline_policy`) has three parts:
``semantics`` (:class:`~ipp_rules.deadlines.periods.DefaultSemantics`), ``calendars``
(:class:`~ipp_rules.deadlines.calendar_settings.CalendarSettings`) and ``deadlines``
(:class:`~ipp_rules.deadlines.periods.DeadlineRules`). For one (marketplace, country, kind) the
policy resolves, once, the :class:`DeadlineTerms` a deadline is counted on: calendar, timezone,
period, settings and citation. Marketplaces and countries are checked against the marketplace
registry before anything is resolved or cached.
"""

from __future__ import annotations

import os
import threading
import typing
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias
from zoneinfo import ZoneInfo

from pydantic import PrivateAttr

from ipp_rules.deadlines.calendar_settings import CalendarSettings, calendar_key
from ipp_rules.deadlines.periods import (
    DeadlinePeriod,
    DeadlineRule,
    DeadlineRules,
    DefaultSemantics,
)
from ipp_rules.deadlines.results import HOURS_SEMANTICS, CalendarEstimate, PeriodSemantics
from ipp_rules.deadlines.values import DEADLINE_KINDS, DeadlineKind, PolicyPart, unknown_kind
from ipp_rules.errors import DeadlineError, RulesetError
from ipp_rules.policies.registry import get_policy, policies
from ipp_rules.problems import Problem
from ipp_rules.pydantic_errors import validate_document
from ipp_rules.text.yaml import YamlDocument, load_yaml_file, shown_path

if TYPE_CHECKING:  # built on first use (calendar_settings): reading the file needs no calendar
    from ipp_rules.calendars import BusinessCalendar

__all__ = [
    "POLICY_FILE",
    "DeadlinePolicy",
    "DeadlineTerms",
    "deadline_policy_from",
    "load_deadline_policy",
]

POLICY_FILE = "deadlines.yaml"
"""The policy's file name in a bundle folder."""

_TermsKey: TypeAlias = tuple[str, str | None, str]
"""(marketplace as asked, country as asked, kind)."""


class DeadlineTerms:
    """What the policy says for one (marketplace, country, kind): the calendar and timezone a
    deadline is counted in, its period, the settings it is counted with, and its citation.

    ``platform`` is the registry's id and ``country`` the checked country platform;
    ``calendar_key`` names the calendar under ``calendars: overrides:``; ``deemed`` says a
    trigger on a non-business day counts as received on the next business day; ``cutoff`` is
    the local time the last day ends at (``None``: 24:00). Made by :meth:`DeadlinePolicy.terms`
    once per question and shared between threads; only ``estimated_years`` (the years past the
    horizon explained so far) fills in afterwards, see :mod:`ipp_rules.deadlines.estimates`.
    """

    __slots__ = (
        "business_days",
        "business_hours",
        "calendar",
        "calendar_key",
        "calendar_name",
        "country",
        "cutoff",
        "deemed",
        "estimated_years",
        "horizon",
        "kind",
        "period",
        "platform",
        "semantics",
        "source",
        "timezone",
        "title",
        "zone",
    )

    def __init__(
        self,
        *,
        kind: DeadlineKind,
        title: str,
        platform: str,
        country: str | None,
        zone: ZoneInfo,
        timezone: str,
        calendar: BusinessCalendar,
        calendar_key: str,
        period: DeadlinePeriod,
        semantics: PeriodSemantics,
        source: str,
    ) -> None:
        self.kind = kind
        self.calendar_key = calendar_key
        self.title = title
        self.platform = platform
        self.country = country
        self.zone = zone
        self.timezone = timezone
        self.calendar = calendar
        self.calendar_name = calendar.name
        self.horizon = calendar.horizon
        self.period = period
        self.semantics = semantics
        self.source = source
        self.business_days = period.business_days
        self.business_hours = period.business_hours
        self.deemed = semantics.non_business_trigger == "deemed_received_next_business_day"
        self.cutoff = semantics.cutoff if semantics.ends == "cutoff" else None
        self.estimated_years: dict[int, CalendarEstimate] = {}


class DeadlinePolicy(PolicyPart):
    """The deadlines file: default settings, calendars, and the four deadline kinds."""

    semantics: DefaultSemantics
    """What a ``business_days`` period means where the period does not say."""
    calendars: CalendarSettings
    deadlines: DeadlineRules

    _terms: dict[_TermsKey, DeadlineTerms] = PrivateAttr(default_factory=dict)

    def __eq__(self, other: object) -> bool:
        """Equal content; the cache of resolved deadlines does not count."""
        if not isinstance(other, DeadlinePolicy):
            return NotImplemented
        return self.__dict__ == other.__dict__

    __hash__ = None  # type: ignore[assignment]

    def __copy__(self) -> DeadlinePolicy:
        """A copy with its own (empty) cache: ``model_copy(update=...)`` must not answer from
        the original's resolved deadlines."""
        copied = super().__copy__()
        copied._terms = {}
        return copied

    def __deepcopy__(self, memo: dict[int, Any] | None = None) -> DeadlinePolicy:
        copied = super().__deepcopy__(memo)
        copied._terms = {}
        return copied

    def rule(self, kind: str) -> DeadlineRule:
        """The rule of deadline ``kind``; :class:`DeadlineError` listing the kinds if unknown."""
        if kind not in DEADLINE_KINDS:
            raise DeadlineError([Problem(unknown_kind(kind), path=("kind",))])
        found: DeadlineRule = getattr(self.deadlines, kind)
        return found

    def calendar_for(self, platform: str, country: str | None = None) -> BusinessCalendar:
        """The business-day calendar deadlines of ``platform`` (and ``country``) count on."""
        policy = get_policy(platform)
        return self.calendars.calendar_of(policy, policy.check_country(country))

    def period_for(
        self, platform: str, kind: str, country: str | None = None
    ) -> tuple[DeadlinePeriod, str]:
        """The period of ``kind`` on ``platform`` (and ``country``) and its citation."""
        rule = self.rule(kind)
        policy = get_policy(platform)
        checked = policy.check_country(country)
        period: DeadlinePeriod = rule.default
        source = rule.source
        chosen = rule.marketplaces.get(policy.id)
        if chosen is not None:
            period, source = chosen, chosen.source or source
            in_country = chosen.countries.get(checked) if checked is not None else None
            if in_country is not None:
                period, source = in_country, in_country.source or source
        return period, source

    def semantics_of(self, period: DeadlinePeriod) -> PeriodSemantics:
        """The settings ``period`` is counted with (its own, else the file's)."""
        if period.business_hours is not None:
            return HOURS_SEMANTICS
        trigger = period.non_business_trigger or self.semantics.non_business_trigger
        if period.ends is not None:
            ends, cutoff = period.ends, period.cutoff
        else:
            ends, cutoff = self.semantics.ends, self.semantics.cutoff
        return PeriodSemantics(non_business_trigger=trigger, ends=ends, cutoff=cutoff)

    def terms(self, platform: str, kind: str, country: str | None = None) -> DeadlineTerms:
        """What the policy says for ``kind`` on ``platform`` (and ``country``), resolved on
        first use and cached.

        Raises :class:`DeadlineError` for an unknown ``kind`` and
        :class:`~ipp_rules.errors.UnknownMarketplaceError` for a marketplace the registry does
        not know, or a missing or wrong country.
        """
        # The cache is read straight from pydantic's private-attribute store: going through
        # the attribute costs more than the whole deadline.
        cache: dict[_TermsKey, DeadlineTerms] = self.__pydantic_private__["_terms"]  # type: ignore[index]
        try:
            found = cache.get((platform, country, kind))
        except TypeError:  # an unhashable argument: _resolve says what is wrong with it
            found = None
        return found if found is not None else self._resolve(platform, kind, country)

    def warm_up(self) -> None:
        """Build every marketplace's calendars and resolve every deadline now (a service's
        start-up), instead of on each one's first use."""
        for policy in policies().values():
            for country in policy.countries or (None,):
                for kind in DEADLINE_KINDS:
                    self._resolve(policy.id, kind, country)

    def _resolve(self, platform: str, kind: str, country: str | None) -> DeadlineTerms:
        """Resolve (and cache) one (marketplace, country, kind); every argument is checked
        before it is used as a key."""
        rule = self.rule(kind)
        policy = get_policy(platform)
        checked = policy.check_country(country)
        period, source = self.period_for(policy.id, kind, checked)
        timezone = policy.timezone(checked)
        terms = DeadlineTerms(
            kind=typing.cast(DeadlineKind, kind),
            title=rule.title,
            platform=policy.id,
            country=checked,
            zone=ZoneInfo(timezone),
            timezone=timezone,
            calendar=self.calendars.calendar_of(policy, checked),
            calendar_key=calendar_key(policy.id, checked),
            period=period,
            semantics=self.semantics_of(period),
            source=source,
        )
        with _terms_lock:
            return self._terms.setdefault((platform, country, kind), terms)


_terms_lock = threading.Lock()


def load_deadline_policy(path: str | os.PathLike[str]) -> DeadlinePolicy:
    """Load the policy from a bundle folder (its ``deadlines.yaml``) or from the file itself.

    Every problem is a :class:`~ipp_rules.errors.RulesetError` with ``file:line:column``.
    """
    file = Path(path)
    if file.is_dir():
        file = file / POLICY_FILE
    return deadline_policy_from(
        load_yaml_file(file, display_name=str(shown_path(file)), error=RulesetError)
    )


def deadline_policy_from(doc: YamlDocument) -> DeadlinePolicy:
    """The policy a YAML document already read holds (a bundle reads each file once)."""
    policy, problems = validate_document(DeadlinePolicy, doc)
    if policy is None:
        raise RulesetError(problems)
    return policy
