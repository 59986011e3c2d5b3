"""``check``'s analyses: what the loader rejects in a bundle, and what loads but is wrong.

:func:`check_bundle` gives every problem as data, each with a code: ``E-`` codes are errors
(the bundle cannot be used as it is), ``W-`` codes warnings. :data:`CODES` lists them all,
and ``docs/tools.md`` explains each for policy staff. The checks on the rules themselves are
in :mod:`ipp_rules.analysis.rule_checks`; here are the bundle's files, its test cases and its
calendars. A warning that is intended (a table kept as data for people, not read by any rule)
is allowed by a comment on its line, or on the comment lines right above it:
``# ipp-rules: allow W-UNUSED-TABLE``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from ipp_rules.analysis.horizons import (
    DEFAULT_WARNING_DAYS,
    calendar_statuses,
    horizon_warnings,
    today_from_environment,
)
from ipp_rules.analysis.rule_checks import RuleChecks, found, placed
from ipp_rules.analysis.sources import BundleSources, read_sources
from ipp_rules.deadlines import POLICY_FILE as DEADLINES_FILE
from ipp_rules.deadlines import DeadlinePolicy
from ipp_rules.engine.engine import BackendName, Engine
from ipp_rules.errors import RulesetError
from ipp_rules.goodfaith import POLICY_FILE as GOOD_FAITH_FILE
from ipp_rules.goodfaith import GoodFaithPolicy
from ipp_rules.problems import Problem, best_first, suggest
from ipp_rules.rulesets.bundle import MANIFEST, Bundle, bundle_root, display_name, load_bundle
from ipp_rules.rulesets.format import RuleFile
from ipp_rules.testing.cases import bundle_test_files, load_test_file, run_bundle_tests
from ipp_rules.text.yaml import load_yaml_file, shown_path

__all__ = ["CODES", "CheckReport", "check_bundle", "problem_line"]


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
    problems.extend(RuleChecks(bundle, sources).problems())
    problems.extend(_untested(bundle, sources, backend))
    unlisted, unlisted_rules = _unlisted_files(bundle)
    problems.extend(unlisted)
    problems.extend(_unknown_rules(bundle, unlisted_rules))
    problems.extend(
        _horizons(bundle, today_from_environment() if today is None else today, horizon_days)
    )
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
            found(placed(document, path, key=True), "W-HORIZON", warning.message, warning.key)
        )
    return problems


def _report(bundle: Bundle | None, problems: list[Problem], sources: BundleSources) -> CheckReport:
    """The report: problems in reading order (:func:`~ipp_rules.problems.best_first`, the
    files in the manifest's order), and the warnings a comment allows set apart."""
    manifest = [sources.manifest.filename] if sources.manifest is not None else []
    files = [*manifest, *(source.document.filename for source in sources.files)]
    report = CheckReport(bundle)
    allowed_lines = _AllowComments()
    for problem in best_first(problems, files):
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
            found(
                placed(source.document, ("rules", index)),
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
                found(
                    placed(item.document, (*item.path, "id")),
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
        problems.append(found(_file_start(shown), "W-UNLISTED-FILE", message, name))
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
            found(
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
        if shared(best.model) > shared(RuleFile):
            return best
        if shared(RuleFile):
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
                        nearest = suggest(rule_id, known)
                        why = (
                            f"did you mean {nearest}?" if nearest else "was it renamed or removed?"
                        )
                    problems.append(
                        found(
                            placed(loaded.document, ("cases", index, "expect", key, position)),
                            "W-UNKNOWN-RULE",
                            f"case '{case.name}' names rule {rule_id} under {key}, but the "
                            f"bundle has no such rule ({why})",
                            rule_id,
                        )
                    )
    return problems


def _count(number: int, word: str) -> str:
    return f"{number} {word}{'s' if number != 1 else ''}"
