"""``--scheduler``: ``evaluate --batch``, ``diff --corpus`` and ``good-faith --all-accounts`` on
Dask (:mod:`ipp_rules.dask`).

``--scheduler local`` starts a LocalCluster (one worker process per core); ``--scheduler
tcp://HOST:PORT`` sends the work to a running Dask scheduler. The inputs are paths, glob
patterns or fsspec URLs of JSON Lines and Parquet files, cut into parts of about
``--part-size`` bytes; each part is one task. The workers read the inputs themselves (they
must see them under the same names) and get the bundle as bytes with the job.

What comes out is what the one-process commands give: ``evaluate --batch`` writes one row per
input in input order (to the standard output, or ``--output FILE.jsonl|FILE.parquet``
written whole by this process, or ``--output FOLDER/`` written as parts by the workers) and
the same summary and exit status; ``diff`` prints the same report with the same exit status
(with several corpus files, a complaint is named ``file:line``); ``good-faith --all-accounts``
counts each part of the history on a worker, merges the counts, and decides as it does alone.
"""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Iterator
from dataclasses import replace
from typing import Any, TextIO, cast

from ipp_rules.analysis.changes import bundle_changes
from ipp_rules.analysis.diff import DiffReport, LineResult, compare
from ipp_rules.cli.batch import BatchSummary
from ipp_rules.cli.bundles import BundleInUse, chosen_path
from ipp_rules.cli.good_faith_all import Counter
from ipp_rules.cli.output import write_json
from ipp_rules.errors import ArgumentError
from ipp_rules.goodfaith import AccountsCount, AccountsQuestion
from ipp_rules.rulesets.bundle import load_bundle
from ipp_rules.scale.outputs import Format

__all__ = ["count_on", "run_batch", "run_diff"]


def _dask() -> Any:
    """:mod:`ipp_rules.dask`, or ArgumentError when the dask extra is not installed."""
    try:
        from ipp_rules import dask
    except ImportError as exc:
        raise ArgumentError(
            "--scheduler needs the dask extra: pip install 'ipp-rules[dask]' "
            f"({exc.name} is missing)"
        ) from None
    return dask


def _blocksize(args: argparse.Namespace) -> int:
    from ipp_rules.scale.sources import DEFAULT_BLOCKSIZE

    return int(args.part_size or DEFAULT_BLOCKSIZE)


def _sources_label(patterns: list[str], files: set[str]) -> str:
    return next(iter(files)) if len(files) == 1 else ", ".join(patterns)


def run_batch(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``evaluate --batch PATTERN --scheduler ADDRESS``."""
    ippd = _dask()
    from dask.delayed import delayed

    from ipp_rules.scale.outputs import OutputFolder, finish_part, output_format
    from ipp_rules.scale.partitions import evaluate_part

    path, default = chosen_path(args.rules)
    bundle = load_bundle(path)
    shown = BundleInUse.of(bundle, default)
    fmt: Format = "jsonl"
    one_file = True
    if args.output is not None and args.output != "-":
        fmt, one_file = output_format(args.output, args.output_format)
    elif args.output_format is not None:
        args.refuse("argument --output-format: goes with --output FOLDER/")
    summary = BatchSummary()
    with ippd.connect(args.scheduler) as client:
        parts = ippd.parts(args.batch, blocksize=_blocksize(args))
        sources = {part.source for part in parts}
        folder = None if one_file else OutputFolder(args.output, fmt)
        packed = ippd.payload(bundle, args.backend)
        staging = None if folder is None else folder.staging_url
        tasks = [
            delayed(finish_part)(
                delayed(evaluate_part)(packed, part, trace=args.trace),
                index,
                "evaluate",
                fmt,
                staging,
            )
            for index, part in enumerate(parts)
        ]
        futures = client.compute(tasks)
        try:
            with _writer(args.output, fmt, one_file, out) as write:
                for future in futures:
                    done = future.result()
                    future.release()
                    if done.data is not None:
                        write(done.data)
                    summary.add_part(done, several=len(sources) > 1)
            if folder is not None:
                folder.finish()
        except BaseException:
            if folder is not None:
                folder.abandon()
            raise
    label = _sources_label([args.batch], sources)
    to_file = args.output is not None and args.output != "-"
    report = out if to_file else err
    if args.format == "json":
        document = {
            "input": label,
            "output": args.output if to_file else None,
            "scheduler": args.scheduler,
            "parts": len(parts),
            **summary.as_json(),
            "bundle": bundle.identity.model_dump(),
            **shown.as_json(),
        }
        write_json(report, document)
    else:
        report.write(summary.text(label, shown.text(bundle.identity.sha256)))
    return summary.status


@contextlib.contextmanager
def _writer(target: str | None, fmt: Any, one_file: bool, out: TextIO) -> Iterator[Any]:
    from ipp_rules.scale.outputs import single_file

    if target is None or target == "-":
        yield lambda data: out.write(data.decode("utf-8"))
    elif not one_file:
        yield lambda data: None  # the workers wrote the parts
    else:
        with single_file(target, fmt, "evaluate") as write:
            yield write


def run_diff(args: argparse.Namespace, out: TextIO, err: TextIO) -> DiffReport:
    """``diff OLD NEW --corpus PATTERN --scheduler ADDRESS``: the report."""
    ippd = _dask()
    from dask.delayed import delayed

    from ipp_rules.scale.partitions import diff_part_changes

    old, new = load_bundle(args.old), load_bundle(args.new)
    results: list[LineResult] = []
    decided = 0
    with ippd.connect(args.scheduler) as client:
        parts = ippd.parts(args.corpus, blocksize=_blocksize(args))
        several = len({part.source for part in parts}) > 1
        before, after = ippd.payload(old, args.backend), ippd.payload(new, args.backend)
        tasks = [delayed(diff_part_changes)(before, after, part) for part in parts]
        for part, future in zip(parts, client.compute(tasks), strict=True):
            count, kept = future.result()
            future.release()
            decided += count
            source = part.source if several else None
            results += [replace(result, source=source) for result in kept]
    changes, problems, _ = compare(results)
    problems.sort(key=lambda problem: (problem.file or "", problem.line or 0))
    label = _sources_label([args.corpus], {part.source for part in parts})
    return DiffReport(
        old, new, label, decided, changes, problems, bundle_changes(old, new), sources=several
    )


def count_on(args: argparse.Namespace) -> Counter:
    """``good-faith --all-accounts HISTORY --scheduler ADDRESS``: a counter of the history
    files HISTORY names (paths, glob patterns, fsspec URLs), a part a task on the cluster."""
    ippd = _dask()
    from dask.base import compute

    def count(question: AccountsQuestion, name: str, history_format: str) -> AccountsCount:
        if name == "-":
            raise ArgumentError("--scheduler: the workers read the history: name its files")
        with ippd.connect(args.scheduler):
            counted = ippd.good_faith_counts(name, question, blocksize=_blocksize(args))
            (whole,) = compute(counted)
        return cast(AccountsCount, whole)

    return count
