"""A bundle as bytes, and the engines of a worker process, built once per bundle.

A worker of a cluster may not see the folder the caller loaded its bundle from, so the bundle
travels as a :class:`BundlePayload`: the bytes of the files that make it (the manifest and
the files it names, exactly those its sha256 is computed from) in a tar archive, with the
bundle's name, version and sha256. A worker unpacks it once into a private folder, loads it,
and checks that the bundle it built has the sha256 the caller loaded; from then on
:func:`engine_for` returns the same engine for every partition decided with that bundle in
that process. A bundle folder given as a path is loaded the same way, once per process.

The cache holds the last :data:`KEPT_ENGINES` bundles a process used (a diff needs two), so a
long-lived worker that serves many bundles does not keep them all.
"""

from __future__ import annotations

import io
import os
import tarfile
import tempfile
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import ClassVar

from ipp_rules.engine.engine import BackendName, Engine
from ipp_rules.errors import EngineError
from ipp_rules.rulesets.bundle import Bundle, load_bundle

__all__ = [
    "KEPT_ENGINES",
    "MAX_PAYLOAD_BYTES",
    "BundleLike",
    "BundlePayload",
    "bundle_payload",
    "engine_for",
    "engines_built",
]

KEPT_ENGINES = 4
"""Engines a process keeps, the most recently used first."""
MAX_PAYLOAD_BYTES = 64 << 20
"""The largest bundle archive unpacked: a bundle is a few hundred kilobytes of YAML."""


@dataclass(frozen=True)
class BundlePayload:
    """A bundle's files as a tar archive, and who it is."""

    name: str
    version: str
    sha256: str
    """The bundle's sha256 (``BundleIdentity.sha256``): what the cache is keyed by, and what
    the bundle a worker unpacks must have."""
    data: bytes
    backend: BackendName = "auto"

    def __repr__(self) -> str:  # the bytes say nothing to a person reading a task graph
        return (
            f"BundlePayload({self.name} {self.version}, sha256 {self.sha256[:12]}, "
            f"{len(self.data)} bytes)"
        )


BundleLike = BundlePayload | str | os.PathLike[str]
"""A bundle as a partition function takes it: its payload, or its folder."""


def bundle_payload(
    bundle: Bundle | str | os.PathLike[str], *, backend: BackendName = "auto"
) -> BundlePayload:
    """The payload of a bundle (loaded, or a folder to load): RulesetError if it does not load,
    EngineError if its files change while they are packed."""
    loaded = bundle if isinstance(bundle, Bundle) else load_bundle(bundle)
    archive = io.BytesIO()
    with tarfile.open(fileobj=archive, mode="w") as tar:
        for name in loaded.files:
            data = (Path(loaded.root) / name).read_bytes()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mode = 0o644
            tar.addfile(info, io.BytesIO(data))
    identity = loaded.identity
    payload = BundlePayload(
        identity.name, identity.version, identity.sha256, archive.getvalue(), backend
    )
    # The files are read twice (to load, to pack): a bundle edited in between is caught here,
    # not on the workers.
    engine, folder = _unpacked_engine(payload)
    engine.close()
    folder.cleanup()
    return payload


class _Cache:
    """This process's engines, by (sha256 or folder, backend)."""

    lock = threading.Lock()
    engines: ClassVar[OrderedDict[tuple[str, str], Engine]] = OrderedDict()
    folders: ClassVar[dict[str, tempfile.TemporaryDirectory[str]]] = {}
    built = 0


def engines_built() -> int:
    """How many engines this process has built (the cache's misses)."""
    return _Cache.built


def engine_for(bundle: BundleLike, backend: BackendName = "auto") -> Engine:
    """The engine of ``bundle`` in this process: built the first time it is asked for, then
    the same one. A payload's backend is its own; ``backend`` is for a folder."""
    if isinstance(bundle, BundlePayload):
        key = (bundle.sha256, bundle.backend)
    else:
        key = (str(Path(bundle).resolve()), backend)
    with _Cache.lock:
        engine = _Cache.engines.get(key)
        if engine is not None:
            _Cache.engines.move_to_end(key)
            return engine
        if isinstance(bundle, BundlePayload):
            engine, _Cache.folders[bundle.sha256] = _unpacked_engine(bundle)
        else:
            engine = Engine.from_path(bundle, backend=backend)
        _Cache.built += 1
        _Cache.engines[key] = engine
        while len(_Cache.engines) > KEPT_ENGINES:
            (old_key, _), old = _Cache.engines.popitem(last=False)
            old.close()
            folder = _Cache.folders.pop(old_key, None)
            if folder is not None:
                folder.cleanup()
        return engine


def _unpacked_engine(
    payload: BundlePayload,
) -> tuple[Engine, tempfile.TemporaryDirectory[str]]:
    """``payload`` unpacked into a folder of its own and loaded, and the folder; EngineError
    if the archive is not a bundle's, or the bundle in it is not the one named."""
    if len(payload.data) > MAX_PAYLOAD_BYTES:
        raise EngineError(
            f"bundle payload of {len(payload.data)} bytes: larger than {MAX_PAYLOAD_BYTES}"
        )
    folder = tempfile.TemporaryDirectory(prefix="ipp-rules-bundle-")
    try:
        root = Path(folder.name)
        try:
            with tarfile.open(fileobj=io.BytesIO(payload.data), mode="r:") as tar:
                for member in tar.getmembers():
                    _check_member(member)
                tar.extractall(root, filter="data")
        except (tarfile.TarError, OSError) as exc:
            raise EngineError(f"bundle payload {payload.sha256[:12]}: not a bundle: {exc}") from exc
        engine = Engine.from_path(root, backend=payload.backend)
        if engine.bundle.identity.sha256 != payload.sha256:
            engine.close()
            raise EngineError(
                f"bundle payload: its files have sha256 {engine.bundle.identity.sha256[:12]}, "
                f"not {payload.sha256[:12]} (the bundle changed while it was packed)"
            )
    except BaseException:
        folder.cleanup()
        raise
    return engine, folder


def _check_member(member: tarfile.TarInfo) -> None:
    path = PurePosixPath(member.name)
    if not member.isfile() or path.is_absolute() or ".." in path.parts:
        raise tarfile.TarError(f"{member.name!r} is not a file inside the bundle")
