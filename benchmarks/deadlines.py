"""Deadlines per second: ours (fast path and public model) against asking ``holidays`` day by
day for the same answers, measured side by side in one run.

    .venv/bin/python benchmarks/deadlines.py [--n 20000]

The workload: ``n`` trigger instants (a fixed seed) between 2018-01-02 and 2026-09-30, written
in UTC, spread over the seven marketplace calendars (Taobao's China calendar and the six Lazada
countries), asking for the merchant's counter-notification window (end of day), once as
shipped (3 business days) and once set to 10. Four ways to the same ``(due, last_day)``:

- ``compute_due``: our fast path, a tuple;
- ``compute_deadline``: the public call, returning the validated ``Deadline`` model;
- ``holidays`` day by day: convert to the marketplace timezone, then call ``is_working_day``
  on each following day until N are counted (what code without a table does);
- ``holidays.get_nth_working_day``: the package's own n-th working day, same conversion.

The ``holidays`` objects are built for the same years up front (``expand=False``), so their
timings include no year population; our calendars and per-(marketplace, kind) plans are also
built before timing (the first use is reported separately). All four must agree on every
instant. Reported as microseconds per deadline (median over repeats of the batch mean) and as
the ratio to the fast path. Machines are shared and noisy: compare numbers from the same run.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import holidays
from holidays import HolidayBase

from ipp_rules.calendars import NON_CLOSING_CATEGORIES, clear_calendar_cache
from ipp_rules.deadlines import DeadlinePolicy, compute_deadline, compute_due, load_deadline_policy

KIND = "merchant_counter_notification"
N_DAYS = (3, 10)
MARKETPLACES: tuple[tuple[str, str | None], ...] = (
    ("taobao", None),
    ("lazada", "ID"),
    ("lazada", "MY"),
    ("lazada", "PH"),
    ("lazada", "SG"),
    ("lazada", "TH"),
    ("lazada", "VN"),
)
BUNDLE = Path(__file__).resolve().parents[1] / "rulesets"

Case = tuple[datetime, str, str | None]


def day_by_day(
    source: HolidayBase, zone: ZoneInfo, received: datetime, n: int
) -> tuple[datetime, date]:
    """The deadline asking ``holidays`` about one day at a time."""
    d = received.astimezone(zone).date()
    one = timedelta(days=1)
    counted = 0
    while counted < n:
        d += one
        if source.is_working_day(d):
            counted += 1
    return datetime.combine(d + one, datetime.min.time(), zone), d


def nth(source: HolidayBase, zone: ZoneInfo, received: datetime, n: int) -> tuple[datetime, date]:
    d = source.get_nth_working_day(received.astimezone(zone).date(), n)
    return datetime.combine(d + timedelta(days=1), datetime.min.time(), zone), d


def per_call_us(fn: Callable[[Case], object], cases: list[Case], repeats: int) -> float:
    batches = []
    for _ in range(repeats):
        begin = time.perf_counter_ns()
        for case in cases:
            fn(case)
        batches.append((time.perf_counter_ns() - begin) / len(cases) / 1000)
    return statistics.median(batches)


def first_use() -> DeadlinePolicy:
    """Load the policy and resolve every deadline with calendars built from nothing."""
    clear_calendar_cache()
    begin = time.perf_counter()
    policy = load_deadline_policy(BUNDLE)
    loaded = time.perf_counter()
    policy.warm_up()
    warmed = time.perf_counter()
    print(
        f"first use: load deadlines.yaml {(loaded - begin) * 1000:.1f} ms, build every calendar "
        f"and resolve every (marketplace, country, kind) {(warmed - loaded) * 1000:.1f} ms"
    )
    return policy


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=20000)
    n = parser.parse_args().n
    policy = first_use()

    rng = random.Random(20261128)
    first = datetime(2018, 1, 2, tzinfo=UTC).timestamp()
    last = datetime(2026, 9, 30, tzinfo=UTC).timestamp()
    cases: list[Case] = []
    for _ in range(n):
        platform, country = rng.choice(MARKETPLACES)
        moment = datetime.fromtimestamp(rng.uniform(first, last), UTC).replace(microsecond=0)
        cases.append((moment, platform, country))

    sources: dict[tuple[str, str | None], tuple[HolidayBase, ZoneInfo]] = {}
    for platform, country in MARKETPLACES:
        calendar = policy.calendar_for(platform, country)
        spec = calendar.spec
        source = holidays.country_holidays(
            spec.country,
            subdiv=spec.subdivision,
            years=range(policy.calendars.first_year, policy.calendars.last_year + 1),
            categories=[c for c in spec.categories if c not in NON_CLOSING_CATEGORIES],
            expand=False,
        )
        timezone = compute_deadline(policy, platform, KIND, cases[0][0], country).timezone
        sources[(platform, country)] = (source, ZoneInfo(timezone))

    for n_days in N_DAYS:
        compare(with_window(policy, n_days), n_days, cases, sources)


def with_window(policy: DeadlinePolicy, n_days: int) -> DeadlinePolicy:
    """``policy`` with the merchant's window set to ``n_days`` business days."""
    data = policy.model_dump(mode="json")
    data["deadlines"][KIND]["default"] = {"business_days": n_days}
    changed = DeadlinePolicy.model_validate(data)
    changed.warm_up()
    return changed


