"""On a real dask.distributed LocalCluster with two worker processes: the same decisions and
the same diff report as one process, on the example corpus multiplied past 50,000 complaints
in many parts; and a worker killed in the middle of a job costs nothing but time."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dask.bag as db
import dask.dataframe as dd
import pandas as pd
import pytest

from ipp_rules import Engine
from ipp_rules import dask as ippd
from ipp_rules.scale.bundles import engines_built
from ipp_rules.scale.outputs import SUCCESS
from tests.cli.conftest import CORPUS, call
from tests.conftest import BUNDLE, GOOD_FAITH_RELIEF, edit

pytestmark = pytest.mark.slow  # a cluster of worker processes

COPIES = 250
BAD_LINES = ["{not json", "", '{"platform": "ebay"}', "[1, 2]"]


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    from distributed import Client, LocalCluster

    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address="127.0.0.1:0"
        ) as local,
        Client(local) as client,
    ):
        yield client


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example corpus 250 times over, with a few bad and blank lines among them."""
    lines = CORPUS.read_text(encoding="utf-8").splitlines()
    path = tmp_path_factory.mktemp("big") / "corpus.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for copy in range(COPIES):
            for line in lines:
                out.write(line + "\n")
            out.write(BAD_LINES[copy % len(BAD_LINES)] + "\n")
    return path


