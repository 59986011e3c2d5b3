"""The HTTP service: ``POST /v1/evaluate`` on a real ``ipp-rules serve``, beside the same
requests to a trivial endpoint on the same server, and beside deciding in-process.

    .venv/bin/python benchmarks/serve.py [--rounds 15] [--requests 300] [--quick]

Five targets, each given the same request bodies: the corpus' valid complaints
(``docs/examples/corpus.jsonl``, the lines the engine decides without an error), as JSON text,
in turn:

* ``serve, 1 worker`` and ``serve, N workers`` (``--workers``, 2): ``python -m ipp_rules serve
  --port P --workers W --no-access-log``, a subprocess on a free loopback port;
* ``floor, 1 worker`` and ``floor, N workers``: ``http_floor.py``, a Starlette app with one
  ``POST`` route that reads the body and answers a small fixed JSON document, started the same
  way on uvicorn with the options the service runs it with. What any endpoint of this
  framework on this server costs, the client's work included: the floor under the service;
* ``in-process``: ``engine.evaluate(json.loads(body)).model_dump_json()`` on
  ``Engine.default()`` in this process, the work the endpoint does for a request.

Each server is waited for on ``GET /readyz``, and all are stopped (terminated, then waited
for) at the end, whatever happened. Before any timing, every distinct body is sent once to
each service (a new connection each, so that every worker process is likely to answer some):
each answer must be 200 and byte-identical to the in-process Decision JSON, or the run stops
naming the body. Every timed answer is checked the same way after its time is taken (the
floor's against its fixed document), so no target is timed doing less than the others.

Clients are httpx, in this process, on the same machine (two cores, shared: the client's work
is in every HTTP number, floor included):

* sequential: one ``httpx.Client`` (one keep-alive connection), one request after another,
  ``--requests`` of them a round after a few untimed ones to open the connection. Latency per
  request; requests per second as their count over their total time;
* concurrent: ``--concurrency`` threads (8), each with its own ``httpx.Client`` and
  connection, started together on a barrier, ``--concurrent-requests`` in all a round,
  shared equally. Requests per second as their count over the time from the barrier to the
  last answer; latency per request (waiting for the processor included: the threads share one
  interpreter).

In-process runs ``--requests`` calls a round on the same bodies, timed one by one, one after
another in a loop: its caches stay warm, which a server answering one request at a time over
the network does not get. ``in-process, paced`` makes the same calls, each after a pause as
long as the floor's sequential p50 (the time a server waits between two requests of a
sequential client): on this machine that alone makes the same work two to three times
slower, which is what a service deciding one request at a time pays too. It is shown beside
the target, which stays the one asked for: against the calls back to back.

The targets run interleaved, round-robin: each round runs every target once, in turn, starting
at a different one each round, so a busier spell of the machine slows all of them alike. All
servers keep running through the rounds (the idle ones wait on their sockets). A p50 and a
rate are the medians over the rounds of each round's; a p99 is over every request of every
round (a round holds too few for its own). The last line is the target, ``TARGET serve p50:
<ms> ms (target ≤ <bound> ms = floor <ms> + 1.5 times in-process <ms>) met`` (or ``MISSED``):
the service's sequential p50 with one worker at most the floor's (one worker, sequential) plus
one and a half times the in-process p50, so the service may add to the floor at most half
again what deciding costs.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import httpx
from http_floor import FLOOR_BODY, FLOOR_PATH
from startup import table, verdict

from ipp_rules import Engine
from ipp_rules.errors import IppRulesError

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CORPUS = ROOT / "docs" / "examples" / "corpus.jsonl"
TIMES = "\N{MULTIPLICATION SIGN}"
SHARE = 1.5
"""The service's p50 at most the floor's plus this many times the in-process p50."""
WARM_UP = 10
"""Untimed requests on the sequential client's connection, a round."""
THREAD_WARM_UP = 3
"""Untimed requests on each concurrent thread's connection, a round."""
READY_SECONDS = 60.0
HEADERS = {"Content-Type": "application/json"}


