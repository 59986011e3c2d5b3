"""From validated rule files to compiled rules: names resolved, types checked, strata ordered.

Every problem is collected with its ``file:line:column`` and reported together. The output is
backend-neutral (``ipp_rules.rulesets.ir``); both backends run exactly what this produces.

Kept whole (about 700 lines): one pass over a bundle's rules that checks names and types,
lowers conditions and orders the strata; each step reads what the previous one resolved.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from ipp_rules.facts import (
    DERIVED_PREFIX,
    FACTS,
    FactSpec,
    FactType,
    decode_literal,
    derived_fact,
)
from ipp_rules.facts.types import Scope
from ipp_rules.problems import Problem, suggest
from ipp_rules.rulesets import ir, patterns
from ipp_rules.rulesets.format import (
    Condition,
    FactRefSpec,
    FactTests,
    Rule,
    RuleFile,
    TableRefSpec,
    Waiver,
)
from ipp_rules.rulesets.templates import Template, parse_template
from ipp_rules.text.scalars import PlainInt
from ipp_rules.text.yaml import YamlDocument

__all__ = [
    "SEVERITY",
    "CompiledBundle",
    "RuleInfo",
    "SourcedRule",
    "SourcedWaiver",
    "YamlPath",
    "compile_bundle",
    "fact_names",
]

YamlPath = tuple[str | int, ...]

SEVERITY = {"reject": "error", "needs_info": "missing", "warn": "warning", "info": "info"}


@dataclass(frozen=True)
class SourcedRule:
    """A validated rule with the file it came from."""

    rule: Rule
    file: RuleFile
    document: YamlDocument
    path: YamlPath
    """Where the rule sits in its file, e.g. ``("rules", 3)``."""


@dataclass(frozen=True)
class SourcedWaiver:
    """A validated waiver with the file it came from."""

    waiver: Waiver
    document: YamlDocument
    path: YamlPath


@dataclass(frozen=True)
class RuleInfo:
    """What a decision needs to know about a rule beyond its condition."""

    id: str
    index: int
    title: str
    source: str
    outcome: str
    category: str
    code: str | None
    severity: str | None
    message: Template | None
    path_fact: str | None
    location: str


@dataclass(frozen=True)
class CompiledBundle:
    rules: tuple[ir.CompiledRule, ...]
    info: Mapping[str, RuleInfo]
    facts: Mapping[str, FactSpec]
    """The catalog plus the bundle's derived facts."""
    strata: int


@dataclass
class _Problems:
    items: list[Problem] = field(default_factory=list)

    def add(
        self, doc: YamlDocument, path: YamlPath, message: str, code: str, *, key: bool = False
    ) -> None:
        self.items.append(doc.problem(path, message, code, key=key))


def _suggest(word: str, options: Sequence[str]) -> str:
    close = suggest(word, options)
    return f"; did you mean '{close}'?" if close else ""


def fact_names(condition: Condition) -> Iterator[str]:
    """Every fact path a condition names, operands included, in the order written."""
    for name, tests in condition.tests.items():
        yield name
        for op in tests.model_fields_set:
            value = getattr(tests, op)
            if isinstance(value, FactRefSpec):
                yield value.fact
            if isinstance(value, TableRefSpec) and value.key is not None:
                yield value.key.fact
    for child in (*(condition.all or ()), *(condition.any or ())):
        yield from fact_names(child)
    if condition.not_ is not None:
        yield from fact_names(condition.not_)


