"""Which rules a command reads, and how it names them to the person running it.

A command reads the bundle (or, for the deadline and Good Faith commands, the policy file)
that ``--rules`` or its BUNDLE argument names, or else the bundle shipped inside the
installed package. That default is easy to mistake for the ``rulesets/`` folder in front of
you, and an edit to it is lost on the next upgrade, so every command says which folder it
read (:meth:`BundleInUse.text`, :meth:`BundleInUse.as_json`), and plainly when it is the
bundled default.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ipp_rules.engine.engine import BackendName, Engine, default_bundle_path
from ipp_rules.errors import RulesetError
from ipp_rules.problems import Problem
from ipp_rules.rulesets.bundle import (
    MANIFEST,
    Bundle,
    load_bundle,
    load_bundle_deadlines,
    read_manifest,
)

if TYPE_CHECKING:  # imported by the commands that read a policy alone; evaluate never does
    from ipp_rules.deadlines.policy import DeadlinePolicy
    from ipp_rules.goodfaith.policy import GoodFaithPolicy

__all__ = [
    "DEFAULT_HINT",
    "BundleInUse",
    "chosen_path",
    "read_deadline_policy",
    "read_engine",
    "read_good_faith_policy",
    "shown_folder",
]

DEFAULT_HINT = "pass a folder, or run `ipp-rules init FOLDER` to get an editable copy"
"""What to do instead of reading the bundled default, said wherever it is read."""


def shown_folder(path: str | os.PathLike[str]) -> str:
    """A folder or file as a command names it: relative to the working folder when it is
    inside it (as problems name files), else in full."""
    resolved = Path(path).resolve()
    try:
        return str(resolved.relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(resolved)


@dataclass(frozen=True)
class BundleInUse:
    """The rules a command read: the folder (or policy file), whether it is the bundled
    default, and the bundle's name and version when the manifest was read."""

    path: Path
    default: bool
    name: str | None = None
    version: str | None = None
    policy_file: bool = False
    """``path`` is a policy file given directly, not a bundle folder."""

    @classmethod
    def of(cls, bundle: Bundle, default: bool) -> BundleInUse:
        """The bundle a command loaded."""
        manifest = bundle.manifest
        return cls(bundle.root, default, manifest.name, manifest.version)

    def text(self, sha256: str | None = None) -> str:
        """``ipp-default 2026.11.0 in my-bundle``; for the bundled default, where it is and
        what to do instead; for a policy file, the file."""
        shown = shown_folder(self.path)
        if self.policy_file:
            return f"the policy file {shown}"
        named = " ".join(part for part in (self.name, self.version) if part)
        if sha256 is not None:
            named += f" (sha256 {sha256[:12]})"
        if self.default:
            where = f"the bundled default at {shown}; {DEFAULT_HINT}"
            return f"{named}, {where}" if named else where
        return f"{named} in {shown}" if named else shown

    def as_json(self) -> dict[str, Any]:
        """``bundle_folder`` (the folder read, in full; the file for a policy file given
        directly) and ``bundle_default`` (whether it is the bundled default)."""
        return {"bundle_folder": str(self.path.resolve()), "bundle_default": self.default}


def chosen_path(rules: str | os.PathLike[str] | None) -> tuple[Path, bool]:
    """The path a command reads its rules from, and whether it is the bundled default
    (``rules`` not given)."""
    if rules is None or os.fspath(rules) == "":
        return default_bundle_path(), True
    return Path(rules), False


def read_engine(
    rules: str | os.PathLike[str] | None, backend: BackendName = "auto"
) -> tuple[Engine, BundleInUse]:
    """An engine on the bundle ``rules`` names (the bundled default when None)."""
    path, default = chosen_path(rules)
    engine = Engine.from_path(path, backend=backend)
    return engine, BundleInUse.of(engine.bundle, default)


def _is_bundle(path: Path) -> bool:
    return path.name == MANIFEST or (path.is_dir() and (path / MANIFEST).exists())


def read_deadline_policy(
    rules: str | os.PathLike[str] | None,
) -> tuple[DeadlinePolicy, BundleInUse]:
    """The deadline policy of a bundle folder (or its ``bundle.yaml``): the one its manifest
    names, as ``Engine.from_path`` reads it; of a ``deadlines.yaml`` file, or a folder holding
    only that file, read directly; of the bundled rules when ``rules`` is None."""
    from ipp_rules.deadlines.policy import POLICY_FILE, load_deadline_policy

    path, default = chosen_path(rules)
    if _is_bundle(path):
        root, _, manifest = read_manifest(path)
        policy = load_bundle_deadlines(path)
        return policy, BundleInUse(root, default, manifest.name, manifest.version)
    policy = load_deadline_policy(path)
    file = path / POLICY_FILE if path.is_dir() else path
    return policy, BundleInUse(file, default, policy_file=True)


def read_good_faith_policy(
    rules: str | os.PathLike[str] | None,
) -> tuple[GoodFaithPolicy, BundleInUse]:
    """The Good Faith policy of a bundle (the whole bundle is loaded and checked), or of a
    policy file (or a folder holding only ``good_faith.yaml``) given directly."""
    from ipp_rules.goodfaith.policy import POLICY_FILE, load_good_faith_policy

    path, default = chosen_path(rules)
    if path.is_dir() and not (path / MANIFEST).is_file():
        return load_good_faith_policy(path), BundleInUse(
            path / POLICY_FILE, default, policy_file=True
        )
    if path.is_file() and path.name != MANIFEST:
        return load_good_faith_policy(path), BundleInUse(path, default, policy_file=True)
    bundle = load_bundle(path)
    if bundle.good_faith is None:
        raise RulesetError(
            [Problem("this bundle has no good_faith policy", "no_policy", file=str(path))]
        )
    return bundle.good_faith, BundleInUse.of(bundle, default)
