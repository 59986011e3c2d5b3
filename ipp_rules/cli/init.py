"""``ipp-rules init FOLDER``: a copy of the bundled rules to edit, with example complaints.

The bundled rules live inside the installed package, where edits would be lost on the next
upgrade. ``init`` copies the whole bundle (manifest, rule files, ``good_faith.yaml``,
``deadlines.yaml``, ``tests/`` and ``schema/``) into a new folder, and the example
complaints, reporting history and corpus into its ``examples/`` folder (outside what the
bundle reads), so that a copy installed from the package registry has something to try.
Every command then takes that folder with ``--rules FOLDER`` (``check``, ``test`` and
``diff`` take it as their argument), and Python with ``Engine.from_path(FOLDER)``.

Exit status: 0 copied, 2 the folder exists and is not empty, or cannot be written.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path
from typing import Any, TextIO

from ipp_rules.cli.bundles import shown_folder
from ipp_rules.cli.output import EXIT_INVALID, EXIT_OK
from ipp_rules.engine.engine import default_bundle_path
from ipp_rules.rulesets.bundle import load_bundle

__all__ = ["EXAMPLES_FOLDER", "add_parser", "copy_bundle", "default_examples_path", "run"]

EXAMPLES_FOLDER = "examples"
"""Where ``init`` puts the examples, inside the folder it fills."""
_IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", ".*")
_FIRST_EXAMPLE = "complaint-lazada-th.yaml"


def default_examples_path() -> Path | None:
    """The examples shipped with the package (in a wheel), or the repository's
    ``docs/examples/``; None when neither is there."""
    package = Path(__file__).resolve().parents[1]
    for folder in (package / "_examples", package.parent / "docs" / "examples"):
        if folder.is_dir():
            return folder
    return None


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``init`` to the ``ipp-rules`` subcommands."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "init",
        help="copy the bundled rules (and examples) into a folder, to edit them",
        description="Copy the bundled rules (manifest, rule files, good_faith.yaml, "
        "deadlines.yaml, tests and schemas) into FOLDER, a new or empty folder, and example "
        "complaints into FOLDER/examples. Edit the rules there, check them with `ipp-rules "
        "check FOLDER`, and pass --rules FOLDER to the other commands. Exit status: 0 copied, "
        "2 FOLDER is not empty or cannot be written.",
    )
    parser.add_argument("folder", metavar="FOLDER", help="where to copy the bundle (new or empty)")
    return parser


def copy_bundle(folder: str | Path) -> list[Path]:
    """Copy the bundled rules into ``folder`` (new, or an empty folder), and the examples
    into its ``examples/``; the files copied, relative to it. Raises ``FileExistsError``
    when ``folder`` is a file or not empty."""
    target = Path(folder)
    empty = target.is_dir() and not any(target.iterdir())
    if not empty and (target.exists() or target.is_symlink()):
        raise FileExistsError(0, "already exists and is not an empty folder", str(target))
    # An empty folder is filled where it is (it may be the working folder, a link, or have
    # its own permissions), never removed and made again.
    mode = target.stat().st_mode if empty else None
    shutil.copytree(default_bundle_path(), target, ignore=_IGNORED, dirs_exist_ok=empty)
    if mode is not None:
        target.chmod(mode)  # copytree gives the folder the package's permissions
    examples = default_examples_path()
    if examples is not None:
        shutil.copytree(examples, target / EXAMPLES_FOLDER, ignore=_IGNORED)
    return sorted(p.relative_to(target) for p in target.rglob("*") if p.is_file())


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Run ``ipp-rules init`` with parsed ``args``."""
    try:
        copied = copy_bundle(args.folder)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        err.write(f"ipp-rules init: {args.folder}: {reason}\n")
        return EXIT_INVALID
    manifest = load_bundle(args.folder).manifest
    folder = args.folder
    examples = [path for path in copied if path.parts[0] == EXAMPLES_FOLDER]
    rules = len(copied) - len(examples)
    source = shown_folder(default_bundle_path())
    out.write(
        f"copied the bundled rules ({manifest.name} {manifest.version}, {rules} files) from "
        f"{source} to {folder}\n"
    )
    if examples:
        out.write(f"copied {len(examples)} examples to {folder}/{EXAMPLES_FOLDER}\n")
    example = f"{folder}/{EXAMPLES_FOLDER}/{_FIRST_EXAMPLE}"
    if Path(_FIRST_EXAMPLE) not in [path.relative_to(EXAMPLES_FOLDER) for path in examples]:
        example = "FILE"
    out.write(
        f"  edit       {folder}/*.yaml (deadlines and calendars: {folder}/deadlines.yaml)\n"
        f"  check      ipp-rules check {folder} && ipp-rules test {folder}\n"
        f"  use        ipp-rules evaluate {example} --rules {folder}  (deadline, lifecycle, "
        f"good-faith, calendars: --rules {folder}; Python: Engine.from_path({folder!r}))\n"
    )
    return EXIT_OK
