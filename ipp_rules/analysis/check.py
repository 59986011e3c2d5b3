"""``ipp-rules check [BUNDLE]``: what the loader rejects, and what loads but is wrong.

Every problem is one line, ``file:line:column: CODE message``; codes starting with ``E-`` are
errors (exit status 1), ``W-`` warnings. :data:`CODES` lists them all, and
``docs/tools.md`` explains each for policy staff. A warning that is intended (a table kept as
data for people, not read by any rule) is allowed by a comment on its line, or on the comment
lines right above it: ``# ipp-rules: allow W-UNUSED-TABLE``.
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TextIO

from pydantic import BaseModel

from ipp_rules.analysis.horizons import DEFAULT_WARNING_DAYS, calendar_statuses, horizon_warnings
from ipp_rules.deadlines import POLICY_FILE as DEADLINES_FILE
from ipp_rules.deadlines import DeadlinePolicy
from ipp_rules.engine.engine import BackendName, Engine, default_bundle_path
from ipp_rules.errors import BundlePathError, IppRulesError, RulesetError
from ipp_rules.facts import DERIVED_PREFIX, FactSpec
from ipp_rules.goodfaith import POLICY_FILE as GOOD_FAITH_FILE
from ipp_rules.goodfaith import GoodFaithPolicy
from ipp_rules.policies import policies
from ipp_rules.problems import Problem
from ipp_rules.rulesets import format as fmt
from ipp_rules.rulesets import ir
from ipp_rules.rulesets.bundle import MANIFEST, Bundle, bundle_root, load_bundle
from ipp_rules.rulesets.compiler import CompiledBundle, SourcedRule, compile_bundle, fact_names
from ipp_rules.testing.cases import bundle_test_files, load_test_file, run_bundle_tests
from ipp_rules.text.yaml import YamlDocument, load_yaml_file, shown_path
from ipp_rules.tools.calendars import parse_today, today_argument
from ipp_rules.tools.conditions import Analysis, FactKind, Literal
from ipp_rules.tools.sources import BundleSources, display_name, read_sources

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_INVALID = 2

CODES: Mapping[str, str] = {
    "E-LOAD": "the loader rejects the bundle (the loader's own message follows)",
    "E-DATES": "a rule's effective_until is not after its effective_from",
    "E-TESTS": "a test file in tests/ does not load",
    "W-NEVER-TRUE": "a rule's or waiver's condition can never hold, so it never applies",
    "W-ALWAYS-TRUE": "a rule's or waiver's condition holds for every complaint (or listing)",
    "W-SHADOWED": "whenever the rule fires, another rule with the same outcome and code fires too",
    "W-UNUSED-TABLE": "no rule or waiver reads the table, and no marketplace policy names it",
    "W-UNUSED-DERIVED": "a rule derives a fact that no rule, waiver, message or path reads",
    "W-UNLISTED-FILE": "a YAML file in the bundle folder that bundle.yaml does not name",
    "W-UNKNOWN-RULE": "a test case names a rule the bundle does not have",
    "W-UNTESTED": "no test case in tests/ makes the rule fire",
    "W-HORIZON": "a deadline calendar's horizon (its last day of published holiday data) is "
    "near or past",
}
"""Every code ``check`` reports, with what it means."""

_DATES_MESSAGE = "effective_until must come after effective_from"
_ALLOW = re.compile(r"#.*?\bipp-rules:\s*allow\s+([A-Z][A-Z0-9-]*(?:\s*,\s*[A-Z][A-Z0-9-]*)*)")
_OP_WORDS = {"eq": "eq", "ne": "ne", "lt": "lt", "le": "lte", "gt": "gt", "ge": "gte"}


def _place(document: YamlDocument, path: Sequence[str | int], *, key: bool = False) -> Problem:
    """An empty problem placed at ``path`` in ``document``, for :func:`_found` to fill in."""
    return document.problem(path, "", "", key=key)


def _found(at: Problem, code: str, message: str, subject: str | None = None) -> Problem:
    """What ``check`` found at ``at``: its code, what is wrong, and the rule (or table, or
    file) it is about."""
    return replace(at, code=code, message=message, subject=subject)


def _file_start(file: str) -> Problem:
    return Problem("", file=file, line=1, column=1)


def problem_line(problem: Problem) -> str:
    """``file:line:column: CODE message``, as ``check`` prints a problem."""
    return f"{problem.location}: {problem.code} {problem.message}"


@dataclass
class CheckReport:
    """Everything ``check`` found about one bundle."""

    bundle: Bundle | None
    problems: list[Problem] = field(default_factory=list)
    allowed: list[Problem] = field(default_factory=list)
    """Warnings a comment in the file allows; not reported as problems."""

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


# ---------------------------------------------------------------------------------------------
# The checks


def check_bundle(
    path: str | Path,
    *,
    backend: BackendName = "auto",
    today: date | None = None,
    horizon_days: int = DEFAULT_WARNING_DAYS,
) -> CheckReport:
    """Check the bundle in ``path``: load it, then analyse what loads. A path that is no
    bundle at all raises BundlePathError: there is nothing to check.

    A calendar whose horizon is at most ``horizon_days`` days after ``today`` (default:
    ``$IPP_RULES_TODAY``, else the machine's date), or past, is a ``W-HORIZON`` warning."""
    root = bundle_root(path)
    sources = read_sources(root)
    problems = _date_problems(sources)
    dated = {p.location for p in problems}
    try:
        bundle = load_bundle(root)
    except RulesetError as exc:
        problems.extend(
            replace(p, code="E-LOAD")
            for p in exc.problems
            if not (p.message == _DATES_MESSAGE and p.location in dated)
        )
        problems.extend(_test_file_problems(root))
        return _report(None, problems, sources)
    problems.extend(_Analyser(bundle, sources).problems())
    problems.extend(_untested(bundle, sources, backend))
    unlisted, unlisted_rules = _unlisted_files(bundle)
    problems.extend(unlisted)
    problems.extend(_unknown_rules(bundle, unlisted_rules))
    problems.extend(_horizons(bundle, parse_today(None) if today is None else today, horizon_days))
    return _report(bundle, problems, sources)


def _horizons(bundle: Bundle, today: date, days: int) -> list[Problem]:
    """``W-HORIZON`` for each calendar whose horizon is near, at its override in
    ``deadlines.yaml`` if it has one, else at ``calendars``."""
    name = bundle.manifest.deadlines
    if bundle.deadlines is None or name is None:
        return []
    warnings = horizon_warnings(calendar_statuses(bundle.deadlines, today), today, days)
    if not warnings:
        return []
    document = load_yaml_file(bundle.root / name, display_name=display_name(bundle.root, name))
    calendars = document.data.get("calendars") if isinstance(document.data, dict) else None
    overrides = calendars.get("overrides") if isinstance(calendars, dict) else None
    problems = []
    for warning in warnings:
        path: tuple[str, ...] = ("calendars",)
        if isinstance(overrides, dict) and warning.key in overrides:
            path = ("calendars", "overrides", warning.key)
        problems.append(
            _found(_place(document, path, key=True), "W-HORIZON", warning.message, warning.key)
        )
    return problems


def _report(bundle: Bundle | None, problems: list[Problem], sources: BundleSources) -> CheckReport:
    order = {MANIFEST: 0, **{s.name: i + 1 for i, s in enumerate(sources.files)}}
    displays = {Path(s.document.filename).as_posix(): order[s.name] for s in sources.files}
    if sources.manifest is not None:
        displays[Path(sources.manifest.filename).as_posix()] = 0

    def key(problem: Problem) -> tuple[int, str, int, int, str]:
        file = problem.file or ""
        return (
            displays.get(Path(file).as_posix(), len(order)),
            file,
            problem.line or 0,
            problem.column or 0,
            problem.code,
        )

    report = CheckReport(bundle)
    allowed_lines = _AllowComments()
    for problem in sorted(dict.fromkeys(problems), key=key):
        if problem.severity == "warning" and allowed_lines.allows(problem):
            report.allowed.append(problem)
        else:
            report.problems.append(problem)
    return report


class _AllowComments:
    """``# ipp-rules: allow CODE`` comments, read from the files problems point into."""

    def __init__(self) -> None:
        self._lines: dict[str, list[str]] = {}

    def allows(self, problem: Problem) -> bool:
        if problem.file is None or problem.line is None:
            return False
        lines = self._read(problem.file)
        index = problem.line - 1
        if not 0 <= index < len(lines):
            return False
        if problem.code in _allowed_codes(lines[index]):
            return True
        index -= 1
        while index >= 0 and lines[index].lstrip().startswith("#"):
            if problem.code in _allowed_codes(lines[index]):
                return True
            index -= 1
        return False

    def _read(self, file: str) -> list[str]:
        if file not in self._lines:
            try:
                self._lines[file] = Path(file).read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError):
                self._lines[file] = []
        return self._lines[file]


