"""What changed between two versions of a bundle, rule by rule, before any complaint is run.

A rule changed when anything a decision uses changed: its compiled condition (effective
dates and waivers included), its outcome, code, message, path, category, title or source.
The Good Faith Program policy is compared period by period; the category tables read in
Python are compared as data.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from ipp_rules.goodfaith import GoodFaithPolicy
from ipp_rules.rulesets.bundle import Bundle
from ipp_rules.rulesets.compiler import RuleInfo
from ipp_rules.rulesets.ir import CompiledRule

__all__ = ["BundleChanges", "ChangeKind", "RuleChange", "bundle_changes"]

ChangeKind = Literal["added", "removed", "changed"]

_INFO_ASPECTS = (
    ("outcome", "outcome"),
    ("code", "code"),
    ("message", "message"),
    ("path_fact", "path"),
    ("category", "category"),
    ("title", "title"),
    ("source", "source"),
)


@dataclass(frozen=True)
class RuleChange:
    """A rule added, removed, or changed in some aspects (``condition``, ``code``, ...)."""

    rule: str
    change: ChangeKind
    aspects: tuple[str, ...] = ()


@dataclass(frozen=True)
class BundleChanges:
    """What changed between two versions of a bundle, before any complaint is decided."""

    rules: tuple[RuleChange, ...]
    category_tables: tuple[str, ...]
    """The category tables (read in Python) whose entries changed."""
    good_faith: tuple[str, ...]
    """The Good Faith policy's changes, one line each."""

    @property
    def empty(self) -> bool:
        return not (self.rules or self.category_tables or self.good_faith)


def bundle_changes(old: Bundle, new: Bundle) -> BundleChanges:
    """The rules, category tables and Good Faith policy periods that changed from ``old`` to
    ``new``."""
    return BundleChanges(
        rules=tuple(_rule_changes(old, new)),
        category_tables=tuple(
            name
            for name in sorted(set(old.category_classes) | set(new.category_classes))
            if old.category_classes.get(name) != new.category_classes.get(name)
        ),
        good_faith=tuple(_good_faith_changes(old.good_faith, new.good_faith)),
    )


def _rule_changes(old: Bundle, new: Bundle) -> Iterator[RuleChange]:
    old_rules = {rule.id: rule for rule in old.compiled.rules}
    new_rules = {rule.id: rule for rule in new.compiled.rules}
    for rule_id, rule in new_rules.items():
        if rule_id not in old_rules:
            yield RuleChange(rule_id, "added")
            continue
        aspects = _aspects(
            old_rules[rule_id], rule, old.compiled.info[rule_id], new.compiled.info[rule_id]
        )
        if aspects:
            yield RuleChange(rule_id, "changed", aspects)
    for rule_id in old_rules:
        if rule_id not in new_rules:
            yield RuleChange(rule_id, "removed")


def _aspects(
    old_rule: CompiledRule, new_rule: CompiledRule, old_info: RuleInfo, new_info: RuleInfo
) -> tuple[str, ...]:
    aspects = []
    if old_rule.condition != new_rule.condition or old_rule.scope != new_rule.scope:
        aspects.append("condition")
    if old_rule.derives != new_rule.derives:
        aspects.append("derived fact")
    aspects.extend(
        word
        for attribute, word in _INFO_ASPECTS
        if getattr(old_info, attribute) != getattr(new_info, attribute)
    )
    return tuple(aspects)


def _good_faith_changes(old: GoodFaithPolicy | None, new: GoodFaithPolicy | None) -> Iterator[str]:
    if old is None and new is None:
        return
    if old is None or new is None:
        yield "the policy was added" if old is None else "the policy was removed"
        return
    before, after = old.model_dump(mode="json"), new.model_dump(mode="json")
    for key in ("program", "record_sets", "rates"):
        for path, was, now in _leaf_changes(before[key], after[key], key):
            yield f"{path}: {was} -> {now}"
    old_periods = {period["name"]: period for period in before["periods"]}
    new_periods = [period["name"] for period in after["periods"]]
    for index, period in enumerate(after["periods"]):
        name = period["name"]
        if name in old_periods:
            for path, was, now in _leaf_changes(old_periods[name], period, ""):
                yield f"period '{name}': {path}: {was} -> {now}"
            continue
        bounds = f"from {period['effective_from']}"
        if period.get("effective_until"):
            bounds += f" until {period['effective_until']}"
        yield f"period '{name}' added ({bounds})"
        if index > 0:
            previous = after["periods"][index - 1]
            for path, was, now in _leaf_changes(previous, period, ""):
                if path not in ("name", "effective_from", "effective_until", "source"):
                    yield (f"period '{name}': {path}: {now} (was {was} in '{previous['name']}')")
    for name in old_periods:
        if name not in new_periods:
            yield f"period '{name}' removed"


def _leaf_changes(old: Any, new: Any, path: str) -> Iterator[tuple[str, str, str]]:
    """(path, old value, new value) for every value that differs, mappings compared key by
    key; anything else (lists included) compared whole."""
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        for key in [*old, *(k for k in new if k not in old)]:
            inner = f"{path}.{key}" if path else str(key)
            yield from _leaf_changes(old.get(key), new.get(key), inner)
    elif old != new:
        yield path, _shown(old), _shown(new)


def _shown(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)
