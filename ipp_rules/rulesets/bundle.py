"""Loading a bundle folder: manifest, rule files and tables, strictly, with every error located."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from ipp_rules.errors import BundlePathError, RulesetError
from ipp_rules.models.decision import BundleIdentity
from ipp_rules.policies import policies
from ipp_rules.problems import Problem
from ipp_rules.pydantic_errors import validate_document
from ipp_rules.rulesets.compiler import (
    CompiledBundle,
    SourcedRule,
    SourcedWaiver,
    compile_bundle,
)
from ipp_rules.rulesets.format import Manifest, RuleFile
from ipp_rules.text.files import open_regular
from ipp_rules.text.yaml import YamlDocument, load_yaml_file, shown_path

if TYPE_CHECKING:
    from ipp_rules.deadlines.policy import DeadlinePolicy
    from ipp_rules.goodfaith.policy import GoodFaithPolicy

__all__ = [
    "MANIFEST",
    "Bundle",
    "bundle_root",
    "display_name",
    "load_bundle",
    "load_bundle_deadlines",
    "read_manifest",
    "resolve_bundle_root",
]

MANIFEST = "bundle.yaml"


@dataclass(frozen=True)
class Bundle:
    """A loaded, compiled bundle and its identity."""

    root: Path
    manifest: Manifest
    identity: BundleIdentity
    compiled: CompiledBundle
    files: tuple[str, ...]
    """The files that make up the bundle's identity, manifest first."""
    category_classes: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    """The category tables marketplace policies name: table -> category -> Nice class."""
    good_faith: GoodFaithPolicy | None = None
    """The Good Faith Program policy, if the manifest names one."""
    deadlines: DeadlinePolicy | None = None
    """The deadline policy, if the manifest names one."""


def _fingerprint(documents: Sequence[tuple[str, bytes]]) -> str:
    """The bundle's sha256: each file's name and the bytes that were read and compiled."""
    digest = hashlib.sha256(b"ipp-rules bundle v1\0")
    for name, data in documents:
        digest.update(name.encode() + b"\0" + str(len(data)).encode() + b"\0" + data)
    return digest.hexdigest()


def resolve_bundle_root(path: str | os.PathLike[str]) -> Path:
    root = Path(path)
    if root.is_file() and root.name == MANIFEST:
        root = root.parent
    return root


def bundle_root(path: str | os.PathLike[str]) -> Path:
    """The bundle folder ``path`` names (the folder, or its ``bundle.yaml``).

    BundlePathError when the path is no bundle at all: it does not exist, it is neither a
    folder nor a ``bundle.yaml`` file, the folder holds no ``bundle.yaml``, or that file cannot
    be opened. What ``bundle.yaml`` and the files it names say is the loader's business: a
    bundle whose files are wrong is a bundle that does not load, not a wrong path.
    """
    root = resolve_bundle_root(path)
    shown = display_name(root, ".")
    try:
        if not root.exists():
            raise BundlePathError(shown, "no such file or folder", "no_such_path")
        if not root.is_dir():
            raise BundlePathError(
                shown, f"not a bundle: a bundle is a folder holding {MANIFEST}", "not_a_folder"
            )
        manifest = root / MANIFEST
        if not manifest.exists():
            raise BundlePathError(
                shown, f"not a bundle: no {MANIFEST} in this folder", "no_manifest"
            )
        open_regular(manifest).close()
    except OSError as exc:
        raise BundlePathError(
            shown, f"cannot read {MANIFEST}: {exc.strerror or exc}", "unreadable"
        ) from None
    return root


def read_manifest(path: str | os.PathLike[str]) -> tuple[Path, YamlDocument, Manifest]:
    """The bundle folder ``path`` names, its manifest as read, and as validated."""
    root = bundle_root(path)
    manifest_doc = load_yaml_file(root / MANIFEST, display_name=display_name(root, MANIFEST))
    manifest, problems = validate_document(Manifest, manifest_doc)
    if manifest is None:
        raise RulesetError(problems)
    return root, manifest_doc, manifest


def load_bundle_deadlines(path: str | os.PathLike[str]) -> DeadlinePolicy:
    """The deadline policy the bundle in ``path`` names (``deadlines:`` in its manifest),
    without loading its rules: the same policy :func:`load_bundle` would give it."""
    from ipp_rules.deadlines.policy import deadline_policy_from

    root, manifest_doc, manifest = read_manifest(path)
    problems: list[Problem] = []
    if manifest.deadlines is None:
        raise RulesetError(
            [
                manifest_doc.problem(
                    (),
                    "this bundle has no deadline policy (name one in bundle.yaml: "
                    "deadlines: deadlines.yaml)",
                    "no_policy",
                )
            ]
        )
    policy = _load_part(
        root,
        manifest.deadlines,
        deadline_policy_from,
        problems,
        manifest_doc,
        ("deadlines",),
    )
    if policy is None:
        raise RulesetError(problems)
    return policy