def compare(
    policy: DeadlinePolicy,
    n_days: int,
    cases: list[Case],
    sources: dict[tuple[str, str | None], tuple[HolidayBase, ZoneInfo]],
) -> None:
    for moment, platform, country in cases:
        due, last_day, estimate = compute_due(policy, platform, KIND, moment, country)
        deadline = compute_deadline(policy, platform, KIND, moment, country)
        assert (deadline.due, deadline.last_day, deadline.estimate) == (due, last_day, estimate)
        source, zone = sources[(platform, country)]
        expected = (due, last_day)
        assert day_by_day(source, zone, moment, n_days) == expected, (moment, platform, country)
        assert nth(source, zone, moment, n_days) == expected, (moment, platform, country)

    def fast(case: Case) -> object:
        return compute_due(policy, case[1], KIND, case[0], case[2])

    def model(case: Case) -> object:
        return compute_deadline(policy, case[1], KIND, case[0], case[2])

    def hours(case: Case) -> object:
        return compute_due(policy, case[1], "takedown_processing", case[0], case[2])

    def daily(case: Case) -> object:
        source, zone = sources[(case[1], case[2])]
        return day_by_day(source, zone, case[0], n_days)

    def nth_day(case: Case) -> object:
        source, zone = sources[(case[1], case[2])]
        return nth(source, zone, case[0], n_days)

    rows = {
        "ours: compute_due (tuple)": per_call_us(fast, cases, 7),
        "ours: compute_deadline (model)": per_call_us(model, cases, 7),
        "holidays: is_working_day loop": per_call_us(daily, cases, 3),
        "holidays: get_nth_working_day": per_call_us(nth_day, cases, 3),
    }
    base = rows["ours: compute_due (tuple)"]
    model_us = rows["ours: compute_deadline (model)"]
    print()
    print(
        f"{KIND}, {n_days} business days, {len(cases)} random instants over 7 marketplace "
        "calendars, all four in agreement"
    )
    print(f"{'':34} {'us/deadline':>12} {'x fast path':>12}")
    for name, us in rows.items():
        print(f"{name:34} {us:12.3f} {us / base:12.1f}")
    print(
        f"building the Deadline model: {model_us - base:.3f} us of {model_us:.3f} "
        f"({(model_us - base) / model_us:.0%})"
    )
    if n_days == N_DAYS[0]:
        print(f"{'ours: takedown_processing (hours)':34} {per_call_us(hours, cases, 7):12.3f}")


if __name__ == "__main__":
    main()
