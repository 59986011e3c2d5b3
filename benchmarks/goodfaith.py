"""Good Faith eligibility over a large reporting history, beside a hand-written counting loop.

    .venv/bin/python benchmarks/goodfaith.py [--n 1000000] [--repeat 5] [--models] [--quick]

Generates ``n`` records over about seven months around the as-of date (about half fall in the
three-month window), on the Tao marketplaces, AliExpress, 1688 and Lazada, with five reason
codes, every outcome and counter-notification state, and a few requests found to contain false
information. Times:

* ``evaluate_good_faith_records`` over plain tuples (the fast path);
* ``Engine.good_faith`` over the same records as mappings, parsed from JSON beforehand (not
  timed), with their times as text in two offsets: what a service holding parsed JSON calls;
* ``Engine.good_faith(history_from_csv(path))``: from the path of a CSV file of the same
  records (written beforehand, not timed) to the eligibility;
* with ``--models``, ``evaluate_good_faith`` over ``HistoryRecord`` models (built beforehand,
  not timed);
* a plain-Python loop that counts the same things by hand (requests, the two rates overall and
  per reason code, false information on every marketplace): what a service without the
  policy file would write.

Medians of ``--repeat`` runs, as records per second and as a ratio to the baseline from the
same run: the machines are shared and noisy, so only numbers from one run are compared. Every
way must give the same eligibility. The last lines state the targets, one a line, for a script
to collect: ``TARGET <name>: <seconds> s (target ≤ <bound> s) met`` (or ``MISSED``). ``--quick``
is a smoke run of 100,000 records, its bounds scaled to them; it may miss them, as a small
history spends a larger share of its time learning the halves of its times.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from ipp_rules import Engine
from ipp_rules.goodfaith import (
    COUNTER_NOTIFICATIONS,
    OUTCOMES,
    HistoryRecord,
    RecordRow,
    evaluate_good_faith,
    evaluate_good_faith_records,
    history_from_csv,
    load_good_faith_policy,
)

ROOT = Path(__file__).resolve().parents[1]
AS_OF = date(2026, 5, 31)
WINDOW = (
    datetime(2026, 2, 27, 16, tzinfo=UTC).timestamp(),  # 2026-02-28 00:00 China time
    datetime(2026, 5, 30, 16, tzinfo=UTC).timestamp(),  # 2026-05-31 00:00 China time
)
TAO = frozenset({"taobao", "tmall", "tmall_global"})
PLATFORMS = ("taobao", "tmall", "tmall_global", "aliexpress", "1688", "lazada")
PLATFORM_WEIGHTS = (40, 25, 15, 10, 5, 5)
REASONS = ("counterfeit", "test_buy", "image_misuse", "trademark_misuse", "model_not_exist")
TARGET_SECONDS = 2.0
TARGET_RECORDS = 1_000_000
OFFSETS = (timezone(timedelta(hours=8)), UTC)


def generate(n: int, seed: int = 7) -> list[RecordRow]:
    rnd = random.Random(seed)
    end = WINDOW[1] + 30 * 86400
    span = 210 * 86400
    rows: list[RecordRow] = []
    for _ in range(n):
        outcome = rnd.choices(OUTCOMES, weights=(92, 4, 2, 2))[0]
        counter = "none"
        if outcome == "taken_down":
            counter = rnd.choices(COUNTER_NOTIFICATIONS, weights=(94, 2, 3, 1))[0]
        elif outcome == "withdrawn":
            counter = rnd.choice(("none", "succeeded"))
        rows.append(
            (
                float(int(end - rnd.random() * span)),  # whole seconds, as systems export them
                rnd.choices(PLATFORMS, weights=PLATFORM_WEIGHTS)[0],
                rnd.choice(REASONS),
                outcome,
                counter,
                rnd.random() < 2e-6,
            )
        )
    return rows


def as_text(seconds: float, index: int) -> str:
    """The time as a service writes it: in China time, or in UTC for every third record."""
    return datetime.fromtimestamp(seconds, OFFSETS[index % 3 == 0]).isoformat()


def as_mappings(rows: list[RecordRow]) -> list[dict[str, Any]]:
    """The records as parsed JSON: every value its own object, as ``json.loads`` makes them."""
    documents = [
        {
            "submitted_at": as_text(ts, i),
            "platform": platform,
            "reason": reason,
            "outcome": outcome,
            "counter_notification": counter,
            "false_information": false_info,
        }
        for i, (ts, platform, reason, outcome, counter, false_info) in enumerate(rows)
    ]
    parsed: list[dict[str, Any]] = json.loads(json.dumps(documents))
    return parsed


def write_csv(rows: list[RecordRow], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(HistoryRecord.model_fields)
        for i, (ts, platform, reason, outcome, counter, false_info) in enumerate(rows):
            flag = "true" if false_info else "false"
            writer.writerow((as_text(ts, i), platform, reason, outcome, counter, flag))


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


def counts_of(result: Any) -> dict[str, Any]:
    m = result.metrics
    return {
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


def same_but_named(result: Any, other: Any) -> bool:
    """Two eligibilities alike but for how they name a record (``history[3]``, a file line)."""
    return bool(result.metrics == other.metrics) and [f.code for f in result.findings] == [
        f.code for f in other.findings
    ]


def target(name: str, seconds: float, bound: float) -> str:
    verdict = "met" if seconds <= bound else "MISSED"
    return f"TARGET {name}: {seconds:.3f} s (target ≤ {bound:g} s) {verdict}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=TARGET_RECORDS)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--models", action="store_true", help="also time the HistoryRecord path")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 100,000 records, once")
    args = parser.parse_args()
    if args.quick:
        args.n, args.repeat = 100_000, 1
    policy = load_good_faith_policy(ROOT / "rulesets")
    engine = Engine.default(backend="reference")
    rows = generate(args.n)
    mappings = as_mappings(rows)

    base_time, expected = timed(lambda: baseline(rows), args.repeat)
    fast_time, result = timed(lambda: evaluate_good_faith_records(policy, rows, AS_OF), args.repeat)
    assert counts_of(result) == expected, (counts_of(result), expected)
    map_time, from_mappings = timed(lambda: engine.good_faith(mappings, AS_OF), args.repeat)
    assert from_mappings == result, "mappings and tuples must agree"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "history.csv"
        write_csv(rows, path)
        size = path.stat().st_size
        csv_time, from_file = timed(
            lambda: engine.good_faith(history_from_csv(path), AS_OF),
            args.repeat,
        )
    assert same_but_named(from_file, result), "the file and the tuples must agree"

    m = result.metrics
    print(f"{args.n:,} records, {m.requests:,} in the window; eligible: {result.eligible}")
    print(f"(the CSV file: {size / 1e6:.1f} MB; medians of {args.repeat} runs)")
    print(f"{'':46} {'seconds':>8} {'records/s':>12} {'x baseline':>11}")
    timings = [
        ("hand-written loop (tuples in)", base_time),
        ("evaluate_good_faith_records (tuples)", fast_time),
        ("Engine.good_faith (mappings from JSON)", map_time),
        ("Engine.good_faith(history_from_csv(path))", csv_time),
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
        print(f"{name:46} {seconds:8.3f} {args.n / seconds:12,.0f} {seconds / base_time:11.2f}")
    bound = TARGET_SECONDS * args.n / TARGET_RECORDS
    records = "1M" if args.n == TARGET_RECORDS else f"{args.n:,}"
    print(target(f"good faith, {records} records as mappings", map_time, bound))
    print(target(f"good faith, {records} records from a CSV file", csv_time, bound))


if __name__ == "__main__":
    main()
