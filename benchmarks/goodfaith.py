"""Good Faith eligibility over a large reporting history, beside a hand-written counting loop.

    .venv/bin/python benchmarks/goodfaith.py [--n 1000000] [--repeat 5] [--models]

Generates ``n`` records over about seven months around the as-of date (about half fall in the
three-month window), on the Tao marketplaces and AliExpress, with five reason codes. Times:

* ``evaluate_good_faith_records`` over plain tuples (the fast path);
* with ``--models``, ``evaluate_good_faith`` over ``HistoryRecord`` models (built beforehand,
  not timed);
* a plain-Python loop that counts the same things by hand (requests, the two rates overall and
  per reason code, false information on every marketplace): what a service without the
  policy file would write.

Medians of ``--repeat`` runs, as records per second and as a ratio to the baseline from the
same run: the machines are shared and noisy, so only numbers from one run are compared.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from ipp_rules.goodfaith import (
    COUNTER_NOTIFICATIONS,
    OUTCOMES,
    HistoryRecord,
    RecordRow,
    evaluate_good_faith,
    evaluate_good_faith_records,
    load_good_faith_policy,
)

ROOT = Path(__file__).resolve().parents[1]
AS_OF = date(2026, 5, 31)
WINDOW = (
    datetime(2026, 2, 27, 16, tzinfo=UTC).timestamp(),  # 2026-02-28 00:00 China time
    datetime(2026, 5, 30, 16, tzinfo=UTC).timestamp(),  # 2026-05-31 00:00 China time
)
TAO = frozenset({"taobao", "tmall", "tmall_global"})
REASONS = ("counterfeit", "test_buy", "image_misuse", "trademark_misuse", "model_not_exist")


def generate(n: int, seed: int = 7) -> list[RecordRow]:
    rnd = random.Random(seed)
    end = WINDOW[1] + 30 * 86400
    span = 210 * 86400
    platforms = ("taobao", "tmall", "tmall_global", "aliexpress")
    rows: list[RecordRow] = []
    for _ in range(n):
        outcome = rnd.choices(OUTCOMES, weights=(92, 4, 2, 2))[0]
        counter = "none"
        if outcome == "taken_down":
            counter = rnd.choices(COUNTER_NOTIFICATIONS, weights=(94, 2, 3, 1))[0]
        rows.append(
            (
                end - rnd.random() * span,
                rnd.choice(platforms),
                rnd.choice(REASONS),
                outcome,
                counter,
                False,
            )
        )
    return rows


def baseline(rows: list[RecordRow]) -> dict[str, Any]:
    """The 2022 rules' counts, written by hand for these definitions only."""
    start, end = WINDOW
    requests = false_information = 0
    per_reason: dict[str, list[int]] = {}  # reason -> [requests, taken down, ruled on, reinstated]
    for ts, platform, reason, outcome, counter, false_info in rows:
        if ts >= end:
            continue
        if false_info:  # on every marketplace of the account
            false_information += 1
        if platform not in TAO or ts < start:
            continue
        requests += 1
        counts = per_reason.get(reason)
        if counts is None:
            counts = per_reason[reason] = [0, 0, 0, 0]
        counts[0] += 1
        taken_down = outcome == "taken_down" or (outcome == "withdrawn" and counter != "none")
        if taken_down:
            counts[1] += 1
            counts[2] += 1
        elif outcome == "rejected":
            counts[2] += 1
        if counter == "succeeded":
            counts[3] += 1
    totals = [sum(c[i] for c in per_reason.values()) for i in range(4)]
    return {
        "requests": requests,
        "success": (totals[1], totals[2]),
        "counter": (totals[3], totals[1]),
        "false_information": false_information,
        "per_reason": {r: (c[1], c[2], c[3], c[1]) for r, c in sorted(per_reason.items())},
    }


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    samples = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples), result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--models", action="store_true", help="also time the HistoryRecord path")
    args = parser.parse_args()
    policy = load_good_faith_policy(ROOT / "rulesets")
    rows = generate(args.n)

    base_time, expected = timed(lambda: baseline(rows), args.repeat)
    fast_time, result = timed(lambda: evaluate_good_faith_records(policy, rows, AS_OF), args.repeat)
    m = result.metrics
    got = {
        "requests": m.requests,
        "success": (m.takedown_success_rate.numerator, m.takedown_success_rate.denominator),
        "counter": (
            m.counter_notification_success_rate.numerator,
            m.counter_notification_success_rate.denominator,
        ),
        "false_information": m.false_information,
        "per_reason": {
            reason: (
                r.rates["takedown_success_rate"].numerator,
                r.rates["takedown_success_rate"].denominator,
                r.rates["counter_notification_success_rate"].numerator,
                r.rates["counter_notification_success_rate"].denominator,
            )
            for reason, r in m.per_reason.items()
        },
    }
    assert got == expected, (got, expected)

    print(f"{args.n:,} records, {m.requests:,} in the window; eligible: {result.eligible}")
    print(f"{'':40} {'seconds':>8} {'records/s':>12} {'x baseline':>11}")
    timings = [
        ("hand-written loop (tuples in)", base_time),
        ("evaluate_good_faith_records (tuples)", fast_time),
    ]
    if args.models:
        records = [
            HistoryRecord.model_construct(
                submitted_at=datetime.fromtimestamp(ts, UTC),
                platform=platform,
                reason=reason,
                outcome=outcome,
                counter_notification=counter,
                false_information=false_info,
            )
            for ts, platform, reason, outcome, counter, false_info in rows
        ]
        model_time, model_result = timed(
            lambda: evaluate_good_faith(policy, records, AS_OF), args.repeat
        )
        assert model_result == result
        timings.append(("evaluate_good_faith (HistoryRecord)", model_time))
    for name, seconds in timings:
        print(f"{name:40} {seconds:8.3f} {args.n / seconds:12,.0f} {seconds / base_time:11.2f}")


if __name__ == "__main__":
    main()
