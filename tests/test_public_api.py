"""What ``import ipp_rules`` offers: every error and every result type a caller handles."""

from __future__ import annotations

import inspect

import ipp_rules
from ipp_rules import errors


def test_every_error_is_exported_from_the_package() -> None:
    defined = {
        name
        for name, value in vars(errors).items()
        if inspect.isclass(value)
        and issubclass(value, Exception)
        and value.__module__ == errors.__name__
    }
    assert defined <= set(ipp_rules.__all__), defined - set(ipp_rules.__all__)
    classes = {name for name in errors.__all__ if inspect.isclass(getattr(errors, name))}
    assert defined == classes
    # The rest are the functions that word an error: as a value, as text, as data.
    helpers = set(errors.__all__) - classes
    assert helpers == {"shown", "error_document", "error_text", "problems_of"}
    assert all(inspect.isfunction(getattr(errors, name)) for name in helpers)


def test_every_error_is_an_ipp_rules_error() -> None:
    for name in errors.__all__:
        value = getattr(errors, name)
        if inspect.isclass(value):
            assert issubclass(value, errors.IppRulesError), name


def test_the_error_tree_in_the_docstring_names_every_error() -> None:
    doc = errors.__doc__ or ""
    for name in errors.__all__:
        if inspect.isclass(getattr(errors, name)):
            assert f" {name} " in doc or f"{name}\n" in doc, name


def test_result_types_are_exported() -> None:
    for name in ("Decision", "Finding", "Deadline", "CaseState", "NextStep", "Eligibility", "Rate"):
        assert name in ipp_rules.__all__
        assert getattr(ipp_rules, name).__module__.startswith("ipp_rules.")


def test_everything_exported_exists() -> None:
    for name in ipp_rules.__all__:
        assert hasattr(ipp_rules, name), name