def _allowed_codes(line: str) -> set[str]:
    found = _ALLOW.search(line)
    return {code.strip() for code in found[1].split(",")} if found else set()


def _date_problems(sources: BundleSources) -> list[Problem]:
    """Rules whose effective_until is not after effective_from, read as written (such a file
    does not validate, so the format model is not there to ask)."""
    problems: list[Problem] = []
    for source, index, raw in sources.raw_rules():
        if not isinstance(raw, dict):
            continue
        start, end = _iso(raw.get("effective_from")), _iso(raw.get("effective_until"))
        if start is None or end is None or end > start:
            continue
        rule_id = raw.get("id") if isinstance(raw.get("id"), str) else f"rules[{index}]"
        problems.append(
            _found(
                _place(source.document, ("rules", index)),
                "E-DATES",
                f"rule {rule_id} stops applying on {end.isoformat()} (effective_until), "
                f"which is not after it starts on {start.isoformat()} (effective_from), so it "
                "never applies; effective_until is the first day it no longer applies",
                rule_id,
            )
        )
    return problems


def _iso(value: Any) -> date | None:
    if not isinstance(value, str) or not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _test_file_problems(root: Path) -> list[Problem]:
    problems: list[Problem] = []
    for path in bundle_test_files(root):
        try:
            load_test_file(shown_path(path))
        except RulesetError as exc:
            problems.extend(_test_problem(p) for p in exc.problems)
    return problems


