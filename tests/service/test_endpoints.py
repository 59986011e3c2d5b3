"""Every endpoint of a running ``ipp-rules serve``, over HTTP: the answers are the library's,
byte for byte, and the service's own documents (bundle, health, metrics, OpenAPI) say what
they should."""

from __future__ import annotations

import csv
import hashlib
import json
import re
import time
from datetime import date, datetime

import httpx
import pytest
import yaml

from ipp_rules import Engine
from ipp_rules.goodfaith import history_from_csv
from ipp_rules.models.intake import load_complaint
from tests.conftest import REPO
from tests.service.conftest import COMPLAINT, CORPUS_LINES, Server, in_process

pytestmark = pytest.mark.slow  # a server process

JSON = {"content-type": "application/json"}
EVENTS = [
    {"kind": "submitted", "at": "2026-09-14T09:00:00+08:00"},
    {"kind": "taken_down", "at": "2026-09-15T10:00:00+08:00"},
    {"kind": "counter_notified", "at": "2026-09-18T10:00:00+08:00"},
]
HISTORY = REPO / "docs" / "examples" / "history-2027.csv"


def valid_corpus_lines(engine: Engine) -> list[bytes]:
    lines = []
    for line in CORPUS_LINES:
        try:
            engine.evaluate(json.loads(line))
        except Exception:
            continue
        lines.append(line)
    return lines


def test_evaluate_answers_the_decision_the_library_makes(served: Server, engine: Engine) -> None:
    lines = valid_corpus_lines(engine)
    assert len(lines) > 150
    with served.client() as client:
        for line in lines:
            answer = client.post("/v1/evaluate", content=line, headers=JSON)
            assert answer.status_code == 200, answer.text
            assert answer.headers["content-type"] == "application/json"
            assert answer.text == in_process(engine, line)


def test_evaluate_reads_yaml_and_traces_when_asked(served: Server, engine: Engine) -> None:
    text = yaml.safe_dump(json.loads(COMPLAINT), allow_unicode=True).encode()
    expected = engine.evaluate(json.loads(COMPLAINT), trace=True)
    with served.client() as client:
        answer = client.post(
            "/v1/evaluate?trace=true", content=text, headers={"content-type": "application/yaml"}
        )
        untraced = client.post("/v1/evaluate", content=COMPLAINT)  # no type: JSON
    assert answer.status_code == 200, answer.text
    assert answer.text == expected.model_dump_json()
    assert answer.json()["trace"], "a traced decision lists the rules that fired"
    assert untraced.json()["trace"] is None


def test_a_request_id_is_echoed_or_made(served: Server) -> None:
    with served.client() as client:
        given = client.post("/v1/evaluate", content=COMPLAINT, headers={"x-request-id": "ab-12"})
        made = client.post("/v1/evaluate", content=COMPLAINT)
        odd = client.get("/healthz", headers={"x-request-id": "no spaces allowed"})
        missing = client.get("/no/such/endpoint", headers={"x-request-id": "lost-1"})
    assert given.headers["x-request-id"] == "ab-12"
    assert re.fullmatch(r"[0-9a-f]{32}", made.headers["x-request-id"])
    assert re.fullmatch(r"[0-9a-f]{32}", odd.headers["x-request-id"])
    assert missing.headers["x-request-id"] == "lost-1"
    assert missing.json()["request_id"] == "lost-1"  # in the problem too
    for _ in range(50):  # the access log names it
        if any(line.get("request_id") == "ab-12" for line in served.log_lines()):
            break
        time.sleep(0.1)
    logged = [line for line in served.log_lines() if line.get("request_id") == "ab-12"]
    assert logged and logged[0]["endpoint"] == "/v1/evaluate" and logged[0]["status"] == 200
    assert logged[0]["bytes_in"] == len(COMPLAINT) and logged[0]["duration_ms"] > 0


def test_deadline_lifecycle_and_good_faith_answer_as_the_library(
    served: Server, engine: Engine
) -> None:
    received = "2026-09-30T16:00:00+08:00"
    deadline = engine.deadline(
        "taobao", "merchant_counter_notification", datetime.fromisoformat(received)
    )
    now = datetime.fromisoformat("2026-09-21T12:00:00+08:00")
    state = engine.lifecycle(EVENTS, "taobao", now=now)
    eligibility = engine.good_faith(history_from_csv(HISTORY), date(2027, 6, 1), "taobao")
    with HISTORY.open(encoding="utf-8") as handle:
        records: list[dict[str, object]] = list(csv.DictReader(handle))
    for record in records:
        record["false_information"] = record["false_information"] == "true"
    with served.client() as client:
        asked = {
            "platform": "taobao",
            "kind": "merchant_counter_notification",
            "received_at": received,
        }
        got_deadline = client.post("/v1/deadline", json=asked)
        got_state = client.post(
            "/v1/lifecycle",
            json={"platform": "taobao", "now": now.isoformat(), "events": EVENTS},
        )
        as_csv = client.post(
            "/v1/good-faith?as_of=2027-06-01&platform=taobao",
            content=HISTORY.read_bytes(),
            headers={"content-type": "text/csv"},
        )
        as_json = client.post(
            "/v1/good-faith",
            json={"as_of": "2027-06-01", "platform": "taobao", "history": records},
        )
    assert got_deadline.status_code == 200, got_deadline.text
    assert got_deadline.text == deadline.model_dump_json()
    assert got_state.status_code == 200, got_state.text
    assert got_state.text == state.model_dump_json()
    assert got_state.json()["next"]["deadline_kind"] == "rights_holder_response"
    assert as_csv.status_code == 200, as_csv.text
    assert as_csv.text == eligibility.model_dump_json()
    assert as_json.status_code == 200, as_json.text
    assert as_json.text == eligibility.model_dump_json()


