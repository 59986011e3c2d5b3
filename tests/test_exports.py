"""Public names imported on first use: ``ipp_rules`` and the packages that gather their
modules' names (see ``ipp_rules/exports.py``)."""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
import types
from pathlib import Path

import pytest

import ipp_rules
from ipp_rules.exports import lazy_exports

PACKAGE = Path(ipp_rules.__file__).parent

LAZY_PACKAGES = [
    "ipp_rules",
    "ipp_rules.calendars",
    "ipp_rules.deadlines",
    "ipp_rules.goodfaith",
    "ipp_rules.models",
]


def source_of(package: str) -> ast.Module:
    path = PACKAGE.parent.joinpath(*package.split("."), "__init__.py")
    return ast.parse(path.read_text("utf-8"))


def typing_imports(tree: ast.Module) -> dict[str, str]:
    """The names the package imports under ``if TYPE_CHECKING:``, and their modules."""
    found: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            for statement in node.body:
                assert isinstance(statement, ast.ImportFrom), ast.unparse(statement)
                for alias in statement.names:
                    found[alias.asname or alias.name] = statement.module or ""
    return found


def eager_imports(tree: ast.Module) -> set[str]:
    """The ``ipp_rules`` names the package imports as it is imported."""
    return {
        alias.asname or alias.name
        for node in tree.body
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("ipp_rules")
        for alias in node.names
    }


@pytest.mark.parametrize("name", LAZY_PACKAGES)
def test_a_package_gives_every_name_it_exports_and_only_those(name: str) -> None:
    package = importlib.import_module(name)
    tree = source_of(name)
    typed = typing_imports(tree)
    eager = eager_imports(tree) - {"lazy_exports"}
    assert typed, "the package imports its lazy names for type checkers"
    assert not typed.keys() & eager
    assert sorted(typed.keys() | eager) == sorted(package.__all__)
    # dir() lists what the table gives: the same names the type checkers read.
    assert set(dir(package)) - set(vars(package)) <= typed.keys()
    assert typed.keys() <= set(dir(package))


@pytest.mark.parametrize("name", LAZY_PACKAGES)
def test_each_lazy_name_is_the_object_its_module_defines(name: str) -> None:
    package = importlib.import_module(name)
    for exported, module in typing_imports(source_of(name)).items():
        value = getattr(importlib.import_module(module), exported)
        assert getattr(package, exported) is value, exported
        assert vars(package)[exported] is value, f"{exported} is kept after the first read"


@pytest.mark.parametrize("name", LAZY_PACKAGES)
def test_an_unknown_name_is_an_attribute_error(name: str) -> None:
    package = importlib.import_module(name)
    with pytest.raises(AttributeError, match=f"module '{name}' has no attribute 'Nothing'"):
        package.Nothing  # noqa: B018
    with pytest.raises(ImportError, match="cannot import name 'Nothing'"):
        exec(f"from {name} import Nothing", {})


def test_star_import_gives_every_exported_name() -> None:
    namespace: dict[str, object] = {}
    exec("from ipp_rules import *", namespace)
    assert set(ipp_rules.__all__) <= namespace.keys()
    assert namespace["Engine"] is importlib.import_module("ipp_rules.engine.engine").Engine


def test_a_name_is_imported_on_first_read_and_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    package = types.ModuleType("probe_package")
    monkeypatch.setitem(sys.modules, "probe_package", package)
    getattr_, dir_ = lazy_exports("probe_package", {"fractions": ("Fraction",)})
    package.__getattr__ = getattr_  # type: ignore[method-assign]
    assert "Fraction" in dir_()
    assert "Fraction" not in vars(package)
    fraction = package.Fraction
    assert fraction is importlib.import_module("fractions").Fraction
    assert vars(package)["Fraction"] is fraction
    with pytest.raises(AttributeError, match="module 'probe_package' has no attribute 'x'"):
        getattr_("x")


@pytest.mark.slow
def test_every_exported_name_imports_in_a_fresh_process() -> None:
    # In a new interpreter nothing is imported yet: each name must bring its own module.
    script = (
        "import importlib, sys\n"
        "for package in sys.argv[1:]:\n"
        "    module = importlib.import_module(package)\n"
        "    for name in module.__all__:\n"
        "        exec(f'from {package} import {name}', {})\n"
        "print('ok')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, *LAZY_PACKAGES], capture_output=True, text=True
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "ok\n", "")
