"""The partition functions on Dask: decisions, diffs and Good Faith for every account, as Dask
collections a data team can fit into its own pipelines.

Install with ``pip install 'ipp-rules[dask]'``. The work of each partition is
:mod:`ipp_rules.scale.partitions` (the same functions any other engine may call); this module
builds the task graphs:

* :func:`evaluate` and :func:`diff` take a Dask Bag (of complaint documents: mappings, or
  JSON text) or a Dask DataFrame (a text column ``complaint`` of JSON, or one column per
  top-level field) and return a collection of the same kind, one row per document: a Bag of
  row dicts, or a DataFrame with the input's index. Rows name their place as ``source``
  ``partition N`` and ``position`` (from 1 within the partition);
* :func:`evaluate_files` and :func:`diff_files` read JSON Lines and Parquet files (paths, glob
  patterns, fsspec URLs) in parts of about ``blocksize`` bytes, and return a Bag of rows
  whose ``source`` is the file and ``position`` its line or row;
* :func:`good_faith_counts` counts a history of every account (files, or a Dask DataFrame) a
  part a task and merges the counts in a tree, and :func:`good_faith_all` decides every
  account from them: the same results as ``Engine.good_faith_all``;
* :func:`connect` gives a ``distributed.Client``: ``local`` starts a LocalCluster with one
  single-threaded worker process per core; ``tcp://HOST:PORT`` (or ``tls://``) joins a
  running scheduler.

The bundle travels in the graph once, as bytes (:class:`~ipp_rules.scale.bundles.BundlePayload`,
a few hundred kilobytes), so workers need not see its folder; each worker process builds one
engine per bundle and keeps it for every partition. Input files must be reachable by the
workers under the names given (a shared disk, or an object store URL).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import dask.bag as db
from dask.base import compute
from dask.delayed import delayed

from ipp_rules.engine.batch import available_cores
from ipp_rules.engine.engine import BackendName
from ipp_rules.goodfaith import (
    AccountsCount,
    AccountsEligibility,
    AccountsQuestion,
    MembershipEvent,
    count_accounts,
    decide_accounts,
    merge_counts,
)
from ipp_rules.goodfaith.partials import Where
from ipp_rules.rulesets.bundle import Bundle
from ipp_rules.scale.bundles import BundleLike, BundlePayload, bundle_payload
from ipp_rules.scale.histories import count_part, history_parts
from ipp_rules.scale.partitions import (
    diff_part,
    diff_partition,
    diff_schema,
    evaluate_part,
    evaluate_partition,
    evaluate_schema,
)
from ipp_rules.scale.schedulers import scheduler_address
from ipp_rules.scale.sources import (
    DEFAULT_BLOCKSIZE,
    JSON_COLUMN,
    Part,
    count_newlines,
    find_inputs,
    number_parts,
    plan_parts,
)

__all__ = [
    "connect",
    "diff",
    "diff_files",
    "evaluate",
    "evaluate_files",
    "good_faith_all",
    "good_faith_counts",
    "parts",
    "payload",
    "scheduler_address",
]


@contextlib.contextmanager
def connect(scheduler: str, *, workers: int | None = None) -> Iterator[Any]:
    """A ``distributed.Client`` on ``scheduler`` (see :func:`scheduler_address`), closed (and
    its LocalCluster stopped) when the block ends. ``workers`` is the LocalCluster's worker
    processes (default one per core this process may use); it listens on the loopback
    interface only, its diagnostics page on a free port."""
    from distributed import Client, LocalCluster

    address = scheduler_address(scheduler)
    if address != "local":
        with Client(address) as client:
            yield client
        return
    with (
        LocalCluster(
            n_workers=workers or available_cores(),
            threads_per_worker=1,
            processes=True,
            dashboard_address="127.0.0.1:0",
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


def payload(bundle: Bundle | BundleLike, backend: BackendName = "auto") -> Any:
    """``bundle`` as a Delayed payload: one key in a graph, sent once to each worker."""
    packed = (
        bundle if isinstance(bundle, BundlePayload) else bundle_payload(bundle, backend=backend)
    )
    return delayed(packed, name=f"ipp-rules-bundle-{packed.sha256}-{packed.backend}")


def parts(patterns: str | Sequence[str], *, blocksize: int = DEFAULT_BLOCKSIZE) -> list[Part]:
    """The parts of the files ``patterns`` name, their line numbers counted (on the current
    Dask scheduler, one small task a block)."""
    planned = plan_parts(find_inputs(patterns), blocksize=blocksize)
    counted = [index for index, part in enumerate(planned) if part.before < 0]
    if not counted:
        return planned
    blocks = [delayed(count_newlines)(planned[index]) for index in counted]
    counts = compute(*blocks)
    by_index = dict(zip(counted, counts, strict=True))
    # Every block of a split file is counted (``before`` -1), so the map holds them all.
    return number_parts(planned, by_index)


def evaluate_files(
    patterns: str | Sequence[str] | Sequence[Part],
    bundle: BundleLike,
    *,
    blocksize: int = DEFAULT_BLOCKSIZE,
    trace: bool = False,
    column: str = JSON_COLUMN,
    backend: BackendName = "auto",
) -> db.Bag:
    """A Bag of evaluate rows (:mod:`ipp_rules.scale.partitions`), a partition a part, for
    the JSON Lines and Parquet files ``patterns`` name (or the parts already planned)."""
    planned = _planned(patterns, blocksize)
    packed = payload(bundle, backend)
    tasks = [delayed(evaluate_part)(packed, part, trace=trace, column=column) for part in planned]
    bag: db.Bag = db.from_delayed(tasks)
    return bag


def diff_files(
    patterns: str | Sequence[str] | Sequence[Part],
    old: BundleLike,
    new: BundleLike,
    *,
    blocksize: int = DEFAULT_BLOCKSIZE,
    column: str = JSON_COLUMN,
    backend: BackendName = "auto",
) -> db.Bag:
    """A Bag of diff rows for the files ``patterns`` name: see :func:`evaluate_files`."""
    planned = _planned(patterns, blocksize)
    before, after = payload(old, backend), payload(new, backend)
    tasks = [delayed(diff_part)(before, after, part, column=column) for part in planned]
    bag: db.Bag = db.from_delayed(tasks)
    return bag


def _planned(patterns: str | Sequence[str] | Sequence[Part], blocksize: int) -> list[Part]:
    if not isinstance(patterns, str) and patterns and isinstance(patterns[0], Part):
        return [part for part in patterns if isinstance(part, Part)]
    return parts([str(pattern) for pattern in patterns], blocksize=blocksize)


def evaluate(
    documents: Any,
    bundle: BundleLike,
    *,
    trace: bool = False,
    column: str = JSON_COLUMN,
    backend: BackendName = "auto",
) -> Any:
    """The decisions of a Bag or DataFrame of complaint documents, as a collection of the
    same kind: see the module's text."""
    packed = payload(bundle, backend)
    return _map(
        documents, evaluate_partition, (packed,), evaluate_schema(), trace=trace, column=column
    )