def test_the_batch_streams_a_line_per_complaint_in_order(served: Server, engine: Engine) -> None:
    lines = CORPUS_LINES[:40]
    body = b"\n".join([*lines[:5], b'{"platform": "taobao"}', b"", b"{not json", *lines[5:]])
    expected = []
    for line in lines:
        try:
            expected.append(in_process(engine, line))
        except Exception as error:
            expected.append(type(error).__name__)
    with served.client() as client:
        as_lines = client.post(
            "/v1/evaluate/batch", content=body, headers={"content-type": "application/jsonl"}
        )
        as_array = client.post(
            "/v1/evaluate/batch",
            content=b"[" + b",".join(lines) + b"]",
            headers=JSON,
        )
    assert as_lines.status_code == 200
    assert as_lines.headers["content-type"].startswith("application/jsonl")
    answers = as_lines.text.splitlines()
    assert len(answers) == len(lines) + 3  # answer N is body line N
    assert answers[6] == "null"  # a blank line holds no complaint
    bad = [json.loads(answers[5]), json.loads(answers[7])]
    assert [(b["index"], b["line"]) for b in bad] == [(5, 6), (7, 8)]
    assert bad[0]["error"]["status"] == 422
    assert {p["path"][0] for p in bad[0]["error"]["problems"]} >= {"listings"}
    assert bad[1]["error"]["status"] == 400
    located = bad[1]["error"]["problems"][0]
    assert (located["line"], located["location"]) == (8, "<body>:8:2")  # placed in the body
    assert "<body>:8:2" in bad[1]["error"]["detail"]
    decided = answers[:5] + answers[8:]
    for got, want in zip(decided, expected, strict=True):
        if want.startswith("{"):
            assert got == want
        else:
            assert json.loads(got)["error"]["status"] in (400, 413, 422)
    # The same complaints as a JSON array: the same decisions; errors name their index.
    from_array = as_array.text.splitlines()
    assert len(from_array) == len(lines)
    for index, (got, want) in enumerate(zip(from_array, expected, strict=True)):
        if want.startswith("{"):
            assert got == want
        else:
            assert json.loads(got)["index"] == index and "line" not in json.loads(got)


def test_the_decision_log_traces_each_decision_to_its_bundle(
    served: Server, engine: Engine
) -> None:
    log = served.log_path.parent / "decisions.jsonl"
    with served.client() as client:
        answer = client.post(
            "/v1/evaluate", content=COMPLAINT, headers={"x-request-id": "traced-1"}
        )
    decision = answer.json()
    canonical = json.dumps(
        load_complaint(json.loads(COMPLAINT)).model_dump(mode="json"),
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    ).encode()
    for _ in range(50):
        lines = [json.loads(line) for line in log.read_text().splitlines()]
        found = [line for line in lines if line["request_id"] == "traced-1"]
        if found:
            break
        time.sleep(0.1)
    assert len(found) == 1
    line = found[0]
    assert line["bundle"] == decision["bundle"] == engine.bundle.identity.model_dump()
    assert line["input_sha256"] == hashlib.sha256(canonical).hexdigest()
    assert line["outcome"] == decision["outcome"]
    assert line["codes"] == [finding["code"] for finding in decision["findings"]]
    assert line["endpoint"] == "/v1/evaluate" and "input" not in line
    assert datetime.fromisoformat(line["time"]).tzinfo is not None


def test_bundle_health_and_readiness(served: Server, engine: Engine) -> None:
    with served.client() as client:
        bundle = client.get("/v1/bundle").json()
        health = client.get("/healthz")
        ready = client.get("/readyz")
    identity = engine.bundle.identity
    assert (bundle["name"], bundle["version"], bundle["sha256"]) == (
        identity.name,
        identity.version,
        identity.sha256,
    )
    assert bundle["folder"] == str((REPO / "rulesets").resolve())
    assert bundle["last_reload_error"] is None
    assert datetime.fromisoformat(bundle["loaded_at"]).tzinfo is not None
    rules = {rule["id"]: rule for rule in bundle["rules"]}
    assert set(rules) == set(engine.bundle.compiled.info)
    assert all(rule["title"] and rule["source"] for rule in rules.values())
    assert health.status_code == 200 and health.json() == {"status": "ok"}
    assert ready.status_code == 200 and ready.json()["bundle"]["sha256"] == identity.sha256


