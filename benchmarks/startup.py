"""Start-up cost: whole processes timed side by side, and the bundle loaded with each YAML
parser, in one run.

    .venv/bin/python benchmarks/startup.py [--rounds 20] [--quick]

The commands run as subprocesses, interleaved round-robin (each round runs each command once,
starting at a different one each round): ``python -c pass``; ``python -c "import pydantic,
yaml"``, the yardstick; the same defining one pydantic model (pydantic imports its model
machinery and looks for its plugins with the first model, so this is what any program with
a model pays); ``import ipp_rules``; the modules deciding needs, a layer more each time
(the complaint and decision models; the rule-file models and the compiler; the Good Faith and
deadline file models a bundle checks); ``import ipp_rules`` and ``Engine.default()``; and
``ipp-rules evaluate docs/examples/complaint.json`` through the environment's entry point. A
round is run first and thrown away, so the bytecode caches are written and the files are in
the page cache, as they are for an installed package (the children run without
``PYTHONDONTWRITEBYTECODE``). Ratios are medians of the per-round ratios, of wall time (what a
person waits; the targets) and of processor time (less disturbed by other work): the machines
are shared and noisy, so only numbers from the same run are compared.

Then, in this process, ``Engine.default()`` and reading the bundle's YAML files alone,
alternately with libyaml (as the loader reads where PyYAML has it) and with PyYAML's Python
parser alone.

The last lines say, one per target, whether it is met, in a fixed form other scripts read:
``TARGET <name>: <value> (target <bound>) met`` (or ``MISSED``).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COMPLAINT = "docs/examples/complaint.json"
EVALUATE_BOUND = 2.0
"""``ipp-rules evaluate FILE`` at most this many times ``import pydantic, yaml``."""
TIMES = "\N{MULTIPLICATION SIGN}"
"""Written out by name: the sign in the report, which a reader of the source might take for x."""
PARSER_BOUND = 0.5
"""``Engine.default()`` with libyaml at most this share of its time with the Python parser."""


@dataclass(frozen=True)
class Command:
    name: str
    argv: Sequence[str]


def commands() -> list[Command]:
    python = sys.executable
    entry_point = Path(python).parent / "ipp-rules"
    return [
        Command("python -c pass", [python, "-c", "pass"]),
        Command("import pydantic, yaml", [python, "-c", "import pydantic, yaml"]),
        Command(
            "import pydantic, yaml; one model",
            [python, "-c", "import pydantic, yaml\nclass M(pydantic.BaseModel):\n    x: int"],
        ),
        Command("import ipp_rules", [python, "-c", "import ipp_rules"]),
        # What deciding is made of, one layer at a time: where the time goes.
        Command(
            "  the complaint and decision models",
            [python, "-c", "import yaml, ipp_rules.models.complaint, ipp_rules.models.decision"],
        ),
        Command(
            "  and the rule-file models, the compiler",
            [python, "-c", "import ipp_rules.models.intake, ipp_rules.rulesets.bundle"],
        ),
        Command(
            "  and the Good Faith and deadline file models",
            [
                python,
                "-c",
                "import ipp_rules.models.intake, ipp_rules.rulesets.bundle, "
                "ipp_rules.deadlines.policy, ipp_rules.goodfaith.policy",
            ],
        ),
        Command(
            "import ipp_rules; Engine.default()",
            [python, "-c", "import ipp_rules; ipp_rules.Engine.default()"],
        ),
        Command(f"ipp-rules evaluate {COMPLAINT}", [str(entry_point), "evaluate", COMPLAINT]),
    ]


@dataclass(frozen=True)
class Timing:
    wall: float
    """Seconds from start to exit: what the person who typed the command waits."""
    cpu: float
    """Seconds of processor time the process used (user and system): less disturbed by the
    other work on a shared machine."""


def run_once(command: Command, env: dict[str, str]) -> Timing:
    """What the whole process took, from start to exit."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        command.argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):  # evaluate: 1 is a decision other than accept
        raise SystemExit(f"{command.name} failed ({done.returncode}):\n{done.stderr.decode()}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Timing(elapsed, cpu)


def interleaved(cmds: list[Command], rounds: int) -> list[dict[str, Timing]]:
    """Per round, each command's timing; one round first to warm caches, not kept."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    for command in cmds:
        run_once(command, env)
    results = []
    for index in range(rounds):
        order = cmds[index % len(cmds) :] + cmds[: index % len(cmds)]
        results.append({command.name: run_once(command, env) for command in order})
    return results


def median_ratio(rounds: list[dict[str, Timing]], name: str, base: str, cpu: bool = False) -> float:
    if cpu:
        return statistics.median(r[name].cpu / r[base].cpu for r in rounds)
    return statistics.median(r[name].wall / r[base].wall for r in rounds)


@dataclass(frozen=True)
class ByParser:
    """Median seconds with libyaml and with the Python parser alone, and the median of the
    per-pair ratio."""

    libyaml: float
    python: float
    ratio: float


def by_parser(repeats: int) -> tuple[ByParser, ByParser]:
    """``Engine.default()``, and reading the bundle's YAML files alone, with each parser,
    alternated in pairs."""
    import ipp_rules
    from ipp_rules.engine.engine import default_bundle_path
    from ipp_rules.text import yaml as strict_yaml

    libyaml = strict_yaml._LIBYAML  # the loader's choice of parser, swapped for the comparison
    if libyaml is None:
        raise SystemExit("this PyYAML is built without libyaml: nothing to compare")
    files = [(p.name, p.read_bytes()) for p in sorted(default_bundle_path().glob("*.yaml"))]

    def engine() -> None:
        ipp_rules.Engine.default().close()

    def yaml_files() -> None:
        for name, data in files:
            strict_yaml.load_yaml(data, name)

    def timed(work: Callable[[], None], reader: object) -> float:
        strict_yaml._LIBYAML = reader  # type: ignore[assignment]
        try:
            start = time.perf_counter()
            work()
            return time.perf_counter() - start
        finally:
            strict_yaml._LIBYAML = libyaml

    results = []
    for work in (engine, yaml_files):
        timed(work, libyaml)
        timed(work, None)
        pairs = [(timed(work, libyaml), timed(work, None)) for _ in range(repeats)]
        results.append(
            ByParser(
                statistics.median(c for c, _ in pairs),
                statistics.median(p for _, p in pairs),
                statistics.median(c / p for c, p in pairs),
            )
        )
    return results[0], results[1]


def verdict(met: bool) -> str:
    return "met" if met else "MISSED"


def table(rows: list[list[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for number, row in enumerate(rows):
        cells = [
            cell.ljust(w) if i == 0 else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
        if number == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=20, help="rounds of subprocesses")
    parser.add_argument("--repeats", type=int, default=20, help="Engine.default() pairs")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 3 rounds, 3 pairs")
    args = parser.parse_args(argv)
    rounds, repeats = (3, 3) if args.quick else (args.rounds, args.repeats)

    cmds = commands()
    measured = interleaved(cmds, rounds)
    base, libraries, evaluate = cmds[0].name, cmds[1].name, cmds[-1].name
    rows = [
        [
            "command (whole process)",
            "wall ms",
            "cpu ms",
            f"wall {TIMES} pass",
            f"wall {TIMES} pydantic, yaml",
            f"cpu {TIMES} pydantic, yaml",
        ]
    ]
    for command in cmds:
        name = command.name
        rows.append(
            [
                name,
                f"{statistics.median(r[name].wall for r in measured) * 1000:.0f}",
                f"{statistics.median(r[name].cpu for r in measured) * 1000:.0f}",
                f"{median_ratio(measured, name, base):.1f}",
                f"{median_ratio(measured, name, libraries):.2f}",
                f"{median_ratio(measured, name, libraries, cpu=True):.2f}",
            ]
        )
    print(f"{rounds} rounds, Python {sys.version.split()[0]}")
    print(table(rows))

    engine, yaml_files = by_parser(repeats)
    print()
    print(f"In one process, {repeats} pairs (median ms)")
    print(
        table(
            [
                ["", "libyaml, as loaded", "Python parser alone", f"libyaml {TIMES} Python"],
                *(
                    [name, f"{r.libyaml * 1000:.1f}", f"{r.python * 1000:.1f}", f"{r.ratio:.2f}"]
                    for name, r in (
                        ("Engine.default()", engine),
                        ("the bundle's YAML files alone", yaml_files),
                    )
                ),
            ]
        )
    )
    print()
    evaluate_ratio = median_ratio(measured, evaluate, libraries)
    print(
        f"TARGET ipp-rules evaluate FILE: {evaluate_ratio:.2f}{TIMES} import pydantic, yaml "
        f"(target ≤ {EVALUATE_BOUND:g}{TIMES}) {verdict(evaluate_ratio <= EVALUATE_BOUND)}"
    )
    print(
        f"TARGET Engine.default() with libyaml: {engine.ratio:.2f}{TIMES} the Python parser "
        f"(target ≤ {PARSER_BOUND:g}{TIMES}) {verdict(engine.ratio <= PARSER_BOUND)}"
    )


if __name__ == "__main__":
    main()
