"""Business-day arithmetic: the precomputed rank table against asking ``holidays`` day by day,
measured side by side in one run; then build time and memory of the marketplace calendars.

    .venv/bin/python benchmarks/calendars.py [--n 20000]

``add_business_days(d, 3)`` on China's calendar over the same random start dates (a fixed
seed, 2000-01-01..2026-09-30) three ways: ours (table lookups), a loop calling
``holidays``' ``is_working_day`` day after day (what code without a table does), and
``holidays``' own ``get_nth_working_day``. The ``holidays`` object is built for the same
years up front (``expand=False``), so its timings include no year population. All three must
give the same answers. Reported as microseconds per call (mean over the whole batch; the
per-call timer overhead would dominate a single sub-microsecond call) and as the ratio to
ours. Machines are shared and noisy: compare numbers from the same run only.
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import time
import tracemalloc
from collections.abc import Callable
from datetime import date, timedelta

import holidays
from holidays import HolidayBase

from ipp_rules.calendars import BusinessCalendar
from ipp_rules.policies.base import CalendarSpec

FIRST_YEAR, LAST_YEAR = 2000, 2027
N_DAYS = 3

MARKETPLACE_CALENDARS = (
    CalendarSpec("CN"),
    CalendarSpec("ID", categories=("public", "government")),
    CalendarSpec("MY", "14"),
    CalendarSpec("MY", "KDH"),
    CalendarSpec("PH", categories=("public", "workday")),
    CalendarSpec("SG"),
    CalendarSpec("TH"),
    CalendarSpec("VN"),
)


def day_by_day(source: HolidayBase, d: date, n: int) -> date:
    """The n-th working day after d, asking ``holidays`` about one day at a time."""
    one = timedelta(days=1)
    counted = 0
    while counted < n:
        d += one
        if source.is_working_day(d):
            counted += 1
    return d


def per_call_us(fn: Callable[[date], object], starts: list[date], repeats: int) -> float:
    """Microseconds per call: the median over ``repeats`` batches of the batch mean."""
    batches = []
    for _ in range(repeats):
        begin = time.perf_counter_ns()
        for d in starts:
            fn(d)
        batches.append((time.perf_counter_ns() - begin) / len(starts) / 1000)
    return statistics.median(batches)


def arithmetic(n: int) -> None:
    spec = CalendarSpec("CN")
    ours = BusinessCalendar(spec, first_year=FIRST_YEAR, last_year=LAST_YEAR)
    source = holidays.country_holidays(
        "CN", years=range(FIRST_YEAR, LAST_YEAR + 1), categories=("public",), expand=False
    )
    rng = random.Random(20261128)
    first, last = date(FIRST_YEAR, 1, 1).toordinal(), date(2026, 9, 30).toordinal()
    starts = [date.fromordinal(rng.randint(first, last)) for _ in range(n)]
    for d in starts:
        expected = ours.add_business_days(d, N_DAYS)
        assert day_by_day(source, d, N_DAYS) == expected, d
        assert source.get_nth_working_day(d, N_DAYS) == expected, d

    add = ours.add_business_days
    nth = source.get_nth_working_day
    rows = {
        "ours: rank table": per_call_us(lambda d: add(d, N_DAYS), starts, 5),
        "holidays: is_working_day loop": per_call_us(
            lambda d: day_by_day(source, d, N_DAYS), starts, 3
        ),
        "holidays: get_nth_working_day": per_call_us(lambda d: nth(d, N_DAYS), starts, 3),
    }
    base = rows["ours: rank table"]
    print(f"add_business_days(d, {N_DAYS}), China {FIRST_YEAR}-{LAST_YEAR}, {n} random starts")
    print(f"{'':32} {'us/call':>9} {'x ours':>8}")
    for name, us in rows.items():
        print(f"{name:32} {us:9.3f} {us / base:8.1f}")
    between = per_call_us(lambda d: ours.business_days_between(d, d), starts, 5)
    is_day = per_call_us(ours.is_business_day, starts, 5)
    print(f"{'ours: business_days_between':32} {between:9.3f}")
    print(f"{'ours: is_business_day':32} {is_day:9.3f}")


def building() -> None:
    """Cold: the first builds in this process, horizons included (timed without tracemalloc,
    which slows allocation-heavy code several times); then memory, on a second build."""
    begin = time.perf_counter()
    calendars = [
        BusinessCalendar(spec, first_year=FIRST_YEAR, last_year=LAST_YEAR)
        for spec in MARKETPLACE_CALENDARS
    ]
    build_s = time.perf_counter() - begin
    del calendars
    gc.collect()
    tracemalloc.start()
    before, _ = tracemalloc.get_traced_memory()
    tracemalloc.reset_peak()
    calendars = [
        BusinessCalendar(spec, first_year=FIRST_YEAR, last_year=LAST_YEAR)
        for spec in MARKETPLACE_CALENDARS
    ]
    gc.collect()
    after, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    count = len(calendars)
    print(f"{count} calendars {FIRST_YEAR}-{LAST_YEAR}:")
    print(
        f"  build all, holidays + tables:                          {build_s * 1000:7.1f} ms"
        f"  ({build_s * 1000 / count:.1f} ms each)"
    )
    print(
        f"  retained by the calendars:  {(after - before) / 1024:8.1f} KiB"
        f"  ({(after - before) / 1024 / count:.1f} KiB each)"
    )
    print(f"  peak while building:        {(peak - before) / 1024:8.1f} KiB")
    for cal in calendars:
        print(f"    {cal.name:<22} horizon {cal.horizon.isoformat()} ({cal.horizon_source})")
    print()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=20000)
    n = parser.parse_args().n
    building()
    arithmetic(n)


if __name__ == "__main__":
    main()
