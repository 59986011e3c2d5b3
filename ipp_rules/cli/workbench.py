"""``ipp-rules workbench [BUNDLE]``: the policy workbench, a local web page over a bundle
folder (``pip install 'ipp-rules[serve]'``; ``docs/workbench.md``).

It listens on 127.0.0.1 only unless ``--host`` says otherwise, and writes the bundle's files
only with ``--allow-save``. Ctrl-C stops it.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, TextIO

from ipp_rules.cli.bundles import chosen_path
from ipp_rules.cli.init import default_examples_path
from ipp_rules.cli.serve import serve_app
from ipp_rules.errors import ArgumentError

__all__ = ["add_parser", "run"]


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``workbench`` to the ``ipp-rules`` subcommands."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "workbench",
        help="a local web page to decide, edit and preview rules, calendars and Good Faith",
        description="Start the policy workbench on a bundle folder: a web page on "
        "http://127.0.0.1:8090 to decide complaints, browse and edit the rules with check "
        "feedback, preview an edit on a corpus, and look at calendars and Good Faith.",
    )
    parser.add_argument(
        "bundle", metavar="BUNDLE", nargs="?", help="bundle folder (default: the bundled rules)"
    )
    parser.add_argument(
        "--corpus", metavar="FILE", type=Path, help="JSON lines of complaints, to preview edits on"
    )
    parser.add_argument("--host", default="127.0.0.1", help="address (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8090, help="port (default 8090)")
    parser.add_argument(
        "--allow-save",
        action="store_true",
        help="let the page write edited files into the bundle folder (off: it offers downloads)",
    )
    return parser


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Run ``ipp-rules workbench`` with parsed ``args``: serve the page until interrupted."""
    try:
        from ipp_rules.workbench import create_workbench
    except ImportError as exc:
        raise ArgumentError(
            f"workbench needs the serve extra: pip install 'ipp-rules[serve]' ({exc.name} is "
            "missing)"
        ) from None
    if not 0 <= args.port <= 65535:
        raise ArgumentError(f"--port: expected 0 to 65535, got {args.port}")
    folder, _ = chosen_path(args.bundle)
    corpus = args.corpus
    if corpus is not None and not corpus.is_file():
        raise ArgumentError(f"--corpus: no file {corpus}")
    app = create_workbench(
        folder, corpus=corpus, examples=default_examples_path(), allow_save=args.allow_save
    )
    err.write(f"workbench on http://{args.host}:{args.port} (Ctrl-C stops it)\n")
    err.flush()
    return serve_app(app, args.host, args.port)
