"""Good Faith Program eligibility: exact counts and rates over a rights holder's reporting history.

The policy is data (``rulesets/good_faith.yaml``): the effective-dated periods with their
assessment window, minimum volume, rate thresholds and rejoin wait, and the definition of each
rate as the sets of records counted in its numerator and denominator. This module counts.
The volume and the rates count requests on the program's marketplaces; false information
counts on every marketplace, since one IPP account files on all of them.

Counting is one pass that tallies records by (window bucket, marketplace, reason code,
outcome, counter-notification, false information); everything else is arithmetic on the few
distinct tallies, with :class:`~fractions.Fraction` so that a boundary (exactly 90%) is exact.
The pass also keeps the earliest record marked as false information, which the finding names.
Values are checked on the distinct tallies, not per record, which keeps a million records at
well under a second. Two entry points feed the same pass:

* :func:`evaluate_good_faith` takes :class:`HistoryRecord` models;
* :func:`evaluate_good_faith_records` takes plain :data:`RecordRow` tuples with the submission
  time as POSIX seconds, for histories too large to build a model per record.

Membership events (removal from or voluntary withdrawal of the program, and admission) are
passed beside the history as :class:`MembershipEvent` models: they are facts about the
account, not about any one takedown request.
"""

from __future__ import annotations

import contextvars
import difflib
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, time
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction
from pathlib import Path
from typing import Annotated, Any, Literal, NamedTuple, TypeAlias
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    StrictBool,
    StrictInt,
    ValidationError,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from ipp_rules.errors import GoodFaithError, HistoryError, RulesetError, shown
from ipp_rules.models.complaint import AwareTimestamp
from ipp_rules.models.decision import Finding
from ipp_rules.models.marketplace import Platform
from ipp_rules.models.types import Code, IsoDate, Name, Text
from ipp_rules.policies.registry import get_policy
from ipp_rules.problems import ANY_ITEM, Problem, validate_document
from ipp_rules.text.scalars import PlainFloat, PlainInt, source_text
from ipp_rules.text.yaml import load_yaml_file, shown_path

__all__ = [
    "COUNTER_NOTIFICATIONS",
    "MARKETPLACES",
    "OUTCOMES",
    "POLICY_FILE",
    "Eligibility",
    "GoodFaithError",
    "GoodFaithMetrics",
    "GoodFaithPolicy",
    "HistoryError",
    "HistoryRecord",
    "MembershipEvent",
    "Period",
    "PeriodInfo",
    "Rate",
    "ReasonMetrics",
    "RecordRow",
    "as_row",
    "evaluate_good_faith",
    "evaluate_good_faith_records",
    "format_percent",
    "history_records",
    "load_good_faith_policy",
    "record_problems",
]

POLICY_FILE = "good_faith.yaml"
"""The policy's file name in a bundle folder."""

OutcomeName = Literal["taken_down", "rejected", "withdrawn", "pending"]
CounterNotificationName = Literal["none", "succeeded", "failed", "pending"]
OUTCOMES: tuple[str, ...] = ("taken_down", "rejected", "withdrawn", "pending")
COUNTER_NOTIFICATIONS: tuple[str, ...] = ("none", "succeeded", "failed", "pending")
MARKETPLACES: tuple[str, ...] = tuple(platform.value for platform in Platform)

# A counter-notification answers a takedown: only a request whose listing was taken down (and
# possibly withdrawn afterwards, e.g. when the rights holder accepted the counter-notification)
# can have one.
_COUNTER_NOTIFIABLE = frozenset({"taken_down", "withdrawn"})
_POSSIBLE: tuple[tuple[str, str], ...] = tuple(
    (outcome, counter)
    for outcome in OUTCOMES
    for counter in COUNTER_NOTIFICATIONS
    if counter == "none" or outcome in _COUNTER_NOTIFIABLE
)
"""The (outcome, counter-notification) pairs a consistent record can have."""

_REQUIRED_RATES = ("takedown_success_rate", "counter_notification_success_rate")
_MAX_REASON_CHARS = 100
_MAX_REPORTED = 50
"""Bad records reported by location before the rest are summarised."""


# ---------------------------------------------------------------------------------------------
# Exact ratios


def _decimal_text(value: Fraction, places: int) -> str | None:
    """``value`` written exactly with at most ``places`` decimals, or None if it needs more."""
    scaled = value * 10**places
    if scaled.denominator != 1:
        return None
    text = str(Decimal(scaled.numerator).scaleb(-places))
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _rounded_text(value: Fraction, places: int) -> str:
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    text = str(exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN))
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def format_percent(value: Fraction) -> str:
    """``90%``, ``5.01%``; a value that needs more than two decimals is rounded and marked
    ``about`` (``about 89.99%``)."""
    percent = value * 100
    exact = _decimal_text(percent, 2)
    if exact is not None:
        return f"{exact}%"
    return f"about {_rounded_text(percent, 2)}%"


