"""The checks on the rules of a bundle that loads, for ``check``.

Rules and waivers that can never fire or always do (decided on the compiled conditions by
:mod:`ipp_rules.analysis.conditions`, and said in the words of the rule format), rules
another rule shadows, and tables and derived facts nothing reads. Each problem points at the
YAML that causes it: the rule's ``when``, the fact key whose tests contradict each other,
the table's name.

Kept whole (about 500 lines): every check here walks the same compiled rules with the same
condition analysis.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from ipp_rules.analysis.conditions import Analysis, FactKind, FactTest
from ipp_rules.analysis.sources import BundleSources
from ipp_rules.errors import RulesetError
from ipp_rules.facts import DERIVED_PREFIX, FactSpec
from ipp_rules.policies import policies
from ipp_rules.problems import Problem
from ipp_rules.rulesets import ir
from ipp_rules.rulesets.bundle import Bundle
from ipp_rules.rulesets.compiler import CompiledBundle, SourcedRule, compile_bundle, fact_names
from ipp_rules.rulesets.format import Rule
from ipp_rules.text.yaml import YamlDocument

__all__ = ["RuleChecks", "found", "placed"]

_OP_WORDS = {"eq": "eq", "ne": "ne", "lt": "lt", "le": "lte", "gt": "gt", "ge": "gte"}


def placed(document: YamlDocument, path: Sequence[str | int], *, key: bool = False) -> Problem:
    """An empty problem placed at ``path`` in ``document``, for :func:`found` to fill in."""
    return document.problem(path, "", "", key=key)


def found(at: Problem, code: str, message: str, subject: str | None = None) -> Problem:
    """What ``check`` found at ``at``: its code, what is wrong, and the rule (or table, or
    file) it is about."""
    return replace(at, code=code, message=message, subject=subject)


class RuleChecks:
    """The checks on the rules of a bundle that loads: conditions that never or always hold,
    waivers, shadowed rules, unused tables and derived facts."""

    def __init__(self, bundle: Bundle, sources: BundleSources) -> None:
        self.bundle = bundle
        self.sources = sources
        self.compiled = bundle.compiled
        self.rules = {rule.id: rule for rule in self.compiled.rules}
        self.kinds: dict[str, FactKind] = {
            name: FactKind.of(spec) for name, spec in self.compiled.facts.items()
        }
        self.never: set[str] = set()

    def problems(self) -> list[Problem]:
        """Every problem found in the rules, waivers and tables."""
        found = self._conditions()
        found.extend(self._waivers())
        found.extend(self._shadowed())
        found.extend(self._unused_tables())
        found.extend(self._unused_derived())
        return found

    # -- never true, always true --------------------------------------------------------

    def _conditions(self) -> list[Problem]:
        undated = _compile(self.sources, dates=False, waivers=False)
        dated = _compile(self.sources, dates=True, waivers=False)
        derivers: dict[str, list[ir.CompiledRule]] = {}
        for rule in self.compiled.rules:
            if rule.derives:
                derivers.setdefault(rule.derives, []).append(rule)
        always: set[str] = set()
        problems: list[Problem] = []
        for stratum in range(self.compiled.strata):
            analysis = Analysis(self.kinds)
            for rule in (r for r in self.compiled.rules if r.stratum == stratum):
                item = self.sources.rule(rule.id)
                if analysis.never_true(rule.condition):
                    self.never.add(rule.id)
                    problems.append(self._never_problem(analysis, item, rule, undated, dated))
                elif analysis.always_true(rule.condition):
                    always.add(rule.id)
                    every = "listing" if rule.scope == "listing" else "complaint"
                    problems.append(
                        found(
                            placed(item.document, (*item.path, "when"), key=True),
                            "W-ALWAYS-TRUE",
                            f"rule {rule.id} fires for every {every}: its condition always holds"
                            + self._domain_reason(ir.negate(rule.condition)),
                            rule.id,
                        )
                    )
            # What the rules of this stratum can derive is known to the rules after it.
            for name, rules in derivers.items():
                if max(r.stratum for r in rules) != stratum:
                    continue
                if all(r.id in self.never for r in rules):
                    self.kinds[name] = FactKind("bool", (False,), may_be_absent=False)
                elif any(r.id in always for r in rules):
                    self.kinds[name] = FactKind("bool", (True,), may_be_absent=False)
        return problems

    def _never_problem(
        self,
        analysis: Analysis,
        item: SourcedRule,
        rule: ir.CompiledRule,
        undated: CompiledBundle,
        dated: CompiledBundle,
    ) -> Problem:
        when = placed(item.document, (*item.path, "when"), key=True)
        head = f"rule {rule.id} can never fire"
        bare = next(r.condition for r in undated.rules if r.id == rule.id)
        with_dates = next(r.condition for r in dated.rules if r.id == rule.id)
        if bare == ir.Const(False):
            empty = next(_empty_value_lists(item.document.data, (*item.path, "when")), None)
            if empty is not None:
                path, fact, op = empty
                return found(
                    placed(item.document, path),
                    "W-NEVER-TRUE",
                    f"{head}: '{fact}: {{{op}: ...}}' names no values, so it never holds",
                    rule.id,
                )
            return found(when, "W-NEVER-TRUE", f"{head}: its condition is false", rule.id)
        if analysis.never_true(bare):
            conflict = analysis.conflict(bare)
            if conflict is None:
                return found(
                    when,
                    "W-NEVER-TRUE",
                    f"{head}: no combination of its tests can hold at once",
                    rule.id,
                )
            where = _fact_key_location(item, conflict.facts[0]) or when
            restricted = [
                f for f in conflict.facts if f.startswith(DERIVED_PREFIX) and f in self.kinds
            ]
            if restricted and self.kinds[restricted[0]].choices is not None:
                name = restricted[0]
                value = self.kinds[name].choices
                assert value is not None
                return found(
                    where,
                    "W-NEVER-TRUE",
                    f"{head}: {name} is always {_word(value[0])} (the rules deriving it "
                    f"{'can never fire' if value[0] is False else 'always fire'}), so "
                    f"{self._describe_all(conflict.literals)} cannot hold",
                    rule.id,
                )
            together = {1: "", 2: " both"}.get(len(conflict.literals), " all")
            return found(
                where,
                "W-NEVER-TRUE",
                f"{head}: {self._describe_all(conflict.literals)} cannot{together} hold"
                + self._domain_reason(bare),
                rule.id,
            )
        if analysis.never_true(with_dates):
            key = "effective_from" if item.rule.effective_from else "effective_until"
            conflict = analysis.conflict(with_dates)
            why = (
                f"{self._describe_all(conflict.literals)} cannot hold together"
                if conflict is not None
                else "its condition cannot hold"
            )
            return found(
                placed(item.document, (*item.path, key), key=True),
                "W-NEVER-TRUE",
                f"{head}: {why} while it is in force ({_range(item.rule)})",
                rule.id,
            )
        waivers = [w.waiver.id for w in self.sources.waivers if rule.id in w.waiver.waives] or [
            "its waivers"
        ]
        return found(
            when,
            "W-NEVER-TRUE",
            f"{head}: it is waived whenever its condition holds (by {', '.join(waivers)})",
            rule.id,
        )

    def _waivers(self) -> list[Problem]:
        if not self.sources.waivers:
            return []
        compiled = _compile(self.sources, dates=True, waivers=False, waivers_as_rules=True)
        conditions = {r.id: r.condition for r in compiled.rules}
        analysis = Analysis(self.kinds)
        problems: list[Problem] = []
        for item in self.sources.waivers:
            condition = conditions[_waiver_rule_id(item.waiver.id)]
            where = placed(item.document, (*item.path, "when"), key=True)
            waived = ", ".join(item.waiver.waives)
            if analysis.never_true(condition):
                problems.append(
                    found(
                        where,
                        "W-NEVER-TRUE",
                        f"waiver {item.waiver.id} never applies: its condition can never hold, "
                        f"so {waived} always apply",
                        item.waiver.id,
                    )
                )
            elif analysis.always_true(condition):
                problems.append(
                    found(
                        where,
                        "W-ALWAYS-TRUE",
                        f"waiver {item.waiver.id} always applies: its condition always holds, "
                        f"so {waived} never apply",
                        item.waiver.id,
                    )
                )
        return problems

    def _describe_all(self, literals: Sequence[FactTest]) -> str:
        return " and ".join(_describe(literal, self.compiled.facts) for literal in literals)

    def _domain_reason(self, node: ir.Node) -> str:
        """Why ``node`` cannot hold when what one fact can be is the reason, in words
        (`` (listings.count is always there, from 0 to 5000)``); empty otherwise."""
        conflict = Analysis(self.kinds).conflict(node)
        if conflict is None or len(conflict.facts) != 1:
            return ""
        name = conflict.facts[0]
        kind = self.kinds.get(name)
        if kind is None or Analysis({name: FactKind(kind.type)}).term_conflict(conflict.literals):
            return ""  # the tests contradict each other, whatever the fact can be
        spec = self.compiled.facts.get(name)
        parts = []
        if kind.choices is not None:
            parts.append(f"one of {_values(kind.choices, spec)}")
        if kind.bounds is not None:
            low, high = (_value(bound, spec) for bound in kind.bounds)
            parts.append(f"from {low} to {high}")
        if not kind.may_be_absent:
            return f" ({name} is always there{''.join(f', {part}' for part in parts)})"
        return f" ({name}, when there, is {' and '.join(parts)})"

    # -- shadowing ----------------------------------------------------------------------

    def _shadowed(self) -> list[Problem]:
        analysis = Analysis(self.kinds)
        groups: dict[tuple[Any, ...], list[ir.CompiledRule]] = {}
        for rule in self.compiled.rules:
            info = self.compiled.info[rule.id]
            if rule.id in self.never:
                continue
            key = (info.outcome, info.code, rule.derives, rule.scope)
            groups.setdefault(key, []).append(rule)
        problems: list[Problem] = []
        for rules in groups.values():
            for rule in rules:
                for other in rules:
                    if other is rule or not analysis.implies(rule.condition, other.condition):
                        continue
                    info, other_info = self.compiled.info[rule.id], self.compiled.info[other.id]
                    if other_info.index > info.index and analysis.implies(
                        other.condition, rule.condition
                    ):
                        continue  # the same condition twice: the later rule is the one to go
                    item = self.sources.rule(rule.id)
                    same = (
                        f"derives {rule.derives} too"
                        if rule.derives
                        else f"gives {info.outcome} with code {info.code} too"
                    )
                    problems.append(
                        found(
                            placed(item.document, (*item.path, "when"), key=True),
                            "W-SHADOWED",
                            f"rule {rule.id} is shadowed by {other.id} "
                            f"({other_info.location}): whenever it fires, {other.id} fires "
                            f"and {same}, so it adds nothing",
                            rule.id,
                        )
                    )
                    break
        return problems

    # -- unused tables and derived facts ------------------------------------------------

    def _unused_tables(self) -> list[Problem]:
        used = {policy.category_table for policy in policies().values()}
        for item in self.sources.rules:
            used.update(_tables(item.document.data, (*item.path, "when")))
        for waiver in self.sources.waivers:
            used.update(_tables(waiver.document.data, (*waiver.path, "when")))
        problems: list[Problem] = []
        for name, (_, document, path) in self.sources.tables.items():
            if name not in used:
                problems.append(
                    found(
                        placed(document, path, key=True),
                        "W-UNUSED-TABLE",
                        f"table {name} is not read by any rule or waiver, nor named by a "
                        "marketplace policy",
                        name,
                    )
                )
        return problems

    def _unused_derived(self) -> list[Problem]:
        read: set[str] = set()
        for item in self.sources.rules:
            read.update(fact_names(item.rule.when))
        for waiver in self.sources.waivers:
            read.update(fact_names(waiver.waiver.when))
        for info in self.compiled.info.values():
            read.update(info.message.fields if info.message else ())
            read.update([info.path_fact] if info.path_fact else [])
        for rule in self.compiled.rules:
            read.update(rule.facts)
        problems: list[Problem] = []
        for item in self.sources.rules:
            name = f"{DERIVED_PREFIX}{item.rule.derive}" if item.rule.derive else None
            if name is not None and name not in read:
                problems.append(
                    found(
                        placed(item.document, (*item.path, "derive")),
                        "W-UNUSED-DERIVED",
                        f"rule {item.rule.id} derives {name}, but no rule, waiver, message "
                        "or path reads it",
                        item.rule.id,
                    )
                )
        return problems


# ---------------------------------------------------------------------------------------------
# Reading conditions as written


def _compile(
    sources: BundleSources, *, dates: bool, waivers: bool, waivers_as_rules: bool = False
) -> CompiledBundle:
    """The bundle's rules compiled again, without effective dates or waivers as asked; with
    ``waivers_as_rules``, each waiver's condition is compiled as a rule of its own too."""
    rules = [
        item
        if dates
        else SourcedRule(
            item.rule.model_copy(update={"effective_from": None, "effective_until": None}),
            item.file,
            item.document,
            item.path,
        )
        for item in sources.rules
    ]
    if waivers_as_rules:
        for waiver in sources.waivers:
            rule = Rule.model_validate(
                {
                    "id": _waiver_rule_id(waiver.waiver.id),
                    "title": waiver.waiver.title,
                    "source": waiver.waiver.source,
                    "when": waiver.waiver.when,
                    "outcome": "info",
                    "code": "WAIVER",
                    "message": "waiver",
                }
            )
            owner = next(s for s in sources.files if s.document is waiver.document)
            assert owner.model is not None
            rules.append(SourcedRule(rule, owner.model, waiver.document, waiver.path))
    compiled, problems = compile_bundle(rules, sources.tables, sources.waivers if waivers else ())
    if compiled is None:  # the bundle loaded, so compiling its own parts again cannot fail
        raise RulesetError(problems)
    return compiled


