"""The bundle a service decides with, and how it is replaced while requests run.

A request takes the :class:`Loaded` bundle current when it starts and decides with it to the
end: a reload swaps the reference only once the new bundle has loaded and compiled, so no
request waits for a reload, none sees half of one, and every decision names the bundle that
made it. A bundle that fails to load leaves the previous one serving; the failure is kept
for ``GET /v1/bundle``.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ipp_rules.engine.engine import BackendName, Engine, default_bundle_path
from ipp_rules.errors import InputError, IppRulesError

__all__ = ["BundleHolder", "Loaded", "ReloadFailure"]


@dataclass(frozen=True)
class Loaded:
    """An engine on a bundle, and when it was loaded."""

    engine: Engine
    loaded_at: datetime

    def describe(self) -> dict[str, Any]:
        """Name, version, sha256, folder, when loaded, and every rule with its title and
        source."""
        bundle = self.engine.bundle
        identity = bundle.identity
        return {
            "name": identity.name,
            "version": identity.version,
            "sha256": identity.sha256,
            "folder": str(Path(bundle.root).resolve()),
            "loaded_at": self.loaded_at.isoformat(),
            "backend": self.engine.backend,
            "rules": [
                {"id": info.id, "title": info.title, "source": info.source}
                for info in bundle.compiled.info.values()
            ],
        }


@dataclass(frozen=True)
class ReloadFailure:
    """A reload that did not take: when, and the error (its problems located in the files)."""

    at: datetime
    error: IppRulesError | OSError

    def describe(self) -> dict[str, Any]:
        """When, the error's type, title and message, and its problems (file, line,
        column)."""
        error = self.error
        problems = error.problems if isinstance(error, InputError) else ()
        return {
            "at": self.at.isoformat(),
            "type": type(error).__name__,
            "title": error.title if isinstance(error, IppRulesError) else "a file error",
            "message": str(error),
            "problems": [problem.as_json() for problem in problems],
        }


class BundleHolder:
    """The current :class:`Loaded` bundle of a service, replaced whole by :meth:`reload`."""

    def __init__(self, folder: Path | None, backend: BackendName) -> None:
        self.folder = Path(folder) if folder is not None else default_bundle_path()
        self.backend = backend
        self.last_failure: ReloadFailure | None = None
        self._lock = threading.Lock()  # one reload at a time; requests never take it
        self.current = self._load()

    def _load(self) -> Loaded:
        engine = Engine.from_path(self.folder, backend=self.backend)
        return Loaded(engine, datetime.now(UTC))

    def reload(self) -> Loaded:
        """Load the folder again and make it current; on failure raise the error, keep the
        current bundle, and remember the failure."""
        with self._lock:
            try:
                loaded = self._load()
            except (IppRulesError, OSError) as error:
                self.last_failure = ReloadFailure(datetime.now(UTC), error)
                raise
            self.current = loaded
            self.last_failure = None
            return loaded
