"""``Engine``: a loaded bundle, compiled for a backend, that turns complaints into decisions."""

from __future__ import annotations

import importlib.util
import logging
import os
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, overload

from ipp_rules.engine.generated import GeneratedProgram
from ipp_rules.engine.interpreted import InterpretedProgram
from ipp_rules.errors import EngineError, RulesetError
from ipp_rules.models.complaint import Complaint
from ipp_rules.models.decision import Decision
from ipp_rules.models.intake import load_complaint
from ipp_rules.problems import Problem
from ipp_rules.rulesets.bundle import Bundle, load_bundle

if TYPE_CHECKING:  # imported where they are used: deciding a complaint needs neither
    from ipp_rules.deadlines import CaseEvent, CaseState, Deadline, DeadlinePolicy
    from ipp_rules.goodfaith import (
        AccountsEligibility,
        AccountsHistory,
        Eligibility,
        GoodFaithPolicy,
        HistoryFile,
        HistoryRecord,
        MembershipEvent,
    )

if TYPE_CHECKING:
    from collections.abc import Generator

    from ipp_rules.engine.batch import Document, ErrorMode
    from ipp_rules.errors import ComplaintError

__all__ = [
    "BACKENDS",
    "BackendName",
    "Engine",
    "default_bundle_path",
    "durable_available",
]

log = logging.getLogger("ipp_rules.engine")

BackendName = Literal["auto", "compiled", "durable", "reference"]
"""How the rules run. ``compiled`` (what ``auto`` picks): the bundle as one generated Python
function, the fastest; ``reference``: the reference evaluator's closures, rule group by rule
group; ``durable``: the durable_rules engine, an independent implementation of the same rules.
All three give the same decisions."""

BACKENDS: tuple[BackendName, ...] = ("compiled", "reference", "durable")


def default_bundle_path() -> Path:
    """The bundle shipped with the package (in a wheel), or the repository's ``rulesets/``."""
    package = Path(__file__).resolve().parents[1]
    shipped = package / "_bundle"
    if (shipped / "bundle.yaml").is_file():
        return shipped
    return package.parent / "rulesets"


def durable_available() -> bool:
    return importlib.util.find_spec("durable_rules_engine") is not None


_Loaded = GeneratedProgram | InterpretedProgram


def _program(bundle: Bundle, backend: BackendName) -> _Loaded:
    if backend == "compiled":
        return GeneratedProgram(bundle)
    assert backend in ("durable", "reference")
    return InterpretedProgram(bundle, backend)


