"""Real ``ipp-rules serve`` processes on free loopback ports, and clients for them.

Every service test talks to a server started as the command line starts it (a subprocess,
``python -m ipp_rules serve``), over HTTP with httpx; none calls the application object.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from ipp_rules import Engine
from tests.conftest import REPO

TOKEN = "a-reload-token-for-tests-0123456789"
STOPPED = -signal.SIGTERM
"""How a server stopped by SIGTERM ends: uvicorn shuts down gracefully, then ends by the
signal, as a process that did not catch it would, so a supervisor sees why it stopped."""
CORPUS_LINES = (REPO / "docs" / "examples" / "corpus.jsonl").read_bytes().splitlines()
COMPLAINT = (REPO / "docs" / "examples" / "complaint.json").read_bytes()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Server:
    """A running ``ipp-rules serve``: its address, its process and its error output."""

    url: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def client(self, **options: Any) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=60, **options)

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def log_lines(self) -> list[dict[str, Any]]:
        """The JSON lines of the log (the access log)."""
        lines = []
        for line in self.log().splitlines():
            if line.startswith("{"):
                lines.append(json.loads(line))
        return lines

    def stop(self) -> int:
        return stop_process(self.process)


def stop_process(process: subprocess.Popen[bytes]) -> int:
    """Stop a server as a supervisor does (SIGTERM, then SIGKILL after 20 s); its status."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return process.returncode


def start_server(
    folder: Path, *arguments: str, token: str | None = TOKEN, wait: float = 60
) -> Server:
    """``ipp-rules serve ARGUMENTS`` on a free port, once ``/readyz`` answers; its error
    output goes to a file in ``folder``."""
    env = {**os.environ}
    env.pop("IPP_RULES_RELOAD_TOKEN", None)
    if token is not None:
        env["IPP_RULES_RELOAD_TOKEN"] = token
    for attempt in range(3):
        port = free_port()
        log_path = folder / f"serve-{port}.log"
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "ipp_rules", "serve", "--port", str(port), *arguments],
                stdout=subprocess.DEVNULL,
                stderr=log,
                env=env,
                cwd=folder,
            )
        server = Server(f"http://127.0.0.1:{port}", process, log_path)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if process.poll() is not None:
                break
            try:
                if httpx.get(server.url + "/readyz", timeout=2).status_code == 200:
                    return server
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        server.stop()
        if "address already in use" not in server.log().lower() or attempt == 2:
            raise AssertionError(f"the server did not start:\n{server.log()}")
    raise AssertionError("unreachable")


@pytest.fixture(scope="package")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One server on the bundled rules with the default limits and a decision log, shared by
    the tests that only send requests."""
    folder = tmp_path_factory.mktemp("served")
    server = start_server(folder, "--decision-log", str(folder / "decisions.jsonl"))
    yield server
    assert server.stop() == STOPPED, server.log()
    assert "Application shutdown complete" in server.log()


@pytest.fixture(scope="package")
def engine() -> Iterator[Engine]:
    """The engine in this process, on the same bundle: what every answer must equal."""
    with Engine.default() as default:
        yield default


def in_process(engine: Engine, body: bytes) -> str:
    return engine.evaluate(json.loads(body)).model_dump_json()