def _parse_ratio(value: Any) -> Fraction:
    """A share written ``0.90``, ``"90%"`` or ``"1.5%"``, read exactly (never via a float)."""
    if isinstance(value, bool):
        raise PydanticCustomError("ratio", "expected a share like 0.90 or 90% (got true/false)")
    if isinstance(value, PlainInt | PlainFloat):
        text: str = value.text
    elif isinstance(value, Fraction):
        return _check_ratio(value, str(value))
    elif isinstance(value, int | Decimal):
        text = str(value)
    elif isinstance(value, float):
        text = repr(value)  # the shortest text that reads back as this float
    elif isinstance(value, str):
        text = value.strip()
    else:
        raise PydanticCustomError("ratio", "expected a share like 0.90 or 90%")
    percent = text.endswith("%")
    digits = text[:-1].strip() if percent else text
    try:
        number = Decimal(digits)
    except ArithmeticError:
        raise PydanticCustomError(
            "ratio", "expected a share like 0.90 or 90% (got {given})", {"given": repr(value)}
        ) from None
    if not number.is_finite():
        raise PydanticCustomError("ratio", "expected a finite share like 0.90 or 90%")
    fraction = Fraction(number)
    if percent:
        fraction /= 100
    elif fraction > 1:
        raise PydanticCustomError(
            "ratio",
            "{given} is more than 1: write a percentage with % (like {given}%) or a share "
            "like 0.90",
            {"given": text},
        )
    return _check_ratio(fraction, text)


def _check_ratio(fraction: Fraction, text: str) -> Fraction:
    if not 0 <= fraction <= 1:
        raise PydanticCustomError(
            "ratio", "a share must be between 0% and 100% (got {given})", {"given": text}
        )
    if _decimal_text(fraction * 100, 12) is None:
        raise PydanticCustomError(
            "ratio", "write the share as a decimal, like 0.05 or 5% (got {given})", {"given": text}
        )
    return fraction


def _ratio_text(value: Fraction) -> str:
    return f"{_decimal_text(value * 100, 12)}%"


Ratio = Annotated[
    Fraction,
    BeforeValidator(_parse_ratio),
    PlainSerializer(_ratio_text, return_type=str),
    WithJsonSchema(
        {
            "type": ["string", "number"],
            "description": "a share, written as a percentage ('90%') or a decimal (0.90)",
            "examples": ["90%", "1.5%", 0.9],
        }
    ),
]


# ---------------------------------------------------------------------------------------------
# The history


def _reason_problem(reason: Any) -> str | None:
    if not isinstance(reason, str):
        return f"expected the reason code as text (got {_short(reason)})"
    if not reason.strip():
        return "expected a reason code (got an empty one)"
    if reason != reason.strip():
        return f"expected a reason code without leading or trailing spaces (got {reason!r})"
    if len(reason) > _MAX_REASON_CHARS:
        return f"a reason code has at most {_MAX_REASON_CHARS} characters"
    if not reason.isprintable():
        return f"a reason code must not contain control characters (got {reason!r})"
    return None


def _one_of(given: Any, allowed: Sequence[str]) -> str:
    hint = ""
    if isinstance(given, str):
        close = difflib.get_close_matches(given, allowed, n=1, cutoff=0.6)
        if close:
            hint = f"; did you mean '{close[0]}'?"
    return f"expected one of {', '.join(allowed)}{hint} (got {_short(given)})"


def _short(value: Any) -> str:
    return shown(value)


def record_problems(
    platform: Any, reason: Any, outcome: Any, counter_notification: Any, false_information: Any
) -> list[tuple[str, str]]:
    """What is wrong with one record's values, as (field, message) pairs; empty when valid.

    The submission time is checked where it is read (it is a datetime in a
    :class:`HistoryRecord`, POSIX seconds in a :data:`RecordRow`).
    """
    problems: list[tuple[str, str]] = []
    if not isinstance(platform, str) or platform not in MARKETPLACES:
        problems.append(("platform", _one_of(platform, MARKETPLACES)))
    message = _reason_problem(reason)
    if message is not None:
        problems.append(("reason", message))
    if not isinstance(outcome, str) or outcome not in OUTCOMES:
        problems.append(("outcome", _one_of(outcome, OUTCOMES)))
    if not isinstance(counter_notification, str) or counter_notification not in (
        COUNTER_NOTIFICATIONS
    ):
        problems.append(
            ("counter_notification", _one_of(counter_notification, COUNTER_NOTIFICATIONS))
        )
    elif (
        counter_notification != "none"
        and isinstance(outcome, str)
        and outcome in OUTCOMES
        and outcome not in _COUNTER_NOTIFIABLE
    ):
        problems.append(
            (
                "counter_notification",
                f"a request that was {outcome.replace('_', ' ')} has no listing to counter-notify: "
                f"counter_notification must be none (got {counter_notification!r})",
            )
        )
    if not isinstance(false_information, bool):
        problems.append(
            ("false_information", f"expected true or false (got {_short(false_information)})")
        )
    return problems


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=True)