def _waiver_rule_id(waiver_id: str) -> str:
    return f"waiver.{waiver_id}"


def _conditions_in(data: Any, path: tuple[str | int, ...]) -> Iterator[tuple[Any, tuple[Any, ...]]]:
    """Every condition mapping inside a condition as written, with its path."""
    if not isinstance(data, dict):
        return
    yield data, path
    for word in ("all", "any"):
        items = data.get(word)
        if isinstance(items, list):
            for index, item in enumerate(items):
                yield from _conditions_in(item, (*path, word, index))
    if isinstance(data.get("not"), dict):
        yield from _conditions_in(data["not"], (*path, "not"))


def _tests(document: Any, path: tuple[str | int, ...]) -> Iterator[tuple[tuple[Any, ...], str]]:
    """(path of the fact key, fact) for every fact a condition as written names."""
    data: Any = document
    for step in path:
        data = _step(data, step)
    for condition, where in _conditions_in(data, path):
        for key in condition:
            if key not in ("all", "any", "not"):
                yield (*where, key), key


def _empty_value_lists(
    document: Any, path: tuple[str | int, ...]
) -> Iterator[tuple[tuple[Any, ...], str, str]]:
    for where, fact in _tests(document, path):
        tests = _at(document, where)
        if isinstance(tests, dict):
            for op in ("in", "intersects"):
                if tests.get(op) == []:
                    yield (*where, op), fact, op


