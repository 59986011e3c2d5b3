"""Good Faith eligibility of every account of a large history at once.

    .venv/bin/python benchmarks/goodfaith_all.py [--n 10000000] [--accounts 50000]
        [--csv-n 1000000] [--quick]

Generates ``n`` records (Parquet, in row groups of 1M, cached in the temporary folder: the
generation is not timed) over about seven months around the as-of date for ``accounts``
accounts, on the Tao marketplaces, AliExpress, 1688 and Lazada, with five reason codes, every
outcome and counter-notification state, times as text in two offsets, and a few requests found
to contain false information. Then, each in a child process (so its peak RSS is its own):

* ``Engine.good_faith_all(path)`` on the Parquet file: seconds, and the peak RSS;
* the same on a CSV file of the first ``csv-n`` records, for comparison.

The last lines state the target, for a script to collect:
``TARGET <name>: <seconds> s (target ≤ <bound> s) met`` (or ``MISSED``). ``--quick`` is a
smoke run of 200,000 records and 2,000 accounts, its bound scaled to them.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
AS_OF = date(2026, 5, 31)
TARGET_SECONDS = 10.0
TARGET_RECORDS = 10_000_000
PLATFORMS = ["taobao", "tmall", "tmall_global", "aliexpress", "1688", "lazada"]
REASONS = ["counterfeit", "test_buy", "image_misuse", "trademark_misuse", "model_not_exist"]
PAIRS = [  # (outcome, counter_notification, weight)
    ("taken_down", "none", 86),
    ("taken_down", "succeeded", 2),
    ("taken_down", "failed", 3),
    ("taken_down", "pending", 1),
    ("rejected", "none", 4),
    ("withdrawn", "none", 1),
    ("withdrawn", "succeeded", 1),
    ("pending", "none", 2),
]
ROW_GROUP = 1_000_000


def generate(path: Path, n: int, accounts: int, seed: int = 7) -> None:
    """``n`` records to a Parquet file, a row group at a time (numpy, vectorised)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    rng = np.random.default_rng(seed)
    end = 1780156800 + 30 * 86400  # 2026-05-30T16:00Z (as-of, China time) + 30 days
    span = 210 * 86400
    names = pa.array([f"ipp-{i:07d}" for i in range(accounts)])
    weights = np.array([40, 25, 15, 10, 5, 5], dtype=float)
    pair_weights = np.array([w for _, _, w in PAIRS], dtype=float)
    writer = None
    tmp = path.with_suffix(".partial")
    try:
        for start in range(0, n, ROW_GROUP):
            size = min(ROW_GROUP, n - start)
            seconds = end - rng.integers(0, span, size)
            china = rng.random(size) < 2 / 3
            local = seconds + np.where(china, 8 * 3600, 0)
            text = pc.strftime(pa.array(local.astype("datetime64[s]")), format="%Y-%m-%dT%H:%M:%S")
            suffix = pa.array(np.where(china, "+08:00", "Z"))
            times = pc.binary_join_element_wise(text, suffix, "")
            pair = rng.choice(len(PAIRS), size, p=pair_weights / pair_weights.sum())
            table = pa.table(
                {
                    "account": names.take(pa.array(rng.integers(0, accounts, size))),
                    "submitted_at": times,
                    "platform": pa.array(PLATFORMS).take(
                        pa.array(rng.choice(6, size, p=weights / weights.sum()))
                    ),
                    "reason": pa.array(REASONS).take(pa.array(rng.integers(0, 5, size))),
                    "outcome": pa.array([o for o, _, _ in PAIRS]).take(pa.array(pair)),
                    "counter_notification": pa.array([c for _, c, _ in PAIRS]).take(pa.array(pair)),
                    "false_information": pa.array(rng.random(size) < 2e-6),
                }
            )
            if writer is None:
                writer = pq.ParquetWriter(tmp, table.schema, compression="snappy")
            writer.write_table(table, row_group_size=ROW_GROUP)
    finally:
        if writer is not None:
            writer.close()
    os.replace(tmp, path)


def write_csv(parquet: Path, path: Path, n: int) -> None:
    import pyarrow.csv as pcsv
    import pyarrow.parquet as pq

    table = pq.read_table(parquet).slice(0, n)
    tmp = path.with_suffix(".partial")
    pcsv.write_csv(table, tmp, pcsv.WriteOptions(quoting_style="none"))
    os.replace(tmp, path)


def child(path: str) -> None:
    """Time ``Engine.good_faith_all`` on ``path``; print seconds, peak RSS and a summary."""
    from ipp_rules import Engine

    engine = Engine.default()
    started = time.perf_counter()
    result = engine.good_faith_all(path, AS_OF)
    table = result.to_arrow()
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(
        json.dumps(
            {
                "seconds": seconds,
                "peak_mib": peak,
                "accounts": len(result),
                "eligible": result.eligible,
                "rows": table.num_rows,
            }
        )
    )


def run(path: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", str(path)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    result: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=TARGET_RECORDS)
    parser.add_argument("--accounts", type=int, default=50_000)
    parser.add_argument("--csv-n", type=int, default=1_000_000)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    if args.quick:
        args.n, args.accounts, args.csv_n = 200_000, 2_000, 20_000
    folder = Path(tempfile.gettempdir()) / "ipp-rules-benchmarks"
    folder.mkdir(exist_ok=True)
    parquet = folder / f"goodfaith-all-{args.n}-{args.accounts}.parquet"
    if not parquet.exists():
        print(f"generating {args.n:,} records for {args.accounts:,} accounts in {parquet}")
        generate(parquet, args.n, args.accounts)
    csv = folder / f"goodfaith-all-{args.n}-{args.accounts}-{args.csv_n}.csv"
    if not csv.exists():
        write_csv(parquet, csv, args.csv_n)
    measured = run(parquet)
    print(
        f"Parquet, {args.n:,} records, {measured['accounts']:,} accounts "
        f"({measured['eligible']:,} eligible): {measured['seconds']:.2f} s, "
        f"{args.n / measured['seconds']:,.0f} records/s, peak RSS {measured['peak_mib']:,.0f} MiB"
    )
    from_csv = run(csv)
    print(
        f"CSV, {args.csv_n:,} records, {from_csv['accounts']:,} accounts: "
        f"{from_csv['seconds']:.2f} s, {args.csv_n / from_csv['seconds']:,.0f} records/s, "
        f"peak RSS {from_csv['peak_mib']:,.0f} MiB"
    )
    bound = TARGET_SECONDS * args.n / TARGET_RECORDS
    verdict = "met" if measured["seconds"] <= bound else "MISSED"
    print(
        f"TARGET good_faith_all_parquet: {measured['seconds']:.2f} s "
        f"(target ≤ {bound:g} s) {verdict}"
    )


if __name__ == "__main__":
    main()
