"""The Good Faith policy format (``good_faith.yaml``) and its loader.

The policy is data: the effective-dated periods with their assessment window, minimum
volume, rate thresholds and rejoin wait, and the definition of each rate as the sets of
records counted in its numerator and denominator. The loader reports every problem, cross-field
ones included, at ``file:line:column``.
"""

from __future__ import annotations

import contextvars
import os
from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BeforeValidator,
    Field,
    GetJsonSchemaHandler,
    StrictBool,
    StrictInt,
    field_validator,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, PydanticCustomError

from ipp_rules.errors import GoodFaithError, RulesetError
from ipp_rules.goodfaith.history import (
    COUNTER_NOTIFICATIONS,
    OUTCOMES,
    POSSIBLE,
    CounterNotificationState,
    RequestOutcome,
    platform_problem,
)
from ipp_rules.goodfaith.ratios import Ratio
from ipp_rules.models.types import Code, IsoDate, Name, Strict, Text
from ipp_rules.policies.registry import get_policy, policies
from ipp_rules.problems import suggest
from ipp_rules.pydantic_errors import validate_document
from ipp_rules.text.scalars import source_text
from ipp_rules.text.yaml import YamlDocument, load_yaml_file, shown_path

__all__ = [
    "POLICY_FILE",
    "REQUIRED_RATES",
    "Count",
    "FalseInformationRule",
    "GoodFaithPolicy",
    "Marketplace",
    "ProgramPeriod",
    "RateDefinition",
    "RecordSet",
    "RecordTerm",
    "Threshold",
    "good_faith_policy_from",
    "load_good_faith_policy",
]

POLICY_FILE = "good_faith.yaml"
"""The policy's file name in a bundle folder."""

REQUIRED_RATES = ("takedown_success_rate", "counter_notification_success_rate")
"""The rates every policy defines: other systems read them by these names."""


def _registered_marketplace(value: Any) -> Any:
    value = source_text(value)  # 1688 written as a plain YAML number
    message = platform_problem(value)
    if message is not None:
        raise PydanticCustomError("unknown_marketplace", message)
    return value


class _RegisteredMarketplaces:
    """The JSON schema of a marketplace: the ids the registry knows when it is generated."""

    def __get_pydantic_json_schema__(
        self, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {
            "type": "string",
            "enum": list(policies()),
            "description": "A marketplace id the marketplace registry knows.",
        }


Marketplace = Annotated[str, BeforeValidator(_registered_marketplace), _RegisteredMarketplaces()]
"""A marketplace id the registry knows (built-in or plugin), checked as a record's is."""
Count = Annotated[StrictInt, Field(ge=0, le=1_000_000_000)]
"""A number of requests in the policy (``min_requests``)."""


class RecordTerm(Strict):
    """Records whose outcome is one of ``outcome`` and whose counter-notification is one of
    ``counter_notification``; a key left out matches every value."""

    outcome: Annotated[tuple[RequestOutcome, ...], Field(min_length=1)] | None = None
    counter_notification: (
        Annotated[tuple[CounterNotificationState, ...], Field(min_length=1)] | None
    ) = None

    def pairs(self) -> frozenset[tuple[str, str]]:
        outcomes = OUTCOMES if self.outcome is None else self.outcome
        counters = (
            COUNTER_NOTIFICATIONS
            if self.counter_notification is None
            else self.counter_notification
        )
        return frozenset(pair for pair in POSSIBLE if pair[0] in outcomes and pair[1] in counters)


class RecordSet(Strict):
    """A named set of requests: those matching any of the terms."""

    description: Annotated[Text, Field(min_length=1, max_length=200)]
    """What the set is, in plain words; messages say it (``requests the platform ruled on``)."""
    any: Annotated[tuple[RecordTerm, ...], Field(min_length=1)]

    def pairs(self) -> frozenset[tuple[str, str]]:
        found: frozenset[tuple[str, str]] = frozenset()
        for term in self.any:
            found |= term.pairs()
        return found


class RateDefinition(Strict):
    """A rate: the requests in ``numerator`` out of those in ``denominator`` (record set names)."""

    title: Annotated[Text, Field(min_length=1, max_length=100)]
    numerator: Name
    denominator: Name
    code: Code
    """The finding code when the rate misses its threshold; ``_REASON_CODE`` is appended when
    one reason code misses it."""


class Threshold(Strict):
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


class FalseInformationRule(Strict):
    """Whether a request marked as deliberately false information bars the account."""

    allowed: StrictBool
    look_back: Literal["history", "window"] = "history"
    """``history``: every record before ``as_of``; ``window``: only the assessment window."""


class ProgramPeriod(Strict):
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


_Deferred = list[tuple[tuple[str | int, ...], bool, str]]
"""Cross-field problems: (path, whether the path's key is meant, message)."""

_DEFERRED: contextvars.ContextVar[_Deferred | None] = contextvars.ContextVar(
    "ipp_rules_good_faith_deferred", default=None
)
"""While the YAML loader validates, cross-field problems are collected here with their paths
(so they can be located in the file) instead of being raised."""


class GoodFaithPolicy(Strict):
    """The Good Faith Program policy: rate definitions and effective-dated periods."""

    program: Annotated[Text, Field(min_length=1, max_length=100)]
    record_sets: dict[Name, RecordSet]
    rates: dict[Name, RateDefinition]
    periods: Annotated[tuple[ProgramPeriod, ...], Field(min_length=1)]

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

    def period_on(self, day: date) -> ProgramPeriod:
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
    close = suggest(name, known)
    if close:
        return f"; did you mean '{close}'?"
    return f" (the {what}: {', '.join(known)})"


def _home_timezone(marketplace: str) -> str | None:
    return get_policy(marketplace).home_timezone


def _cross_problems(policy: GoodFaithPolicy) -> _Deferred:
    """Problems between fields: (path, whether the path's key is meant, message)."""
    problems: _Deferred = []
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
    missing = [name for name in REQUIRED_RATES if name not in policy.rates]
    if missing:
        problems.append(
            (("rates",), True, f"the program's rates must be defined: missing {', '.join(missing)}")
        )
    previous: ProgramPeriod | None = None
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
    return good_faith_policy_from(
        load_yaml_file(file, display_name=str(shown_path(file)), error=RulesetError)
    )


def good_faith_policy_from(doc: YamlDocument) -> GoodFaithPolicy:
    """The policy a YAML document already read holds (a bundle reads each file once)."""
    deferred: _Deferred = []
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