def _test_problem(problem: Problem) -> Problem:
    return replace(problem, code="E-TESTS")


def _untested(bundle: Bundle, sources: BundleSources, backend: BackendName) -> list[Problem]:
    with Engine(bundle, backend=backend) as engine:
        run = run_bundle_tests(engine)
    problems = [_test_problem(p) for p in run.problems]
    fired = {rule for result in run.results for rule in result.fired}
    hint = "" if run.files else " (the bundle has no tests/test_*.yaml files)"
    for item in sources.rules:
        rule_id = item.rule.id
        if rule_id not in fired:
            problems.append(
                _found(
                    _place(item.document, (*item.path, "id")),
                    "W-UNTESTED",
                    f"no test case makes rule {rule_id} fire{hint}",
                    rule_id,
                )
            )
    return problems


@dataclass(frozen=True)
class _PolicyFile:
    """A file the manifest names by a key of its own, not under ``rulesets``."""

    key: str
    usual_name: str
    what: str
    model: type[BaseModel]


_POLICY_FILES = (
    _PolicyFile("good_faith", GOOD_FAITH_FILE, "a Good Faith Program policy", GoodFaithPolicy),
    _PolicyFile("deadlines", DEADLINES_FILE, "a deadline policy", DeadlinePolicy),
)


def _unlisted_files(bundle: Bundle) -> tuple[list[Problem], dict[str, str]]:
    """YAML files in the bundle folder that bundle.yaml does not name, so nothing reads them;
    and the ids of the rules in those files, with the file (a test case may name them)."""
    manifest = bundle.manifest
    named = {MANIFEST, *manifest.rulesets, manifest.good_faith, manifest.deadlines}
    problems: list[Problem] = []
    rules: dict[str, str] = {}
    for path in sorted(bundle.root.iterdir()):
        name = path.name
        if name in named or name.startswith(".") or path.suffix not in (".yaml", ".yml"):
            continue
        if not path.is_file():
            continue
        shown = display_name(bundle.root, name)
        data = _contents(path, bundle.root, shown)
        policy = _policy_file(name, data)
        if policy is not None:
            current = getattr(manifest, policy.key)
            fix = (
                f"bundle.yaml names {current} as its {policy.key} policy; remove this file, or "
                "name it instead"
                if current is not None
                else f"add '{policy.key}: {name}' to bundle.yaml, or remove the file"
            )
            message = (
                f"{name} is {policy.what} that bundle.yaml does not name, so it is never "
                f"read: {fix}"
            )
        else:
            ids = _rule_ids(data)
            rules.update((rule_id, name) for rule_id in ids)
            read = f"its {_count(len(ids), 'rule')} are" if ids else "it is"
            fix = (
                f"rename it to {path.stem}.yaml (rule files end in .yaml) and add "
                f"'- {path.stem}.yaml' under rulesets in bundle.yaml"
                if path.suffix == ".yml"
                else f"add '- {name}' under rulesets in bundle.yaml"
            )
            message = (
                f"{name} is in the bundle folder but bundle.yaml does not list it, so {read} "
                f"never read: {fix}, or remove the file"
            )
        problems.append(_found(_file_start(shown), "W-UNLISTED-FILE", message, name))
    problems.extend(_unnamed_test_files(bundle.root))
    return problems, rules