def compile_bundle(
    sourced: Sequence[SourcedRule],
    tables: Mapping[str, tuple[Any, YamlDocument, YamlPath]],
    waivers: Sequence[SourcedWaiver] = (),
) -> tuple[CompiledBundle | None, list[Problem]]:
    """Compile every rule; return the bundle, or None and every problem found.

    A waiver's condition is added to each rule it waives as ``and not <waiver>``.
    """
    problems = _Problems()
    seen: dict[str, SourcedRule] = {}
    for item in sourced:
        first = seen.get(item.rule.id)
        if first is not None:
            problems.add(
                item.document,
                (*item.path, "id"),
                f"duplicate rule id '{item.rule.id}' (first at "
                f"{first.document.location((*first.path, 'id'))})",
                "duplicate_rule_id",
            )
        else:
            seen[item.rule.id] = item

    facts = _derived_facts(sourced, problems)
    waived_by = _waivers(waivers, seen, facts, tables, problems)
    strata = _strata(sourced, facts, problems, waived_by)
    compiled: list[ir.CompiledRule] = []
    info: dict[str, RuleInfo] = {}
    for index, item in enumerate(sourced):
        if item.rule.id in info:
            continue
        checker = _Checker(item.document, facts, tables, problems)
        condition = checker.condition(item.rule.when, (*item.path, "when"))
        exemptions = [ir.negate(node) for _, node in waived_by.get(item.rule.id, ())]
        condition = ir.simplify(ir.And((condition, *_effective(item.rule), *exemptions)))
        read = ir.facts_read(condition)
        # The scope follows the facts as written: a condition folded to a constant (or one
        # naming an unknown fact) keeps the scope its writer meant.
        written = set(fact_names(item.rule.when)) | read
        scope: Scope = (
            "listing"
            if any(facts[n].scope == "listing" for n in written if n in facts)
            else "complaint"
        )
        compiled.append(
            ir.CompiledRule(
                id=item.rule.id,
                condition=condition,
                scope=scope,
                stratum=strata.get(item.rule.id, 0),
                derives=f"{DERIVED_PREFIX}{item.rule.derive}" if item.rule.derive else None,
                facts=read,
            )
        )
        info[item.rule.id] = _rule_info(item, index, checker, scope)
    if problems.items:
        return None, list(dict.fromkeys(problems.items))  # a shared table is checked per rule
    return CompiledBundle(tuple(compiled), info, facts, 1 + max(strata.values(), default=0)), []


def _waivers(
    waivers: Sequence[SourcedWaiver],
    rules: Mapping[str, SourcedRule],
    facts: Mapping[str, FactSpec],
    tables: Mapping[str, tuple[Any, YamlDocument, YamlPath]],
    problems: _Problems,
) -> dict[str, list[tuple[Condition, ir.Node]]]:
    """Each waived rule id with the conditions (as written, and compiled) that waive it."""
    waived_by: dict[str, list[tuple[Condition, ir.Node]]] = {}
    for item in waivers:
        waiver = item.waiver
        checker = _Checker(item.document, facts, tables, problems)
        node = checker.condition(waiver.when, (*item.path, "when"))
        if any(isinstance(atom, ir.Matches) for atom in ir.atoms(node)):
            problems.add(
                item.document,
                (*item.path, "when"),
                "a waiver's condition cannot use 'matches': it is negated in the rules it waives",
                "negated_match",
            )
            continue
        for index, rule_id in enumerate(waiver.waives):
            if rule_id not in rules:
                problems.add(
                    item.document,
                    (*item.path, "waives", index),
                    f"no rule with id '{rule_id}'{_suggest(rule_id, list(rules))}",
                    "unknown_rule",
                )
                continue
            waived_by.setdefault(rule_id, []).append((waiver.when, node))
    return waived_by


def _effective(rule: Rule) -> tuple[ir.Node, ...]:
    bounds: list[ir.Node] = []
    if rule.effective_from is not None:
        bounds.append(ir.Compare("submitted_on", "ge", rule.effective_from.toordinal()))
    if rule.effective_until is not None:
        bounds.append(ir.Compare("submitted_on", "lt", rule.effective_until.toordinal()))
    return tuple(bounds)


