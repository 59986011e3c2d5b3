"""pytest plugin: collects a bundle's YAML test cases (``<bundle>/tests/test_*.yaml``).

Registered under the ``pytest11`` entry point, so any project that installs ipp-rules can keep
cases for its own bundle and run them with pytest. A failure is reported in the bundle's own
terms: expected and actual outcome and codes, and the rules that fired. The summary at the end
gives each bundle's rule coverage by the cases that ran (``ipp-rules test`` prints the same
for every case of a bundle).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ipp_rules.errors import IppRulesError
from ipp_rules.rulesets.bundle import MANIFEST
from ipp_rules.rulesets.format import TestCase

__all__ = [
    "BundleCaseFile",
    "BundleCaseItem",
    "CaseFailure",
    "pytest_collect_file",
    "pytest_terminal_summary",
]


def _is_case_file(path: Path) -> bool:
    return (
        path.suffix == ".yaml"
        and path.name.startswith("test_")
        and path.parent.name == "tests"
        and (path.parent.parent / MANIFEST).is_file()
    )


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if _is_case_file(file_path):
        return BundleCaseFile.from_parent(parent, path=file_path)
    return None


_ENGINES = pytest.StashKey[dict[Path, Any]]()
_RESULTS = pytest.StashKey[dict[Path, list[Any]]]()


def _engine(config: pytest.Config, root: Path) -> Any:
    from ipp_rules.engine.engine import Engine

    engines = config.stash.setdefault(_ENGINES, {})
    if root not in engines:
        engines[root] = Engine.from_path(root)
    return engines[root]


class CaseFailure(Exception):
    """A case whose decision differs from what it expects."""


class BundleCaseFile(pytest.File):
    def collect(self) -> Iterator[pytest.Item]:
        from ipp_rules.testing.cases import load_test_file

        loaded = load_test_file(self.path)
        for index, case in loaded.cases():
            yield BundleCaseItem.from_parent(
                self, name=case.name, loaded=loaded, index=index, case=case
            )


class BundleCaseItem(pytest.Item):
    def __init__(self, *, loaded: Any, index: int, case: TestCase, **kwargs: Any):
        super().__init__(**kwargs)
        self.loaded = loaded
        self.index = index
        self.case = case

    def runtest(self) -> None:
        from ipp_rules.testing.cases import run_case

        root = self.path.parent.parent
        engine = _engine(self.config, root)
        result = run_case(engine, self.loaded, self.index, self.case)
        self.config.stash.setdefault(_RESULTS, {}).setdefault(root, []).append(result)
        if not result.passed:
            raise CaseFailure(result.report())

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, CaseFailure | IppRulesError):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int | None, str]:
        line = int(self.loaded.location(self.index).rsplit(":", 2)[-2])
        return self.path, line - 1, f"case: {self.name}"


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    """Each bundle's rule coverage by the cases that ran, and the rules none made fire."""
    from ipp_rules.testing.coverage import format_percent, rule_coverage

    results = config.stash.get(_RESULTS, {})
    engines = config.stash.get(_ENGINES, {})
    for root, ran in results.items():
        coverage = rule_coverage(engines[root].bundle, ran)
        shown = root.relative_to(config.rootpath) if root.is_relative_to(config.rootpath) else root
        terminalreporter.write_line(
            f"ipp-rules rule coverage of {shown}: {len(coverage.fired)} of {coverage.total} "
            f"rules fired in the {len(ran)} cases run ({format_percent(coverage.percent)})"
        )
        if coverage.never_fired:
            terminalreporter.write_line(f"  never fired: {', '.join(coverage.never_fired)}")
