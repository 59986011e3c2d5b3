"""``ipp-rules serve`` as a command: what stops it before it listens, and the decision log
when the disk is slow or refuses."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from ipp_rules import Engine
from ipp_rules.models.intake import load_complaint
from ipp_rules.service.decision_log import DecisionLog
from ipp_rules.service.metrics import Metrics
from tests.service.conftest import COMPLAINT, STOPPED, TOKEN, start_server
from tests.service.test_endpoints import metric


def serve(*arguments: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ipp_rules", "serve", *arguments],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
    )


@pytest.mark.slow  # a process
def test_a_bundle_that_does_not_load_stops_the_start(bundle_copy: Path) -> None:
    (bundle_copy / "account.yaml").write_text("rules:\n  - id: [\n", encoding="utf-8")
    done = serve("--rules", str(bundle_copy), "--port", "0")
    assert done.returncode == 2
    assert "account.yaml:" in done.stderr and "Uvicorn running" not in done.stderr


@pytest.mark.slow  # processes
@pytest.mark.parametrize(
    ("arguments", "said"),
    [
        (["--port", "70000"], "expected a port number 0 to 65535, got '70000'"),
        (["--max-body", "12x"], "expected a size in bytes, like 4194304, 512k or 4MiB"),
        (["--time-budget", "0"], "expected seconds, more than 0"),
        (["--max-listings", "-3"], "argument --max-listings"),
        (["--workers", "0"], "argument --workers"),
        (["--max-listings", "6000"], "--max-listings may be at most 5000"),
        (["--max-body", "5MiB"], "--max-body may be at most 4194304"),
        (["--decision-log", "/no/such/folder/log"], "No such file or directory"),
    ],
)
def test_arguments_that_cannot_be_used_stop_the_start(arguments: list[str], said: str) -> None:
    done = serve(*arguments)
    assert done.returncode == 2
    assert said in done.stderr


@pytest.mark.slow  # processes
def test_a_port_in_use_stops_the_start_with_a_message(tmp_path: Path) -> None:
    server = start_server(tmp_path)
    try:
        port = server.url.rsplit(":", 1)[1]
        done = serve("--port", port)
    finally:
        server.stop()
    assert done.returncode == 2
    assert f"the service could not start on 127.0.0.1:{port}" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.slow  # a server process
def test_ctrl_c_stops_the_service_cleanly(tmp_path: Path) -> None:
    server = start_server(tmp_path)
    server.process.send_signal(signal.SIGINT)
    assert server.process.wait(20) == 0
    assert "Application shutdown complete" in server.log()
    assert "Traceback" not in server.log()


@pytest.mark.slow  # a process
def test_a_reload_token_too_short_to_be_safe_stops_the_start() -> None:
    done = serve("--port", "0", env={"IPP_RULES_RELOAD_TOKEN": "short"})
    assert done.returncode == 2
    assert "the reload token must be at least 16 characters long" in done.stderr


@pytest.mark.slow  # a server process
def test_inputs_in_the_decision_log_and_a_disk_that_refuses(tmp_path: Path) -> None:
    log = tmp_path / "decisions.jsonl"
    server = start_server(tmp_path, "--decision-log", str(log), "--log-inputs")
    try:
        with server.client() as client:
            assert client.post("/v1/evaluate", content=COMPLAINT).status_code == 200
    finally:
        assert server.stop() == STOPPED
    (line,) = [json.loads(text) for text in log.read_text().splitlines()]
    assert line["input"] == load_complaint(json.loads(COMPLAINT)).model_dump(mode="json")

    refusing = start_server(tmp_path, "--decision-log", "/dev/full", token=TOKEN)
    try:
        with refusing.client() as client:
            for _ in range(3):
                assert client.post("/v1/evaluate", content=COMPLAINT).status_code == 200
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                text = client.get("/metrics").text
                if metric(text, "ipp_rules_decision_log_write_failures_total") >= 1:
                    break
                time.sleep(0.1)
        assert metric(text, "ipp_rules_decision_log_write_failures_total") >= 1
        assert "cannot be written" in refusing.log()
    finally:
        refusing.stop()


def test_a_full_queue_drops_lines_and_counts_every_one(tmp_path: Path) -> None:
    """The disk stops taking lines (a pipe nobody reads): requests never wait, the lines that
    find the queue full are counted, and every other line is written once the disk takes
    them again."""
    fifo = tmp_path / "slow-disk"
    os.mkfifo(fifo)
    release = threading.Event()
    received: list[bytes] = []

    def slow_reader() -> None:
        with fifo.open("rb") as pipe:
            release.wait()
            received.append(pipe.read())

    reader = threading.Thread(target=slow_reader)
    reader.start()
    metrics = Metrics()
    log = DecisionLog(fifo, metrics, capacity=5, log_inputs=True)
    with Engine.default() as engine:
        complaint = load_complaint(json.loads(COMPLAINT))
        decision = engine.evaluate(complaint)
        started = time.monotonic()
        for n in range(2000):  # far more than the pipe holds
            log.record(decision, complaint, request_id=f"r{n}", endpoint="/v1/evaluate")
        took = time.monotonic() - started
    dropped = metric(metrics.text().decode(), "ipp_rules_decision_log_dropped_total")
    release.set()
    log.close()
    reader.join()
    written = received[0].decode().splitlines()
    assert dropped > 0 and len(written) + dropped == 2000
    assert [json.loads(line)["request_id"] for line in written[:3]] == ["r0", "r1", "r2"]
    assert took < 10  # never waited for the disk
