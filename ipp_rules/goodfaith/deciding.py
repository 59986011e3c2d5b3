"""Deciding eligibility: the period and window of an assessment, and one finding per unmet
condition, from the counts of one pass over the history.

Three entry points feed the same pass:

* :func:`evaluate_good_faith` takes :class:`~ipp_rules.goodfaith.HistoryRecord` models;
* :func:`evaluate_good_faith_history` takes models or mappings (parsed JSON), as
  ``Engine.good_faith`` does, and reads mappings without building a model per record;
* :func:`evaluate_good_faith_records` takes plain :data:`~ipp_rules.goodfaith.RecordRow`
  tuples with the submission time as POSIX seconds, for histories too large to build a model
  per record.

Rates are compared with their thresholds as exact fractions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, time
from fractions import Fraction
from typing import Any
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta

from ipp_rules.errors import GoodFaithError, HistoryError, IppRulesError
from ipp_rules.goodfaith.columns import entry_batches
from ipp_rules.goodfaith.counting import (
    NamedRecord,
    Tally,
    WindowCounts,
    look_back_buckets,
    tally_history,
    tally_problems,
)
from ipp_rules.goodfaith.files import HistoryFile
from ipp_rules.goodfaith.history import (
    HistoryRecord,
    MembershipEvent,
    RecordRow,
    check_history,
    history_records,
    located_error,
    record_values,
)
from ipp_rules.goodfaith.mappings import history_batches
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
from ipp_rules.problems import Problem

__all__ = ["evaluate_good_faith", "evaluate_good_faith_history", "evaluate_good_faith_records"]


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


def _check_platform(platform: str) -> str:
    """A marketplace some policy knows (:class:`UnknownMarketplaceError` otherwise)."""
    return get_policy(platform).id


class _Setup:
    """What one evaluation needs before counting: the period and the window."""

    def __init__(self, policy: GoodFaithPolicy, as_of: datetime | date, platform: str) -> None:
        self.policy = policy
        self.platform = _check_platform(platform)
        self.timezone = policy.timezone
        zone = ZoneInfo(self.timezone)
        self.as_of = _local_as_of(as_of, zone)
        self.period = policy.period_on(self.as_of.date())
        self.window_start = self.as_of - relativedelta(months=self.period.window_months)
        self.start_utc = self.window_start.astimezone(UTC)
        self.end_utc = self.as_of.astimezone(UTC)
        self.look_back = look_back_buckets(self.period)


def evaluate_good_faith(
    policy: GoodFaithPolicy,
    history: Iterable[HistoryRecord],
    as_of: datetime | date,
    platform: str = "taobao",
    membership: Iterable[MembershipEvent] = (),
) -> Eligibility:
    """Whether ``history`` qualifies for the Good Faith Program on ``platform`` at ``as_of``.

    The window is ``[as_of - window_months, as_of)`` in the program's timezone; ``as_of`` given
    as a date means 00:00 that day there. The period in force on ``as_of``'s local date decides.
    """
    setup = _Setup(policy, as_of, platform)
    try:
        batches = entry_batches(map(record_values, history))
        tally, named = tally_history(batches, setup.start_utc, setup.end_utc, setup.look_back)
    except (AttributeError, TypeError) as exc:
        raise located_error(
            history, "record", [Problem(str(exc), "not_a_history", path=("history",))]
        ) from None
    problems = tally_problems(tally)
    if problems:
        raise located_error(history, "record", problems)
    return _decide(setup, tally, named, _history_index, tuple(membership))


def evaluate_good_faith_history(
    policy: GoodFaithPolicy,
    history: Iterable[HistoryRecord | Mapping[str, Any]] | HistoryFile,
    as_of: datetime | date,
    platform: str = "taobao",
    membership: Iterable[MembershipEvent] = (),
) -> Eligibility:
    """:func:`evaluate_good_faith` over what ``Engine.good_faith`` takes: models or mappings
    (parsed JSON), or a history file (:func:`~ipp_rules.goodfaith.history_from_csv`).

    A bad record in a list is reported as :func:`history_records` reports it
    (``history[3].outcome``, in the model's words), and a mapping whose values are right is
    counted without building a model (:func:`history_batches`). A bad row of a file is reported
    at its line (``history.csv:5``), and so is the record a finding names.

    A bad history is reported before a bad question (an ``as_of`` or ``platform`` that cannot
    be answered), as when the history was validated first.
    """
    if isinstance(history, HistoryFile):
        return evaluate_good_faith_records(policy, history, as_of, platform, membership)
    check_history(history)
    try:
        setup = _Setup(policy, as_of, platform)
    except IppRulesError:
        history_records(history)
        raise
    problems: list[Problem] = []
    batches = history_batches(history, problems)
    tally, named = tally_history(batches, setup.start_utc, setup.end_utc, setup.look_back)
    if problems:
        raise HistoryError(problems)
    return _decide(setup, tally, named, _history_index, tuple(membership))


def evaluate_good_faith_records(
    policy: GoodFaithPolicy,
    rows: Iterable[RecordRow],
    as_of: datetime | date,
    platform: str = "taobao",
    membership: Iterable[MembershipEvent] = (),
    *,
    record_location: Callable[[int], str] | None = None,
) -> Eligibility:
    """:func:`evaluate_good_faith` over plain tuples (see :data:`RecordRow`): the fast path.

    Values are checked once per distinct combination, after counting; a bad record raises
    :class:`HistoryError`, located by index when ``rows`` is a sequence. A finding about one
    record names it by its position, ``history[3]``, or by its line when ``rows`` is a
    :class:`~ipp_rules.goodfaith.HistoryFile` (``history.csv:5``); ``record_location`` names
    it otherwise.
    """
    setup = _Setup(policy, as_of, platform)
    start = setup.start_utc.timestamp()
    end = setup.end_utc.timestamp()
    try:
        batches = rows.batches() if isinstance(rows, HistoryFile) else entry_batches(rows)
        tally, named = tally_history(batches, start, end, setup.look_back)
    except (TypeError, ValueError) as exc:
        raise located_error(
            rows, "row", [Problem(str(exc), "not_a_history", path=("history",))]
        ) from None
    problems = tally_problems(tally)
    if problems:
        raise located_error(rows, "row", problems)
    if record_location is None:
        record_location = rows.location if isinstance(rows, HistoryFile) else _history_index
    return _decide(setup, tally, named, record_location, tuple(membership))


def _history_index(index: int) -> str:
    return f"history[{index}]"


def _measure(
    pairs: Mapping[tuple[str, str], int], numerator: frozenset[Any], denominator: frozenset[Any]
) -> tuple[int, int]:
    num = sum(count for pair, count in pairs.items() if pair in numerator)
    den = sum(count for pair, count in pairs.items() if pair in denominator)
    return num, den


def _rate(num: int, den: int, threshold: Threshold | None, *, overall: bool) -> tuple[Rate, bool]:
    """The rate and whether it fails its threshold (an empty denominator fails overall, and is
    not tested for one reason code)."""
    fraction = Fraction(num, den) if den else None
    value = None if fraction is None else rounded_share(fraction)
    percent = None if fraction is None else format_percent(fraction)
    if threshold is None:
        return Rate(numerator=num, denominator=den, value=value, percent=percent), False
    met: bool | None = (
        threshold.met(fraction) if fraction is not None else (False if overall else None)
    )
    return (
        Rate(
            numerator=num,
            denominator=den,
            value=value,
            percent=percent,
            bound=threshold.bound,
            threshold=exact_share(threshold.value),
            threshold_percent=percent_text(threshold.value),
            met=met,
        ),
        met is False,
    )


def _rejoin_from(
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


def _decide(
    setup: _Setup,
    tally: Tally,
    named: NamedRecord | None,
    location: Callable[[int], str],
    membership: Sequence[MembershipEvent],
) -> Eligibility:
    policy, period = setup.policy, setup.period
    counts = WindowCounts(tally, period, setup.look_back)
    source = period.source
    findings: list[Finding] = []
    where = "on " + joined(period.marketplaces)
    window = (
        f"in the {months(period.window_months)} from {local_time(setup.window_start)} to "
        f"{local_time(setup.as_of)} ({setup.timezone}, end excluded)"
    )

    def finding(rule: str, code: str, path: str, message: str) -> None:
        findings.append(
            Finding(
                rule_id=f"good_faith.{rule}",
                code=code,
                category="good_faith",
                severity="error",
                message=message,
                path=path,
                source=source,
            )
        )

    if setup.platform not in period.marketplaces:
        finding(
            "marketplace",
            "GOOD_FAITH_NOT_TAO",
            "platform",
            f"The {policy.program} applies only {where}; {setup.platform} is not one of them.",
        )
    exit_event, rejoin_from = _rejoin_from(period, membership, setup.as_of.date())
    if exit_event is not None and rejoin_from is not None:
        how = "was removed from" if exit_event.event == "removed" else "withdrew from"
        finding(
            "rejoin_wait",
            "GOOD_FAITH_REJOIN_WAIT",
            "membership",
            f"The account {how} the {policy.program} on {exit_event.on.isoformat()} and may "
            f"rejoin from {rejoin_from.isoformat()} (a wait of "
            f"{months(period.rejoin_wait_months)}).",
        )
    if counts.false_information and not period.false_information.allowed:
        span = (
            "in the assessment window"
            if period.false_information.look_back == "window"
            else "in the reporting history"
        )
        among = f"{requests(counts.false_information)} {span} on any of the account's marketplaces"
        if counts.false_information > 1:
            among = f"the earliest of {among}"
        assert named is not None  # the tally kept one of the records it counted
        path = location(named.position)
        finding(
            "false_information",
            "GOOD_FAITH_FALSE_INFORMATION",
            path,
            f"{path}, submitted {submitted(named.submitted_at, setup.timezone)} on "
            f"{named.platform}, was found to contain deliberately false information ({among}); "
            f"the {policy.program} admits no account with such a history.",
        )
    if counts.requests < period.min_requests:
        finding(
            "min_requests",
            "GOOD_FAITH_TOO_FEW_REQUESTS",
            "history",
            f"{requests(counts.requests)} {where} {window}; the {policy.program} needs at "
            f"least {period.min_requests}.",
        )

    definitions = {
        name: (
            rate,
            policy.record_sets[rate.numerator].pairs(),
            policy.record_sets[rate.denominator].pairs(),
        )
        for name, rate in policy.rates.items()
    }
    all_pairs: dict[tuple[str, str], int] = {}
    for pairs in counts.by_reason.values():
        for pair, count in pairs.items():
            all_pairs[pair] = all_pairs.get(pair, 0) + count
    rates: dict[str, Rate] = {}
    for name, (definition, numerator, denominator) in definitions.items():
        threshold = period.thresholds.get(name)
        num, den = _measure(all_pairs, numerator, denominator)
        rate, failed = _rate(num, den, threshold, overall=True)
        rates[name] = rate
        if failed and threshold is not None:
            finding(
                name,
                definition.code,
                "history",
                rate_message(policy, definition, rate, threshold, window, None),
            )

    per_reason: dict[str, ReasonMetrics] = {}
    for reason in sorted(counts.by_reason):
        pairs = counts.by_reason[reason]
        reason_rates: dict[str, Rate] = {}
        for name, (definition, numerator, denominator) in definitions.items():
            threshold = period.thresholds.get(name) if period.per_reason_code else None
            num, den = _measure(pairs, numerator, denominator)
            rate, failed = _rate(num, den, threshold, overall=False)
            reason_rates[name] = rate
            if failed and threshold is not None:
                finding(
                    f"{name}.per_reason_code",
                    f"{definition.code}_REASON_CODE",
                    f"history[reason={reason}]",
                    rate_message(policy, definition, rate, threshold, window, reason),
                )
        per_reason[reason] = ReasonMetrics(requests=sum(pairs.values()), rates=reason_rates)

    metrics = GoodFaithMetrics(
        timezone=setup.timezone,
        window_start=setup.window_start,
        window_end=setup.as_of,
        window_months=period.window_months,
        requests=counts.requests,
        min_requests=period.min_requests,
        rates=rates,
        false_information=counts.false_information,
        false_information_look_back=period.false_information.look_back,
        other_marketplace_requests=counts.other_marketplaces,
        per_reason=per_reason,
        rejoin_from=rejoin_from,
    )
    return Eligibility(
        eligible=not findings,
        program=policy.program,
        platform=setup.platform,
        as_of=setup.as_of,
        period=PeriodInfo(
            name=period.name,
            effective_from=period.effective_from,
            effective_until=period.effective_until,
            source=period.source,
        ),
        metrics=metrics,
        findings=tuple(findings),
    )