def _marketplace_text(value: Any) -> Any:
    """A marketplace is text: anything else is refused here, before the enum's own error,
    whose message would ``repr`` a hostile value of any depth."""
    value = source_text(value)
    if not isinstance(value, str):
        raise PydanticCustomError("string_type", "Input should be a valid string")
    return value


class HistoryRecord(_Model):
    """One takedown request in a rights holder's reporting history.

    ``submitted_at`` is kept as the same instant in UTC (comparisons between datetimes that
    share one ``tzinfo`` are several times faster, and the window is compared per record).
    """

    submitted_at: AwareTimestamp
    platform: Annotated[Platform, BeforeValidator(_marketplace_text)]
    reason: str
    """The complaint reason code the request was filed under (``counterfeit``, ``test_buy``...)."""
    outcome: OutcomeName
    """``taken_down``: the platform removed the listing; ``rejected``: it refused; ``withdrawn``:
    the rights holder withdrew the request (before a decision, or after a takedown, e.g. to
    accept a counter-notification); ``pending``: not decided yet."""
    counter_notification: CounterNotificationName = "none"
    """The merchant's counter-notification against the takedown: ``succeeded`` means the listing
    was reinstated. Anything but ``none`` needs an outcome of ``taken_down`` or ``withdrawn``."""
    false_information: StrictBool = False
    """The request was found to contain deliberately false information."""

    @field_validator("submitted_at")
    @classmethod
    def _in_utc(cls, value: datetime) -> datetime:
        try:
            return value.astimezone(UTC)
        except OverflowError:  # within hours of year 1 or year 9999's edge
            raise ValueError(f"{value.isoformat()} is out of range: no UTC date holds it") from None

    @field_validator("reason")
    @classmethod
    def _reason(cls, value: str) -> str:
        message = _reason_problem(value)
        if message is not None:
            raise ValueError(message)
        return value

    @model_validator(mode="after")
    def _counter_notification_needs_takedown(self) -> HistoryRecord:
        if self.counter_notification != "none" and self.outcome not in _COUNTER_NOTIFIABLE:
            raise ValueError(
                f"a request that was {self.outcome.replace('_', ' ')} has no listing to "
                f"counter-notify: counter_notification must be none "
                f"(got {self.counter_notification!r})"
            )
        return self


RecordRow: TypeAlias = tuple[float, str, str, str, str, bool]
"""A history record as a plain tuple: (submitted_at as POSIX seconds, platform, reason,
outcome, counter_notification, false_information). The fast input of
:func:`evaluate_good_faith_records`."""


def as_row(record: HistoryRecord) -> RecordRow:
    """The plain-tuple form of a record."""
    return (
        record.submitted_at.timestamp(),
        record.platform,
        record.reason,
        record.outcome,
        record.counter_notification,
        record.false_information,
    )


def history_records(items: Iterable[HistoryRecord | Mapping[str, Any]]) -> list[HistoryRecord]:
    """Validate a history given as models or mappings (e.g. parsed JSON); :class:`HistoryError`
    lists every bad record with its path (``history[3].outcome``)."""
    records: list[HistoryRecord] = []
    problems: list[Problem] = []
    if isinstance(items, str | bytes | Mapping) or not isinstance(items, Iterable):
        raise HistoryError(
            [Problem(f"expected a list of records, got {type(items).__name__}", path=("history",))]
        )
    for index, item in enumerate(items):
        if isinstance(item, HistoryRecord):
            records.append(item)
            continue
        try:
            records.append(HistoryRecord.model_validate(item))
        except ValidationError as exc:
            for error in exc.errors(include_url=False):
                message = error["msg"].removeprefix("Value error, ")
                problems.append(Problem(message, path=("history", index, *error["loc"])))
    if problems:
        raise HistoryError(problems)
    return records


class MembershipEvent(_Model):
    """The account joined the program, was removed from it, or withdrew from it, on a day
    (in the program's timezone)."""

    event: Literal["joined", "removed", "withdrawn"]
    on: IsoDate


# ---------------------------------------------------------------------------------------------
# The policy format


Marketplace = Annotated[Platform, BeforeValidator(source_text)]
Count = Annotated[StrictInt, Field(ge=0, le=1_000_000_000)]


