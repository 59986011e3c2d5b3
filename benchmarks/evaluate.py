"""Evaluation cost: the engine beside a hand-written Python implementation of the whole default
bundle (``handwritten.py``), measured side by side in one run.

    .venv/bin/python benchmarks/evaluate.py [--n 30000] [--rounds 15] [--memory-n 1000000]
    .venv/bin/python benchmarks/evaluate.py --quick      # small counts: a smoke run
    .venv/bin/python benchmarks/evaluate.py --check      # only the byte-identical check

First the baseline must decide every known complaint byte for byte as the engine does, on each
backend timed (``agreement.py``); if not, the run stops naming the document and the first
finding that differs. Then the rows run interleaved, round after round: each round runs every
row for a fixed number of calls, so a slow spell of the shared machine hits both sides of a
ratio alike. A row's ratio is the median over rounds of its per-round ratio to the baseline
of the same round; p50 is over every call of the row.

- one listing, dict in: ``decide(document)`` against ``Engine.evaluate(document)`` on the
  default backend, the reference evaluator and durable_rules;
- one listing, model in: ``decide_model(model)`` against ``Engine.evaluate(model)``;
- per additional listing, dict in, at 10, 300 and 3,000 listings of distinct marketplace URLs
  with categories: (t(N) - t(1)) / (N - 1), engine against baseline;
- batch: the corpus as JSON lines, one decision per line, on one core;
- memory: RSS growth over ``--memory-n`` evaluations after a warm-up, and what one evaluation
  allocates as tracemalloc sees it (Python allocations only).

The last lines are one ``TARGET <name>: <value> (target <bound>) met|MISSED`` per target.
"""

from __future__ import annotations

import argparse
import copy
import gc
import json
import os
import resource
import statistics
import sys
import time
import tracemalloc
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from agreement import CORPUS, Disagreement, check_agreement
from handwritten import decide, decide_model

from ipp_rules import Complaint, Engine
from ipp_rules.text.yaml import load_yaml_file

ROOT = Path(__file__).resolve().parents[1]
BASE = ROOT / "rulesets" / "tests" / "bases" / "taobao_rights_holder.yaml"
LISTING_COUNTS = (10, 300, 3000)

# Taobao's listing URL forms, and categories its category table places in class 25 (the
# trademark's class), so that up to 300 listings the complaint is admissible.
URL_FORMS = (
    "https://item.taobao.com/item.htm?id={id}",
    "https://world.taobao.com/item/{id}.htm",
    "https://m.intl.taobao.com/detail/detail.html?id={id}",
    "https://h5.m.taobao.com/awp/core/detail.htm?id={id}",
)
CATEGORIES = ("apparel", "clothing", "shoes", "hats")

Document = dict[str, Any]


def complaint_with(listings: int) -> Document:
    """The Taobao base complaint naming ``listings`` distinct listings, each with a category."""
    document: Document = copy.deepcopy(load_yaml_file(BASE).data)
    document["listings"] = [
        {
            "url": URL_FORMS[i % len(URL_FORMS)].format(id=680000000001 + i * 7919),
            "category": CATEGORIES[i % len(CATEGORIES)],
        }
        for i in range(listings)
    ]
    return document


# --- timing ------------------------------------------------------------------------------------


@dataclass
class Row:
    name: str
    call: Callable[[], object]
    calls: int
    """Calls per round."""
    baseline: str | None = None
    """The row this one is a ratio to (None for a baseline)."""
    per_round: list[float] = field(default_factory=list)
    """Per round, the median microseconds of a call."""
    samples: list[float] = field(default_factory=list)


def run_rounds(rows: Sequence[Row], rounds: int, progress: bool) -> None:
    """Every row, ``calls`` calls each, round after round."""
    clock = time.perf_counter_ns
    for number in range(rounds):
        for row in rows:
            call = row.call
            times = []
            for _ in range(row.calls):
                start = clock()
                call()
                times.append((clock() - start) / 1000)
            row.per_round.append(statistics.median(times))
            row.samples.extend(times)
        if progress:
            print(f"  round {number + 1}/{rounds}", file=sys.stderr, flush=True)


def ratio(row: Row, to: Row) -> float:
    """The median over rounds of the row's time over the other's, round by round."""
    return statistics.median(a / b for a, b in zip(row.per_round, to.per_round, strict=True))


# --- memory -------------------------------------------------------------------------------------