@pytest.fixture(scope="module")
def one_process(
    big: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[list[str], dict[str, Any]]:
    """``evaluate --batch`` in one process: its lines and its summary."""
    out = tmp_path_factory.mktemp("one") / "out.jsonl"
    status, summary, _ = call("evaluate", "--batch", big, "--output", out, "--format", "json")
    assert status == 2  # some lines are not valid complaints
    return out.read_text(encoding="utf-8").splitlines(), json.loads(summary)


def test_a_batch_decided_on_the_cluster_is_the_batch_decided_in_one_process(
    cluster: Any, big: Path, one_process: tuple[list[str], dict[str, Any]], tmp_path: Path
) -> None:
    lines, summary = one_process
    complaints = sum(1 for line in lines if line.startswith('{"outcome"'))
    assert complaints >= 50_000
    out = tmp_path / "rows.jsonl"
    address = cluster.scheduler.address
    status, text, err = call(
        "evaluate", "--batch", big, "--scheduler", address, "--part-size", "1MB",
        "--output", out, "--format", "json",
    )  # fmt: skip
    assert status == 2, err
    distributed = json.loads(text)
    assert distributed["parts"] >= 40  # many parts, each one task
    for key in ("input", "output", "jobs", "scheduler", "parts"):
        distributed.pop(key, None), summary.pop(key, None)
    blank = summary["blank"]
    assert distributed == {**summary, "lines": summary["lines"] - blank, "blank": 0}
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    # One row per input line, in order, each what one process wrote for that line.
    assert [row["position"] for row in rows] == [
        n for n, line in enumerate(lines, 1) if line != "null"
    ]
    for row in rows:
        line = json.loads(lines[row["position"] - 1])
        if row["error"] is None:
            assert row["decision"] == line and row["outcome"] == line["outcome"]
        else:
            assert {"line": row["position"], "error": row["error"]} == line
    assert {row["source"] for row in rows} == {str(big)}
    # One engine a worker, whatever the number of parts.
    assert sorted(cluster.run(engines_built).values()) == [1, 1]


def test_a_diff_on_the_cluster_reports_what_diff_reports_in_one_process(
    cluster: Any, big: Path, bundle_copy: Path
) -> None:
    edit(bundle_copy / "evidence.yaml", *GOOD_FAITH_RELIEF)
    args = ("diff", BUNDLE, bundle_copy, "--corpus", big, "--format", "json")
    status, alone, _ = call(*args)
    assert status == 2  # some corpus lines are not complaints
    status, spread, _ = call(*args, "--scheduler", cluster.scheduler.address, "--part-size", "1MB")
    assert status == 2
    report = json.loads(spread)
    assert report == json.loads(alone)
    assert report["changed"] >= 1000 and report["complaints"] >= 50_000
    assert len(report["invalid_lines"]) == COPIES * 3 // 4  # the blank lines are no input


def test_collections_of_documents_are_decided_where_they_are(
    cluster: Any, bundle_copy: Path
) -> None:
    documents = [json.loads(line) for line in CORPUS.read_text().splitlines()] * 5
    engine = Engine.from_path(BUNDLE)
    expected = [engine.evaluate(document).model_dump_json() for document in documents]
    bag = db.from_sequence(documents, npartitions=7)
    rows = ippd.evaluate(bag, BUNDLE).compute()
    assert [row["decision"] for row in rows] == expected
    assert rows[0]["source"] == "partition 0"
    assert rows[-1]["source"] == f"partition {bag.npartitions - 1}"
    frame = pd.DataFrame({"complaint": [json.dumps(d) for d in documents]})
    frame.index = frame.index * 10
    decided = ippd.evaluate(dd.from_pandas(frame, npartitions=4), BUNDLE).compute()
    assert list(decided.index) == list(frame.index)
    assert list(decided["decision"]) == expected
    edit(bundle_copy / "evidence.yaml", *GOOD_FAITH_RELIEF)
    changed = ippd.diff(db.from_sequence(documents, npartitions=3), BUNDLE, bundle_copy)
    assert changed.filter(lambda row: row["changed"]).count().compute() > 0


def test_a_worker_killed_in_the_middle_of_a_job_loses_no_input_and_doubles_none(
    cluster: Any, big: Path, tmp_path: Path, one_process: tuple[list[str], dict[str, Any]]
) -> None:
    lines, _ = one_process
    target = tmp_path / "out"
    result: dict[str, Any] = {}

    def job() -> None:
        result["done"] = call(
            "evaluate", "--batch", big, "--scheduler", cluster.scheduler.address,
            "--part-size", "256KB", "--output", f"{target}/", "--output-format", "parquet",
        )  # fmt: skip

    running = threading.Thread(target=job)
    running.start()
    deadline = time.monotonic() + 120
    written: list[Path] = []
    while len(written) < 10 and time.monotonic() < deadline:  # the job is well under way
        time.sleep(0.05)
        written = list(tmp_path.glob("out.incomplete-*/part-*.parquet"))
    pids = cluster.run(os.getpid)
    victim = sorted(pids.values())[0]
    os.kill(victim, signal.SIGKILL)
    killed_at = len(list(tmp_path.glob("out.incomplete-*/part-*.parquet")))
    running.join(timeout=300)
    assert not running.is_alive()
    status, _, err = result["done"]
    assert status == 2, err
    parts = sorted(target.glob("part-*.parquet"))
    assert killed_at < len(parts)  # the worker died with work left to do
    assert (target / SUCCESS).exists() and not list(tmp_path.glob("out.incomplete-*"))
    import pyarrow.parquet as pq

    positions = pq.read_table(target, columns=["position"]).column("position").to_pylist()
    assert sorted(positions) == [n for n, line in enumerate(lines, 1) if line != "null"]
    assert len(positions) == len(set(positions))
    cluster.wait_for_workers(2, timeout=60)  # the nanny started another
    assert victim not in cluster.run(os.getpid).values()


def test_good_faith_for_every_account_on_the_cluster_is_the_one_account_assessment(
    cluster: Any, tmp_path: Path
) -> None:
    import pyarrow.parquet as pq

    from ipp_rules.goodfaith import AccountsQuestion, evaluate_good_faith_accounts
    from tests.goodfaith.histories import AS_OF, POLICY
    from tests.goodfaith.test_accounts import alone, as_table, history

    rows = history(11, accounts=1200, records=30_000)
    path = tmp_path / "history.parquet"
    pq.write_table(as_table(rows), path, row_group_size=1000)
    question = AccountsQuestion(POLICY, AS_OF)
    spread = ippd.good_faith_all(str(path), question, blocksize=1)  # a task a row group
    assert len(spread) >= 1000
    assert list(spread) == list(evaluate_good_faith_accounts(POLICY, str(path), AS_OF))
    for account, eligibility in list(spread)[:50]:
        assert eligibility == alone(rows, account, str(path)), account
    # The command: the same results file as counted in this process.
    alone_out, spread_out = tmp_path / "alone.jsonl", tmp_path / "spread.jsonl"
    common = (
        "good-faith",
        path,
        "--all-accounts",
        "--as-of",
        AS_OF.isoformat(),
        "--rules",
        BUNDLE / "good_faith.yaml",
    )
    status, _, err = call(*common, "--output", alone_out)
    assert status in (0, 1), err
    status_spread, _, err = call(
        *common, "--output", spread_out, "--scheduler", cluster.scheduler.address,
        "--part-size", "64KB",
    )  # fmt: skip
    assert status_spread == status, err
    assert spread_out.read_bytes() == alone_out.read_bytes()