class RecordTerm(_Model):
    """Records whose outcome is one of ``outcome`` and whose counter-notification is one of
    ``counter_notification``; a key left out matches every value."""

    outcome: Annotated[tuple[OutcomeName, ...], Field(min_length=1)] | None = None
    counter_notification: (
        Annotated[tuple[CounterNotificationName, ...], Field(min_length=1)] | None
    ) = None

    def pairs(self) -> frozenset[tuple[str, str]]:
        outcomes = OUTCOMES if self.outcome is None else self.outcome
        counters = (
            COUNTER_NOTIFICATIONS
            if self.counter_notification is None
            else self.counter_notification
        )
        return frozenset(pair for pair in _POSSIBLE if pair[0] in outcomes and pair[1] in counters)


class RecordSet(_Model):
    """A named set of requests: those matching any of the terms."""

    description: Annotated[Text, Field(min_length=1, max_length=200)]
    """What the set is, in plain words; messages say it (``requests the platform ruled on``)."""
    any: Annotated[tuple[RecordTerm, ...], Field(min_length=1)]

    def pairs(self) -> frozenset[tuple[str, str]]:
        found: frozenset[tuple[str, str]] = frozenset()
        for term in self.any:
            found |= term.pairs()
        return found


class RateDefinition(_Model):
    """A rate: the requests in ``numerator`` out of those in ``denominator`` (record set names)."""

    title: Annotated[Text, Field(min_length=1, max_length=100)]
    numerator: Name
    denominator: Name
    code: Code
    """The finding code when the rate misses its threshold; ``_REASON_CODE`` is appended when
    one reason code misses it."""


class Threshold(_Model):
    """``{min: 90%}`` (at least) or ``{max: 5%}`` (at most); the bound itself passes."""

    min: Ratio | None = None
    max: Ratio | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Threshold:
        if (self.min is None) == (self.max is None):
            raise ValueError("write exactly one of min or max, like {min: 90%} or {max: 5%}")
        return self

    @property
    def bound(self) -> Literal["min", "max"]:
        return "min" if self.min is not None else "max"

    @property
    def value(self) -> Fraction:
        value = self.min if self.min is not None else self.max
        assert value is not None  # guaranteed by the validator
        return value

    def met(self, rate: Fraction) -> bool:
        return rate >= self.value if self.bound == "min" else rate <= self.value


class FalseInformationRule(_Model):
    """Whether a request marked as deliberately false information bars the account."""

    allowed: StrictBool
    look_back: Literal["history", "window"] = "history"
    """``history``: every record before ``as_of``; ``window``: only the assessment window."""


