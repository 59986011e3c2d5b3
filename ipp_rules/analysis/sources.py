"""A bundle's files as written: the YAML documents with positions, and their format models.

The loader keeps only what deciding needs; the static checks also need to point at a rule's
``when`` or a table's key, and to read a file that does not validate (an effective-date range
that ends before it starts). This reads the manifest and the rule files it lists tolerantly:
a file that does not load or validate is kept as far as it goes, and the loader reports why.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ipp_rules.errors import RulesetError
from ipp_rules.pydantic_errors import validate_document
from ipp_rules.rulesets.bundle import MANIFEST, display_name, resolve_bundle_root
from ipp_rules.rulesets.compiler import SourcedRule, SourcedWaiver, YamlPath
from ipp_rules.rulesets.format import RuleFile
from ipp_rules.text.yaml import YamlDocument, load_yaml_file

__all__ = [
    "BundleSources",
    "RuleFileSource",
    "TableSource",
    "read_sources",
]

TableSource = tuple[Any, YamlDocument, YamlPath]
"""A table as written: its data, the document holding it, and its path there."""


@dataclass(frozen=True)
class RuleFileSource:
    """One rule file: its name in the bundle, its document, and its model if it validates."""

    name: str
    document: YamlDocument
    model: RuleFile | None


@dataclass
class BundleSources:
    """The manifest and rule files of a bundle folder, as far as they load."""

    root: Path
    manifest: YamlDocument | None = None
    files: list[RuleFileSource] = field(default_factory=list)
    rules: list[SourcedRule] = field(default_factory=list)
    waivers: list[SourcedWaiver] = field(default_factory=list)
    tables: dict[str, TableSource] = field(default_factory=dict)

    def rule(self, rule_id: str) -> SourcedRule:
        """The rule ``rule_id`` as written."""
        return next(item for item in self.rules if item.rule.id == rule_id)

    def raw_rules(self) -> Iterator[tuple[RuleFileSource, int, Any]]:
        """Every rule entry of every file as written, valid or not."""
        for source in self.files:
            data = source.document.data
            rules = data.get("rules") if isinstance(data, dict) else None
            if isinstance(rules, list):
                for index, raw in enumerate(rules):
                    yield source, index, raw


def read_sources(path: str | os.PathLike[str]) -> BundleSources:
    """Read the manifest and every rule file it lists; never raises for a bad file."""
    root = resolve_bundle_root(path)
    sources = BundleSources(root)
    try:
        manifest_doc = load_yaml_file(root / MANIFEST, display_name=display_name(root, MANIFEST))
    except RulesetError:
        return sources
    sources.manifest = manifest_doc
    names = manifest_doc.data.get("rulesets") if isinstance(manifest_doc.data, dict) else None
    if not isinstance(names, list):
        return sources
    for name in dict.fromkeys(n for n in names if isinstance(n, str) and n != MANIFEST):
        file_path = root / name
        if "/" in name or "\\" in name or not file_path.is_file():
            continue
        try:
            document = load_yaml_file(file_path, display_name=display_name(root, name))
        except RulesetError:
            continue
        model, _ = validate_document(RuleFile, document)
        sources.files.append(RuleFileSource(name, document, model))
        if model is None:
            continue
        for table in model.tables:
            sources.tables.setdefault(
                table, (document.data["tables"][table], document, ("tables", table))
            )
        sources.rules.extend(
            SourcedRule(rule, model, document, ("rules", index))
            for index, rule in enumerate(model.rules)
        )
        sources.waivers.extend(
            SourcedWaiver(waiver, document, ("waivers", index))
            for index, waiver in enumerate(model.waivers)
        )
    return sources
