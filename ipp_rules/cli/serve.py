"""``ipp-rules serve``: the engine as an HTTP service (``pip install 'ipp-rules[serve]'``).

Runs :func:`ipp_rules.service.create_app` on uvicorn. The bundle is loaded before the
service listens: a bundle that does not load is an error here, with its problems, and
nothing listens. Every endpoint, limit, metric and log is described in ``docs/service.md``.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from ipp_rules.cli.arguments import add_backend
from ipp_rules.engine.engine import default_bundle_path
from ipp_rules.errors import ArgumentError

if TYPE_CHECKING:  # the serve extra may not be installed: imported when the command runs
    from ipp_rules.service.settings import Settings

__all__ = ["add_parser", "run", "serve_app"]

MIB = 1024 * 1024


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``serve`` to the ``ipp-rules`` subcommands."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "serve",
        help="serve the engine over HTTP (JSON; OpenAPI at /openapi.json)",
        description="Serve the engine over HTTP: /v1/evaluate, /v1/evaluate/batch, "
        "/v1/deadline, /v1/lifecycle, /v1/good-faith, /v1/bundle, /healthz, /readyz, "
        "/metrics, /openapi.json and /docs. The reload token, when wanted, is read from "
        "the environment variable IPP_RULES_RELOAD_TOKEN (at least 16 characters).",
    )
    parser.add_argument(
        "--rules", metavar="BUNDLE", help="bundle folder (default: the bundled rules)"
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)"
    )
    parser.add_argument(
        "--port", type=_port, default=8080, help="port (default 8080; 0: any free one)"
    )
    parser.add_argument(
        "--workers",
        type=_count,
        default=1,
        metavar="N",
        help="worker processes, each with the bundle loaded (default 1)",
    )
    parser.add_argument(
        "--forwarded-allow-ips",
        metavar="IPS",
        help="trust X-Forwarded-For and X-Forwarded-Proto from these proxy addresses "
        "(comma-separated, * for any); by default the client is the peer",
    )
    parser.add_argument(
        "--watch",
        action="store_true",
        help="reload the bundle when a file in its folder changes",
    )
    parser.add_argument(
        "--decision-log",
        metavar="FILE",
        type=Path,
        help="append one JSON line per decision to FILE",
    )
    parser.add_argument(
        "--log-inputs",
        action="store_true",
        help="put each complaint itself in the decision log (else its sha256)",
    )
    parser.add_argument(
        "--no-access-log",
        action="store_true",
        help="no JSON line per request on the error output",
    )
    limits = parser.add_argument_group("limits (a request over one gets a problem response)")
    for flag, _, kind, default, metavar, what in _LIMIT_FLAGS:
        shown = (
            f"{default // MIB} MiB"
            if kind is _size
            else f"{default:g}"
            if kind is _seconds
            else str(default)
        )
        limits.add_argument(
            flag, type=kind, default=default, metavar=metavar, help=f"{what} (default {shown})"
        )
    add_backend(parser)
    return parser


def _port(text: str) -> int:
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"expected a port number 0 to 65535, got {text!r}")
    return int(text)


def _count(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number, 1 or more, got {text!r}")
    return int(text)


_UNITS = {"": 1, "k": 1024, "kib": 1024, "m": MIB, "mib": MIB, "g": 1024 * MIB, "gib": 1024 * MIB}


def _size(text: str) -> int:
    """``4194304``, ``512k``, ``4MiB``, ``1g``."""
    number = text.rstrip("bBkKmMgGiI")
    unit = text[len(number) :].lower().removesuffix("b") if text[len(number) :] else ""
    if unit.endswith("i"):
        unit += "b"
    if not number.isdigit() or unit not in _UNITS or int(number) < 1:
        raise argparse.ArgumentTypeError(
            f"expected a size in bytes, like 4194304, 512k or 4MiB, got {text!r}"
        )
    return int(number) * _UNITS[unit]


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value <= 3600:
        raise argparse.ArgumentTypeError(
            f"expected seconds, more than 0, at most 3600, got {text!r}"
        )
    return value


_LIMIT_FLAGS: tuple[tuple[str, str, Callable[[str], Any], Any, str, str], ...] = (
    ("--max-body", "body_bytes", _size, 4 * MIB, "BYTES", "body of evaluate, deadline, lifecycle"),
    ("--max-batch-body", "batch_body_bytes", _size, 64 * MIB, "BYTES",
     "body of evaluate/batch and good-faith"),
    ("--max-listings", "listings", _count, 1000, "N", "listings in one complaint"),
    ("--max-batch", "batch_documents", _count, 10_000, "N", "complaints in one batch"),
    ("--max-history", "history_records", _count, 1_000_000, "N",
     "records in one Good Faith history"),
    ("--max-events", "events", _count, 1000, "N", "events in one lifecycle request"),
    ("--time-budget", "time_budget", _seconds, 30.0, "SECONDS",
     "time one request may take to decide"),
    ("--body-timeout", "body_seconds", _seconds, 30.0, "SECONDS",
     "time a client may take to send a body"),
)  # fmt: skip
"""Each limit: its flag, its field of ``Limits`` (the defaults are ``Limits``'s), how the flag
is read, the default, and what it limits."""


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Run ``ipp-rules serve`` with parsed ``args``: serve until interrupted."""
    try:
        import uvicorn

        from ipp_rules.service import Limits, Settings
        from ipp_rules.service.app import create_app, log_to_stderr
    except ImportError as exc:  # the serve extra is not installed
        raise ArgumentError(
            f"serve needs the serve extra: pip install 'ipp-rules[serve]' ({exc.name} is missing)"
        ) from None
    try:
        settings = Settings(
            rules=Path(args.rules) if args.rules else None,
            backend=args.backend,
            limits=Limits(
                **{
                    field: getattr(args, flag.removeprefix("--").replace("-", "_"))
                    for flag, field, *_ in _LIMIT_FLAGS
                }
            ),
            reload_token=Settings.token_from_environment(),
            watch=args.watch,
            decision_log=args.decision_log,
            log_inputs=args.log_inputs,
            access_log=not args.no_access_log,
        )
    except ValueError as exc:  # named as the command line names it
        said = str(exc)
        for flag, field, *_ in _LIMIT_FLAGS:
            said = said.replace(f"{field} may", f"{flag} may").replace(
                f"{field} must", f"{flag} must"
            )
        raise ArgumentError(said) from None
    options: dict[str, Any] = {
        "host": args.host,
        "port": args.port,
        "access_log": False,  # the service writes its own, as JSON lines
        "log_config": None,
        "timeout_graceful_shutdown": 10,
        "server_header": False,
        # The client address is the peer's unless a proxy the operator names forwards it.
        "proxy_headers": args.forwarded_allow_ips is not None,
        "forwarded_allow_ips": args.forwarded_allow_ips or "",
    }
    log_to_stderr()
    if args.workers == 1:
        app = create_app(settings)  # the bundle loads here: a bad one stops the command
        return _until_stopped(
            lambda: uvicorn.Server(uvicorn.Config(app, **options)).run(), args.host, args.port
        )
    return _until_stopped(
        lambda: _run_workers(settings, args.workers, options), args.host, args.port
    )


def _until_stopped(serving: Callable[[], object], host: str, port: int) -> int:
    """Run uvicorn's ``serving`` until it stops: 0 for Ctrl-C (uvicorn has shut down, a stop
    asked for), a located error when it could not start (uvicorn has logged why)."""
    try:
        serving()
    except KeyboardInterrupt:
        return 0
    except SystemExit as exc:
        if exc.code == _UVICORN_STARTUP_FAILURE:
            raise ArgumentError(
                f"the service could not start on {host}:{port} (see above)"
            ) from None
        raise
    return 0


_UVICORN_STARTUP_FAILURE = 3
"""uvicorn's exit status when it cannot start (``uvicorn.config.STARTUP_FAILURE``)."""


def _run_workers(settings: Settings, workers: int, options: dict[str, Any]) -> None:
    import uvicorn

    from ipp_rules.engine.engine import Engine
    from ipp_rules.service.settings import SETTINGS_VARIABLE

    # Several processes: each loads the bundle itself, so it is checked here first (and the
    # decision log opened), and they share a folder for their metrics and to tell each other
    # of a reload.
    Engine.from_path(settings.rules or default_bundle_path(), backend=settings.backend).close()
    if settings.decision_log is not None:
        with open(settings.decision_log, "a", encoding="utf-8"):
            pass
    with tempfile.TemporaryDirectory(prefix="ipp-rules-serve-") as folder:
        shared = Path(folder)
        (shared / "metrics").mkdir()
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(shared / "metrics")
        os.environ[SETTINGS_VARIABLE] = replace(settings, shared=shared).to_environment()
        uvicorn.run(
            "ipp_rules.service.app:app_from_environment",
            factory=True,
            workers=workers,
            **options,
        )


def serve_app(app: Any, host: str, port: int) -> int:
    """Serve ``app`` on uvicorn in this process until interrupted; 0 when stopped by Ctrl-C,
    a located error when it cannot listen."""
    import uvicorn

    from ipp_rules.service.app import log_to_stderr

    log_to_stderr()
    config = uvicorn.Config(
        app, host=host, port=port, access_log=False, log_config=None, server_header=False
    )
    return _until_stopped(uvicorn.Server(config).run, host, port)