def _derived_facts(sourced: Sequence[SourcedRule], problems: _Problems) -> dict[str, FactSpec]:
    """The catalog plus one boolean fact per derived name, scoped by the rules deriving it."""
    facts: dict[str, FactSpec] = dict(FACTS)
    derivers: dict[str, list[SourcedRule]] = {}
    for item in sourced:
        if item.rule.derive:
            derivers.setdefault(DERIVED_PREFIX + item.rule.derive, []).append(item)
    # A derived fact is per listing if any rule deriving it reads a per-listing fact,
    # directly or through another derived fact: iterate to a fixed point.
    listing: set[str] = set()
    changed = True
    while changed:
        changed = False
        for name, items in derivers.items():
            if name in listing:
                continue
            for item in items:
                reads = set(fact_names(item.rule.when))
                if any(
                    (FACTS[r].scope == "listing") if r in FACTS else r in listing for r in reads
                ):
                    listing.add(name)
                    changed = True
                    break
    for name in derivers:
        facts[name] = derived_fact(
            name[len(DERIVED_PREFIX) :], "listing" if name in listing else "complaint"
        )
    return facts


def _strata(
    sourced: Sequence[SourcedRule],
    facts: Mapping[str, FactSpec],
    problems: _Problems,
    waived_by: Mapping[str, list[tuple[Condition, ir.Node]]],
) -> dict[str, int]:
    """Order rules so a rule runs after every rule deriving a fact it reads; find cycles."""
    derivers: dict[str, list[SourcedRule]] = {}
    for item in sourced:
        if item.rule.derive:
            derivers.setdefault(DERIVED_PREFIX + item.rule.derive, []).append(item)
    level: dict[str, int] = {}
    visiting: list[str] = []

    def visit(item: SourcedRule) -> int:
        rid = item.rule.id
        if rid in level:
            return level[rid]
        if rid in visiting:
            cycle = " -> ".join([*visiting[visiting.index(rid) :], rid])
            problems.add(
                item.document,
                (*item.path, "when"),
                f"derived facts depend on each other in a cycle: {cycle}",
                "cycle",
            )
            level[rid] = 0
            return 0
        visiting.append(rid)
        depth = 0
        conditions = [item.rule.when, *(when for when, _ in waived_by.get(rid, ()))]
        for name in (n for condition in conditions for n in fact_names(condition)):
            for dep in derivers.get(name, ()):
                depth = max(depth, visit(dep) + 1)
        visiting.pop()
        level[rid] = depth
        return depth

    for item in sourced:
        visit(item)
    return level


def _rule_info(item: SourcedRule, index: int, checker: _Checker, scope: Scope) -> RuleInfo:
    rule = item.rule
    category = rule.category or item.file.category
    template = None
    if rule.message is not None:
        try:
            template = parse_template(rule.message)
        except ValueError as exc:
            checker.problems.add(item.document, (*item.path, "message"), str(exc), "template")
        else:
            for name in template.fields:
                checker.scoped_fact(name, (*item.path, "message"), scope)
    path_fact = rule.path
    if path_fact is not None:
        checker.scoped_fact(path_fact, (*item.path, "path"), scope)
    else:
        path_fact = next(iter(fact_names(rule.when)), None)
    return RuleInfo(
        id=rule.id,
        index=index,
        title=rule.title,
        source=rule.source,
        outcome=rule.outcome,
        category=category,
        code=rule.code,
        severity=SEVERITY.get(rule.outcome),
        message=template,
        path_fact=path_fact,
        location=item.document.location(item.path),
    )


_SCALAR_TYPES = ("bool", "int", "str", "date", "datetime")
_ORDERED_TYPES = ("int", "date", "datetime")
_ELEMENT_TYPE: Mapping[FactType, FactType] = {"list_str": "str", "list_int": "int"}
_OPS = {"eq": "eq", "ne": "ne", "lt": "lt", "lte": "le", "gt": "gt", "gte": "ge"}
_TYPE_WORDS = {
    "bool": "true or false",
    "int": "a whole number",
    "str": "text",
    "date": "a date (YYYY-MM-DD)",
    "datetime": "a date and time with an offset",
    "list_str": "a list of text",
    "list_int": "a list of whole numbers",
}
_YAML11_WORDS = {"yes", "no", "on", "off", "y", "n"}
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # fromisoformat also takes 2026-W10-1


