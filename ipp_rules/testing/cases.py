"""YAML test cases for a bundle: load them, run them, and say what happened in policy words.

A test file (``tests/test_*.yaml`` in a bundle folder) has an optional ``base`` complaint and
a list of cases. A case gives a whole ``complaint`` or a ``patch`` merged into the base (JSON
Merge Patch, RFC 7386: a mapping merges key by key, ``null`` removes a key, anything else
replaces), and the decision it expects.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ipp_rules.engine.engine import Engine
from ipp_rules.errors import ComplaintError, RulesetError
from ipp_rules.problems import Problem
from ipp_rules.pydantic_errors import validate_document
from ipp_rules.rulesets.format import Expectation, TestCase, TestFile
from ipp_rules.text.yaml import YamlDocument, load_yaml_file, shown_path

__all__ = [
    "BundleTestRun",
    "CaseResult",
    "LoadedTestFile",
    "bundle_test_files",
    "load_test_file",
    "merge_patch",
    "run_bundle_cases",
    "run_bundle_tests",
    "run_case",
]


@dataclass(frozen=True)
class LoadedTestFile:
    path: Path
    document: YamlDocument
    spec: TestFile
    base: Mapping[str, Any] | None

    def cases(self) -> Iterator[tuple[int, TestCase]]:
        yield from enumerate(self.spec.cases)

    def location(self, index: int) -> str:
        return self.document.location(("cases", index))


@dataclass
class CaseResult:
    """What a case expected and what the bundle decided."""

    name: str
    location: str
    expected: Expectation
    outcome: str | None = None
    codes: list[str] = field(default_factory=list)
    fired: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.failures

    def report(self) -> str:
        lines = [f"{self.location}: case '{self.name}'"]
        lines += [f"  {f}" for f in self.failures]
        lines.append(
            f"  expected: outcome {self.expected.outcome}"
            + (f", codes {sorted(self.expected.codes)}" if self.expected.codes is not None else "")
        )
        lines.append(f"  actual:   outcome {self.outcome}, codes {sorted(self.codes)}")
        lines.append(f"  rules that fired: {', '.join(self.fired) or '(none)'}")
        return "\n".join(lines)


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7386 JSON Merge Patch."""
    if not isinstance(patch, Mapping):
        return patch
    result = dict(target) if isinstance(target, Mapping) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def bundle_test_files(bundle_root: str | os.PathLike[str]) -> list[Path]:
    """The bundle's test files, in name order."""
    folder = Path(bundle_root) / "tests"
    if folder.exists() and not folder.is_dir():
        raise RulesetError(
            [
                Problem(
                    "'tests' must be a folder of test files", "tests_not_a_folder", file=str(folder)
                )
            ],
            title="invalid test file",
        )
    return sorted(folder.glob("test_*.yaml")) if folder.is_dir() else []


def load_test_file(path: str | os.PathLike[str]) -> LoadedTestFile:
    """Load and validate a test file; RulesetError lists every problem with its location."""
    path = Path(path)
    document = load_yaml_file(path)
    spec, problems = validate_document(TestFile, document)
    if spec is None:
        raise RulesetError(problems, title="invalid test file")
    base: Mapping[str, Any] | None = None
    if isinstance(spec.base, str):
        try:
            base_path = (path.parent / spec.base).resolve()
            inside = path.parent.resolve() in base_path.parents
        except (OSError, RuntimeError):  # a symlink loop
            raise RulesetError(
                [
                    document.problem(
                        ("base",),
                        f"cannot read base file '{spec.base}': a symlink loop",
                        "missing_file",
                    )
                ],
                title="invalid test file",
            ) from None
        if not inside:
            raise RulesetError(
                [
                    document.problem(
                        ("base",),
                        "a base file must lie inside the tests folder",
                        "base_outside",
                    )
                ],
                title="invalid test file",
            )
        if not base_path.is_file():
            raise RulesetError(
                [document.problem(("base",), f"no base file '{spec.base}'", "missing_file")],
                title="invalid test file",
            )
        base_doc = load_yaml_file(base_path)
        if not isinstance(base_doc.data, dict):
            raise RulesetError(
                [base_doc.problem((), "a base complaint is a mapping", "not_a_mapping")],
                title="invalid test file",
            )
        base = base_doc.data
    elif isinstance(spec.base, dict):
        base = document.data["base"]
    return LoadedTestFile(path, document, spec, base)