def _unnamed_test_files(root: Path) -> list[Problem]:
    """Files in ``tests/`` that hold test cases but are not named ``test_*.yaml``, so neither
    ``ipp-rules test`` nor pytest ever runs them."""
    folder = root / "tests"
    if not folder.is_dir():
        return []
    problems: list[Problem] = []
    for path in sorted(folder.iterdir()):
        name = f"tests/{path.name}"
        if path.suffix not in (".yaml", ".yml") or not path.is_file():
            continue
        if path.suffix == ".yaml" and path.name.startswith("test_"):
            continue
        shown = display_name(root, name)
        data = _contents(path, root, shown)
        if not isinstance(data, dict) or "cases" not in data:
            continue
        stem = path.stem if path.stem.startswith("test_") else f"test_{path.stem}"
        problems.append(
            _found(
                _file_start(shown),
                "W-UNLISTED-FILE",
                f"{name} holds test cases but is never run: test files are named "
                f"tests/test_*.yaml; rename it to tests/{stem}.yaml",
                name,
            )
        )
    return problems


def _contents(path: Path, root: Path, shown: str) -> Any:
    """What an unlisted file holds, to tell what it is; None for a file that does not parse
    (it is unlisted all the same, and its name tells what it is) or that lies outside the
    bundle folder through a link (never read, as the loader never reads one)."""
    if not path.resolve().is_relative_to(root.resolve()):
        return None
    try:
        return load_yaml_file(path, display_name=shown).data
    except RulesetError:
        return None


def _policy_file(name: str, data: Any) -> _PolicyFile | None:
    """The policy this file is, if it is one rather than a rule file: by its keys (more of a
    policy's than of a rule file's), else by its usual name."""
    if isinstance(data, dict):
        keys = set(data)

        def shared(model: type[BaseModel]) -> int:
            return len(keys & set(model.model_fields))

        best = max(_POLICY_FILES, key=lambda policy: shared(policy.model))
        if shared(best.model) > shared(fmt.RuleFile):
            return best
        if shared(fmt.RuleFile):
            return None
    return next((policy for policy in _POLICY_FILES if policy.usual_name == name), None)


def _rule_ids(data: Any) -> list[str]:
    rules = data.get("rules") if isinstance(data, dict) else None
    if not isinstance(rules, list):
        return []
    return [r["id"] for r in rules if isinstance(r, dict) and isinstance(r.get("id"), str)]


