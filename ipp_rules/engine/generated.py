"""A bundle compiled, once at load, into one Python function: the default backend.

The function reads a complaint model and returns its findings. It holds every rule of the
bundle as a Python expression over local variables, one per fact, in the order the rules
must run: the complaint's rules stratum by stratum, then one pass over the listings with
each listing's rules stratum by stratum (a listing rule reads the complaint's facts and its
own listing's, never another listing's, so one pass is enough). A fact is computed the first
time a condition or a message reads it, and at most once per evaluation (per listing for a
listing fact): a rule that fails on its first test never computes the facts of its others.
Nothing is copied per listing and nothing is looked up by name while deciding.

The generated text names nothing from the bundle: every value a rule compares with (a
literal, a table, a pattern) is a constant in the function's namespace, named by number, so
no ruleset text ever becomes Python source. Conditions nested deeper than
:data:`MAX_INLINE_DEPTH` run through the reference evaluator's closures instead, so no bundle
can hit the Python compiler's nesting limits. The semantics are those of
:mod:`ipp_rules.rulesets.ir`; a property test holds this backend to the reference evaluator
and to durable_rules on generated rules and complaints.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, date, datetime
from itertools import count
from typing import Any

from ipp_rules.engine.findings import FindingMaker, decision_of, finding_maker, finding_order
from ipp_rules.engine.interpreted import InterpretedProgram
from ipp_rules.facts import CATALOG, FactSpec, listing_views
from ipp_rules.models.complaint import Complaint
from ipp_rules.models.decision import Decision, Finding
from ipp_rules.rulesets import ir
from ipp_rules.rulesets.bundle import Bundle
from ipp_rules.rulesets.compiler import RuleInfo
from ipp_rules.rulesets.patterns import fullmatch

__all__ = ["MAX_INLINE_DEPTH", "GeneratedProgram", "generate"]

MAX_INLINE_DEPTH = 24
"""Conditions nested deeper than this (``all`` / ``any`` levels) are not written inline."""

_UNSET = object()
_ENCODERS = {"date": "_ordinal", "datetime": "_instant"}
_OPERATORS = {"eq": "==", "ne": "!=", "lt": "<", "le": "<=", "gt": ">", "ge": ">="}


def _ordinal(value: date | None) -> int | None:
    return None if value is None else value.toordinal()


def _instant(value: datetime | None) -> int | None:
    return None if value is None else int(value.astimezone(UTC).timestamp())


def _some_in(items: Iterable[Any] | None, wanted: tuple[Any, ...]) -> bool:
    """Some item equals one of ``wanted`` (an absent fact operand is None: equal to no item)."""
    return any(item in wanted for item in items or ())


def _present(pairs: tuple[tuple[str, Any], ...]) -> dict[str, Any]:
    """Encoded facts as the reference evaluator reads them: absent ones left out."""
    return {
        name: tuple(value) if isinstance(value, list) else value
        for name, value in pairs
        if value is not None
    }


def _first_read(node: ir.Node) -> str | None:
    """The fact a condition reads first, whatever the complaint: it is read on every run."""
    while isinstance(node, ir.And | ir.Or):
        if not node.children:
            return None
        node = node.children[0]
    if isinstance(node, ir.Not):
        node = node.atom
    return None if isinstance(node, ir.Const) else node.fact


def _depth(node: ir.Node) -> int:
    if isinstance(node, ir.And | ir.Or):
        return 1 + max((_depth(c) for c in node.children), default=0)
    return 0


class _Writer:
    """The text of the generated function, and the namespace it runs in."""

    def __init__(self, facts: Mapping[str, FactSpec]):
        self.facts = facts
        self.namespace: dict[str, Any] = {
            "U": _UNSET,
            "_ordinal": _ordinal,
            "_instant": _instant,
            "_some_in": _some_in,
            "_present": _present,
            "_fullmatch": fullmatch,
        }
        self.lines: list[str] = []
        self.variables: dict[str, str] = {}
        """Fact name → the local holding its raw value (encoded: the same name + ``e``)."""
        self.eager: set[str] = set()
        """Facts computed when their subject is reached, not on first read."""
        self._numbers = count()
        self._constants: dict[Any, str] = {}

    def constant(self, value: Any) -> str:
        """The name of ``value`` in the namespace; equal literals and tables share one name,
        so rules testing the same thing write the same text (and share a branch)."""
        try:
            key: Any = (type(value), value)
            known = self._constants.get(key)
        except TypeError:  # unhashable: a function
            key, known = None, None
        if known is not None:
            return known
        name = f"K{next(self._numbers)}"
        self.namespace[name] = value
        if key is not None:
            self._constants[key] = name
        return name

    def emit(self, indent: int, text: str) -> None:
        self.lines.append("    " * indent + text)

    # Facts ---------------------------------------------------------------------------------

    def declare(self, spec: FactSpec) -> str:
        number = next(self._numbers)
        local = f"{'d' if spec.get is None else 'l' if spec.scope == 'listing' else 'c'}{number}"
        self.variables[spec.name] = local
        if spec.get is not None and spec.reads is None:  # a plain field is read inline
            self.namespace[f"G{number}"] = spec.get
        return local

    def compute(self, spec: FactSpec) -> tuple[str, str | None]:
        """Statements' right-hand sides computing a fact eagerly: its raw value, and its
        encoded value for a date or an instant (None for other types)."""
        local = self.variables[spec.name]
        subject = "v" if spec.scope == "listing" else "c"
        raw = f"{subject}.{spec.reads}" if spec.reads else f"G{local[1:]}({subject})"
        encoder = _ENCODERS.get(spec.type)
        return raw, None if encoder is None else f"{encoder}({local})"

    def raw(self, name: str) -> str:
        """An expression for the fact's value: a local, computed on first use if the fact
        is not eager."""
        local = self.variables[name]
        spec = self.facts[name]
        if spec.get is None or name in self.eager:  # derived facts are set before reads
            return local
        return f"({local} if {local} is not U else ({local} := {self.compute(spec)[0]}))"

    def encoded(self, name: str) -> str:
        """An expression for the fact's value as conditions compare it (dates as ordinal
        days, instants as epoch seconds)."""
        spec = self.facts[name]
        encoder = _ENCODERS.get(spec.type)
        if encoder is None:
            return self.raw(name)
        local = self.variables[name] + "e"
        if name in self.eager:
            return local
        return f"({local} if {local} is not U else ({local} := {encoder}({self.raw(name)})))"

    # Conditions ----------------------------------------------------------------------------

    def condition(self, node: ir.Node) -> str:
        if _depth(node) > MAX_INLINE_DEPTH:
            holds = self.constant(ir.compile_predicate(node))
            pairs = ", ".join(
                f"({self.constant(name)}, {self.encoded(name)})"
                for name in sorted(ir.facts_read(node))
            )
            return f"{holds}(_present(({pairs},)))"
        return self._node(node)

    def _node(self, node: ir.Node) -> str:
        if isinstance(node, ir.Const):
            return "True" if node.value else "False"
        if isinstance(node, ir.And | ir.Or):
            joiner = " and " if isinstance(node, ir.And) else " or "
            return "(" + joiner.join(self._node(c) for c in node.children) + ")"
        if isinstance(node, ir.Not):
            if isinstance(node.atom, ir.Exists) and not self.facts[node.atom.fact].always_present:
                return f"({self.encoded(node.atom.fact)} is None)"
            return f"(not {self._atom(node.atom)})"
        return self._atom(node)

    def _atom(self, atom: ir.Atom) -> str:
        value = self.encoded(atom.fact)
        if isinstance(atom, ir.Exists):
            return "True" if self.facts[atom.fact].always_present else f"({value} is not None)"
        if isinstance(atom, ir.Empty):
            return f"(not {value})"
        if isinstance(atom, ir.AllIn):
            return f"{self.constant(frozenset(atom.values))}.issuperset({value} or ())"
        if isinstance(atom, ir.SomeIn):
            if not any(isinstance(v, ir.FactRef) for v in atom.values):
                wanted = self.constant(frozenset(atom.values))
                return f"(not {wanted}.isdisjoint({value} or ()))"
            if len(atom.values) == 1 and isinstance(atom.values[0], ir.FactRef):
                other = self.encoded(atom.values[0].name)  # "contains" another fact's value
                return f"((u := {other}) is not None and u in ({value} or ()))"
            operands = ", ".join(self._operand(v) for v in atom.values)
            return f"_some_in({value}, ({operands},))"
        literal_eq = isinstance(atom, ir.OneOf) or (
            isinstance(atom, ir.Compare)
            and atom.op == "eq"
            and not isinstance(atom.operand, ir.FactRef)
        )
        if self.facts[atom.fact].always_present or literal_eq:
            # The value tested as it is (read once): it is always there, or the test is
            # equality with literals, which an absent fact (None) never equals.
            bound, subject = "", value
        else:
            bound, subject = f"(t := {value}) is not None and ", "t"  # read once, if present
        if isinstance(atom, ir.OneOf):
            return f"({bound}{subject} in {self.constant(frozenset(atom.values))})"
        if isinstance(atom, ir.Matches):
            return f"({bound}_fullmatch({self.constant(atom.pattern)}, {subject}))"
        test = _OPERATORS[atom.op]
        if isinstance(atom.operand, ir.FactRef):
            other = self.encoded(atom.operand.name)
            return (
                f"({bound}(u := {other}) is not None and {subject} {test} u)"
                if not self.facts[atom.operand.name].always_present
                else f"({bound}{subject} {test} {other})"
            )
        return f"({bound}{subject} {test} {self.constant(atom.operand)})"

    def _operand(self, operand: ir.Operand) -> str:
        return (
            self.encoded(operand.name)
            if isinstance(operand, ir.FactRef)
            else (self.constant(operand))
        )


class GeneratedProgram:
    """A bundle as one generated Python function (see the module's docstring).

    A trace needs every value each rule saw, which the generated function does not keep: a
    traced evaluation runs on the reference evaluator (built on first use), which decides
    the same.
    """

    def __init__(self, bundle: Bundle):
        self.bundle = bundle
        self.source, self.function = generate(bundle)
        self._tracer: InterpretedProgram | None = None

    def decide(self, model: Complaint, trace: bool = False) -> Decision:
        if trace:
            if self._tracer is None:
                self._tracer = InterpretedProgram(self.bundle, "reference")
            return self._tracer.decide(model, trace=True)
        return decision_of(self.function(model), self.bundle.identity)

    def close(self) -> None:
        return None


def generate(
    bundle: Bundle,
) -> tuple[str, Callable[[Complaint], list[tuple[int, Finding]]]]:
    """The source of a bundle's generated function, and the function: a complaint model in,
    its findings with their order keys (:func:`~ipp_rules.engine.findings.finding_order`)
    out."""
    compiled = bundle.compiled
    facts = compiled.facts
    writer = _Writer(facts)
    rules = sorted(compiled.rules, key=lambda r: r.stratum)  # stable: bundle order within
    read: set[str] = set()
    for rule in rules:
        read.update(rule.facts)
        read.update([rule.derives] if rule.derives else [])
        info = compiled.info[rule.id]
        read.update(info.message.fields if info.message else ())
    ordered = [spec for spec in CATALOG if spec.name in read]
    ordered += [facts[name] for name in sorted(read) if facts[name].get is None]
    complaint_facts = [s for s in ordered if s.scope == "complaint" or s.get is None]
    listing_facts = [s for s in ordered if s.scope == "listing" and s.get is not None]
    for spec in ordered:
        writer.declare(spec)
    # Facts read by a rule's first test are computed on every run, and attribute reads cost
    # less than the test for a value not yet computed: both are computed up front.
    first = {_first_read(rule.condition) for rule in rules}
    writer.eager = {
        spec.name
        for spec in ordered
        if spec.get is not None and (spec.reads is not None or spec.name in first)
    }
    # A listing-scoped derived fact has a complaint part (its complaint rules fired) and a
    # per-listing part: the complaint part lives in its own local.
    on_complaint = {
        spec.name: writer.variables[spec.name] + "c"
        for spec in ordered
        if spec.get is None and spec.scope == "listing"
    }

    emit = writer.emit
    emit(0, "def findings(c):")
    for spec in complaint_facts:
        local = writer.variables[spec.name]
        if spec.get is None and spec.scope == "listing":
            emit(1, f"{on_complaint[spec.name]} = False")
        elif spec.get is None:
            emit(1, f"{local} = False")
        else:
            _write_fact(writer, spec, 1)
    emit(1, "out = []")
    listing_rules = [r for r in rules if r.scope == "listing"]
    _write_rules(
        writer, [r for r in rules if r.scope == "complaint"], compiled.info, 1, on_complaint
    )
    if listing_rules:
        views = writer.constant(listing_views)
        emit(1, f"for v in {views}(c, {writer.constant(bundle.category_classes)}):")
        emit(2, "i = v.index")
        for spec in listing_facts:
            _write_fact(writer, spec, 2)
        for name, part in on_complaint.items():
            emit(2, f"{writer.variables[name]} = {part}")
        _write_rules(writer, listing_rules, compiled.info, 2, {})
    emit(1, "return out")
    source = "\n".join(writer.lines) + "\n"
    # The text names only numbered locals and constants (see the module's docstring).
    exec(compile(source, "<generated rules>", "exec"), writer.namespace)
    function: Callable[[Complaint], list[tuple[int, Finding]]] = writer.namespace["findings"]
    return source, function


def _write_fact(writer: _Writer, spec: FactSpec, indent: int) -> None:
    """A fact's locals where its subject is reached: computed if eager, else unset."""
    local = writer.variables[spec.name]
    if spec.name not in writer.eager:
        writer.emit(indent, f"{local} = {local}e = U")
        return
    raw, encoded = writer.compute(spec)
    writer.emit(indent, f"{local} = {raw}")
    if encoded is not None:
        writer.emit(indent, f"{local}e = {encoded}")


def _write_rules(
    writer: _Writer,
    rules: list[ir.CompiledRule],
    info: Mapping[str, RuleInfo],
    indent: int,
    on_complaint: Mapping[str, str],
) -> None:
    """The rules of one subject, stratum by stratum.

    Within a stratum rules do not depend on each other, so those whose conditions start with
    the same test share one ``if`` (most rules start by naming a marketplace or a kind of
    right), as code written by hand would. A rule's finding is made where it fires, unless
    its message reads a derived fact: those are made at the end, once every derived fact is
    set.
    """
    emit = writer.emit
    start = len(writer.lines)
    deferred: list[tuple[ir.CompiledRule, str, FindingMaker]] = []
    strata = sorted({rule.stratum for rule in rules})
    for stratum in strata:
        groups: dict[str, list[tuple[ir.CompiledRule, str | None]]] = {}
        for rule in (r for r in rules if r.stratum == stratum):
            first, rest = _split(writer, rule.condition)
            groups.setdefault(first, []).append((rule, rest))
        for first, members in groups.items():
            actions = [
                (rest, action)
                for rule, rest in members
                if (action := _action(writer, rule, info, on_complaint, deferred))
            ]
            if not actions:
                continue
            if first == "True":
                level = indent
            else:
                emit(indent, f"if {first}:")
                level = indent + 1
            for rest, action in actions:
                if rest is None:
                    for line in action:
                        emit(level, line)
                else:
                    emit(level, f"if {rest}:")
                    for line in action:
                        emit(level + 1, line)
    for rule, flag, make in deferred:
        emit(indent, f"if {flag}:")
        emit(indent + 1, _report(writer, rule, info[rule.id], make))
    writer.lines[start:start] = ["    " * indent + f"{flag} = False" for _, flag, _ in deferred]


def _split(writer: _Writer, condition: ir.Node) -> tuple[str, str | None]:
    """A condition as its first test and the rest (None if it is only one test)."""
    if isinstance(condition, ir.And) and _depth(condition) <= MAX_INLINE_DEPTH:
        first, *rest = condition.children
        tail = rest[0] if len(rest) == 1 else ir.And(tuple(rest))
        return writer.condition(first), writer.condition(tail)
    return writer.condition(condition), None


def _action(
    writer: _Writer,
    rule: ir.CompiledRule,
    info: Mapping[str, RuleInfo],
    on_complaint: Mapping[str, str],
    deferred: list[tuple[ir.CompiledRule, str, FindingMaker]],
) -> list[str]:
    """The statements run when a rule fires: set the fact it derives, or report it."""
    if rule.derives is not None:
        return [f"{on_complaint.get(rule.derives, writer.variables[rule.derives])} = True"]
    rule_info = info[rule.id]
    make = finding_maker(rule_info, writer.facts, rule.scope)
    if make is None:
        return []
    assert rule_info.message is not None
    if any(writer.facts[name].get is None for name in rule_info.message.fields):
        flag = f"r{next(writer._numbers)}"
        deferred.append((rule, flag, make))
        return [f"{flag} = True"]
    return [_report(writer, rule, rule_info, make)]


def _report(writer: _Writer, rule: ir.CompiledRule, rule_info: RuleInfo, make: FindingMaker) -> str:
    """The statement adding a fired rule's finding to the findings."""
    key = writer.constant(finding_order(rule_info, None))
    assert rule_info.message is not None
    fields = rule_info.message.fields
    if rule.scope == "complaint" and not fields:
        return f"out.append(({key}, {writer.constant(make(None, ()))}))"
    values = ", ".join(writer.raw(name) for name in fields)
    maker = writer.constant(make)
    listing, sort_key = ("i", f"{key} + i + 1") if rule.scope == "listing" else ("None", key)
    return f"out.append(({sort_key}, {maker}({listing}, ({values}{',' if fields else ''}))))"