def diff(
    documents: Any,
    old: BundleLike,
    new: BundleLike,
    *,
    column: str = JSON_COLUMN,
    backend: BackendName = "auto",
) -> Any:
    """The diff rows of a Bag or DataFrame of complaint documents between two bundles."""
    packed = (payload(old, backend), payload(new, backend))
    return _map(documents, diff_partition, packed, diff_schema(), column=column)


def _map(
    documents: Any, function: Any, bundles: tuple[Any, ...], schema: Any, **options: Any
) -> Any:
    if isinstance(documents, db.Bag):
        tasks = [
            delayed(function)(*bundles, piece, source=f"partition {index}", **options)
            for index, piece in enumerate(documents.to_delayed())
        ]
        return db.from_delayed(tasks)
    import dask.dataframe as dd

    if isinstance(documents, dd.DataFrame):
        meta = schema.empty_table().to_pandas()
        return documents.map_partitions(
            _frame_partition, function, *bundles, options, meta=meta, partition_info=True
        )
    raise TypeError(
        f"expected a dask Bag or DataFrame of complaint documents, got {type(documents).__name__}"
    )


def _frame_partition(
    frame: Any, function: Any, *args: Any, partition_info: dict[str, Any] | None = None
) -> Any:
    *bundles, options = args
    number = (partition_info or {}).get("number", 0)
    return function(*bundles, frame, source=f"partition {number}", **options)


# ---------------------------------------------------------------------------------------------
# Good Faith for every account


def good_faith_counts(
    history: str | Sequence[str] | Any,
    question: AccountsQuestion,
    *,
    blocksize: int = DEFAULT_BLOCKSIZE,
) -> Any:
    """The count of a history of every account, as one Delayed: each part (of the files
    ``history`` names, or each partition of a Dask DataFrame with one column per field)
    counted by a task, the counts merged pairwise in a tree."""
    import dask.dataframe as dd

    if isinstance(history, dd.DataFrame):
        counts = [
            delayed(count_accounts)(question, piece, Where(f"partition {index}", 0))
            for index, piece in enumerate(history.to_delayed())
        ]
    else:
        counts = [
            delayed(count_part)(question, part)
            for part in history_parts(history, blocksize=blocksize)
        ]
    if not counts:
        return delayed(AccountsCount)(question)
    while len(counts) > 1:
        pairs = zip(counts[::2], counts[1::2], strict=False)
        merged = [delayed(merge_counts)(first, second) for first, second in pairs]
        counts = merged + (counts[-1:] if len(counts) % 2 else [])
    return counts[0]


def good_faith_all(
    history: str | Sequence[str] | Any,
    question: AccountsQuestion,
    membership: Mapping[str, Iterable[MembershipEvent]] | None = None,
    *,
    blocksize: int = DEFAULT_BLOCKSIZE,
) -> AccountsEligibility:
    """Every account of ``history`` decided for ``question``, counted on the current Dask
    scheduler: HistoryError naming the bad records, as ``Engine.good_faith_all``."""
    (count,) = compute(good_faith_counts(history, question, blocksize=blocksize))
    return decide_accounts(question, count, membership)