@dataclass
class Target:
    name: str
    url: str = ""
    """The endpoint's URL; empty for the in-process target."""
    expected: Callable[[int], bytes] = lambda index: b""
    """The answer expected for the body at ``index``."""
    p50s: list[float] = field(default_factory=list)
    """Seconds, one per round: sequential (or in-process) p50."""
    means: list[float] = field(default_factory=list)
    """Seconds, one per round: mean time of a sequential request (or in-process call)."""
    latencies: list[float] = field(default_factory=list)
    """Seconds, every sequential request of every round."""
    rates: list[float] = field(default_factory=list)
    """Requests per second, one per round, over ``--concurrency`` connections."""
    concurrent_p50s: list[float] = field(default_factory=list)
    concurrent_latencies: list[float] = field(default_factory=list)


@dataclass
class Server:
    name: str
    process: subprocess.Popen[bytes]
    log: IO[bytes]
    base: str


def free_port() -> int:
    """A loopback port nothing listens on now (the kernel's choice)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def server_log(server: Server) -> str:
    server.log.flush()
    server.log.seek(0)
    return server.log.read().decode(errors="replace")[-4000:]


def start(name: str, argv: Sequence[str]) -> Server:
    """``argv`` with ``--port P`` appended, its output to a temporary file."""
    port = free_port()
    log = tempfile.TemporaryFile()  # noqa: SIM115 (closed by stop())
    process = subprocess.Popen(
        [*argv, "--port", str(port)], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT
    )
    return Server(name, process, log, f"http://127.0.0.1:{port}")


def wait_ready(server: Server) -> None:
    """Until ``GET /readyz`` answers 200; the run stops if the server exits or takes too long."""
    deadline = time.monotonic() + READY_SECONDS
    with httpx.Client(trust_env=False, timeout=5) as client:
        while time.monotonic() < deadline:
            if server.process.poll() is not None:
                raise SystemExit(
                    f"{server.name} exited ({server.process.returncode}) before it was ready:\n"
                    + server_log(server)
                )
            with contextlib.suppress(httpx.TransportError):
                if client.get(server.base + "/readyz").status_code == 200:
                    return
            time.sleep(0.05)
    raise SystemExit(f"{server.name} not ready in {READY_SECONDS:g} s:\n" + server_log(server))


def stop(server: Server) -> None:
    if server.process.poll() is None:
        server.process.terminate()
        try:
            server.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()
    server.log.close()


@contextlib.contextmanager
def servers(commands: dict[str, Sequence[str]]) -> Iterator[dict[str, Server]]:
    """Every server started, then each waited for; every one stopped on the way out."""
    started: dict[str, Server] = {}
    try:
        for name, argv in commands.items():
            started[name] = start(name, argv)
        for server in started.values():
            wait_ready(server)
        yield started
    finally:
        for server in started.values():
            stop(server)


def valid_bodies(engine: Engine) -> tuple[list[bytes], list[bytes], int]:
    """The corpus lines the engine decides, their Decision JSON, and how many lines there are."""
    lines = [line for line in CORPUS.read_bytes().splitlines() if line.strip()]
    bodies, decisions = [], []
    for line in lines:
        try:
            decision = engine.evaluate(json.loads(line))
        except (IppRulesError, ValueError):
            continue
        bodies.append(line)
        decisions.append(decision.model_dump_json().encode())
    if not bodies:
        raise SystemExit(f"no valid complaint in {CORPUS}")
    return bodies, decisions, len(lines)


def client() -> httpx.Client:
    return httpx.Client(trust_env=False, timeout=30, headers=HEADERS)


def check_answer(target: Target, index: int, answer: httpx.Response) -> None:
    expected = target.expected(index)
    if answer.status_code == 200 and answer.content == expected:
        return
    got = answer.content
    at = next(
        (i for i, (a, b) in enumerate(zip(got, expected, strict=False)) if a != b),
        min(len(got), len(expected)),
    )
    around = slice(max(0, at - 40), at + 80)
    raise SystemExit(
        f"{target.name}: corpus body {index} answered {answer.status_code}, not the in-process "
        f"answer; they differ from byte {at}:\n  got      {got[around]!r}"
        f"\n  expected {expected[around]!r}"
    )


def check_every_body(target: Target, bodies: Sequence[bytes]) -> None:
    """Each body once, a new connection each."""
    for index, body in enumerate(bodies):
        with client() as fresh:
            check_answer(target, index, fresh.post(target.url, content=body))


def sequential(target: Target, bodies: Sequence[bytes], order: Sequence[int]) -> None:
    times = []
    with client() as http:
        for index in order[:WARM_UP]:
            check_answer(target, index, http.post(target.url, content=bodies[index]))
        for index in order:
            body = bodies[index]
            started = time.perf_counter()
            answer = http.post(target.url, content=body)
            times.append(time.perf_counter() - started)
            check_answer(target, index, answer)
    target.p50s.append(statistics.median(times))
    target.means.append(statistics.fmean(times))
    target.latencies.extend(times)


def concurrent(
    target: Target, bodies: Sequence[bytes], order: Sequence[int], connections: int
) -> None:
    """``order`` shared out over ``connections`` threads, started together."""
    shares = [order[i::connections] for i in range(connections)]
    began: list[float] = []
    ended = [0.0] * connections
    times: list[list[float]] = [[] for _ in range(connections)]
    failures: list[BaseException] = []
    barrier = threading.Barrier(connections, action=lambda: began.append(time.perf_counter()))

    def run(number: int) -> None:
        try:
            with client() as http:
                for index in shares[number][:THREAD_WARM_UP]:
                    check_answer(target, index, http.post(target.url, content=bodies[index]))
                barrier.wait()
                mine = times[number]
                for index in shares[number]:
                    started = time.perf_counter()
                    answer = http.post(target.url, content=bodies[index])
                    mine.append(time.perf_counter() - started)
                    check_answer(target, index, answer)
                ended[number] = time.perf_counter()
        except BaseException as error:
            failures.append(error)
            barrier.abort()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        first = next((f for f in failures if not isinstance(f, threading.BrokenBarrierError)), None)
        raise first or failures[0]
    every = [t for mine in times for t in mine]
    target.rates.append(len(every) / (max(ended) - began[0]))
    target.concurrent_p50s.append(statistics.median(every))
    target.concurrent_latencies.extend(every)


def in_process(
    target: Target,
    engine: Engine,
    bodies: Sequence[bytes],
    order: Sequence[int],
    pause: float = 0.0,
) -> None:
    times = []
    for index in order:
        body = bodies[index]
        if pause:
            time.sleep(pause)
        started = time.perf_counter()
        engine.evaluate(json.loads(body)).model_dump_json()
        times.append(time.perf_counter() - started)
    target.p50s.append(statistics.median(times))
    target.means.append(statistics.fmean(times))
    target.latencies.extend(times)


def percentile(values: Sequence[float], share: float) -> float:
    """The nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.3f}"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--requests", type=int, default=300, help="sequential, a target a round")
    parser.add_argument(
        "--concurrent-requests", type=int, default=480, help="over all connections, a round"
    )
    parser.add_argument("--concurrency", type=int, default=8, help="connections (threads)")
    parser.add_argument("--workers", type=int, default=2, help="N, the second server of each")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 3 short rounds")
    args = parser.parse_args(argv)
    if args.quick:
        args.rounds, args.requests, args.concurrent_requests = 3, 100, 160
    if args.workers < 2:
        parser.error("--workers: 2 or more (one worker is always measured)")

    engine = Engine.default()
    bodies, decisions, lines = valid_bodies(engine)
    workers = args.workers
    serve = [sys.executable, "-m", "ipp_rules", "serve", "--no-access-log", "--workers"]
    floor = [sys.executable, str(HERE / "http_floor.py"), "--workers"]
    commands = {
        "serve, 1 worker": [*serve, "1"],
        f"serve, {workers} workers": [*serve, str(workers)],
        "floor, 1 worker": [*floor, "1"],
        f"floor, {workers} workers": [*floor, str(workers)],
    }
    print(
        f"{lines} corpus lines, {len(bodies)} valid complaints as bodies "
        f"({min(map(len, bodies))} to {max(map(len, bodies))} bytes); backend {engine.backend}; "
        f"Python {sys.version.split()[0]}, httpx {httpx.__version__}, "
        f"{os.cpu_count()} processors, load {os.getloadavg()[0]:.2f}",
        flush=True,
    )
    with servers(commands) as running:
        serve_one, serve_n, floor_one, floor_n = targets = [
            Target(name, server.base + "/v1/evaluate", decisions.__getitem__)
            if name.startswith("serve")
            else Target(name, server.base + FLOOR_PATH, lambda index: FLOOR_BODY)
            for name, server in running.items()
        ]
        for target in (serve_one, serve_n):
            check_every_body(target, bodies)
        print(
            f"checked: each of the {len(bodies)} bodies answered 200 by both services, "
            "byte-identical to the in-process Decision JSON",
            flush=True,
        )
        local = Target("in-process evaluate")
        paced = Target("in-process, paced")
        everyone = [*targets, local, paced]
        print(
            f"{args.rounds} rounds; a round, each target: {args.requests} sequential requests, "
            f"{args.concurrent_requests} over {args.concurrency} connections; sequential p50 "
            f"(ms) of {', '.join(t.name for t in everyone)}:",
            flush=True,
        )
        started = time.perf_counter()
        for number in range(args.rounds):
            shift = number * args.requests
            order = [(shift + i) % len(bodies) for i in range(args.requests)]
            spread = [(shift + i) % len(bodies) for i in range(args.concurrent_requests)]
            turn = number % len(everyone)
            for target in everyone[turn:] + everyone[:turn]:
                if target is local:
                    in_process(target, engine, bodies, order)
                elif target is paced:  # idle between calls as a server is between requests
                    pause = statistics.median(floor_one.p50s) if floor_one.p50s else 0.001
                    in_process(target, engine, bodies, order, pause)
                else:
                    sequential(target, bodies, order)
                    concurrent(target, bodies, spread, args.concurrency)
            print(
                f"  round {number + 1:>2}: " + "  ".join(ms(t.p50s[-1]) for t in everyone),
                flush=True,
            )
        seconds = time.perf_counter() - started

    print(f"{args.rounds} rounds in {seconds:.0f} s; load {os.getloadavg()[0]:.2f} after")
    print()
    rows = [
        [
            "target",
            "seq p50 ms",
            "seq p99 ms",
            "seq req/s",
            f"{args.concurrency} conns req/s",
            f"{args.concurrency} conns p50 ms",
            f"{args.concurrency} conns p99 ms",
        ]
    ]
    for target in targets:
        rows.append(
            [
                target.name,
                ms(statistics.median(target.p50s)),
                ms(percentile(target.latencies, 0.99)),
                f"{1 / statistics.median(target.means):.0f}",
                f"{statistics.median(target.rates):.0f}",
                ms(statistics.median(target.concurrent_p50s)),
                ms(percentile(target.concurrent_latencies, 0.99)),
            ]
        )
    print(table(rows))
    local_p50 = statistics.median(local.p50s)
    local_mean = statistics.median(local.means)
    print()
    print(
        f"in-process evaluate + model_dump_json: p50 {ms(local_p50)} ms, mean {ms(local_mean)} "
        f"ms a call ({1 / local_mean:.0f} calls/s on one core)"
    )
    paced_p50 = statistics.median(paced.p50s)
    print(
        f"in-process, paced (each call after a pause as long as the floor's request): p50 "
        f"{ms(paced_p50)} ms, {paced_p50 / local_p50:.2f}{TIMES} the same calls back to back"
    )
    service = statistics.median(serve_one.p50s)
    floor_p50 = statistics.median(floor_one.p50s)
    added = service - floor_p50
    print(
        f"serve over the floor (1 worker, sequential p50): {ms(added)} ms, "
        f"{added / local_p50:.2f}{TIMES} the in-process p50, "
        f"{added / paced_p50:.2f}{TIMES} the paced in-process p50"
    )
    for serving, base in ((serve_one, floor_one), (serve_n, floor_n)):
        share = statistics.median(serving.rates) / statistics.median(base.rates)
        print(
            f"{serving.name}: {share:.2f}{TIMES} the requests/s of the {base.name} over "
            f"{args.concurrency} connections"
        )
    print()
    bound = floor_p50 + SHARE * local_p50
    print(
        f"TARGET serve p50: {ms(service)} ms (target ≤ {ms(bound)} ms = floor {ms(floor_p50)} "
        f"+ {SHARE:g} {TIMES} in-process {ms(local_p50)}) {verdict(service <= bound)}"
    )


if __name__ == "__main__":
    main()
