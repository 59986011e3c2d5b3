"""The words of the Good Faith findings: rates, windows, times and counts as people read them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from ipp_rules.goodfaith.policy import GoodFaithPolicy, RateDefinition, Threshold
from ipp_rules.goodfaith.ratios import percent_text
from ipp_rules.goodfaith.results import Rate

__all__ = ["joined", "local_time", "months", "rate_message", "requests", "submitted"]


def rate_message(
    policy: GoodFaithPolicy,
    definition: RateDefinition,
    rate: Rate,
    threshold: Threshold,
    window: str,
    reason: str | None,
) -> str:
    """Why a rate misses its threshold, overall or for one reason code."""
    subject = (
        f"For reason code {reason}, the {definition.title}"
        if reason
        else (f"The {definition.title}")
    )
    need = f"it must be {'at least' if threshold.bound == 'min' else 'at most'} " + percent_text(
        threshold.value
    )
    denominator = policy.record_sets[definition.denominator].description
    numerator = policy.record_sets[definition.numerator].description
    if rate.percent is None:
        return f"{subject} cannot be measured {window}: there are no {denominator}; {need}."
    return (
        f"{subject} {window} is {rate.percent}, counting {numerator} "
        f"({rate.numerator}) out of {denominator} ({rate.denominator}); {need}."
    )


def joined(names: Sequence[str]) -> str:
    """``taobao, tmall and tmall_global``."""
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def local_time(moment: datetime) -> str:
    """``2026-02-28 00:00`` (seconds only when there are some)."""
    if moment.second or moment.microsecond:
        return moment.replace(tzinfo=None).isoformat(sep=" ")
    return moment.strftime("%Y-%m-%d %H:%M")


def submitted(moment: datetime | float, timezone: str) -> str:
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
    return f"{local_time(local)} ({timezone})"


def months(count: int) -> str:
    """``1 month``, ``3 months``."""
    return f"{count} month{'s' if count != 1 else ''}"


def requests(count: int) -> str:
    """``1 takedown request``, ``8 takedown requests``."""
    return f"{count} takedown request{'s' if count != 1 else ''}"