class Engine:
    """Evaluates complaints against a bundle. Safe to share between threads."""

    def __init__(self, bundle: Bundle, *, backend: BackendName = "auto"):
        if backend == "auto":
            backend = "compiled"
        if backend not in BACKENDS:
            raise EngineError(
                f"unknown backend {backend!r}: use 'compiled', 'reference' or 'durable'"
            )
        if backend == "durable" and not durable_available():
            raise EngineError("the durable_rules engine is not installed; use backend='compiled'")
        self.backend: BackendName = backend
        self._program = _program(bundle, backend)

    @classmethod
    def default(cls, *, backend: BackendName = "auto") -> Engine:
        """The bundled rulesets."""
        return cls.from_path(default_bundle_path(), backend=backend)

    @classmethod
    def from_path(cls, path: str | os.PathLike[str], *, backend: BackendName = "auto") -> Engine:
        """A bundle folder (or its ``bundle.yaml``); RulesetError if it does not load."""
        return cls(load_bundle(path), backend=backend)

    @property
    def bundle(self) -> Bundle:
        return self._program.bundle

    def reload(self, path: str | os.PathLike[str] | None = None) -> None:
        """Load the bundle again (or another one) and swap it in atomically.

        If the new bundle fails to load or compile, the error is raised and the bundle in use
        stays in use. Evaluations already running finish on the bundle they started with.
        """
        bundle = load_bundle(path if path is not None else self._program.bundle.root)
        self._program = _program(bundle, self.backend)

    def close(self) -> None:
        self._program.close()

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def good_faith(
        self,
        history: Iterable[HistoryRecord | Mapping[str, Any]] | HistoryFile,
        as_of: datetime | date,
        platform: str = "taobao",
        membership: Iterable[MembershipEvent] = (),
    ) -> Eligibility:
        """Good Faith Program eligibility of a reporting history, under the bundle's policy.

        ``history`` holds records (models or mappings: submitted_at, platform, reason,
        outcome, counter_notification, false_information), or is a history file read by
        :func:`ipp_rules.goodfaith.history_from_csv`; a bad record raises HistoryError
        naming it (its line, in a file). ``membership`` lists the account's removals and
        withdrawals, for the rejoin wait.
        """
        from ipp_rules.goodfaith import evaluate_good_faith_history

        return evaluate_good_faith_history(
            self._good_faith_policy(), history, as_of, platform, membership
        )

    def good_faith_all(
        self,
        history: AccountsHistory,
        as_of: datetime | date,
        platform: str = "taobao",
        membership: Mapping[str, Iterable[MembershipEvent]] | None = None,
    ) -> AccountsEligibility:
        """Good Faith Program eligibility of every account of a history, under the bundle's
        policy: each account as :meth:`good_faith` assesses its records alone.

        ``history`` is a path (``.csv``, ``.jsonl``, ``.parquet``: a Parquet file is read a
        row group at a time), a history file, a ``pyarrow.Table``, a ``pandas.DataFrame``,
        or an iterable of records or mappings; every record names its ``account``. A bad
        record raises HistoryError naming it (``history[17].outcome``, ``history.csv:18``).
        ``membership`` maps an account to its membership events. Tables, data frames and
        Parquet need pyarrow (``pip install 'ipp-rules[arrow]'``).
        """
        from ipp_rules.goodfaith import evaluate_good_faith_accounts

        return evaluate_good_faith_accounts(
            self._good_faith_policy(), history, as_of, platform, membership
        )

    def _good_faith_policy(self) -> GoodFaithPolicy:
        bundle = self._program.bundle
        if bundle.good_faith is None:
            problem = Problem(
                "this bundle has no good_faith policy "
                "(name one in bundle.yaml: good_faith: good_faith.yaml)",
                "no_policy",
                file=str(bundle.root),
            )
            raise RulesetError([problem])
        return bundle.good_faith

    def deadline(
        self, platform: str, kind: str, received_at: datetime, country: str | None = None
    ) -> Deadline:
        """When a period that starts at ``received_at`` ends, on the marketplace's calendar.

        ``kind``: merchant_counter_notification, rights_holder_response, account_verification
        or takedown_processing. ``received_at`` must carry an offset (DeadlineError if not);
        past the calendar's published horizon, CalendarHorizonError unless the bundle allows
        estimates.
        """
        from ipp_rules.deadlines import compute_deadline

        return compute_deadline(self._deadline_policy(), platform, kind, received_at, country)

    def lifecycle(
        self,
        events: Iterable[CaseEvent | Mapping[str, Any]],
        platform: str,
        country: str | None = None,
        now: datetime | None = None,
    ) -> CaseState:
        """A complaint's state from its events: what is due next and by when, and what the
        policy deemed when a deadline passed before ``now``."""
        from ipp_rules.deadlines import deadline_function, replay

        deadlines = deadline_function(self._deadline_policy(), platform, country)
        return replay(events, deadlines=deadlines, now=now)

    def _deadline_policy(self) -> DeadlinePolicy:
        bundle = self._program.bundle
        if bundle.deadlines is None:
            problem = Problem(
                "this bundle has no deadline policy (name one in bundle.yaml: deadlines: "
                "deadlines.yaml)",
                "no_policy",
                file=str(bundle.root),
            )
            raise RulesetError([problem])
        return bundle.deadlines

    def evaluate(
        self, complaint: Complaint | Mapping[str, Any], *, trace: bool = False
    ) -> Decision:
        """Decide a complaint: a Complaint model, or a document as a mapping.

        A document that does not match the complaint model raises ComplaintError.
        """
        return self._program.decide(load_complaint(complaint), trace)

    @overload
    def evaluate_many(
        self,
        documents: Iterable[Document],
        *,
        jobs: int = ...,
        errors: Literal["raise"] = ...,
        trace: bool = ...,
        chunk_size: int | None = ...,
    ) -> Generator[Decision, None, None]: ...

    @overload
    def evaluate_many(
        self,
        documents: Iterable[Document],
        *,
        jobs: int = ...,
        errors: ErrorMode,
        trace: bool = ...,
        chunk_size: int | None = ...,
    ) -> Generator[Decision | ComplaintError, None, None]: ...

    def evaluate_many(
        self,
        documents: Iterable[Document],
        *,
        jobs: int = 1,
        errors: ErrorMode = "raise",
        trace: bool = False,
        chunk_size: int | None = None,
    ) -> Generator[Decision | ComplaintError, None, None]:
        """Decide many complaints: one result per document, in their order, as a stream.

        A document is what :meth:`evaluate` takes (a Complaint, a mapping) or one JSON
        document as ``str`` or ``bytes`` (a line of a JSON lines file), read as
        :func:`~ipp_rules.models.intake.load_complaint_json` reads it. ``documents`` is read
        lazily, only as far as the results are: it may be a generator that never ends.

        ``jobs=N`` decides in N worker processes: forked from this one where that is safe
        (Linux, one thread, not the durable backend), deciding with this engine; otherwise
        spawned, each building its engine once from this engine's bundle folder.
        ``chunk_size`` documents (default 256) go to a worker at a time, and at most two
        chunks per worker are in flight. The results are the same whatever ``jobs`` is.
        Close the iterator (or read it to the end) to stop the workers.
        With ``jobs`` > 1 a mapping must pickle.

        ``errors="raise"`` (the default): a document that is not a valid complaint raises
        its ComplaintError when its turn comes, and the batch ends there. ``errors="return"``:
        its ComplaintError is yielded in its place and the batch goes on. Any other error
        (the engine failing) is raised, from a worker too.
        """
        from ipp_rules.engine.batch import evaluate_many

        return evaluate_many(
            self, documents, jobs=jobs, errors=errors, trace=trace, chunk_size=chunk_size
        )
