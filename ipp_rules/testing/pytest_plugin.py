"""pytest plugin: collects a bundle's YAML test cases (``<bundle>/tests/test_*.yaml``).

Registered under the ``pytest11`` entry point, so any project that installs ipp-rules can keep
cases for its own bundle and run them with pytest. A failure is reported in the bundle's own
terms: expected and actual outcome and codes, and the rules that fired.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ipp_rules.errors import IppRulesError
from ipp_rules.rulesets import format as fmt
from ipp_rules.rulesets.bundle import MANIFEST


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
    def __init__(self, *, loaded: Any, index: int, case: fmt.TestCase, **kwargs: Any):
        super().__init__(**kwargs)
        self.loaded = loaded
        self.index = index
        self.case = case

    def runtest(self) -> None:
        from ipp_rules.testing.cases import run_case

        engine = _engine(self.config, self.path.parent.parent)
        result = run_case(engine, self.loaded, self.index, self.case)
        if not result.passed:
            raise CaseFailure(result.report())

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, CaseFailure | IppRulesError):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int | None, str]:
        line = int(self.loaded.location(self.index).rsplit(":", 2)[-2])
        return self.path, line - 1, f"case: {self.name}"