def metric(text: str, name: str, **labels: str) -> float:
    for line in text.splitlines():
        if not line.startswith(name + "{") and not line.startswith(name + " "):
            continue
        if all(f'{key}="{value}"' in line for key, value in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def test_metrics_count_requests_decisions_and_findings(served: Server, engine: Engine) -> None:
    decision = engine.evaluate(json.loads(COMPLAINT))
    with served.client() as client:
        before = client.get("/metrics").text
        for _ in range(3):
            client.post("/v1/evaluate", content=COMPLAINT)
        client.post("/v1/evaluate", content=b"{")
        after = client.get("/metrics")
    assert after.headers["content-type"].startswith("text/plain")
    text = after.text

    def grew(name: str, **labels: str) -> float:
        return metric(text, name, **labels) - metric(before, name, **labels)

    assert grew("ipp_rules_requests_total", endpoint="/v1/evaluate", status="200") == 3
    assert grew("ipp_rules_requests_total", endpoint="/v1/evaluate", status="400") == 1
    assert grew("ipp_rules_decisions_total", outcome=decision.outcome) == 3
    for code in {finding.code for finding in decision.findings}:
        expected = 3 * sum(finding.code == code for finding in decision.findings)
        assert grew("ipp_rules_findings_total", code=code) == expected
    assert grew("ipp_rules_request_duration_seconds_count", endpoint="/v1/evaluate") == 4
    identity = engine.bundle.identity
    assert metric(text, "ipp_rules_bundle_info", sha256=identity.sha256) == 1
    assert "ipp_rules_bundle_reloads_total" in text
    assert "ipp_rules_decision_log_dropped_total" in text


def test_openapi_is_generated_from_the_models_and_the_docs_page_from_it(served: Server) -> None:
    with served.client() as client:
        schema = client.get("/openapi.json").json()
        page = client.get("/docs")
    assert schema["openapi"].startswith("3.1")
    assert set(schema["paths"]) >= {
        "/v1/evaluate",
        "/v1/evaluate/batch",
        "/v1/deadline",
        "/v1/lifecycle",
        "/v1/good-faith",
        "/v1/bundle",
        "/v1/bundle/reload",
        "/healthz",
        "/readyz",
        "/metrics",
    }
    schemas = schema["components"]["schemas"]
    assert {"Complaint", "Decision", "Deadline", "CaseState", "Eligibility", "Problem"} <= set(
        schemas
    )
    assert set(schemas["Complaint"]["properties"]) == set(
        load_complaint(json.loads(COMPLAINT)).__class__.model_fields
    )
    evaluate = schema["paths"]["/v1/evaluate"]["post"]
    assert evaluate["responses"]["422"]["content"]["application/problem+json"]
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "POST /v1/evaluate" in page.text and "<script" not in page.text


def test_methods_and_paths_that_do_not_exist_are_problems(served: Server) -> None:
    with served.client() as client:
        missing = client.get("/v2/evaluate")
        wrong = client.get("/v1/evaluate")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    assert missing.json()["type"] == "urn:ipp-rules:problem:not-found"
    assert wrong.status_code == 405
    assert wrong.json()["type"] == "urn:ipp-rules:problem:method-not-allowed"


def test_odd_methods_and_forwarded_addresses_do_not_reach_the_metrics_or_log(
    served: Server,
) -> None:
    with served.client() as client:
        client.request("BREW", "/healthz", headers={"x-request-id": "odd-method"})
        client.get("/healthz", headers={"x-forwarded-for": "203.0.113.7", "x-request-id": "fwd"})
        text = client.get("/metrics").text
    assert 'method="BREW"' not in text
    assert metric(text, "ipp_rules_requests_total", endpoint="/healthz", method="other") >= 1
    for _ in range(50):
        logged = {line.get("request_id"): line for line in served.log_lines()}
        if "fwd" in logged:
            break
        time.sleep(0.1)
    assert logged["fwd"]["client"].startswith("127.0.0.1:")  # no proxy was named


def test_lifecycle_without_now_is_the_state_now(served: Server) -> None:
    with served.client() as client:
        answer = client.post("/v1/lifecycle", json={"platform": "taobao", "events": EVENTS})
    assert answer.status_code == 200, answer.text
    as_of = datetime.fromisoformat(answer.json()["as_of"])
    assert abs((datetime.now(as_of.tzinfo) - as_of).total_seconds()) < 60


def test_a_client_over_http_gets_json_only(served: Server) -> None:
    with httpx.Client(base_url=served.url) as client:
        for path in ("/healthz", "/readyz", "/v1/bundle", "/openapi.json"):
            assert client.get(path).headers["content-type"] == "application/json"
