"""``ipp-rules explain``: each finding's rule, source and values, and what to add."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from tests.analysis.test_explain import incomplete
from tests.cli.conftest import EXAMPLES, run_cli
from tests.conftest import REPO, edit


def test_needs_info_lists_the_additions_that_complete_the_complaint(
    tmp_path: Path, taobao_document: dict[str, Any]
):
    path = tmp_path / "complaint.json"
    path.write_text(json.dumps(incomplete(taobao_document)))
    done = run_cli("explain", path)
    assert done.returncode == 1, done.stderr
    text = done.stdout
    assert text.startswith("outcome: needs_info\n")
    additions = text.split("to complete the complaint, add (3):\n")[1].split("\n\n")[0]
    assert re.findall(r"^     at (\S+) \((\w+)\)$", additions, re.M) == [
        ("listings[1].nice_class", "LISTING_CLASS_MISSING"),
        ("evidence", "DIFFERENCES_DESCRIPTION_MISSING"),
        ("evidence", "COMPARISON_MISSING"),
    ]
    assert (
        "  1. Listing https://item.taobao.com/item.htm?id=680000000002 gives no Nice class"
        in additions
    )
    # Each finding names its rule, where it is written, its source and what it saw.
    assert re.search(
        r"^finding 1: \[missing\] LISTING_CLASS_MISSING at listings\[1\]\.nice_class\n"
        r"(  .*\n)+"
        r"  rule    scope\.listing_class_missing \(rulesets/scope\.yaml:[0-9]+:5\)\n"
        r"          A listing must give a Nice class, a similar-goods group or a category\n"
        r"  source  IPR Protection Handbook",
        text,
        re.M,
    )
    assert "  saw     listing.category      = null\n" in text
    assert '          right.type            = "trademark"\n' in text


def test_a_rejection_shows_the_values_and_the_derived_facts_behind_it():
    done = run_cli("explain", EXAMPLES / "complaint-agent-expired.json")
    assert done.returncode == 1
    text = done.stdout
    assert text.startswith("outcome: reject\n")
    assert re.match(
        r"bundle:  ipp-default 2026\.11\.0 \(sha256 [0-9a-f]{12}\), the bundled default at "
        r"rulesets; pass a folder, or run `ipp-rules init FOLDER` to get an editable copy$",
        text.splitlines()[1],
    )
    assert "to complete the complaint" not in text
    assert '  saw     complainant.authorization.valid_until = "2026-04-30"\n' in text
    assert '          submitted_on                          = "2026-05-20"\n' in text
    assert "derived facts that held:\n  derived.agent_authorization_on_file\n" in text
    assert re.search(
        r"  rule    account\.agent_authorization_on_file \(rulesets/account\.yaml:[0-9]+:5\)", text
    )


def test_an_accepted_complaint_exits_0_and_json_gives_the_same_as_data():
    done = run_cli("explain", EXAMPLES / "complaint-lazada-th.yaml")
    assert done.returncode == 0
    assert "no findings: no rule that gives a finding fired" in done.stdout
    as_json = json.loads(
        run_cli("explain", "--format", "json", EXAMPLES / "complaint-agent-expired.json").stdout
    )
    assert set(as_json) == {
        "decision",
        "findings",
        "derived",
        "additions",
        "bundle_folder",
        "bundle_default",
    }
    assert (as_json["bundle_folder"], as_json["bundle_default"]) == (str(REPO / "rulesets"), True)
    (finding,) = as_json["findings"]
    assert finding["rule"]["id"] == "account.agent_authorization_expired"
    assert finding["rule"]["location"].startswith("rulesets/account.yaml:")
    assert finding["values"]["submitted_on"] == "2026-05-20"
    assert as_json["derived"][0]["fact"] == "derived.agent_authorization_on_file"
    assert as_json["additions"] == []


def test_a_broken_bundle_or_document_is_invalid_input(bundle_copy: Path, tmp_path: Path):
    edit(
        bundle_copy / "account.yaml",
        "complainant.identity_verified: {eq: false}",
        "complainant.identity_verified: {eq: nope}",
    )
    done = run_cli("explain", EXAMPLES / "complaint-lazada-th.yaml", "--rules", bundle_copy)
    assert done.returncode == 2
    assert "invalid ruleset bundle" in done.stderr and "account.yaml:" in done.stderr
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"platform": "taobao", "listings": "none"}))
    done = run_cli("explain", bad)
    assert done.returncode == 2
    assert "invalid complaint document" in done.stderr and "listings" in done.stderr