class _Checker:
    """Type-checks one rule's condition against the facts and lowers it to the IR."""

    def __init__(
        self,
        doc: YamlDocument,
        facts: Mapping[str, FactSpec],
        tables: Mapping[str, tuple[Any, YamlDocument, YamlPath]],
        problems: _Problems,
    ):
        self.doc = doc
        self.facts = facts
        self.tables = tables
        self.problems = problems

    def fail(self, path: YamlPath, message: str, code: str, *, key: bool = False) -> ir.Node:
        self.problems.add(self.doc, path, message, code, key=key)
        return ir.Const(False)

    def fact(self, name: str, path: YamlPath, *, key: bool = False) -> FactSpec | None:
        spec = self.facts.get(name)
        if spec is None:
            options = [*self.facts, "all", "any", "not"]
            self.problems.add(
                self.doc,
                path,
                f"'{name}' names no fact{_suggest(name, options)}",
                "unknown_fact",
                key=key,
            )
        return spec

    def scoped_fact(self, name: str, path: YamlPath, scope: Scope) -> FactSpec | None:
        """A fact named by a rule's message or path, which must be there when the rule fires.

        A rule whose condition reads no listing fact fires once for the whole complaint, so it
        has no listing to take a ``listing.*`` value (or a listing's path) from.
        """
        spec = self.fact(name, path)
        if spec is not None and spec.scope == "listing" and scope != "listing":
            self.problems.add(
                self.doc,
                path,
                f"{name} is a fact of one listing, but this rule is about the whole complaint "
                "(its condition reads no listing fact), so it has no listing to take it from",
                "listing_fact_outside_listing_rule",
            )
            return None
        return spec

    # -- conditions -------------------------------------------------------------------

    def condition(
        self, cond: Condition, path: YamlPath, negated_by: YamlPath | None = None
    ) -> ir.Node:
        """Check and lower a condition.

        ``negated_by`` is the ``not`` that negates this condition, if an odd number of them
        enclose it (two cancel out): a ``matches`` test must not end up negated.
        """
        nodes: list[ir.Node] = []
        for name, tests in cond.tests.items():
            spec = self.fact(name, (*path, name), key=True)
            if spec is None:
                nodes.append(ir.Const(False))
                continue
            for op in _ordered_ops(tests):
                if op == "matches" and negated_by is not None:
                    nodes.append(
                        self.fail(
                            negated_by,
                            "a 'matches' test cannot stand under 'not' "
                            "(write the pattern so that it matches what you want to find)",
                            "negated_match",
                            key=True,
                        )
                    )
                    continue
                nodes.append(self.test(spec, op, getattr(tests, op), (*path, name, _alias(op))))
        if cond.all is not None:
            nodes.append(
                ir.And(
                    tuple(
                        self.condition(c, (*path, "all", i), negated_by)
                        for i, c in enumerate(cond.all)
                    )
                )
            )
        if cond.any is not None:
            nodes.append(
                ir.Or(
                    tuple(
                        self.condition(c, (*path, "any", i), negated_by)
                        for i, c in enumerate(cond.any)
                    )
                )
            )
        if cond.not_ is not None:
            inner_path = (*path, "not")
            inner = self.condition(cond.not_, inner_path, None if negated_by else inner_path)
            nodes.append(ir.negate(inner))
        return ir.And(tuple(nodes))

    def test(self, spec: FactSpec, op: str, value: Any, path: YamlPath) -> ir.Node:
        kind = spec.type
        word = _alias(op)
        if op == "exists":
            if kind in _ELEMENT_TYPE:
                # A list fact is never absent (no list is the empty list): exists would always
                # hold, which is never what the writer meant.
                return self.fail(
                    path,
                    f"{spec.name} is a list, which is always there (perhaps empty); "
                    f"use 'empty: {'false' if value else 'true'}' instead of "
                    f"'exists: {'true' if value else 'false'}'",
                    "bad_operator",
                    key=True,
                )
            return ir.Exists(spec.name) if value else ir.Not(ir.Exists(spec.name))
        if op in ("eq", "ne", "lt", "lte", "gt", "gte"):
            allowed = _ORDERED_TYPES if op in ("lt", "lte", "gt", "gte") else _SCALAR_TYPES
            if kind not in allowed:
                return self.fail(
                    path,
                    f"'{word}' does not apply to {spec.name}, which is "
                    f"{_TYPE_WORDS[kind]}" + _list_hint(kind),
                    "bad_operator",
                    key=True,
                )
            operand = self.operand(spec, kind, value, path)
            if operand is None:
                return ir.Const(False)
            return ir.Compare(spec.name, _OPS[op], operand)  # type: ignore[arg-type]
        if op in ("in_", "not_in"):
            if kind not in _SCALAR_TYPES:
                return self.fail(
                    path,
                    f"'{word}' does not apply to {spec.name}, which is "
                    f"{_TYPE_WORDS[kind]}; use 'intersects' or 'subset_of'",
                    "bad_operator",
                    key=True,
                )
            node = self.membership(spec, kind, value, path, lambda vals: ir.OneOf(spec.name, vals))
            if op == "not_in":
                return ir.And((ir.Exists(spec.name), ir.negate(node)))
            return node
        if op == "matches":
            if kind != "str":
                return self.fail(
                    path,
                    f"'matches' applies to text; {spec.name} is {_TYPE_WORDS[kind]}",
                    "bad_operator",
                    key=True,
                )
            try:
                patterns.validate(value)
            except ValueError as exc:
                return self.fail(path, f"bad pattern: {exc}", "bad_pattern")
            return ir.Matches(spec.name, value)
        element = _ELEMENT_TYPE.get(kind)
        if element is None:
            return self.fail(
                path,
                f"'{word}' applies to lists; {spec.name} is {_TYPE_WORDS[kind]}",
                "bad_operator",
                key=True,
            )
        if op == "empty":
            return ir.Empty(spec.name) if value else ir.Not(ir.Empty(spec.name))
        if op == "contains":
            operand = self.operand(spec, element, value, path)
            return ir.Const(False) if operand is None else ir.SomeIn(spec.name, (operand,))
        if op == "intersects":
            return self.membership(
                spec, element, value, path, lambda vals: ir.SomeIn(spec.name, vals)
            )
        assert op == "subset_of"
        return self.membership(spec, element, value, path, lambda vals: ir.AllIn(spec.name, vals))

    def operand(
        self, spec: FactSpec, kind: FactType, value: Any, path: YamlPath
    ) -> ir.Operand | None:
        if isinstance(value, FactRefSpec):
            other = self.fact(value.fact, (*path, "fact"))
            if other is None:
                return None
            if other.type != kind:
                self.problems.add(
                    self.doc,
                    (*path, "fact"),
                    f"{spec.name} is {_TYPE_WORDS[kind]} but {other.name} is "
                    f"{_TYPE_WORDS[other.type]}",
                    "type_mismatch",
                )
                return None
            return ir.FactRef(other.name)
        return self.literal(spec, kind, value, path)

    def literal(
        self, spec: FactSpec, kind: FactType, value: Any, path: YamlPath
    ) -> ir.Scalar | None:
        """Check a literal against the fact's type and its closed set of values."""
        checked: Any = None
        if kind == "bool":
            if isinstance(value, bool):
                checked = value
            elif isinstance(value, str) and value.lower() in _YAML11_WORDS:
                self.problems.add(
                    self.doc,
                    path,
                    f"'{value}' is text here, not a yes/no value: write true or false",
                    "yaml11_bool",
                )
                return None
        elif kind == "int":
            if isinstance(value, int) and not isinstance(value, bool):
                checked = int(value)
        elif kind == "str":
            if isinstance(value, PlainInt):
                checked = value.text
            elif isinstance(value, str):
                checked = value
        elif kind in ("date", "datetime"):
            text = value.text if isinstance(value, PlainInt) else value
            if isinstance(text, str):
                try:
                    if kind == "date":
                        date.fromisoformat(text)  # a real day, not 2026-02-30
                        checked = text if _ISO_DATE.fullmatch(text) else None
                    else:
                        parsed = datetime.fromisoformat(text)
                        checked = text if parsed.tzinfo is not None else None
                except ValueError:
                    checked = None
        if checked is None:
            self.problems.add(
                self.doc,
                path,
                f"{spec.name} is {_TYPE_WORDS[kind]}; {value!r} is not",
                "type_mismatch",
            )
            return None
        allowed = spec.allowed_values()
        if allowed is not None and kind == "str" and checked not in allowed:
            self.problems.add(
                self.doc,
                path,
                f"'{checked}' is not a value of {spec.name}"
                f"{_suggest(checked, allowed)} (one of: "
                f"{', '.join(allowed)})",
                "unknown_value",
            )
            return None
        return decode_literal(kind, checked)  # type: ignore[return-value]

    def membership(
        self,
        spec: FactSpec,
        kind: FactType,
        value: Any,
        path: YamlPath,
        build: Callable[[tuple[ir.Scalar, ...]], ir.Node],
    ) -> ir.Node:
        if isinstance(value, TableRefSpec):
            return self.table(spec, kind, value, path, build)
        checked = [self.literal(spec, kind, v, (*path, i)) for i, v in enumerate(value)]
        if any(c is None for c in checked):
            return ir.Const(False)
        return build(tuple(dict.fromkeys(c for c in checked if c is not None)))

    def table(
        self,
        spec: FactSpec,
        kind: FactType,
        ref: TableRefSpec,
        path: YamlPath,
        build: Callable[[tuple[ir.Scalar, ...]], ir.Node],
    ) -> ir.Node:
        found = self.tables.get(ref.table)
        if found is None:
            return self.fail(
                (*path, "table"),
                f"no table named '{ref.table}'{_suggest(ref.table, list(self.tables))}",
                "unknown_table",
            )
        data, tdoc, tpath = found
        if isinstance(data, list):
            if ref.key is not None:
                return self.fail(
                    (*path, "key"),
                    f"table '{ref.table}' is a list, not a map; remove 'key'",
                    "table_shape",
                )
            return self._table_values(spec, kind, data, tdoc, tpath, build)
        if ref.key is None:
            return self.fail(
                path,
                f"table '{ref.table}' is a map; say which entry with key: {{fact: ...}}",
                "table_shape",
            )
        key_spec = self.fact(ref.key.fact, (*path, "key", "fact"))
        if key_spec is None:
            return ir.Const(False)
        if key_spec.type not in ("str", "int"):
            return self.fail(
                (*path, "key", "fact"),
                "a table key must be a text or whole-number fact",
                "table_shape",
            )
        branches: list[ir.Node] = []
        for key, values in data.items():
            checker = _Checker(tdoc, self.facts, self.tables, self.problems)
            keyed = checker.literal(
                key_spec,
                key_spec.type,
                key if key_spec.type == "str" else _int_key(key),
                (*tpath, key),
            )
            if keyed is None:
                continue
            inner = checker._table_values(spec, kind, values, tdoc, (*tpath, key), build)
            branches.append(ir.And((ir.Compare(key_spec.name, "eq", keyed), inner)))
        return ir.Or(tuple(branches))

    def _table_values(
        self,
        spec: FactSpec,
        kind: FactType,
        values: list[Any],
        tdoc: YamlDocument,
        tpath: YamlPath,
        build: Callable[[tuple[ir.Scalar, ...]], ir.Node],
    ) -> ir.Node:
        saved = self.doc
        self.doc = tdoc
        try:
            checked = [self.literal(spec, kind, v, (*tpath, i)) for i, v in enumerate(values)]
        finally:
            self.doc = saved
        if any(c is None for c in checked):
            return ir.Const(False)
        return build(tuple(dict.fromkeys(c for c in checked if c is not None)))


def _int_key(key: str) -> Any:
    try:
        return PlainInt(key)
    except ValueError:
        return key


def _list_hint(kind: FactType) -> str:
    return "; use 'contains', 'intersects' or 'subset_of'" if kind in _ELEMENT_TYPE else ""


def _alias(op: str) -> str:
    return "in" if op == "in_" else op


def _ordered_ops(tests: FactTests) -> list[str]:
    order = list(FactTests.model_fields)
    return sorted(tests.model_fields_set, key=order.index)
