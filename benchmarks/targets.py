"""Every performance target in one run: each benchmark script in turn, then their TARGET lines.

    .venv/bin/python benchmarks/targets.py [--quick]

Runs ``batch.py``, ``evaluate.py``, ``goodfaith.py``, ``startup.py`` and ``serve.py`` one after
another (not at once: they would measure each other), shows each one's output as it comes, and
prints every ``TARGET`` line again at the end, with how many were met. Exit status 0 when all
were met.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
# batch.py first: it counts the cores free from the load average, which a script that has just
# kept one core busy for minutes would leave at one.
SCRIPTS = ("batch.py", "evaluate.py", "goodfaith.py", "startup.py", "serve.py")
QUICK = {
    "evaluate.py": ["--quick"],
    "goodfaith.py": ["--quick"],
    "startup.py": ["--quick"],
    "serve.py": ["--quick"],
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="each script's smoke run")
    args = parser.parse_args()
    targets: list[str] = []
    started = time.perf_counter()
    for script in SCRIPTS:
        extra = QUICK.get(script, []) if args.quick else []
        print(f"==> {script} {' '.join(extra)}".rstrip(), flush=True)
        with subprocess.Popen(
            [sys.executable, str(HERE / script), *extra],
            stdout=subprocess.PIPE,
            text=True,
        ) as process:
            assert process.stdout is not None
            for line in process.stdout:
                print(line, end="", flush=True)
                if line.startswith("TARGET "):
                    targets.append(line.rstrip("\n"))
        if process.returncode != 0:
            targets.append(f"TARGET {script} ran: exit status {process.returncode} MISSED")
    met = sum(line.endswith(" met") for line in targets)
    seconds = time.perf_counter() - started
    print(f"\nall targets, one run of {seconds:.0f} s: {met} of {len(targets)} met")
    for line in targets:
        print(line)
    return 0 if met == len(targets) else 1


if __name__ == "__main__":
    sys.exit(main())
