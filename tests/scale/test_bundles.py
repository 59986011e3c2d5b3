"""A bundle as bytes: the same bundle on a worker that cannot see its folder, built once."""

from __future__ import annotations

import io
import shutil
import tarfile
from dataclasses import replace
from pathlib import Path

import pytest

from ipp_rules import Engine
from ipp_rules.errors import EngineError, RulesetError
from ipp_rules.scale import bundles
from ipp_rules.scale.bundles import BundlePayload, bundle_payload, engine_for, engines_built
from tests.conftest import BUNDLE


@pytest.fixture(scope="module")
def payload() -> BundlePayload:
    return bundle_payload(BUNDLE)


def test_a_payload_is_the_bundle_files_and_builds_the_same_bundle(
    payload: BundlePayload, tmp_path: Path
) -> None:
    identity = Engine.default().bundle.identity
    assert (payload.name, payload.version, payload.sha256) == (
        identity.name,
        identity.version,
        identity.sha256,
    )
    with tarfile.open(fileobj=io.BytesIO(payload.data)) as tar:
        names = tar.getnames()
    assert names[0] == "bundle.yaml" and "good_faith.yaml" in names
    assert not any(name.startswith("tests") for name in names)  # only what the engine reads
    # Built where the folder is gone: the bundle travels whole.
    engine = engine_for(payload)
    assert engine.bundle.identity == identity
    assert "sha256 " + payload.sha256[:12] in repr(payload)


def test_an_engine_is_built_once_per_bundle_and_process(payload: BundlePayload) -> None:
    first = engine_for(payload)
    built = engines_built()
    assert engine_for(payload) is first
    assert engine_for(replace(payload)) is first  # an equal payload, unpickled anew
    assert engines_built() == built
    assert engine_for(payload, "reference") is first  # a payload's backend is its own
    folder = engine_for(BUNDLE)
    assert folder is engine_for(str(BUNDLE)) and folder is not first


def test_the_cache_keeps_a_few_engines(
    payload: BundlePayload, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bundles, "KEPT_ENGINES", 1)
    one = engine_for(payload)
    other = engine_for(replace(payload, backend="reference"))
    built = engines_built()
    assert other is not one
    assert engine_for(payload) is not one  # rebuilt: it had been let go
    assert engines_built() == built + 1


def test_a_tampered_payload_is_refused(payload: BundlePayload) -> None:
    with pytest.raises(EngineError, match=r"not 0+ \(the bundle changed while it was packed\)"):
        engine_for(replace(payload, sha256="0" * 64))
    with pytest.raises(EngineError, match="not a bundle"):
        engine_for(replace(payload, sha256="1" * 64, data=b"not a tar archive"))
    evil = io.BytesIO()
    with tarfile.open(fileobj=evil, mode="w") as tar:
        info = tarfile.TarInfo("../../etc/evil.yaml")
        info.size = 1
        tar.addfile(info, io.BytesIO(b"x"))
    with pytest.raises(EngineError, match="not a file inside the bundle"):
        engine_for(replace(payload, sha256="2" * 64, data=evil.getvalue()))
    with pytest.raises(EngineError, match="larger than"):
        engine_for(replace(payload, sha256="3" * 64, data=b"\0" * (bundles.MAX_PAYLOAD_BYTES + 1)))


def test_a_bundle_that_does_not_load_has_no_payload(tmp_path: Path) -> None:
    broken = Path(shutil.copytree(BUNDLE, tmp_path / "b"))
    (broken / "listing.yaml").write_text("rules: [\n", encoding="utf-8")
    with pytest.raises(RulesetError):
        bundle_payload(broken)
