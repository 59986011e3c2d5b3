"""Replacing the bundle of a running server: over HTTP, by watching its folder, under load,
and with several worker processes. A bundle that does not load never stops the service: the
previous one answers on, and the failure shows in ``/v1/bundle``, the log and the metrics."""

from __future__ import annotations

import json
import random
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from ipp_rules import Engine
from tests.conftest import edit
from tests.service.conftest import COMPLAINT, CORPUS_LINES, STOPPED, TOKEN, start_server
from tests.service.test_endpoints import metric

pytestmark = pytest.mark.slow  # server processes

AUTH = {"authorization": f"Bearer {TOKEN}"}
RENAMED = ("title: An authorised agent must", "title: An agent must")
BROKEN = "rules:\n  - id: [unclosed\n"


def new_version(bundle: Path, version: str) -> None:
    manifest = bundle / "bundle.yaml"
    text = manifest.read_text(encoding="utf-8")
    old = next(line for line in text.splitlines() if line.startswith("version:"))
    manifest.write_text(text.replace(old, f"version: {version}"), encoding="utf-8")


def wait_for(check: Callable[[], bool], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "not within the time"
        time.sleep(0.1)


def test_a_reload_swaps_the_bundle_and_a_broken_one_keeps_the_old(
    bundle_copy: Path, tmp_path: Path
) -> None:
    server = start_server(tmp_path, "--rules", str(bundle_copy))
    try:
        with server.client() as client:
            first = client.get("/v1/bundle").json()
            new_version(bundle_copy, "2099.1.0")
            reloaded = client.post("/v1/bundle/reload", headers=AUTH)
            assert reloaded.status_code == 200, reloaded.text
            assert reloaded.json()["version"] == "2099.1.0"
            with Engine.from_path(bundle_copy) as edited:
                assert reloaded.json()["sha256"] == edited.bundle.identity.sha256 != first["sha256"]
                decision = client.post("/v1/evaluate", content=COMPLAINT)
                assert decision.text == edited.evaluate(json.loads(COMPLAINT)).model_dump_json()

            (bundle_copy / "account.yaml").write_text(BROKEN, encoding="utf-8")
            failed = client.post("/v1/bundle/reload", headers=AUTH)
            assert failed.status_code == 422
            problem = failed.json()
            assert problem["type"] == "urn:ipp-rules:problem:reload-failed"
            assert "the previous one serves on" in problem["detail"]
            located = [p for p in problem["problems"] if p["file"]]
            assert located and located[0]["file"].endswith("account.yaml") and located[0]["line"]

            after = client.get("/v1/bundle").json()
            assert after["version"] == "2099.1.0"  # the edited bundle serves on
            error = after["last_reload_error"]
            assert (error["type"], error["title"]) == ("RulesetError", "invalid ruleset bundle")
            assert error["problems"][0]["file"].endswith("account.yaml")
            still = client.post("/v1/evaluate", content=COMPLAINT).json()
            assert still["bundle"]["version"] == "2099.1.0"
            metrics = client.get("/metrics").text
        assert metric(metrics, "ipp_rules_bundle_reloads_total", result="success") == 1
        assert metric(metrics, "ipp_rules_bundle_reloads_total", result="failure") == 1
        assert metric(metrics, "ipp_rules_bundle_info", version="2099.1.0") == 1
        assert "failed, the previous bundle serves on" in server.log()
    finally:
        assert server.stop() == STOPPED, server.log()


def test_watching_the_folder_reloads_on_a_change(bundle_copy: Path, tmp_path: Path) -> None:
    server = start_server(tmp_path, "--rules", str(bundle_copy), "--watch")
    try:
        with server.client() as client:
            new_version(bundle_copy, "2099.2.0")
            wait_for(lambda: client.get("/v1/bundle").json()["version"] == "2099.2.0")
            (bundle_copy / "account.yaml").write_text(BROKEN, encoding="utf-8")
            wait_for(lambda: client.get("/v1/bundle").json()["last_reload_error"] is not None)
            assert client.get("/v1/bundle").json()["version"] == "2099.2.0"
            assert client.post("/v1/evaluate", content=COMPLAINT).status_code == 200
    finally:
        assert server.stop() == STOPPED, server.log()


def test_32_clients_get_identical_decisions_while_the_bundle_is_replaced(
    bundle_copy: Path, tmp_path: Path
) -> None:
    with Engine.from_path(bundle_copy) as engine:
        before = engine.bundle.identity.sha256
        # Each client sends valid complaints and invalid documents, mixed.
        valid = []
        for line in CORPUS_LINES:
            try:
                engine.evaluate(json.loads(line))
            except Exception:
                continue
            valid.append(line)
        invalid = [b"{", b'{"platform": "taobao"}', b"[]", b'{"platform": "\xff"}']
        expected: dict[str, dict[bytes, str]] = {
            before: {line: engine.evaluate(json.loads(line)).model_dump_json() for line in valid}
        }
    server = start_server(tmp_path, "--rules", str(bundle_copy))
    failures: list[str] = []
    answers: list[tuple[bytes, int, str]] = []
    lock = threading.Lock()
    start = threading.Barrier(33)

    def client_run(seed: int) -> None:
        rng = random.Random(seed)
        got = []
        with server.client() as client:
            start.wait()
            for _ in range(100):
                body = rng.choice(invalid) if rng.random() < 0.2 else rng.choice(valid)
                try:
                    answer = client.post("/v1/evaluate", content=body)
                except httpx.HTTPError as error:
                    with lock:
                        failures.append(f"{type(error).__name__}: {error}")
                    continue
                got.append((body, answer.status_code, answer.text))
        with lock:
            answers.extend(got)

    threads = [threading.Thread(target=client_run, args=(seed,)) for seed in range(32)]
    try:
        for thread in threads:
            thread.start()
        start.wait()
        with server.client() as client:
            time.sleep(0.5)
            edit(bundle_copy / "account.yaml", *RENAMED)  # a message every decision may show
            new_version(bundle_copy, "2099.3.0")
            assert client.post("/v1/bundle/reload", headers=AUTH).status_code == 200
            with Engine.from_path(bundle_copy) as edited:
                after = edited.bundle.identity.sha256
                expected[after] = {
                    line: edited.evaluate(json.loads(line)).model_dump_json() for line in valid
                }
            time.sleep(0.5)
            (bundle_copy / "account.yaml").write_text(BROKEN, encoding="utf-8")
            assert client.post("/v1/bundle/reload", headers=AUTH).status_code == 422
        for thread in threads:
            thread.join()
        with server.client() as client:
            last = client.post("/v1/evaluate", content=valid[0]).json()
    finally:
        for thread in threads:
            thread.join()
        assert server.stop() == STOPPED, server.log()

    assert failures == []
    assert len(answers) == 3200
    assert [status for _, status, _ in answers if status >= 500] == []
    named: dict[str, int] = {}
    for body, status, text in answers:
        document: dict[str, Any] = json.loads(text)
        if body in invalid:
            assert status in (400, 422) and document["type"].startswith("urn:ipp-rules:problem:")
            continue
        assert status == 200, text
        sha = document["bundle"]["sha256"]
        named[sha] = named.get(sha, 0) + 1
        assert text == expected[sha][body]  # decided by the bundle it names, byte for byte
    assert set(named) == {before, after}, "both bundles decided some of the requests"
    assert last["bundle"]["sha256"] == after  # the broken bundle never served


def test_with_two_workers_a_reload_reaches_both(bundle_copy: Path, tmp_path: Path) -> None:
    server = start_server(tmp_path, "--rules", str(bundle_copy), "--workers", "2")
    try:
        with server.client() as client:

            def serving(version: str) -> set[str]:
                text = client.get("/metrics").text
                return {
                    line.split('pid="')[1].split('"')[0]
                    for line in text.splitlines()
                    if line.startswith("ipp_rules_bundle_info{")
                    and f'version="{version}"' in line
                    and line.endswith(" 1.0")
                }

            first = client.get("/v1/bundle").json()["version"]
            wait_for(lambda: len(serving(first)) == 2)  # two processes serve
            new_version(bundle_copy, "2099.4.0")
            assert client.post("/v1/bundle/reload", headers=AUTH).status_code == 200
            wait_for(lambda: len(serving("2099.4.0")) == 2, seconds=10)
            assert serving(first) == set()
            for _ in range(20):  # whichever process answers
                decision = client.post("/v1/evaluate", content=COMPLAINT).json()
                assert decision["bundle"]["version"] == "2099.4.0"
            metrics = client.get("/metrics").text
        assert metric(metrics, "ipp_rules_bundle_reloads_total", result="success") == 2
    finally:
        server.stop()
