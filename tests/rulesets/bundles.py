"""Small bundles built in a test's folder, and what loading them gives.

Each test builds a bundle in ``tmp_path`` and asserts the exact outcome: the
``file:line:column`` of every problem and the words that tell a policy analyst what to fix,
or, for a bundle that loads, what its rules decide (evaluated with the reference backend).
Tests using these run in ``tmp_path`` (the ``in_tmp`` fixture), so locations read ``b/a.yaml:8:7``.
"""

from __future__ import annotations

import copy
import textwrap
from pathlib import Path
from typing import Any

import pytest

from ipp_rules.engine.engine import Engine
from ipp_rules.errors import RulesetError
from ipp_rules.models.decision import Decision
from ipp_rules.problems import Problem
from ipp_rules.rulesets.bundle import Bundle, load_bundle
from ipp_rules.testing.cases import merge_patch

# A copy of rulesets/tests/bases/taobao_rights_holder.yaml: a complete, admissible complaint.
BASE_COMPLAINT = """\
platform: taobao
submitted_at: "2026-03-02T10:15:00+08:00"
channel: ipp_account
complaint_type: product_listing
reason: counterfeit
complainant:
  kind: business
  role: rights_holder
  location: other
  identity_verified: true
right:
  id: TM-CN-1
  type: trademark
  status: authenticated
  jurisdiction: CN
  registration_number: "12345678"
  nice_classes: [25]
  similar_groups: ["2507"]
  valid_from: "2018-01-10"
  valid_until: "2028-01-09"
  language: zh
  documents:
    - kind: registration_certificate
listings:
  - url: "https://item.taobao.com/item.htm?id=680000000001"
    nice_class: 25
evidence:
  - kind: description
    text: "The logo stitching and the size label differ from the genuine product."
  - kind: comparison_image
    reference: "comparison-1.png"
"""


def make_bundle(
    tmp_path: Path,
    files: dict[str, str],
    *,
    manifest: str | None = None,
    folder: str = "b",
) -> Path:
    """A bundle folder from YAML texts (dedented); the manifest lists the top-level files."""
    root = tmp_path / folder
    root.mkdir(parents=True, exist_ok=True)
    if manifest is None:
        names = [name for name in files if "/" not in name]
        manifest = "name: test-bundle\nversion: '1.0'\nrulesets:\n" + "".join(
            f"  - {name}\n" for name in names
        )
    (root / "bundle.yaml").write_text(textwrap.dedent(manifest), encoding="utf-8")
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def rule_file(when: str, rest: str = "outcome: reject\ncode: TEST\nmessage: Test.\n") -> str:
    """One rule, laid out so that its ``when`` entries start on line 8, column 7.

    Line 4 is the rule's ``- id``, 7 is ``when:``, 8 on the condition, then ``rest`` (rule
    keys, four-space indented).
    """
    when_lines = "".join(f"      {line}\n" for line in textwrap.dedent(when).splitlines())
    rest_lines = "".join(f"    {line}\n" for line in textwrap.dedent(rest).splitlines())
    return (
        "area: test\n"
        "category: account\n"
        "rules:\n"
        "  - id: test.rule\n"
        "    title: A test rule\n"
        "    source: Handbook\n"
        "    when:\n" + when_lines + rest_lines
    )


def problems(tmp_path: Path, files: dict[str, str], **kwargs: Any) -> tuple[Problem, ...]:
    root = make_bundle(tmp_path, files, **kwargs)
    with pytest.raises(RulesetError) as caught:
        load_bundle(root)
    return caught.value.problems


def only_problem(tmp_path: Path, files: dict[str, str], **kwargs: Any) -> Problem:
    found = problems(tmp_path, files, **kwargs)
    assert len(found) == 1, found
    return found[0]


def loaded(tmp_path: Path, files: dict[str, str], **kwargs: Any) -> Bundle:
    return load_bundle(make_bundle(tmp_path, files, **kwargs))


def evaluate(bundle: Bundle, complaint: dict[str, Any]) -> Decision:
    engine = Engine(bundle, backend="reference")
    try:
        return engine.evaluate(complaint, trace=True)
    finally:
        engine.close()


def patched(base: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    result = merge_patch(copy.deepcopy(base), patch)
    assert isinstance(result, dict)
    return result


def fired(decision: Decision) -> list[str]:
    return [entry.rule_id for entry in decision.trace or ()]


VALID = {
    "a.yaml": rule_file("platform: {eq: taobao}"),
}