def _unknown_rules(bundle: Bundle, unlisted: Mapping[str, str]) -> list[Problem]:
    """Test cases that expect a rule the bundle does not have to fire (or not to): such a
    case fails, and says nothing about the rules that are there."""
    known = bundle.compiled.info
    problems: list[Problem] = []
    try:
        paths = bundle_test_files(bundle.root)
    except RulesetError:
        return []  # reported as E-TESTS
    for path in paths:
        try:
            loaded = load_test_file(shown_path(path))
        except RulesetError:
            continue  # reported as E-TESTS
        for index, case in loaded.cases():
            for key in ("fires", "does_not_fire"):
                for position, rule_id in enumerate(getattr(case.expect, key)):
                    if rule_id in known:
                        continue
                    if rule_id in unlisted:
                        why = f"it is in {unlisted[rule_id]}, which bundle.yaml does not list"
                    else:
                        close = difflib.get_close_matches(rule_id, list(known), n=1, cutoff=0.6)
                        why = f"did you mean {close[0]}?" if close else "was it renamed or removed?"
                    problems.append(
                        _found(
                            _place(loaded.document, ("cases", index, "expect", key, position)),
                            "W-UNKNOWN-RULE",
                            f"case '{case.name}' names rule {rule_id} under {key}, but the "
                            f"bundle has no such rule ({why})",
                            rule_id,
                        )
                    )
    return problems


