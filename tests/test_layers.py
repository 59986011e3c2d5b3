"""The package's imports run one way, from the ground up (see docs/architecture.md).

Read from the code with ``ast``: every ``import`` and ``from ... import`` of an ``ipp_rules``
module, at any depth (imports inside functions count), in every module of the package.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import ipp_rules

PACKAGE = Path(ipp_rules.__file__).parent

LAYERS: tuple[frozenset[str], ...] = (
    frozenset({"errors", "exports", "problems", "pydantic_errors", "text"}),
    frozenset({"policies", "calendars"}),
    frozenset({"models"}),
    frozenset({"facts"}),
    frozenset({"goodfaith", "deadlines"}),
    frozenset({"rulesets"}),
    frozenset({"engine"}),
    frozenset(
        {
            "analysis",
            "testing",
            "cli",
            "service",
            "workbench",
            "scale",
            "dask",
            "<root>",
            "__main__",
        }
    ),
)
"""Each package may import its own layer and those below, never one above."""

ORDER = {package: level for level, layer in enumerate(LAYERS) for package in layer}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(path: Path) -> set[str]:
    """The ipp_rules modules ``path`` imports."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            if module != "ipp_rules":  # ``from ipp_rules import facts`` imports ipp_rules.facts
                found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return {m for m in found if m == "ipp_rules" or m.startswith("ipp_rules.")}


def top(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "<root>"


def package_edges() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = defaultdict(set)
    for path in PACKAGE.rglob("*.py"):
        source = top(module_name(path))
        for target in imported(path):
            target_top = top(target)
            if target_top in ORDER and target_top != source:
                edges[source].add(target_top)
    return edges


def test_every_package_has_a_layer() -> None:
    packages = {top(module_name(path)) for path in PACKAGE.rglob("*.py")}
    assert packages <= set(ORDER), packages - set(ORDER)


def test_no_package_imports_one_above_it() -> None:
    upward = sorted(
        f"{source} imports {target}"
        for source, targets in package_edges().items()
        for target in targets
        if ORDER[target] > ORDER[source]
    )
    assert upward == []


def test_no_package_cycle() -> None:
    edges = package_edges()
    cycles = []
    for start in edges:
        stack, seen = [start], set()
        while stack:
            for target in edges.get(stack.pop(), ()):
                if target == start:
                    cycles.append(start)
                elif target not in seen:
                    seen.add(target)
                    stack.append(target)
    assert sorted(set(cycles)) == []


def test_the_analyses_read_no_command_line() -> None:
    # What the tools compute is data for any caller; reading arguments and printing is cli's.
    found = []
    for path in (PACKAGE / "analysis").rglob("*.py"):
        tree = ast.parse(path.read_text("utf-8"), str(path))
        modules = {
            alias.name for n in ast.walk(tree) if isinstance(n, ast.Import) for alias in n.names
        }
        modules |= {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        found += [
            f"{path.name} imports {m}"
            for m in modules
            if m == "argparse" or m == "ipp_rules.cli" or m.startswith("ipp_rules.cli.")
        ]
    assert found == []


def test_the_check_sees_imports_inside_functions(tmp_path: Path) -> None:
    # The reader must find a lazy import; otherwise a cycle could hide in a function body.
    source = tmp_path / "probe.py"
    source.write_text("def f():\n    from ipp_rules.engine import engine\n", "utf-8")
    tree = ast.parse(source.read_text("utf-8"))
    names = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert names == {"ipp_rules.engine"}


def modules() -> list[tuple[Path, ast.Module]]:
    return [
        (path, ast.parse(path.read_text("utf-8"), str(path)))
        for path in sorted(PACKAGE.rglob("*.py"))
    ]


def test_every_module_says_what_it_exports() -> None:
    missing = [
        str(path.relative_to(PACKAGE))
        for path, tree in modules()
        if not any(
            isinstance(node, ast.Assign | ast.AnnAssign)
            and any(
                isinstance(target, ast.Name) and target.id == "__all__"
                for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
            )
            for node in tree.body
        )
    ]
    assert missing == []


def test_no_private_name_is_imported_from_another_module() -> None:
    private = [
        f"{path.relative_to(PACKAGE)} imports {node.module}.{alias.name}"
        for path, tree in modules()
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("ipp_rules")
        for alias in node.names
        if alias.name.startswith("_") and not alias.name.startswith("__")
    ]
    assert private == []


def test_a_long_module_says_why_it_is_kept_whole() -> None:
    # About 500 lines is the most a module with one job needs; past it, its docstring says
    # why the module is one thing.
    unexplained = [
        str(path.relative_to(PACKAGE))
        for path, tree in modules()
        if len(path.read_text("utf-8").splitlines()) > 520
        and "Kept whole" not in (ast.get_docstring(tree) or "")
    ]
    assert unexplained == []