def _tables(document: Any, path: tuple[str | int, ...]) -> set[str]:
    names = set()
    for where, _ in _tests(document, path):
        tests = _at(document, where)
        if isinstance(tests, dict):
            for value in tests.values():
                if isinstance(value, dict) and isinstance(value.get("table"), str):
                    names.add(value["table"])
    return names


def _at(document: Any, path: Sequence[str | int]) -> Any:
    data = document
    for step in path:
        data = _step(data, step)
    return data


def _step(data: Any, step: str | int) -> Any:
    if isinstance(data, dict):
        return data.get(step)
    if isinstance(data, list) and isinstance(step, int) and 0 <= step < len(data):
        return data[step]
    return None


def _fact_key_location(item: SourcedRule, fact: str) -> Problem | None:
    for where, name in _tests(item.document.data, (*item.path, "when")):
        if name == fact:
            return placed(item.document, where, key=True)
    return None


# ---------------------------------------------------------------------------------------------
# Words


def _range(rule: Rule) -> str:
    parts = []
    if rule.effective_from is not None:
        parts.append(f"from {rule.effective_from.isoformat()}")
    if rule.effective_until is not None:
        parts.append(f"until {rule.effective_until.isoformat()}")
    return ", ".join(parts)


def _word(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _value(value: object, spec: FactSpec | None, *, element: bool = False) -> str:
    if isinstance(value, ir.FactRef):
        return f"{{fact: {value.name}}}"
    kind = spec.type if spec is not None and not element else None
    if kind == "date" and isinstance(value, int):
        return date.fromordinal(value).isoformat()
    if kind == "datetime" and isinstance(value, int):
        return datetime.fromtimestamp(value, UTC).isoformat()
    return _word(value)


def _values(values: Sequence[object], spec: FactSpec | None) -> str:
    return "[" + ", ".join(_value(v, spec, element=True) for v in values) + "]"


def _describe(fact_test: FactTest, facts: Mapping[str, FactSpec]) -> str:
    """A fact test in the words of the rule format: ``right.status: ne authenticated``."""
    atom, positive = fact_test
    spec = facts.get(atom.fact)
    if isinstance(atom, ir.Exists):
        return f"{atom.fact}: exists {_word(positive)}"
    if isinstance(atom, ir.Empty):
        return f"{atom.fact}: empty {_word(positive)}"
    if isinstance(atom, ir.Compare):
        test = f"{_OP_WORDS[atom.op]} {_value(atom.operand, spec)}"
    elif isinstance(atom, ir.OneOf):
        test = f"in {_values(atom.values, spec)}"
    elif isinstance(atom, ir.SomeIn):
        test = (
            f"contains {_value(atom.values[0], spec, element=True)}"
            if len(atom.values) == 1
            else f"intersects {_values(atom.values, spec)}"
        )
    elif isinstance(atom, ir.AllIn):
        test = f"subset_of {_values(atom.values, spec)}"
    else:
        test = f"matches {atom.pattern}"
    return f"{atom.fact}: {test}" if positive else f"not {atom.fact}: {test}"