class _Analyser:
    """The checks on a bundle that loads: conditions, shadowing, unused tables and facts."""

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
                        _found(
                            _place(item.document, (*item.path, "when"), key=True),
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
        when = _place(item.document, (*item.path, "when"), key=True)
        head = f"rule {rule.id} can never fire"
        bare = next(r.condition for r in undated.rules if r.id == rule.id)
        with_dates = next(r.condition for r in dated.rules if r.id == rule.id)
        if bare == ir.Const(False):
            empty = next(_empty_value_lists(item.document.data, (*item.path, "when")), None)
            if empty is not None:
                path, fact, op = empty
                return _found(
                    _place(item.document, path),
                    "W-NEVER-TRUE",
                    f"{head}: '{fact}: {{{op}: ...}}' names no values, so it never holds",
                    rule.id,
                )
            return _found(when, "W-NEVER-TRUE", f"{head}: its condition is false", rule.id)
        if analysis.never_true(bare):
            conflict = analysis.conflict(bare)
            if conflict is None:
                return _found(
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
                return _found(
                    where,
                    "W-NEVER-TRUE",
                    f"{head}: {name} is always {_word(value[0])} (the rules deriving it "
                    f"{'can never fire' if value[0] is False else 'always fire'}), so "
                    f"{self._describe_all(conflict.literals)} cannot hold",
                    rule.id,
                )
            together = {1: "", 2: " both"}.get(len(conflict.literals), " all")
            return _found(
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
            return _found(
                _place(item.document, (*item.path, key), key=True),
                "W-NEVER-TRUE",
                f"{head}: {why} while it is in force ({_range(item.rule)})",
                rule.id,
            )
        waivers = [w.waiver.id for w in self.sources.waivers if rule.id in w.waiver.waives] or [
            "its waivers"
        ]
        return _found(
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
            where = _place(item.document, (*item.path, "when"), key=True)
            waived = ", ".join(item.waiver.waives)
            if analysis.never_true(condition):
                problems.append(
                    _found(
                        where,
                        "W-NEVER-TRUE",
                        f"waiver {item.waiver.id} never applies: its condition can never hold, "
                        f"so {waived} always apply",
                        item.waiver.id,
                    )
                )
            elif analysis.always_true(condition):
                problems.append(
                    _found(
                        where,
                        "W-ALWAYS-TRUE",
                        f"waiver {item.waiver.id} always applies: its condition always holds, "
                        f"so {waived} never apply",
                        item.waiver.id,
                    )
                )
        return problems

    def _describe_all(self, literals: Sequence[Literal]) -> str:
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
                        _found(
                            _place(item.document, (*item.path, "when"), key=True),
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
                    _found(
                        _place(document, path, key=True),
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
                    _found(
                        _place(item.document, (*item.path, "derive")),
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
            rule = fmt.Rule.model_validate(
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
            return _place(item.document, where, key=True)
    return None


# ---------------------------------------------------------------------------------------------
# Words


def _range(rule: fmt.Rule) -> str:
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


def _describe(literal: Literal, facts: Mapping[str, FactSpec]) -> str:
    """A literal in the words of the rule format: ``right.status: ne authenticated``."""
    atom, positive = literal
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


# ---------------------------------------------------------------------------------------------
# The command


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``check`` to the ``ipp-rules`` subcommands."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "check",
        help="check a bundle: what does not load, and what loads but is wrong",
        description="Check a bundle: every problem the loader finds, and rules that can never "
        "fire or always do, rules shadowed by another, tables and derived facts nobody reads, "
        "rules no test case makes fire, files bundle.yaml does not name, test cases naming rules "
        "that are not there. One line per problem: file:line:column: CODE message. "
        "Exit status: 0 no errors, 1 errors (or warnings, with --strict), 2 a path that is not a "
        "bundle, or invalid arguments.",
    )
    parser.add_argument(
        "bundle", metavar="BUNDLE", nargs="?", help="bundle folder (default: the bundled rules)"
    )
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--strict", action="store_true", help="warnings fail the check too")
    today_argument(parser)
    parser.add_argument(
        "--horizon-days",
        metavar="DAYS",
        type=int,
        default=DEFAULT_WARNING_DAYS,
        help="warn (W-HORIZON) when a calendar's horizon is at most DAYS days after today "
        f"(default: {DEFAULT_WARNING_DAYS})",
    )
    parser.add_argument(
        "--backend",
        choices=("auto", "durable", "reference"),
        default="auto",
        help=argparse.SUPPRESS,
    )
    return parser


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Run ``ipp-rules check`` with parsed ``args``."""
    path = Path(args.bundle) if args.bundle else default_bundle_path()
    try:
        today = parse_today(args.today)
    except IppRulesError as exc:
        err.write(f"ipp-rules check: {exc}\n")
        return EXIT_INVALID
    if args.horizon_days < 0:
        err.write(
            f"ipp-rules check: --horizon-days: expected 0 or more (got {args.horizon_days})\n"
        )
        return EXIT_INVALID
    try:
        report = check_bundle(
            path, backend=args.backend, today=today, horizon_days=args.horizon_days
        )
    except BundlePathError as exc:
        err.write(f"ipp-rules check: {exc}\n")
        return EXIT_INVALID
    if args.format == "json":
        out.write(json.dumps(report_json(report), indent=2, ensure_ascii=False) + "\n")
    else:
        out.write(report_text(report))
    failing = report.problems if args.strict else report.errors
    return EXIT_PROBLEMS if failing else EXIT_OK


def report_text(report: CheckReport) -> str:
    lines = [problem_line(problem) for problem in report.problems]
    errors, warnings = len(report.errors), len(report.warnings)
    if report.bundle is None:
        summary = f"the bundle does not load: {_count(errors, 'error')}"
    else:
        manifest = report.bundle.manifest
        found = (
            "no problems"
            if not report.problems
            else f"{_count(errors, 'error')}, {_count(warnings, 'warning')}"
        )
        summary = f"{manifest.name} {manifest.version}: {found}"
    if report.allowed:
        summary += f" ({_count(len(report.allowed), 'warning')} allowed by comments)"
    lines.append(summary)
    return "\n".join(lines) + "\n"


def report_json(report: CheckReport) -> dict[str, Any]:
    identity = report.bundle.identity.model_dump() if report.bundle is not None else None
    return {
        "bundle": identity,
        "errors": len(report.errors),
        "warnings": len(report.warnings),
        "problems": [problem.as_json() for problem in report.problems],
        "allowed": [problem.as_json() for problem in report.allowed],
    }


def _count(number: int, word: str) -> str:
    return f"{number} {word}{'s' if number != 1 else ''}"
