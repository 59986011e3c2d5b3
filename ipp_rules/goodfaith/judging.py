"""Judging a history's measures: the question of an assessment (its period and window), the
measures a count gives, and one finding per unmet condition.

Every entry point ends here, whether it assessed one account
(:mod:`~ipp_rules.goodfaith.deciding`) or every account of a history at once
(:mod:`~ipp_rules.goodfaith.accounts`): the same measures of an account give the same
:class:`~ipp_rules.goodfaith.Eligibility`, word for word.

A count is reduced to :class:`Measures` before judging: per reason code, the requests and each
rate's numerator and denominator (a rate's record sets are sums of (outcome,
counter-notification) pairs, so these add up across records, reason codes and partitions). A
:class:`Judge` remembers the rates and findings it has made, so judging a hundred thousand
accounts makes each distinct rate once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, time
from fractions import Fraction
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta

from ipp_rules.errors import GoodFaithError
from ipp_rules.goodfaith.counting import NamedRecord, Tally, WindowCounts, look_back_buckets
from ipp_rules.goodfaith.history import MembershipEvent
from ipp_rules.goodfaith.messages import (
    joined,
    local_time,
    months,
    rate_message,
    requests,
    submitted,
)
from ipp_rules.goodfaith.policy import GoodFaithPolicy, ProgramPeriod, Threshold
from ipp_rules.goodfaith.ratios import exact_share, format_percent, percent_text, rounded_share
from ipp_rules.goodfaith.results import (
    Eligibility,
    GoodFaithMetrics,
    PeriodInfo,
    Rate,
    ReasonMetrics,
)
from ipp_rules.models.decision import Finding
from ipp_rules.policies.registry import get_policy

__all__ = ["Judge", "Measures", "Setup", "Verdict", "measures_of", "rejoin_from"]


def _local_as_of(as_of: datetime | date, zone: ZoneInfo) -> datetime:
    if isinstance(as_of, datetime):
        if as_of.tzinfo is None or as_of.utcoffset() is None:
            raise GoodFaithError(
                f"as_of {as_of.isoformat()} has no timezone: give an offset, or a date"
            )
        try:
            return as_of.astimezone(zone)
        except OverflowError:  # within hours of year 1 or year 9999's edge
            raise GoodFaithError(
                f"as_of {as_of.isoformat()} is out of range: no date in {zone.key} holds it"
            ) from None
    if isinstance(as_of, date):
        return datetime.combine(as_of, time(0), tzinfo=zone)
    raise GoodFaithError(f"as_of must be a datetime or a date (got {type(as_of).__name__})")


class Setup:
    """What one assessment needs before counting: the period, the window, the rates.

    Made once per question and picklable, so partitions counted elsewhere are counted against
    the same window.
    """

    def __init__(self, policy: GoodFaithPolicy, as_of: datetime | date, platform: str) -> None:
        self.policy = policy
        self.platform = get_policy(platform).id  # UnknownMarketplaceError for an unknown one
        self.timezone = policy.timezone
        zone = ZoneInfo(self.timezone)
        self.as_of = _local_as_of(as_of, zone)
        self.period = policy.period_on(self.as_of.date())
        self.window_start = self.as_of - relativedelta(months=self.period.window_months)
        self.start_utc = self.window_start.astimezone(UTC)
        self.end_utc = self.as_of.astimezone(UTC)
        self.look_back = look_back_buckets(self.period)
        self.rate_names: tuple[str, ...] = tuple(policy.rates)
        """The rates in the policy's order: :attr:`Measures.by_reason` holds each one's
        numerator and denominator in this order."""
        self.rate_sets = tuple(
            (
                policy.record_sets[rate.numerator].pairs(),
                policy.record_sets[rate.denominator].pairs(),
            )
            for rate in policy.rates.values()
        )

    def contribution(self, outcome: Any, counter: Any) -> tuple[int, ...]:
        """What one in-window request on the program's marketplaces adds to its reason code's
        measures: 1 request, then 1 or 0 to each rate's numerator and denominator."""
        pair = (outcome, counter)
        added = [1]
        for numerator, denominator in self.rate_sets:
            added += (int(pair in numerator), int(pair in denominator))
        return tuple(added)


class Measures(NamedTuple):
    """An account's counts, all judging reads."""

    requests: int
    """In the window, on the program's marketplaces."""
    other_marketplaces: int
    """In the window, on other marketplaces."""
    false_information: int
    """Marked false information over the look-back, on every marketplace."""
    by_reason: Mapping[str, Sequence[int]]
    """Per reason code with requests in the window on the program's marketplaces: the requests,
    then each rate's numerator and denominator (in :attr:`Setup.rate_names` order)."""


