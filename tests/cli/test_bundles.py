"""Which rules a command read, named so that nobody mistakes the bundled default for a copy."""

from __future__ import annotations

from pathlib import Path

import pytest

from ipp_rules.cli.bundles import (
    BundleInUse,
    read_deadline_policy,
    read_engine,
    read_good_faith_policy,
)
from ipp_rules.errors import RulesetError
from tests.conftest import BUNDLE


def test_a_bundle_folder_given_is_named_by_name_version_and_folder(bundle_copy: Path) -> None:
    engine, bundle = read_engine(bundle_copy, "reference")
    engine.close()
    assert bundle == BundleInUse(bundle_copy, False, "ipp-default", "2026.11.0")
    assert bundle.text() == f"ipp-default 2026.11.0 in {bundle_copy.resolve()}"
    assert bundle.text("0123456789abcdef") == (
        f"ipp-default 2026.11.0 (sha256 0123456789ab) in {bundle_copy.resolve()}"
    )
    assert bundle.as_json() == {
        "bundle_folder": str(bundle_copy.resolve()),
        "bundle_default": False,
    }


def test_the_bundled_default_says_what_it_is_and_what_to_do_instead(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    _, bundle = read_deadline_policy(None)
    assert bundle.default and bundle.path == BUNDLE
    assert bundle.text() == (
        f"ipp-default 2026.11.0, the bundled default at {BUNDLE}; pass a folder, or run "
        "`ipp-rules init FOLDER` to get an editable copy"
    )


def test_a_policy_file_given_directly_is_named_as_the_file(tmp_path: Path) -> None:
    _, bundle = read_deadline_policy(BUNDLE / "deadlines.yaml")
    assert bundle.policy_file and bundle.text().startswith("the policy file ")
    only = tmp_path / "only"
    only.mkdir()
    (only / "good_faith.yaml").write_text((BUNDLE / "good_faith.yaml").read_text())
    _, bundle = read_good_faith_policy(only)
    assert bundle.path == only / "good_faith.yaml" and bundle.policy_file


def test_a_bundle_without_a_good_faith_policy_is_said_so(bundle_copy: Path) -> None:
    manifest = bundle_copy / "bundle.yaml"
    manifest.write_text(manifest.read_text().replace("good_faith: good_faith.yaml\n", ""))
    with pytest.raises(RulesetError, match="this bundle has no good_faith policy"):
        read_good_faith_policy(bundle_copy)