def run_case(engine: Engine, loaded: LoadedTestFile, index: int, case: TestCase) -> CaseResult:
    """Evaluate one case and compare with what it expects."""
    expected = case.expect
    result = CaseResult(case.name, loaded.location(index), expected)
    # Cases keep the data exactly as the YAML loader produced it (plain numbers keep their text).
    raw_case = loaded.document.data["cases"][index]
    document = (
        raw_case["complaint"]
        if "complaint" in raw_case
        else merge_patch(loaded.base or {}, raw_case["patch"])
    )
    try:
        decision = engine.evaluate(document, trace=True)
    except ComplaintError as exc:
        result.failures.append(f"the case's complaint is not a valid document: {exc}")
        return result
    result.outcome = decision.outcome
    result.codes = [f.code for f in decision.findings]
    result.fired = sorted({entry.rule_id for entry in decision.trace or ()})
    if decision.outcome != expected.outcome:
        result.failures.append(f"outcome is {decision.outcome}, expected {expected.outcome}")
    if expected.codes is not None and sorted(expected.codes) != sorted(result.codes):
        missing = sorted(set(expected.codes) - set(result.codes))
        extra = sorted(set(result.codes) - set(expected.codes))
        result.failures.append(
            "codes differ"
            + (f"; missing {missing}" if missing else "")
            + (f"; unexpected {extra}" if extra else "")
            + ("" if missing or extra else "; counts differ")
        )
    unknown = [
        r
        for r in (*expected.fires, *expected.does_not_fire)
        if r not in engine.bundle.compiled.info
    ]
    if unknown:
        result.failures.append(f"no rule with id {', '.join(unknown)} in the bundle")
    for rule_id in expected.fires:
        if rule_id not in result.fired and rule_id not in unknown:
            result.failures.append(f"rule {rule_id} was expected to fire and did not")
    for rule_id in expected.does_not_fire:
        if rule_id in result.fired:
            result.failures.append(f"rule {rule_id} fired but was expected not to")
    return result


def run_bundle_cases(engine: Engine) -> list[CaseResult]:
    """Every case of every test file in the engine's bundle."""
    results: list[CaseResult] = []
    for path in bundle_test_files(engine.bundle.root):
        loaded = load_test_file(path)
        for index, case in loaded.cases():
            results.append(run_case(engine, loaded, index, case))
    return results


@dataclass
class BundleTestRun:
    """Every case of a bundle's test files, and the problems of the files that do not load."""

    files: list[Path] = field(default_factory=list)
    results: list[CaseResult] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    unloaded: list[Path] = field(default_factory=list)
    """The test files that did not load (their problems are in :attr:`problems`)."""

    @property
    def failed(self) -> list[CaseResult]:
        return [result for result in self.results if not result.passed]


def run_bundle_tests(engine: Engine) -> BundleTestRun:
    """Run every case of every test file in the engine's bundle; a test file that does not
    load is reported with its problems and the other files still run."""
    run = BundleTestRun()
    for path in bundle_test_files(engine.bundle.root):
        shown = shown_path(path)
        run.files.append(shown)
        try:
            loaded = load_test_file(shown)
        except RulesetError as exc:
            run.problems.extend(exc.problems)
            run.unloaded.append(shown)
            continue
        for index, case in loaded.cases():
            run.results.append(run_case(engine, loaded, index, case))
    return run