def measures_of(setup: Setup, tally: Tally) -> Measures:
    """The measures of a counted history (:func:`~ipp_rules.goodfaith.counting.tally_history`)."""
    counts = WindowCounts(tally, setup.period, setup.look_back)
    by_reason: dict[str, tuple[int, ...]] = {}
    for reason, pairs in counts.by_reason.items():
        sums = [0] * (1 + 2 * len(setup.rate_sets))
        for (outcome, counter), count in pairs.items():
            for slot, added in enumerate(setup.contribution(outcome, counter)):
                sums[slot] += added * count
        by_reason[reason] = tuple(sums)
    return Measures(counts.requests, counts.other_marketplaces, counts.false_information, by_reason)


def rejoin_from(
    period: ProgramPeriod, membership: Sequence[MembershipEvent], today: date
) -> tuple[MembershipEvent | None, date | None]:
    """The exit that still holds the account back, and the day it may rejoin."""
    latest_exit: MembershipEvent | None = None
    latest_join: date | None = None
    for event in membership:
        if not isinstance(event, MembershipEvent):
            raise GoodFaithError(
                f"membership events must be MembershipEvent models (got {type(event).__name__})"
            )
        if event.on > today:
            continue
        if event.event == "joined":
            latest_join = event.on if latest_join is None else max(latest_join, event.on)
        elif latest_exit is None or (event.on, event.event == "removed") > (
            latest_exit.on,
            latest_exit.event == "removed",
        ):
            latest_exit = event  # on one day, a removal is reported over a withdrawal
    if latest_exit is None or (latest_join is not None and latest_join > latest_exit.on):
        return None, None
    try:
        rejoin = latest_exit.on + relativedelta(months=period.rejoin_wait_months)
    except (ValueError, OverflowError):  # past 9999-12-31
        raise GoodFaithError(
            f"membership: {latest_exit.event} on {latest_exit.on.isoformat()}: the day the "
            f"account may rejoin ({months(period.rejoin_wait_months)} later) is past "
            f"{date.max.isoformat()}"
        ) from None
    return (latest_exit, rejoin) if today < rejoin else (None, None)


class Verdict(NamedTuple):
    """What judging an account's measures found, before it is an :class:`Eligibility`."""

    findings: tuple[Finding, ...]
    rates: dict[str, Rate]
    per_reason: dict[str, ReasonMetrics]
    rejoin_from: date | None


