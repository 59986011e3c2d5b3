"""Batch evaluation: complaints per second as ``ipp-rules evaluate --batch`` decides them, in
one process and in two, beside a plain loop.

    .venv/bin/python benchmarks/batch.py [--lines 20000] [--rounds 3] [--backend auto]

The bundled corpus (``docs/examples/corpus.jsonl``) repeated to about ``--lines`` JSON lines,
held as bytes, each decided and written back as its decision's JSON text (what ``--batch``
outputs), four ways:

* ``loop``: ``engine.evaluate(json.loads(line)).model_dump_json()`` for each line, what a
  caller writes today;
* ``jobs=1``: ``evaluate_many_text(engine, lines)``, what ``--batch`` runs, in this process
  (JSON validated from bytes);
* ``jobs=2``: the same with ``jobs=2``, two worker processes, their start-up counted, as a
  command pays it;
* ``models, jobs=2``: ``engine.evaluate_many(lines, jobs=2)`` and ``model_dump_json()`` here:
  the decisions come back as models, which this process rebuilds before writing them. Shown
  beside ``jobs=2``, not a target: what a caller of the Python API pays for having models.

A first round, not timed, checks that every way writes the same lines. The ways then run
interleaved, round-robin (each round runs each way once, in turn), so a machine
that gets busier slows all of them alike; each is reported as the median of its rounds, in
complaints per second. Two processes can only go twice as fast on two processors nobody else
is using: the free processors are the ones this process may run on less the load average
before the rounds, and the target for ``jobs=2`` is 80% of what the free processors allow
(1.6x on two free; 0.8x, at most the start-up lost, on one or none). The time to the first
result shows the workers' start-up, and the processor time each way used over the time it
took shows how much of the machine it got. The last line is the target, met or missed.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from ipp_rules import Engine
from ipp_rules.engine.batch import available_cores, evaluate_many_text
from ipp_rules.engine.engine import BACKENDS

ROOT = Path(__file__).resolve().parents[1]
TIMES = "\u00d7"
CORPUS = ROOT / "docs" / "examples" / "corpus.jsonl"
JOBS = 2
EFFICIENCY = 0.8
"""The share of the ideal speed-up on free processors that the target asks for."""


def free_cores() -> float:
    """Processors this process may use, less the load of the last minute."""
    return max(0.0, available_cores() - os.getloadavg()[0])


def cpu_seconds() -> float:
    """Processor time used so far by this process and its finished children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(run: Callable[[], Iterator[str]]) -> tuple[float, float, float, int]:
    """Seconds to the first result and to the last, processor seconds used (workers
    included), and how many results there were."""
    start, cpu = time.perf_counter(), cpu_seconds()
    first, decided = 0.0, 0
    for _ in run():
        decided += 1
        if decided == 1:
            first = time.perf_counter() - start
    return first, time.perf_counter() - start, cpu_seconds() - cpu, decided


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--backend", choices=("auto", *BACKENDS), default="auto")
    options = parser.parse_args()

    corpus = CORPUS.read_bytes().splitlines()
    lines = (corpus * (options.lines // len(corpus) + 1))[: options.lines]
    engine = Engine.default(backend=options.backend)

    def loop() -> Iterator[str]:
        return (engine.evaluate(json.loads(line)).model_dump_json() for line in lines)

    def batch(jobs: int) -> Callable[[], Iterator[str]]:
        def run() -> Iterator[str]:
            for result in evaluate_many_text(engine, lines, jobs=jobs):
                yield result.json

        return run

    def models() -> Iterator[str]:
        return (d.model_dump_json() for d in engine.evaluate_many(lines, jobs=JOBS))

    ways = {"loop": loop, "jobs=1": batch(1), "jobs=2": batch(JOBS), "models, jobs=2": models}
    # Every way writes the same text: a first, untimed round checks it (and warms the caches).
    expected = list(loop())
    for name, run in ways.items():
        assert list(run()) == expected, f"{name} does not write what the loop writes"
    free = free_cores()
    print(
        f"{len(lines)} lines ({len(corpus)} distinct), backend {engine.backend}, "
        f"{available_cores()} processors, {free:.1f} free before the rounds "
        f"(load {os.getloadavg()[0]:.2f})"
    )
    seconds: dict[str, list[float]] = {name: [] for name in ways}
    firsts: dict[str, list[float]] = {name: [] for name in ways}
    used: dict[str, list[float]] = {name: [] for name in ways}
    for round_number in range(1, options.rounds + 1):
        for name, run in ways.items():
            first, elapsed, cpu, decided = timed(run)
            assert decided == len(lines), (name, decided)
            seconds[name].append(elapsed)
            firsts[name].append(first)
            used[name].append(cpu / elapsed)
            print(
                f"  round {round_number} {name:<14} {elapsed:6.2f} s (first result {first:.2f} s, "
                f"{cpu / elapsed:.2f} processors busy)"
            )
    rate = {name: len(lines) / statistics.median(times) for name, times in seconds.items()}
    print("complaints per second (median of the rounds):")
    for name in ways:
        print(f"  {name:<14} {rate[name]:8.0f}/s  {rate[name] / rate['loop']:.2f}x the loop")
    start_up = statistics.median(firsts["jobs=2"]) - statistics.median(firsts["jobs=1"])
    print(f"worker start-up (first result, jobs=2 less jobs=1): {start_up:.2f} s")
    print(
        f"processors the jobs=2 rounds got: {statistics.median(used['jobs=2']):.2f} "
        "(processor time of this process and its workers over the time taken; less than 2 "
        "when other work shared the machine)"
    )
    print(f"load average after the rounds: {os.getloadavg()[0]:.2f}")

    speed_up = rate["jobs=2"] / rate["jobs=1"]
    # Two processes on at most one free processor are asked to lose no more than their
    # start-up; from there the target grows with the free processors, to 1.6x on two.
    target = EFFICIENCY * max(1.0, min(JOBS, free))
    print(
        f"TARGET batch --jobs 2 speed-up: {speed_up:.2f}{TIMES} jobs=1 (target \u2265 "
        f"{target:.2f}{TIMES} while {free:.1f} cores are free) "
        + ("met" if speed_up >= target else "MISSED")
    )


if __name__ == "__main__":
    main()
