"""A package's public names, each imported from its module on first use (PEP 562).

``import ipp_rules`` should cost only what the caller uses: a service that decides complaints
never needs the Good Faith Program, the deadline calendars (and the ``holidays`` data behind
them) or the tools. So a package that gathers the names of its modules lists them in a table
from each module to the names it gives, and :func:`lazy_exports` makes the package's
``__getattr__`` and ``__dir__``: the first ``package.Name`` (or ``from package import Name``)
imports that module and keeps the value in the package, so later reads are plain attributes.

The package imports the same names under ``if TYPE_CHECKING:`` too, so type checkers see
them and ``tests/test_layers.py`` checks their floors; ``tests/test_exports.py`` keeps the
table, those imports and ``__all__`` the same.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Iterable, Mapping
from typing import Any

__all__ = ["lazy_exports"]


def lazy_exports(
    package: str, table: Mapping[str, Iterable[str]]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``__getattr__`` and ``__dir__`` for ``package``, which gives each module's names in
    ``table`` (module -> names) once they are asked for."""
    modules = {name: module for module, names in table.items() for name in names}

    def __getattr__(name: str) -> Any:
        module = modules.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> list[str]:
        return sorted({*vars(sys.modules[package]), *modules})

    return __getattr__, __dir__