class Judge:
    """Judges measures under one :class:`Setup`, remembering each rate and finding it made
    (they are frozen models, shared by every account with the same counts)."""

    def __init__(self, setup: Setup) -> None:
        self.setup = setup
        policy, period = setup.policy, setup.period
        self._where = "on " + joined(period.marketplaces)
        self._window = (
            f"in the {months(period.window_months)} from {local_time(setup.window_start)} to "
            f"{local_time(setup.as_of)} ({setup.timezone}, end excluded)"
        )
        self._definitions = [
            (name, policy.rates[name], period.thresholds.get(name)) for name in setup.rate_names
        ]
        self._rates: dict[tuple[Any, ...], tuple[Rate, Finding | None]] = {}
        self._reasons: dict[tuple[Any, ...], tuple[ReasonMetrics, tuple[Finding, ...]]] = {}
        self._few: dict[int, Finding] = {}
        self._fixed: list[Finding] = []
        if setup.platform not in period.marketplaces:
            self._fixed.append(
                self._finding(
                    "marketplace",
                    "GOOD_FAITH_NOT_TAO",
                    "platform",
                    f"The {policy.program} applies only {self._where}; {setup.platform} is not "
                    "one of them.",
                )
            )
        self._period_info = PeriodInfo(
            name=period.name,
            effective_from=period.effective_from,
            effective_until=period.effective_until,
            source=period.source,
        )

    def _finding(self, rule: str, code: str, path: str, message: str) -> Finding:
        return Finding(
            rule_id=f"good_faith.{rule}",
            code=code,
            category="good_faith",
            severity="error",
            message=message,
            path=path,
            source=self.setup.period.source,
        )

    def _rate(
        self, slot: int, num: int, den: int, reason: str | None
    ) -> tuple[Rate, Finding | None]:
        """The rate ``slot`` measured as ``num`` of ``den``, overall (``reason`` None) or for
        one reason code, and its finding if it fails its threshold (an empty denominator fails
        overall, and is not tested for one reason code)."""
        key = (slot, num, den, reason)
        known = self._rates.get(key)
        if known is not None:
            return known
        name, definition, threshold = self._definitions[slot]
        if reason is not None and not self.setup.period.per_reason_code:
            threshold = None
        fraction = Fraction(num, den) if den else None
        value = None if fraction is None else rounded_share(fraction)
        percent = None if fraction is None else format_percent(fraction)
        finding: Finding | None = None
        if threshold is None:
            rate = Rate(numerator=num, denominator=den, value=value, percent=percent)
        else:
            met: bool | None = (
                threshold.met(fraction)
                if fraction is not None
                else (False if reason is None else None)
            )
            rate = Rate(
                numerator=num,
                denominator=den,
                value=value,
                percent=percent,
                bound=threshold.bound,
                threshold=exact_share(threshold.value),
                threshold_percent=percent_text(threshold.value),
                met=met,
            )
            if met is False:
                finding = self._rate_finding(name, definition.code, rate, threshold, reason)
        self._rates[key] = (rate, finding)
        return rate, finding

    def _rate_finding(
        self, name: str, code: str, rate: Rate, threshold: Threshold, reason: str | None
    ) -> Finding:
        policy = self.setup.policy
        definition = policy.rates[name]
        message = rate_message(policy, definition, rate, threshold, self._window, reason)
        if reason is None:
            return self._finding(name, code, "history", message)
        return self._finding(
            f"{name}.per_reason_code", f"{code}_REASON_CODE", f"history[reason={reason}]", message
        )

    def verdict(
        self,
        measures: Measures,
        named: NamedRecord | None,
        where: str | None,
        membership: Sequence[MembershipEvent],
    ) -> Verdict:
        """The findings and rates of ``measures``; ``named`` is the earliest record marked false
        information (``where`` names it: ``history[3]``, ``history.csv:5``)."""
        setup = self.setup
        policy, period = setup.policy, setup.period
        findings = list(self._fixed)
        exit_event, rejoin = (
            rejoin_from(period, membership, setup.as_of.date()) if membership else (None, None)
        )
        if exit_event is not None and rejoin is not None:
            how = "was removed from" if exit_event.event == "removed" else "withdrew from"
            findings.append(
                self._finding(
                    "rejoin_wait",
                    "GOOD_FAITH_REJOIN_WAIT",
                    "membership",
                    f"The account {how} the {policy.program} on {exit_event.on.isoformat()} "
                    f"and may rejoin from {rejoin.isoformat()} (a wait of "
                    f"{months(period.rejoin_wait_months)}).",
                )
            )
        flagged = measures.false_information
        if flagged and not period.false_information.allowed:
            span = (
                "in the assessment window"
                if period.false_information.look_back == "window"
                else "in the reporting history"
            )
            among = f"{requests(flagged)} {span} on any of the account's marketplaces"
            if flagged > 1:
                among = f"the earliest of {among}"
            assert named is not None and where is not None  # the count kept one it counted
            findings.append(
                self._finding(
                    "false_information",
                    "GOOD_FAITH_FALSE_INFORMATION",
                    where,
                    f"{where}, submitted {submitted(named.submitted_at, setup.timezone)} on "
                    f"{named.platform}, was found to contain deliberately false information "
                    f"({among}); the {policy.program} admits no account with such a history.",
                )
            )
        if measures.requests < period.min_requests:
            few = self._few.get(measures.requests)
            if few is None:
                few = self._few[measures.requests] = self._finding(
                    "min_requests",
                    "GOOD_FAITH_TOO_FEW_REQUESTS",
                    "history",
                    f"{requests(measures.requests)} {self._where} {self._window}; the "
                    f"{policy.program} needs at least {period.min_requests}.",
                )
            findings.append(few)
        slots = range(len(self._definitions))
        totals = [0] * (2 * len(self._definitions))
        for sums in measures.by_reason.values():
            for index in range(len(totals)):
                totals[index] += sums[1 + index]
        rates: dict[str, Rate] = {}
        for slot in slots:
            rate, finding = self._rate(slot, totals[2 * slot], totals[2 * slot + 1], None)
            rates[self._definitions[slot][0]] = rate
            if finding is not None:
                findings.append(finding)
        per_reason: dict[str, ReasonMetrics] = {}
        for reason in sorted(measures.by_reason):
            sums = measures.by_reason[reason]
            key = (reason, *sums)
            known = self._reasons.get(key)
            if known is None:
                reason_rates: dict[str, Rate] = {}
                reason_findings = []
                for slot in slots:
                    num, den = sums[1 + 2 * slot], sums[2 + 2 * slot]
                    rate, finding = self._rate(slot, num, den, reason)
                    reason_rates[self._definitions[slot][0]] = rate
                    if finding is not None:
                        reason_findings.append(finding)
                metrics = ReasonMetrics(requests=sums[0], rates=reason_rates)
                known = self._reasons[key] = (metrics, tuple(reason_findings))
            per_reason[reason] = known[0]
            findings += known[1]
        return Verdict(tuple(findings), rates, per_reason, rejoin)

    def eligibility(self, measures: Measures, verdict: Verdict) -> Eligibility:
        """The :class:`Eligibility` of ``measures`` judged as ``verdict``."""
        setup = self.setup
        period = setup.period
        metrics = GoodFaithMetrics(
            timezone=setup.timezone,
            window_start=setup.window_start,
            window_end=setup.as_of,
            window_months=period.window_months,
            requests=measures.requests,
            min_requests=period.min_requests,
            rates=verdict.rates,
            false_information=measures.false_information,
            false_information_look_back=period.false_information.look_back,
            other_marketplace_requests=measures.other_marketplaces,
            per_reason=verdict.per_reason,
            rejoin_from=verdict.rejoin_from,
        )
        return Eligibility(
            eligible=not verdict.findings,
            program=setup.policy.program,
            platform=setup.platform,
            as_of=setup.as_of,
            period=self._period_info,
            metrics=metrics,
            findings=verdict.findings,
        )