class Period(_Model):
    """The program's rules from ``effective_from`` (inclusive) until ``effective_until``
    (exclusive; none = still in force)."""

    name: Annotated[Text, Field(min_length=1, max_length=100)]
    effective_from: IsoDate
    effective_until: IsoDate | None = None
    source: Annotated[Text, Field(min_length=1)]
    marketplaces: Annotated[tuple[Marketplace, ...], Field(min_length=1)]
    window_months: Annotated[StrictInt, Field(ge=1, le=120)]
    min_requests: Count
    thresholds: dict[Name, Threshold]
    per_reason_code: StrictBool
    false_information: FalseInformationRule
    rejoin_wait_months: Annotated[StrictInt, Field(ge=0, le=120)]

    @field_validator("marketplaces")
    @classmethod
    def _unique(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        repeated = sorted({m for m in value if value.count(m) > 1})
        if repeated:
            raise ValueError(f"listed more than once: {', '.join(repeated)}")
        return value


_DEFERRED: contextvars.ContextVar[list[tuple[tuple[str | int, ...], bool, str]] | None] = (
    contextvars.ContextVar("ipp_rules_good_faith_deferred", default=None)
)
"""While the YAML loader validates, cross-field problems are collected here with their paths
(so they can be located in the file) instead of being raised."""


class GoodFaithPolicy(_Model):
    """The Good Faith Program policy: rate definitions and effective-dated periods."""

    program: Annotated[Text, Field(min_length=1, max_length=100)]
    record_sets: dict[Name, RecordSet]
    rates: dict[Name, RateDefinition]
    periods: Annotated[tuple[Period, ...], Field(min_length=1)]

    @model_validator(mode="after")
    def _consistent(self) -> GoodFaithPolicy:
        problems = _cross_problems(self)
        sink = _DEFERRED.get()
        if sink is not None:
            sink.extend(problems)
        elif problems:
            raise ValueError(
                "; ".join(
                    f"{'.'.join(str(step) for step in path)}: {message}"
                    for path, _, message in problems
                )
            )
        return self

    @property
    def timezone(self) -> str:
        """The IANA timezone the program keeps its dates in: its marketplaces' (from the
        marketplace policies), which the loader checks they share."""
        marketplace = self.periods[0].marketplaces[0]
        zone = _home_timezone(marketplace)
        if zone is None:  # refused when the policy is validated
            raise GoodFaithError(f"{marketplace} has no single timezone")
        return zone

    def period_on(self, day: date) -> Period:
        """The period in force on ``day``; :class:`GoodFaithError` when none is."""
        for period in self.periods:
            if period.effective_from <= day and (
                period.effective_until is None or day < period.effective_until
            ):
                return period
        first = self.periods[0].effective_from
        raise GoodFaithError(
            f"no {self.program} policy period is in force on {day.isoformat()} "
            f"(the policy starts on {first.isoformat()})"
        )


def _hint(name: str, known: list[str], what: str) -> str:
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    if close:
        return f"; did you mean '{close[0]}'?"
    return f" (the {what}: {', '.join(known)})"


def _home_timezone(marketplace: str) -> str | None:
    return get_policy(marketplace).home_timezone


def _cross_problems(policy: GoodFaithPolicy) -> list[tuple[tuple[str | int, ...], bool, str]]:
    """Problems between fields: (path, whether the path's key is meant, message)."""
    problems: list[tuple[tuple[str | int, ...], bool, str]] = []
    zones: dict[str, str] = {}
    for index, period in enumerate(policy.periods):
        for position, marketplace in enumerate(period.marketplaces):
            zone = _home_timezone(marketplace)
            where = ("periods", index, "marketplaces", position)
            if zone is None:
                problems.append(
                    (
                        where,
                        False,
                        f"{marketplace} keeps its dates per country platform; the program's "
                        f"window needs marketplaces with one timezone",
                    )
                )
            elif zones and zone not in zones:
                first_zone, first_marketplace = next(iter(zones.items()))
                problems.append(
                    (
                        where,
                        False,
                        f"{marketplace} keeps its dates in {zone}, but {first_marketplace} keeps "
                        f"them in {first_zone}: the program's marketplaces must share one timezone",
                    )
                )
            else:
                zones.setdefault(zone, marketplace)
    sets = policy.record_sets
    for name, rate in policy.rates.items():
        for side in ("numerator", "denominator"):
            ref = getattr(rate, side)
            if ref not in sets:
                hint = _hint(ref, list(sets), "record sets")
                problems.append(
                    (("rates", name, side), False, f"no record set named '{ref}'{hint}")
                )
        if rate.numerator in sets and rate.denominator in sets:
            extra = sets[rate.numerator].pairs() - sets[rate.denominator].pairs()
            if extra:
                listed = ", ".join(f"{o} with counter_notification {c}" for o, c in sorted(extra))
                problems.append(
                    (
                        ("rates", name, "numerator"),
                        False,
                        f"every request counted in the numerator must be counted in the "
                        f"denominator too; '{rate.numerator}' also counts: {listed}",
                    )
                )
    missing = [name for name in _REQUIRED_RATES if name not in policy.rates]
    if missing:
        problems.append(
            (("rates",), True, f"the program's rates must be defined: missing {', '.join(missing)}")
        )
    previous: Period | None = None
    for index, period in enumerate(policy.periods):
        until = period.effective_until
        if until is not None and until <= period.effective_from:
            problems.append(
                (
                    ("periods", index, "effective_until"),
                    False,
                    f"effective_until ({until}) must be after effective_from "
                    f"({period.effective_from})",
                )
            )
        if previous is not None:
            if previous.effective_until is None:
                problems.append(
                    (
                        ("periods", index - 1),
                        False,
                        "only the last period may leave out effective_until",
                    )
                )
            elif period.effective_from != previous.effective_until:
                problems.append(
                    (
                        ("periods", index, "effective_from"),
                        False,
                        f"periods must follow each other without gap or overlap, in date order: "
                        f"this one must start on {previous.effective_until} (where the previous "
                        f"one ends), not {period.effective_from}",
                    )
                )
        for rate_name in period.thresholds:
            if rate_name not in policy.rates:
                hint = _hint(rate_name, list(policy.rates), "rates")
                problems.append(
                    (
                        ("periods", index, "thresholds", rate_name),
                        True,
                        f"no rate named '{rate_name}'{hint}",
                    )
                )
        previous = period
    return problems


def load_good_faith_policy(path: str | os.PathLike[str]) -> GoodFaithPolicy:
    """Load the policy from a bundle folder (its ``good_faith.yaml``) or from the file itself.

    Every problem is a :class:`~ipp_rules.errors.RulesetError` with ``file:line:column``.
    """
    file = Path(path)
    if file.is_dir():
        file = file / POLICY_FILE
    doc = load_yaml_file(file, display_name=str(shown_path(file)), error=RulesetError)
    deferred: list[tuple[tuple[str | int, ...], bool, str]] = []
    token = _DEFERRED.set(deferred)
    try:
        policy, problems = validate_document(GoodFaithPolicy, doc)
    finally:
        _DEFERRED.reset(token)
    problems.extend(
        doc.problem(where, message, "good_faith_policy", key=key)
        for where, key, message in deferred
    )
    if policy is None or problems:
        raise RulesetError(problems)
    return policy


# ---------------------------------------------------------------------------------------------
# Results


class Rate(_Model):
    """A measured rate: exact as ``numerator`` / ``denominator``."""

    numerator: int
    denominator: int
    value: str | None
    """The rate as a decimal for display (at most 6 decimals, rounded half-even); None when the
    denominator is 0. Decisions use the exact numerator and denominator."""
    bound: Literal["min", "max"] | None = None
    threshold: str | None = None
    """The threshold in force (``90%``), when the period sets one."""
    met: bool | None = None
    """Whether the threshold is met; None when it was not tested (no threshold, or nothing to
    measure for one reason code)."""

    def fraction(self) -> Fraction | None:
        return Fraction(self.numerator, self.denominator) if self.denominator else None


class ReasonMetrics(_Model):
    """The counts and rates of one reason code in the window."""

    requests: int
    rates: dict[str, Rate]


class GoodFaithMetrics(_Model):
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


class PeriodInfo(_Model):
    """The policy period that decided."""

    name: str
    effective_from: date
    effective_until: date | None
    source: str


class Eligibility(_Model):
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


# ---------------------------------------------------------------------------------------------
# Counting

_Tally = dict[tuple[int, Any, Any, Any, Any, Any], int]
# Window buckets: (ts >= start) * 2 + (ts < end). A NaN or other incomparable-but-accepted value
# lands in bucket 0, which a valid time never does.
_BEFORE, _INSIDE, _AFTER, _INVALID_TIME = 1, 3, 2, 0


class _Named(NamedTuple):
    """The record a finding names: its position in the history, when and where it was filed."""

    position: int
    submitted_at: datetime | float
    """A model's time, or a row's POSIX seconds (which may lie outside the datetime range)."""
    platform: str


def _look_back(period: Period) -> frozenset[int]:
    """The window buckets the false-information condition reads."""
    if period.false_information.look_back == "window":
        return frozenset({_INSIDE})
    return frozenset({_BEFORE, _INSIDE})


def _tally_rows(
    rows: Iterable[RecordRow], start: float, end: float, look_back: frozenset[int]
) -> tuple[_Tally, _Named | None]:
    """The tally, and the earliest record marked false information in ``look_back`` (ties
    broken by the record's values, then its position, so the order of the rows does not
    matter)."""
    counts: _Tally = {}
    get = counts.get
    earliest: tuple[Any, ...] | None = None
    for index, (ts, platform, reason, outcome, counter, false_information) in enumerate(rows):
        bucket = (ts >= start) * 2 + (ts < end)
        key = (bucket, platform, reason, outcome, counter, false_information)
        counts[key] = get(key, 0) + 1
        if false_information is True and bucket in look_back:
            candidate = (ts, platform, reason, outcome, counter, index)
            if earliest is None or candidate < earliest:
                earliest = candidate
    if earliest is None:
        return counts, None
    return counts, _Named(earliest[-1], earliest[0], earliest[1])


def _tally_records(
    records: Iterable[HistoryRecord], start: datetime, end: datetime, look_back: frozenset[int]
) -> tuple[_Tally, _Named | None]:
    """:func:`_tally_rows` over models."""
    counts: _Tally = {}
    get = counts.get
    earliest: tuple[Any, ...] | None = None
    for index, record in enumerate(records):
        ts = record.submitted_at
        false_information = record.false_information
        bucket = (ts >= start) * 2 + (ts < end)
        key = (
            bucket,
            record.platform,
            record.reason,
            record.outcome,
            record.counter_notification,
            false_information,
        )
        counts[key] = get(key, 0) + 1
        if false_information is True and bucket in look_back:
            candidate = (ts, *key[1:5], index)
            if earliest is None or candidate < earliest:
                earliest = candidate
    if earliest is None:
        return counts, None
    return counts, _Named(earliest[-1], earliest[0], earliest[1])


def _row_problems(index: int, row: Any) -> list[Problem]:
    where = ("history", index)
    if not isinstance(row, tuple | list) or len(row) != 6:
        return [
            Problem(
                "expected a tuple (submitted_at, platform, reason, outcome, "
                "counter_notification, false_information)",
                path=where,
            )
        ]
    problems = [
        Problem(message, path=(*where, field)) for field, message in record_problems(*row[1:])
    ]
    ts = row[0]
    if isinstance(ts, bool) or not isinstance(ts, int | float) or ts != ts:
        problems.insert(
            0,
            Problem(f"expected POSIX seconds (got {_short(ts)})", path=(*where, "submitted_at")),
        )
    return problems


def _model_problems(index: int, record: Any) -> list[Problem]:
    where = ("history", index)
    if not isinstance(record, HistoryRecord):
        return [Problem(f"expected a HistoryRecord (got {type(record).__name__})", path=where)]
    problems = [
        Problem(message, path=(*where, field))
        for field, message in record_problems(
            record.platform,
            record.reason,
            record.outcome,
            record.counter_notification,
            record.false_information,
        )
    ]
    ts = record.submitted_at
    if not isinstance(ts, datetime) or ts.tzinfo is None:
        problems.insert(0, Problem("expected an aware datetime", path=(*where, "submitted_at")))
    return problems


def _locate(history: Iterable[Any], check: Any, fallback: list[Problem]) -> HistoryError:
    """The error naming each bad record; without a sequence to scan again, ``fallback``."""
    if not isinstance(history, Sequence):
        return HistoryError(fallback)
    problems: list[Problem] = []
    bad = 0
    for index, item in enumerate(history):
        found = check(index, item)
        if found:
            bad += 1
            if bad <= _MAX_REPORTED:
                problems.extend(found)
    if bad > _MAX_REPORTED:
        problems.append(Problem(f"and {bad - _MAX_REPORTED} more bad records", path=("history",)))
    return HistoryError(problems or fallback)


def _tally_problems(tally: _Tally) -> list[Problem]:
    problems: list[Problem] = []
    for bucket, platform, reason, outcome, counter, false_information in tally:
        found = record_problems(platform, reason, outcome, counter, false_information)
        if bucket == _INVALID_TIME:
            found.insert(0, ("submitted_at", "expected a time, got a value that is not one (NaN)"))
        for field, message in found:
            problems.append(Problem(message, path=("history", ANY_ITEM, field)))
    return list(dict.fromkeys(problems))


# ---------------------------------------------------------------------------------------------
# Deciding


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
        self.look_back = _look_back(self.period)


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
        tally, named = _tally_records(history, setup.start_utc, setup.end_utc, setup.look_back)
    except (AttributeError, TypeError) as exc:
        raise _locate(history, _model_problems, [Problem(str(exc), path=("history",))]) from None
    problems = _tally_problems(tally)
    if problems:
        raise _locate(history, _model_problems, problems)
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
    record names it by its position, ``history[3]``; ``record_location`` names it otherwise
    (the command line gives the line of the file, ``history.csv:5``).
    """
    setup = _Setup(policy, as_of, platform)
    start = setup.start_utc.timestamp()
    end = setup.end_utc.timestamp()
    try:
        tally, named = _tally_rows(rows, start, end, setup.look_back)
    except (TypeError, ValueError) as exc:
        raise _locate(rows, _row_problems, [Problem(str(exc), path=("history",))]) from None
    problems = _tally_problems(tally)
    if problems:
        raise _locate(rows, _row_problems, problems)
    location = _history_index if record_location is None else record_location
    return _decide(setup, tally, named, location, tuple(membership))


def _history_index(index: int) -> str:
    return f"history[{index}]"


class _Counts:
    """In-window counts of the program's marketplaces, by reason and (outcome, counter); false
    information over the look-back on every marketplace of the account."""

    def __init__(self, tally: _Tally, period: Period, look_back: frozenset[int]) -> None:
        marketplaces = set(period.marketplaces)
        self.by_reason: dict[str, dict[tuple[str, str], int]] = {}
        self.requests = 0
        self.other_marketplaces = 0
        self.false_information = 0
        for (bucket, platform, reason, outcome, counter, false_info), count in tally.items():
            # One IPP account files on all the group's marketplaces: false information on any
            # of them is in the account's history, while volume and rates are the program's.
            if false_info is True and bucket in look_back:
                self.false_information += count
            if platform not in marketplaces:
                if bucket == _INSIDE:
                    self.other_marketplaces += count
                continue
            if bucket != _INSIDE:
                continue
            self.requests += count
            pairs = self.by_reason.setdefault(reason, {})
            pairs[(outcome, counter)] = pairs.get((outcome, counter), 0) + count


def _measure(
    pairs: Mapping[tuple[str, str], int], numerator: frozenset[Any], denominator: frozenset[Any]
) -> tuple[int, int]:
    num = sum(count for pair, count in pairs.items() if pair in numerator)
    den = sum(count for pair, count in pairs.items() if pair in denominator)
    return num, den


def _rate(num: int, den: int, threshold: Threshold | None, *, overall: bool) -> tuple[Rate, bool]:
    """The rate and whether it fails its threshold (an empty denominator fails overall, and is
    not tested for one reason code)."""
    value = None if den == 0 else _rounded_text(Fraction(num, den), 6)
    if threshold is None:
        return Rate(numerator=num, denominator=den, value=value), False
    met: bool | None = threshold.met(Fraction(num, den)) if den else (False if overall else None)
    return (
        Rate(
            numerator=num,
            denominator=den,
            value=value,
            bound=threshold.bound,
            threshold=_ratio_text(threshold.value),
            met=met,
        ),
        met is False,
    )


def _rejoin_from(
    period: Period, membership: Sequence[MembershipEvent], today: date
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
            f"account may rejoin ({_months(period.rejoin_wait_months)} later) is past "
            f"{date.max.isoformat()}"
        ) from None
    return (latest_exit, rejoin) if today < rejoin else (None, None)


def _decide(
    setup: _Setup,
    tally: _Tally,
    named: _Named | None,
    location: Callable[[int], str],
    membership: Sequence[MembershipEvent],
) -> Eligibility:
    policy, period = setup.policy, setup.period
    counts = _Counts(tally, period, setup.look_back)
    source = period.source
    findings: list[Finding] = []
    where = "on " + _join(period.marketplaces)
    window = (
        f"in the {_months(period.window_months)} from {_local(setup.window_start)} to "
        f"{_local(setup.as_of)} ({setup.timezone}, end excluded)"
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
            f"{_months(period.rejoin_wait_months)}).",
        )
    if counts.false_information and not period.false_information.allowed:
        span = (
            "in the assessment window"
            if period.false_information.look_back == "window"
            else "in the reporting history"
        )
        among = f"{_requests(counts.false_information)} {span} on any of the account's marketplaces"
        if counts.false_information > 1:
            among = f"the earliest of {among}"
        assert named is not None  # the tally kept one of the records it counted
        path = location(named.position)
        finding(
            "false_information",
            "GOOD_FAITH_FALSE_INFORMATION",
            path,
            f"{path}, submitted {_submitted(named.submitted_at, setup.timezone)} on "
            f"{named.platform}, was found to contain deliberately false information ({among}); "
            f"the {policy.program} admits no account with such a history.",
        )
    if counts.requests < period.min_requests:
        finding(
            "min_requests",
            "GOOD_FAITH_TOO_FEW_REQUESTS",
            "history",
            f"{_requests(counts.requests)} {where} {window}; the {policy.program} needs at "
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
                _rate_message(policy, definition, rate, threshold, window, None),
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
                    _rate_message(policy, definition, rate, threshold, window, reason),
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


def _rate_message(
    policy: GoodFaithPolicy,
    definition: RateDefinition,
    rate: Rate,
    threshold: Threshold,
    window: str,
    reason: str | None,
) -> str:
    subject = (
        f"For reason code {reason}, the {definition.title}"
        if reason
        else (f"The {definition.title}")
    )
    need = f"it must be {'at least' if threshold.bound == 'min' else 'at most'} " + _ratio_text(
        threshold.value
    )
    denominator = policy.record_sets[definition.denominator].description
    numerator = policy.record_sets[definition.numerator].description
    fraction = rate.fraction()
    if fraction is None:
        return f"{subject} cannot be measured {window}: there are no {denominator}; {need}."
    return (
        f"{subject} {window} is {format_percent(fraction)}, counting {numerator} "
        f"({rate.numerator}) out of {denominator} ({rate.denominator}); {need}."
    )


def _join(names: Sequence[str]) -> str:
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _local(moment: datetime) -> str:
    """``2026-02-28 00:00`` (seconds only when there are some)."""
    if moment.second or moment.microsecond:
        return moment.replace(tzinfo=None).isoformat(sep=" ")
    return moment.strftime("%Y-%m-%d %H:%M")


def _submitted(moment: datetime | float, timezone: str) -> str:
    """``2026-04-01 12:00 (Asia/Shanghai)``; POSIX seconds no date holds are shown as given."""
    zone = ZoneInfo(timezone)
    try:
        local = (
            moment.astimezone(zone)
            if isinstance(moment, datetime)
            else datetime.fromtimestamp(moment, zone)
        )
    except (OverflowError, OSError, ValueError):
        return f"at {moment!r} POSIX seconds"
    return f"{_local(local)} ({timezone})"


def _months(count: int) -> str:
    return f"{count} month{'s' if count != 1 else ''}"


def _requests(count: int) -> str:
    return f"{count} takedown request{'s' if count != 1 else ''}"
