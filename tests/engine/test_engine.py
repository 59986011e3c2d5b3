"""Engine: decisions from documents, determinism, traces, reload, threads."""

from __future__ import annotations

import json
import shutil
import threading
from pathlib import Path
from typing import Any

import pytest

from ipp_rules import ComplaintError, Decision, Engine, RulesetError
from ipp_rules.engine.engine import BACKENDS
from ipp_rules.models.intake import load_complaint
from tests.conftest import BUNDLE


def test_an_admissible_complaint_is_accepted(engine: Engine, taobao_document: dict[str, Any]):
    decision = engine.evaluate(taobao_document)
    assert decision.outcome == "accept"
    assert decision.findings == ()
    assert decision.bundle.name == "ipp-default"
    assert len(decision.bundle.sha256) == 64


def test_a_model_and_its_document_give_the_same_decision(
    engine: Engine, taobao_document: dict[str, Any]
):
    taobao_document["right"]["status"] = "withdrawn"
    from_dict = engine.evaluate(taobao_document)
    from_model = engine.evaluate(load_complaint(taobao_document))
    assert from_dict == from_model
    assert [f.code for f in from_dict.findings] == ["RIGHT_NOT_AUTHENTICATED"]


def test_findings_carry_rule_code_category_severity_path_and_source(
    engine: Engine, taobao_document: dict[str, Any]
):
    taobao_document["right"]["valid_until"] = "2026-01-31"
    (finding,) = engine.evaluate(taobao_document).findings
    assert finding.rule_id == "account.right_expired"
    assert finding.code == "RIGHT_EXPIRED"
    assert finding.category == "account"
    assert finding.severity == "error"
    assert finding.path == "right.valid_until"
    assert "2026-01-31" in finding.message and "2026-03-02" in finding.message
    assert finding.source.startswith("IPR Protection Handbook")


def test_findings_point_at_the_field_to_fix(engine: Engine, taobao_document: dict[str, Any]):
    taobao_document["complainant"]["identity_verified"] = False
    taobao_document["right"]["status"] = "authentication_failed"
    paths = {f.code: f.path for f in engine.evaluate(taobao_document).findings}
    assert paths == {
        "IDENTITY_NOT_VERIFIED": "complainant.identity_verified",
        "RIGHT_NOT_AUTHENTICATED": "right.status",
    }


def test_listing_messages_count_from_one(engine: Engine, taobao_document: dict[str, Any]):
    url = taobao_document["listings"][0]["url"]
    taobao_document["listings"] = [
        {**taobao_document["listings"][0], "url": url},
        {**taobao_document["listings"][0], "url": "https://detail.tmall.com/item.htm?id=5550001"},
        {**taobao_document["listings"][0], "url": url + "&spm=a1z10"},
    ]
    findings = {f.code: f for f in engine.evaluate(taobao_document).findings}
    assert findings["LISTING_WRONG_MARKETPLACE"].message.startswith("Listing 2 is on tmall")
    assert findings["LISTING_WRONG_MARKETPLACE"].path == "listings[1].url"
    assert findings["LISTING_DUPLICATE"].message.startswith(
        "Listing 3 is the same page as listing 1 "
    )


def test_same_input_same_bundle_gives_byte_identical_json(taobao_document: dict[str, Any]):
    taobao_document["complainant"].update(identity_verified=False, role="authorized_agent")
    taobao_document["right"]["status"] = "under_authentication"
    outputs = set()
    for backend in BACKENDS:
        with Engine.default(backend=backend) as engine:  # type: ignore[arg-type]
            for _ in range(3):
                outputs.add(engine.evaluate(taobao_document, trace=True).model_dump_json())
    assert len(outputs) == 1
    decision = Decision.model_validate_json(outputs.pop())
    assert [f.severity for f in decision.findings] == ["error", "error", "missing"]


def test_trace_names_the_rules_that_fired_with_the_values_they_saw(
    engine: Engine, taobao_document: dict[str, Any]
):
    taobao_document["complainant"]["role"] = "authorized_agent"
    taobao_document["complainant"]["authorization"] = {
        "document": "power_of_attorney",
        "rights": ["TM-OTHER"],
    }
    decision = engine.evaluate(taobao_document, trace=True)
    assert decision.trace is not None
    by_rule = {entry.rule_id: entry.values for entry in decision.trace}
    assert set(by_rule) == {
        "account.agent_authorization_on_file",
        "account.agent_authorization_does_not_cover_right",
    }
    assert by_rule["account.agent_authorization_does_not_cover_right"] == {
        "complainant.authorization.rights": ["TM-OTHER"],
        "derived.agent_authorization_on_file": True,
        "right.id": "TM-CN-1",
    }
    assert engine.evaluate(taobao_document).trace is None


def test_a_bad_document_raises_one_error_listing_every_problem(engine: Engine):
    with pytest.raises(ComplaintError) as caught:
        engine.evaluate({"platform": "lazada", "submitted_at": "2026-03-02T10:15:00"})
    locations = {p.location for p in caught.value.problems}
    assert {"country", "submitted_at", "complainant", "right"} <= locations


def _copy_bundle(tmp_path: Path) -> Path:
    target = tmp_path / "bundle"
    shutil.copytree(BUNDLE, target)
    return target


def test_reload_swaps_in_a_changed_bundle(tmp_path: Path, taobao_document: dict[str, Any]):
    root = _copy_bundle(tmp_path)
    with Engine.from_path(root) as engine:
        before = engine.bundle.identity
        taobao_document["right"]["status"] = "withdrawn"
        assert engine.evaluate(taobao_document).outcome == "reject"
        account = root / "account.yaml"
        account.write_text(
            account.read_text().replace(
                "right.status: {ne: authenticated}", "right.status: {eq: revoked_never}"
            )
        )
        with pytest.raises(RulesetError):  # the edit names a status that does not exist
            engine.reload()
        assert engine.bundle.identity == before
        assert engine.evaluate(taobao_document).outcome == "reject"
        account.write_text(
            account.read_text().replace("{eq: revoked_never}", "{eq: authentication_failed}")
        )
        engine.reload()
        assert engine.bundle.identity.sha256 != before.sha256
        assert engine.evaluate(taobao_document).outcome == "accept"


def test_a_broken_bundle_error_names_file_line_and_column(tmp_path: Path):
    root = _copy_bundle(tmp_path)
    account = root / "account.yaml"
    text = account.read_text().replace(
        "complainant.identity_verified: {eq: false}", "complainant.identity_verifed: {eq: false}"
    )
    account.write_text(text)
    with pytest.raises(RulesetError) as caught:
        Engine.from_path(root)
    (problem,) = caught.value.problems
    line = next(i for i, t in enumerate(text.splitlines(), 1) if "identity_verifed" in t)
    assert problem.location.endswith(f"account.yaml:{line}:7")
    assert "did you mean 'complainant.identity_verified'" in problem.message


def test_threads_share_one_engine(taobao_document: dict[str, Any]):
    variants: list[dict[str, Any]] = []
    for status in ("authenticated", "withdrawn"):
        for verified in (True, False):
            doc = json.loads(json.dumps(taobao_document))
            doc["right"]["status"] = status
            doc["complainant"]["identity_verified"] = verified
            variants.append(doc)
    with Engine.default(backend="reference") as reference:
        expected = [reference.evaluate(v).model_dump_json() for v in variants]
    errors: list[str] = []
    with Engine.default(backend="durable") as engine:

        def work(offset: int) -> None:
            for i in range(300):
                index = (i + offset) % len(variants)
                got = engine.evaluate(variants[index]).model_dump_json()
                if got != expected[index]:
                    errors.append(got)

        threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []
