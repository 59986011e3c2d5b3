"""Bad and hostile requests against a running server with small limits: each gets the problem
response it should (status, type, located problems), none gets a 500 or a traceback, and the
server goes on serving."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.service.conftest import COMPLAINT, STOPPED, Server, start_server

pytestmark = pytest.mark.slow  # a server process

JSON = {"content-type": "application/json"}


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server with small limits, and no reload token."""
    server = start_server(
        tmp_path_factory.mktemp("small"),
        "--max-body", "64k",
        "--max-listings", "20",
        "--max-batch", "10",
        "--max-history", "50",
        "--max-events", "5",
        "--body-timeout", "1",
        token=None,
    )  # fmt: skip
    yield server
    assert server.stop() == STOPPED, server.log()


@pytest.fixture(scope="module")
def hurried(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server that gives a request 5 ms to decide."""
    server = start_server(
        tmp_path_factory.mktemp("hurried"), "--time-budget", "0.005", "--max-listings", "5000"
    )
    yield server
    assert server.stop() == STOPPED, server.log()


def complaint(listings: int) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(COMPLAINT)
    first = document["listings"][0]
    document["listings"] = [
        {**first, "url": f"https://item.taobao.com/item.htm?id={100000 + n}"}
        for n in range(listings)
    ]
    return document


def is_problem(answer: httpx.Response, status: int, kind: str) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    problem: dict[str, Any] = answer.json()
    assert problem["type"] == f"urn:ipp-rules:problem:{kind}"
    assert problem["status"] == status
    assert problem["title"] and problem["detail"]
    assert problem["request_id"] == answer.headers["x-request-id"]
    assert "Traceback" not in answer.text
    return problem


def still_serving(server: Server) -> None:
    with server.client() as client:
        assert client.post("/v1/evaluate", content=COMPLAINT, headers=JSON).status_code == 200


def test_a_body_over_the_limit_is_refused_declared_or_not(small: Server) -> None:
    big = b'{"x": "' + b"a" * 70_000 + b'"}'

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
        for start in range(0, len(big), 8192):
            yield big[start : start + 8192]

    with small.client() as client:
        declared = client.post("/v1/evaluate", content=big, headers=JSON)
        streamed = client.post("/v1/evaluate", content=chunks(), headers=JSON)
    assert "Content-Length is 70009" in is_problem(declared, 413, "too-large")["detail"]
    assert "more than 65536 bytes arrived" in is_problem(streamed, 413, "too-large")["detail"]
    still_serving(small)


def test_documents_over_a_limit_name_the_field(small: Server, served: Server) -> None:
    with small.client() as client:
        over = client.post("/v1/evaluate", json=complaint(21))
        within = client.post("/v1/evaluate", json=complaint(20))
    problem = is_problem(over, 413, "too-large")
    assert [(p["code"], p["path"]) for p in problem["problems"]] == [("over_limit", ["listings"])]
    assert within.status_code == 200
    # 10,000 listings: past what the model allows at all, refused as over a limit.
    with served.client() as client:
        huge = client.post("/v1/evaluate", json=complaint(10_000))
    problem = is_problem(huge, 413, "too-large")
    assert ["listings"] in [p["path"] for p in problem["problems"]]
    still_serving(served)


def test_bodies_that_cannot_be_read_are_400_with_their_place(small: Server) -> None:
    with small.client() as client:
        broken = client.post("/v1/evaluate", content=b'{"platform": "taobao",\n  oops}')
        not_utf8 = client.post("/v1/evaluate", content=b'{"platform": "\xff"}')
        twice = client.post("/v1/evaluate", content=b'{"platform": "a", "platform": "b"}')
        yaml_tag = client.post(
            "/v1/evaluate",
            content=b"platform: !!python/object:os.system x\n",
            headers={"content-type": "application/yaml"},
        )
    problem = is_problem(broken, 400, "unreadable-body")
    assert (problem["problems"][0]["line"], problem["problems"][0]["column"]) == (2, 3)
    assert is_problem(not_utf8, 400, "unreadable-body")["problems"][0]["code"] == "json_invalid"
    assert is_problem(twice, 400, "unreadable-body")["problems"][0]["code"] == "duplicate_key"
    assert is_problem(yaml_tag, 400, "unreadable-body")["problems"][0]["code"] == "tag"


def test_deep_nesting_is_over_a_limit(small: Server) -> None:
    deep = b'{"evidence": ' + b"[" * 5000 + b"]" * 5000 + b"}"
    with small.client() as client:
        answer = client.post("/v1/evaluate", content=deep, headers=JSON)
    assert is_problem(answer, 413, "too-large")["problems"][0]["code"] == "nesting_too_deep"
    still_serving(small)


def test_an_invalid_complaint_is_422_with_every_problem_located(small: Server) -> None:
    document = json.loads(COMPLAINT)
    document["platform"] = "ebay"
    del document["listings"]
    with small.client() as client:
        answer = client.post("/v1/evaluate", content=json.dumps(document, indent=1))
    problem = is_problem(answer, 422, "invalid-complaint")
    paths = {tuple(p["path"]) for p in problem["problems"]}
    assert {("platform",), ("listings",)} <= paths
    assert all(p["line"] for p in problem["problems"])


def test_content_types_the_endpoint_does_not_read_are_415(small: Server) -> None:
    with small.client() as client:
        form = client.post("/v1/evaluate", data={"a": "b"})
        csv_to_deadline = client.post(
            "/v1/deadline", content=b"a,b\n", headers={"content-type": "text/csv"}
        )
        vendor_json = client.post(
            "/v1/evaluate", content=COMPLAINT, headers={"content-type": "application/x+json"}
        )
    detail = is_problem(form, 415, "unsupported-media-type")["detail"]
    assert "application/json" in detail and "application/x-www-form-urlencoded" in detail
    is_problem(csv_to_deadline, 415, "unsupported-media-type")
    assert vendor_json.status_code == 200


def test_a_slow_body_is_408_and_the_server_serves_on(small: Server) -> None:
    host, port = small.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as slow:
        slow.sendall(
            b"POST /v1/evaluate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: 100\r\n\r\n{"
        )
        started = time.monotonic()
        answer = b""
        while b"\r\n\r\n" not in answer or not answer.rstrip().endswith(b"}"):
            data = slow.recv(65536)
            if not data:
                break
            answer += data
        waited = time.monotonic() - started
    assert answer.startswith(b"HTTP/1.1 408 "), answer[:200]
    assert b"urn:ipp-rules:problem:body-too-slow" in answer
    assert 0.9 <= waited < 5
    still_serving(small)


def test_many_slow_clients_do_not_stop_the_others(small: Server) -> None:
    host, port = small.url.removeprefix("http://").split(":")
    stop = threading.Event()
    sockets = [socket.create_connection((host, int(port)), timeout=10) for _ in range(100)]

    def trickle() -> None:  # a byte of headers every 100 ms each (slowloris)
        request = b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 200
        for index in range(len(request)):
            if stop.is_set():
                return
            for each in sockets:
                with contextlib.suppress(OSError):  # the server may close it
                    each.sendall(request[index : index + 1])
            time.sleep(0.1)

    thread = threading.Thread(target=trickle)
    thread.start()
    try:
        time.sleep(0.5)
        with small.client() as client:
            for _ in range(20):
                started = time.monotonic()
                assert client.post("/v1/evaluate", content=COMPLAINT).status_code == 200
                assert time.monotonic() - started < 2
    finally:
        stop.set()
        thread.join()
        for each in sockets:
            each.close()


def test_batch_history_and_events_over_their_limits(small: Server) -> None:
    lines = b"\n".join([COMPLAINT.replace(b"\n", b"")] * 11)
    history = b"submitted_at,platform,reason,outcome,counter_notification,false_information\n"
    history += b"2026-12-03T10:00:00+08:00,taobao,counterfeit,taken_down,none,false\n" * 51
    events = [{"kind": "submitted", "at": "2026-09-14T09:00:00+08:00"}] * 6
    with small.client() as client:
        batch = client.post(
            "/v1/evaluate/batch", content=lines, headers={"content-type": "application/jsonl"}
        )
        records = client.post(
            "/v1/good-faith?as_of=2027-01-01",
            content=history,
            headers={"content-type": "text/csv"},
        )
        case = client.post(
            "/v1/lifecycle",
            json={"platform": "taobao", "now": "2026-09-20T00:00:00+08:00", "events": events},
        )
    assert "at most 10 complaints" in is_problem(batch, 413, "too-large")["detail"]
    assert "at most 50 records" in is_problem(records, 413, "too-large")["detail"]
    assert is_problem(case, 413, "too-large")["problems"][0]["path"] == ["events"]


def test_questions_that_are_not_valid_are_422_naming_the_field(small: Server) -> None:
    with small.client() as client:
        naive = client.post(
            "/v1/deadline",
            json={"platform": "taobao", "kind": "takedown_processing", "received_at": "2026-09-30"},
        )
        unknown = client.post(
            "/v1/deadline",
            json={
                "platform": "ebay",
                "kind": "takedown_processing",
                "received_at": "2026-09-30T10:00:00+08:00",
            },
        )
        extra = client.post(
            "/v1/lifecycle",
            json={"platform": "taobao", "now": "2026-09-20T00:00:00+08:00", "events": [], "x": 1},
        )
        no_date = client.post(
            "/v1/good-faith", content=b"a\n", headers={"content-type": "text/csv"}
        )
        bad_flag = client.post("/v1/evaluate?trace=maybe", content=COMPLAINT)
    problem = is_problem(naive, 422, "invalid-request")
    assert problem["problems"][0]["path"] == ["received_at"]
    assert problem["problems"][0]["line"] == 1
    assert is_problem(unknown, 422, "unknown-marketplace")["detail"]
    assert is_problem(extra, 422, "invalid-request")["problems"][0]["path"] == ["x"]
    assert is_problem(no_date, 422, "invalid-request")["problems"][0]["path"] == ["as_of"]
    assert is_problem(bad_flag, 422, "invalid-request")["problems"][0]["path"] == ["trace"]


def test_reload_is_disabled_without_a_token_and_refused_with_a_wrong_one(
    small: Server, served: Server
) -> None:
    with small.client() as client:
        disabled = client.post("/v1/bundle/reload", headers={"authorization": "Bearer x" * 20})
    with served.client() as client:
        missing = client.post("/v1/bundle/reload")
        wrong = client.post(
            "/v1/bundle/reload", headers={"authorization": "Bearer not-the-token-at-all"}
        )
    assert "IPP_RULES_RELOAD_TOKEN" in is_problem(disabled, 403, "reload-disabled")["detail"]
    is_problem(missing, 401, "unauthorized")
    assert is_problem(wrong, 401, "unauthorized")
    assert wrong.headers["www-authenticate"].startswith("Bearer")


def test_a_request_over_its_time_budget_is_503_and_the_server_serves_on(hurried: Server) -> None:
    with hurried.client() as client:
        slow = client.post("/v1/evaluate", json=complaint(4000))
        batch = client.post(
            "/v1/evaluate/batch",
            content=b"\n".join([COMPLAINT.replace(b"\n", b"")] * 200),
            headers={"content-type": "application/jsonl"},
        )
    problem = is_problem(slow, 503, "over-time-budget")
    assert slow.headers["retry-after"] == "1" and "0.005 seconds" in problem["detail"]
    answers = [json.loads(line) for line in batch.text.splitlines()]
    assert [answer.get("index", n) for n, answer in enumerate(answers)] == list(range(200))
    # Decided while within the budget, then each complaint left is answered with the problem.
    over = [n for n, answer in enumerate(answers) if "outcome" not in answer]
    assert over == list(range(over[0], 200))
    assert {answers[n]["error"]["type"] for n in over} == {"urn:ipp-rules:problem:over-time-budget"}
    still_serving(hurried)


def resident_mb(server: Server) -> float:
    status = Path(f"/proc/{server.process.pid}/status").read_text()
    line = next(line for line in status.splitlines() if line.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


def test_hostile_bodies_do_not_grow_the_server(served: Server) -> None:
    huge = json.dumps(complaint(10_000)).encode()  # 1.5 MB, refused by the model
    oversized = b"[" * (5 * 1024 * 1024)  # over the 4 MiB body limit
    deep = b'{"evidence": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"

    def barrage() -> None:
        with served.client() as client:
            for _ in range(4):
                assert client.post("/v1/evaluate", content=huge, headers=JSON).status_code == 413
                assert client.post("/v1/evaluate", content=deep, headers=JSON).status_code == 413
                answer = client.post("/v1/evaluate", content=oversized, headers=JSON)
                assert answer.status_code == 413

    barrage()  # the first round grows what any round reuses (the allocator's arenas)
    before = resident_mb(served)
    barrage()
    barrage()
    assert resident_mb(served) - before < 20
    still_serving(served)


def test_a_client_that_leaves_mid_body_is_no_error_of_the_service(small: Server) -> None:
    host, port = small.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as leaving:
        leaving.sendall(
            b"POST /v1/evaluate HTTP/1.1\r\nHost: x\r\nX-Request-ID: leaves\r\n"
            b"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"
        )
    for _ in range(50):
        logged = [line for line in small.log_lines() if line.get("request_id") == "leaves"]
        if logged:
            break
        time.sleep(0.1)
    assert logged and logged[0]["status"] == 400
    assert "Traceback" not in small.log()
    still_serving(small)


def test_bodies_of_questions_are_read_as_bodies_and_located(small: Server) -> None:
    history = [
        {
            "submitted_at": "2026-12-03T10:00:00+08:00",
            "platform": "taobao",
            "reason": "counterfeit",
            "outcome": "taken_down",
        },
        {
            "submitted_at": "2026-12-04T10:00:00+08:00",
            "platform": "taobao",
            "reason": "counterfeit",
            "outcome": "bogus",
        },
    ]
    body = json.dumps({"as_of": "2027-01-01", "history": history}, indent=1)
    with small.client() as client:
        broken = client.post("/v1/deadline", content=b'{"platform": ', headers=JSON)
        bad_record = client.post("/v1/good-faith", content=body, headers=JSON)
    detail = is_problem(broken, 400, "unreadable-body")["detail"]
    assert detail.startswith("the body is not JSON this endpoint reads: <body>:1:")
    problem = is_problem(bad_record, 422, "invalid-history")["problems"][0]
    assert problem["path"] == ["history", 1, "outcome"]
    line = body.splitlines()[problem["line"] - 1]
    assert '"outcome": "bogus"' in line