def load_bundle(path: str | os.PathLike[str]) -> Bundle:
    """Load and compile the bundle in ``path``; RulesetError lists every problem found
    (BundlePathError, one of them, when the path is no bundle at all)."""
    root, manifest_doc, manifest = read_manifest(path)
    problems: list[Problem] = []
    read: dict[str, bytes] = {MANIFEST: manifest_doc.source}

    sourced: list[SourcedRule] = []
    waivers: list[SourcedWaiver] = []
    tables: dict[str, tuple[Any, YamlDocument, tuple[str | int, ...]]] = {}
    seen_files: set[str] = set()
    for index, name in enumerate(manifest.rulesets):
        where = ("rulesets", index)
        if name == MANIFEST:
            problems.append(
                manifest_doc.problem(
                    where, f"{MANIFEST} is the manifest, not a rule file", "manifest_listed"
                )
            )
            continue
        if name in seen_files:
            problems.append(
                manifest_doc.problem(where, f"'{name}' is listed twice", "duplicate_file")
            )
            continue
        seen_files.add(name)
        file_path = root / name
        missing = _not_in_bundle(root, name)
        if missing is not None:
            problems.append(manifest_doc.problem(where, missing, "missing_file"))
            continue
        try:
            doc = load_yaml_file(file_path, display_name=display_name(root, name))
        except RulesetError as exc:
            problems.extend(exc.problems)
            continue
        read[name] = doc.source
        rule_file, file_problems = validate_document(RuleFile, doc)
        problems.extend(file_problems)
        if rule_file is None:
            continue
        for table_name in rule_file.tables:
            if table_name in tables:
                first = tables[table_name][1].location(("tables", table_name), key=True)
                problems.append(
                    doc.problem(
                        ("tables", table_name),
                        f"table '{table_name}' is defined twice (first at {first})",
                        "duplicate_table",
                        key=True,
                    )
                )
                continue
            tables[table_name] = (doc.data["tables"][table_name], doc, ("tables", table_name))
        for rule_index, rule in enumerate(rule_file.rules):
            sourced.append(SourcedRule(rule, rule_file, doc, ("rules", rule_index)))
        for waiver_index, waiver in enumerate(rule_file.waivers):
            waivers.append(SourcedWaiver(waiver, doc, ("waivers", waiver_index)))
    # The policy files are checked now, so a bundle with a bad one does not load; their
    # modules are imported only for a bundle that names them (none of the deciding code).
    good_faith = None
    if manifest.good_faith is not None:
        from ipp_rules.goodfaith.policy import good_faith_policy_from

        good_faith = _load_part(
            root,
            manifest.good_faith,
            good_faith_policy_from,
            problems,
            manifest_doc,
            ("good_faith",),
            read,
        )
    deadlines = None
    if manifest.deadlines is not None:
        from ipp_rules.deadlines.policy import deadline_policy_from

        deadlines = _load_part(
            root,
            manifest.deadlines,
            deadline_policy_from,
            problems,
            manifest_doc,
            ("deadlines",),
            read,
        )
    if problems:
        raise RulesetError(problems)
    compiled, problems = compile_bundle(sourced, tables, waivers)
    categories, category_problems = _category_tables(tables)
    problems.extend(category_problems)
    if compiled is None or problems:
        raise RulesetError(problems)
    files = tuple(
        name
        for name in (MANIFEST, *manifest.rulesets, manifest.good_faith, manifest.deadlines)
        if name is not None
    )
    identity = BundleIdentity(
        name=manifest.name,
        version=manifest.version,
        sha256=_fingerprint([(name, read[name]) for name in files]),
    )
    return Bundle(root, manifest, identity, compiled, files, categories, good_faith, deadlines)


Part = TypeVar("Part")


def _not_in_bundle(root: Path, name: str) -> str | None:
    """Why ``name`` is not a file of the bundle, or None: it must be a regular file inside the
    bundle folder, also once links are followed (a link to /etc/passwd is not a rule file)."""
    path = root / name
    try:
        if not path.is_file():
            return f"no file '{name}' in the bundle folder"
        if not path.resolve().is_relative_to(root.resolve()):
            return f"'{name}' links to a file outside the bundle folder"
    except (OSError, RuntimeError):
        return f"'{name}' cannot be read (a link loop or an unreadable path)"
    return None


def _load_part(
    root: Path,
    name: str,
    load: Callable[[YamlDocument], Part],
    problems: list[Problem],
    manifest: YamlDocument,
    where: tuple[str],
    read: dict[str, bytes] | None = None,
) -> Part | None:
    """A policy file the manifest names (Good Faith, deadlines), read once (its bytes kept in
    ``read`` for the bundle's identity), its problems collected."""
    missing = _not_in_bundle(root, name)
    if missing is not None:
        problems.append(manifest.problem(where, missing, "missing_file"))
        return None
    try:
        doc = load_yaml_file(root / name, display_name=display_name(root, name))
        if read is not None:
            read[name] = doc.source
        return load(doc)
    except RulesetError as exc:
        problems.extend(exc.problems)
        return None


def _category_tables(
    tables: Mapping[str, tuple[Any, YamlDocument, tuple[str | int, ...]]],
) -> tuple[dict[str, dict[str, int]], list[Problem]]:
    """The category tables the registered marketplaces name, checked: one Nice class each."""
    found: dict[str, dict[str, int]] = {}
    problems: list[Problem] = []
    for name in sorted({p.category_table for p in policies().values()}):
        if name not in tables:
            continue
        data, doc, path = tables[name]
        if not isinstance(data, dict):
            problems.append(
                doc.problem(
                    path,
                    f"category table '{name}' "
                    "maps each category to its Nice class: "
                    "'category: [class]'",
                    "table_shape",
                    key=True,
                )
            )
            continue
        classes: dict[str, int] = {}
        for category, values in data.items():
            value = values[0] if isinstance(values, list) and len(values) == 1 else None
            if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 45:
                problems.append(
                    doc.problem(
                        (*path, category),
                        f"category "
                        f"'{category}' in table '{name}' needs exactly one Nice "
                        "class (1 to 45), like [25]",
                        "table_shape",
                    )
                )
                continue
            classes[category] = int(value)
        found[name] = classes
    return found, problems


def display_name(root: Path, name: str) -> str:
    """A bundle file as problems show it: relative to the working directory when it can be."""
    return str(shown_path(root / name))
