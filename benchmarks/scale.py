"""Beyond one process: complaints per second on a Dask LocalCluster with one and with two
worker processes, beside the same partition function in this process; and Good Faith for
every account over ten million records.

    .venv/bin/python benchmarks/scale.py [--copies 250] [--rounds 3] [--part-size 1MB]
                                         [--records 10000000] [--quick]

**Decisions.** The bundled corpus (``docs/examples/corpus.jsonl``) written ``--copies`` times
into one JSON Lines file (about 50,000 complaints at 250), cut into parts of ``--part-size``
bytes (``ipp_rules.dask.parts``). Each way does exactly what ``ipp-rules evaluate --batch
FILE --scheduler ... --output FOLDER/`` does for every part: ``finish_part(evaluate_part(...))``,
which decides the part's lines and writes its rows as a JSON Lines part file (the same input,
the same output):

* ``in-process``: the parts one after another in this process;
* ``dask, 1 worker`` and ``dask, 2 workers``: the parts as tasks on a LocalCluster of one or two
  single-threaded worker processes (both clusters started before the rounds, idle when not
  timed), gathered as the command gathers them.

A first round, not timed, builds every worker's engine and checks that every way wrote the
same bytes. The ways then run interleaved, round-robin, each the median of its rounds. The
speed-up target is per worker added while processors are free: two workers at least 0.8 x 2 =
1.6 times one worker when two processors are free, scaled down (as ``batch.py`` does) when the
load average says fewer are.

**Good Faith for every account**: see ``goodfaith_all.py``, run here with ``--records``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ipp_rules.engine.batch import available_cores
from ipp_rules.scale.bundles import bundle_payload
from ipp_rules.scale.outputs import OutputFolder, finish_part
from ipp_rules.scale.partitions import evaluate_part
from ipp_rules.scale.sources import Part, count_newlines, find_inputs, number_parts, plan_parts

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "docs" / "examples" / "corpus.jsonl"
TIMES = "\u00d7"
EFFICIENCY = 0.8
WORKERS = 2


def free_cores() -> float:
    """Processors this process may use, less the load of the last minute."""
    return max(0.0, available_cores() - os.getloadavg()[0])


def planned(path: Path, part_size: int) -> list[Part]:
    parts = plan_parts(find_inputs(str(path)), blocksize=part_size)
    counts = {i: count_newlines(part) for i, part in enumerate(parts) if part.before < 0}
    return number_parts(parts, counts)


def written(folder: Path) -> bytes:
    return b"".join(path.read_bytes() for path in sorted(folder.glob("part-*.jsonl")))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=250)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--part-size", type=int, default=1 << 20)
    parser.add_argument("--records", type=int, default=10_000_000)
    parser.add_argument("--quick", action="store_true", help="small counts: a smoke run")
    args = parser.parse_args()
    if args.quick:
        args.copies, args.rounds, args.part_size, args.records = 20, 1, 256 << 10, 200_000

    from distributed import Client, LocalCluster

    work = Path(tempfile.mkdtemp(prefix="ipp-rules-scale-"))
    try:
        corpus = work / "corpus.jsonl"
        text = CORPUS.read_bytes()
        corpus.write_bytes(text * args.copies)
        parts = planned(corpus, args.part_size)
        complaints = text.count(b"\n") * args.copies
        payload = bundle_payload(ROOT / "rulesets")
        print(
            f"{complaints} complaints in {corpus.stat().st_size / 1e6:.1f} MB, {len(parts)} parts "
            f"of about {args.part_size >> 10} KiB; {available_cores()} processors, load "
            f"{os.getloadavg()[0]:.2f}"
        )

        def job(run: Callable[[list[Any]], list[Any]]) -> Callable[[str], float]:
            def timed(name: str) -> float:
                folder = OutputFolder(str(work / name), "jsonl")
                started = time.perf_counter()
                tasks = [(part, index) for index, part in enumerate(parts)]
                done = run([(t, folder.staging_url) for t in tasks])
                folder.finish()
                seconds = time.perf_counter() - started
                assert sum(d.rows for d in done) == complaints
                return seconds

            return timed

        def in_process(tasks: list[Any]) -> list[Any]:
            return [
                finish_part(evaluate_part(payload, part), index, "evaluate", "jsonl", staging)
                for (part, index), staging in tasks
            ]

        def on(client: Any) -> Callable[[list[Any]], list[Any]]:
            from dask.delayed import delayed

            def run(tasks: list[Any]) -> list[Any]:
                packed = delayed(payload, name=f"bundle-{payload.sha256}")
                graph = [
                    delayed(finish_part)(
                        delayed(evaluate_part)(packed, part), index, "evaluate", "jsonl", staging
                    )
                    for (part, index), staging in tasks
                ]
                futures = client.compute(graph)
                return [future.result() for future in futures]

            return run

        with (
            LocalCluster(n_workers=1, threads_per_worker=1, dashboard_address="127.0.0.1:0") as one,
            LocalCluster(
                n_workers=WORKERS, threads_per_worker=1, dashboard_address="127.0.0.1:0"
            ) as two,
            Client(one) as client_one,
            Client(two) as client_two,
        ):
            ways: dict[str, Callable[[str], float]] = {
                "in-process": job(in_process),
                "dask, 1 worker": job(on(client_one)),
                f"dask, {WORKERS} workers": job(on(client_two)),
            }
            # The first round: engines built everywhere, and every way writes the same bytes.
            outputs = {}
            for name, way in ways.items():
                folder = f"check-{len(outputs)}"
                way(folder)
                outputs[name] = written(work / folder)
            first = next(iter(outputs.values()))
            for name, data in outputs.items():
                if data != first:
                    sys.exit(f"{name} wrote other rows than in-process: the run stops")
            print(f"checked: every way wrote the same {len(first) / 1e6:.1f} MB of rows")
            free = free_cores()
            times: dict[str, list[float]] = {name: [] for name in ways}
            names = list(ways)
            for round_ in range(args.rounds):
                for shift in range(len(names)):
                    name = names[(round_ + shift) % len(names)]
                    times[name].append(ways[name](f"r{round_}-{shift}"))
                    shutil.rmtree(work / f"r{round_}-{shift}")
        rate = {name: complaints / statistics.median(seconds) for name, seconds in times.items()}
        print()
        print(f"{'way':<18} {'complaints/s':>12}  {'x in-process':>12}")
        for name in names:
            print(f"{name:<18} {rate[name]:12.0f}  {rate[name] / rate['in-process']:12.2f}")
        print(f"load average after the rounds: {os.getloadavg()[0]:.2f}")
        speed_up = rate[f"dask, {WORKERS} workers"] / rate["dask, 1 worker"]
        target = EFFICIENCY * max(1.0, min(WORKERS, free))
        print(
            f"TARGET dask {WORKERS} workers speed-up: {speed_up:.2f}{TIMES} 1 worker (target "
            f"\u2265 {target:.2f}{TIMES} while {free:.1f} cores are free) "
            + ("met" if speed_up >= target else "MISSED")
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