def rss_bytes() -> int:
    """The resident set size now (Linux), else the peak so far."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def rss_growth(
    decide_one: Callable[[Document], object],
    documents: Sequence[Document],
    warm_up: int,
    n: int,
    progress: str | None = None,
) -> int:
    """How much the resident set grows over ``n`` evaluations, after ``warm_up`` of them;
    ``progress`` names the side in a line on standard error every tenth of the way."""
    count = len(documents)
    for i in range(warm_up):
        decide_one(documents[i % count])
    gc.collect()
    before = rss_bytes()
    step = max(1, n // 10)
    for i in range(n):
        decide_one(documents[i % count])
        if progress and (i + 1) % step == 0:
            print(f"  {progress}: {i + 1:,} evaluations", file=sys.stderr, flush=True)
    gc.collect()
    return rss_bytes() - before


def allocations(decide_one: Callable[[], object], n: int) -> tuple[float, float]:
    """Per evaluation, as tracemalloc sees Python's allocations: the median peak above what
    was allocated before it, and the bytes still allocated after it (mean over ``n``)."""
    decide_one()
    peaks = array("q", bytes(8 * n))  # allocated before tracing: storing a peak keeps nothing
    traced = tracemalloc.get_traced_memory
    tracemalloc.start()
    try:
        gc.collect()
        start = traced()[0]
        for i in range(n):
            before = traced()[0]
            tracemalloc.reset_peak()
            decide_one()
            peaks[i] = traced()[1] - before
        gc.collect()
        kept = (traced()[0] - start) / n
    finally:
        tracemalloc.stop()
    return statistics.median(peaks), kept


# --- the run ------------------------------------------------------------------------------------


def target(name: str, value: float, bound: float, *, at_least: bool = False) -> str:
    """A ratio against its target, in the line another script collects."""
    met = value >= bound if at_least else value <= bound
    sign = ">=" if at_least else "<="
    return f"TARGET {name}: {value:.3f}x (target {sign} {bound:g}x) {'met' if met else 'MISSED'}"


BASELINE, ENGINE = "baseline", "engine (default backend)"


def timing_rows(
    engines: dict[str, Engine],
    one: Document,
    many: dict[int, Document],
    lines: Sequence[str],
    per_round: int,
) -> dict[str, Row]:
    """Every timed row by name; a row's ``baseline`` names the row it is a ratio to."""
    engine, reference, durable = engines["auto"], engines["reference"], engines["durable"]
    model = Complaint.model_validate(one)

    def baseline_batch() -> object:
        return [decide(json.loads(line)) for line in lines]

    def engine_batch() -> object:
        # JSON text in, as ipp-rules evaluate --batch reads it: validated from its bytes
        return list(engine.evaluate_many(lines, errors="return"))

    dict_in, model_in = f"{BASELINE}, 1 listing, dict in", f"{BASELINE}, 1 listing, model in"
    rows = [
        Row(dict_in, partial(decide, one), per_round),
        Row(f"{ENGINE}, 1 listing, dict in", partial(engine.evaluate, one), per_round, dict_in),
        Row(
            "engine reference, 1 listing, dict in",
            partial(reference.evaluate, one),
            per_round,
            dict_in,
        ),
        Row(
            "engine durable, 1 listing, dict in", partial(durable.evaluate, one), per_round, dict_in
        ),
        Row(model_in, partial(decide_model, model), per_round),
        Row(f"{ENGINE}, 1 listing, model in", partial(engine.evaluate, model), per_round, model_in),
    ]
    for n, document in many.items():
        # N/10 times fewer calls: t(N) - t(1) is small at 10 listings, and needs the samples.
        calls = max(1, per_round * 10 // n)
        name = f"{BASELINE}, {n} listings, dict in"
        rows.append(Row(name, partial(decide, document), calls))
        rows.append(
            Row(f"{ENGINE}, {n} listings, dict in", partial(engine.evaluate, document), calls, name)
        )
    passes = max(1, per_round // len(lines))
    rows.append(Row(f"{BASELINE}, batch", baseline_batch, passes))
    rows.append(Row(f"{ENGINE}, batch", engine_batch, passes, f"{BASELINE}, batch"))
    return {row.name: row for row in rows}


def extra_listing_costs(rows: dict[str, Row], side: str, n: int) -> list[float]:
    """Per round, the cost of each listing past the first: (t(N) - t(1)) / (N - 1)."""
    many, one = rows[f"{side}, {n} listings, dict in"], rows[f"{side}, 1 listing, dict in"]
    return [(t - t1) / (n - 1) for t, t1 in zip(many.per_round, one.per_round, strict=True)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--n",
        type=int,
        default=30_000,
        help="calls per row over all rounds, for the one-listing rows (rows "
        "with N listings make N/10 times fewer, at least one a round)",
    )
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument(
        "--memory-n",
        type=int,
        default=1_000_000,
        help="evaluations for the RSS growth, after a warm-up of 10,000",
    )
    parser.add_argument("--quick", action="store_true", help="small counts: a smoke run")
    parser.add_argument(
        "--check",
        action="store_true",
        help="only check that the baseline decides as the engine does",
    )
    args = parser.parse_args()
    if args.quick:
        args.n, args.rounds, args.memory_n = 60, 3, 2000
    warm_up = 200 if args.quick else 10_000
    traced = 50 if args.quick else 1000
    started = time.perf_counter()

    engines = {
        "auto": Engine.default(),
        "reference": Engine.default(backend="reference"),
        "durable": Engine.default(backend="durable"),
    }
    engine = engines["auto"]
    one = complaint_with(1)
    many = {n: complaint_with(n) for n in LISTING_COUNTS}
    try:
        compared = check_agreement(
            engines,
            [("one-listing complaint", one), *((f"{n} listings", d) for n, d in many.items())],
        )
    except Disagreement as exc:
        sys.exit(f"the hand-written baseline does not decide as the engine does: {exc}")
    identity = engine.bundle.identity
    print(
        f"the baseline decides {compared} complaints as the engine does, byte for byte, on "
        f"backends auto ({engine.backend}), reference and durable "
        f"(bundle {identity.name} {identity.version})"
    )
    if args.check:
        return

    lines = [line for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]
    per_round = max(1, args.n // args.rounds)
    rows = timing_rows(engines, one, many, lines, per_round)
    for row in rows.values():  # every path once (caches, durable_rules handles) before timing
        row.call()
    print(
        f"{args.rounds} rounds of {per_round} calls per one-listing row; the default backend "
        f"is {engine.backend}; batch: {len(lines)} corpus lines, JSON text in"
    )
    timing = time.perf_counter()
    run_rounds(list(rows.values()), args.rounds, progress=not args.quick)
    timing = time.perf_counter() - timing

    print(f"timing took {timing:.0f} s")
    print()
    print(f"{'':50} {'p50 us':>12} {'x baseline':>11}")
    for row in rows.values():
        shown = ratio(row, rows[row.baseline]) if row.baseline else 1.0
        print(f"{row.name:50} {statistics.median(row.samples):12.1f} {shown:11.2f}")

    print()
    print(f"{'per additional listing, dict in':50} {'us/listing':>12} {'x baseline':>11}")
    per_listing: dict[int, float] = {}
    for n in LISTING_COUNTS:
        ours = extra_listing_costs(rows, BASELINE, n)
        theirs = extra_listing_costs(rows, ENGINE, n)
        per_listing[n] = statistics.median(e / b for e, b in zip(theirs, ours, strict=True))
        print(f"{f'{BASELINE}, at {n}':50} {statistics.median(ours):12.2f} {1:11.2f}")
        print(f"{f'{ENGINE}, at {n}':50} {statistics.median(theirs):12.2f} {per_listing[n]:11.2f}")

    print()
    print(f"{'batch on one core':50} {'lines/s':>12} {'x baseline':>11}")
    throughput = 1 / ratio(rows[f"{ENGINE}, batch"], rows[f"{BASELINE}, batch"])
    for side, shown in ((BASELINE, 1.0), (ENGINE, throughput)):
        seconds = statistics.median(rows[f"{side}, batch"].per_round) / 1e6
        print(f"{f'{side}, batch':50} {len(lines) / seconds:12.0f} {shown:11.2f}")

    print()
    print(
        f"memory, dict in: RSS growth over {args.memory_n:,} evaluations (the corpus in turn) "
        f"after {warm_up:,};\ntracemalloc (Python allocations only) over {traced:,} "
        "evaluations of the one-listing complaint: median peak, and bytes kept per evaluation"
    )
    print(f"{'':50} {'RSS MB':>12} {'peak KiB':>11} {'kept B':>8}")
    documents = [json.loads(line) for line in lines]
    growth: dict[str, float] = {}
    for side, decide_one in ((BASELINE, decide), (ENGINE, engine.evaluate)):
        progress = None if args.quick else side
        growth[side] = rss_growth(decide_one, documents, warm_up, args.memory_n, progress) / 1e6
        peak, kept = allocations(partial(decide_one, one), traced)
        print(f"{side:50} {growth[side]:12.2f} {peak / 1024:11.1f} {kept:8.1f}")

    print()
    print(f"run took {time.perf_counter() - started:.0f} s")
    one_listing = ratio(
        rows[f"{ENGINE}, 1 listing, dict in"], rows[f"{BASELINE}, 1 listing, dict in"]
    )
    model_in = ratio(
        rows[f"{ENGINE}, 1 listing, model in"], rows[f"{BASELINE}, 1 listing, model in"]
    )
    print(target("one listing dict in", one_listing, 1.5))
    for n in LISTING_COUNTS:
        print(target(f"per additional listing at {n}", per_listing[n], 2))
    print(target("model in", model_in, 2))
    print(target("batch throughput", throughput, 0.7, at_least=True))
    rss = growth[ENGINE]
    print(f"TARGET RSS growth: {rss:.2f} MB (target < 5 MB) {'met' if rss < 5 else 'MISSED'}")


if __name__ == "__main__":
    main()
