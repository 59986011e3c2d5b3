"""What each view of the workbench shows, as JSON-ready data computed by the library.

Pure functions of a bundle folder (and what the page sent): the web layer
(:mod:`ipp_rules.workbench.app`) only reads requests and writes these. Every document the
page sends goes through the same strict loaders as everywhere else; a file name the page
names must be one of the bundle's own files.
"""

from __future__ import annotations

import contextlib
import io
import re
import shutil
import tempfile
from calendar import monthrange
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from ipp_rules.analysis.check import check_bundle
from ipp_rules.analysis.diff import diff_corpus
from ipp_rules.analysis.horizons import calendar_statuses, today_from_environment
from ipp_rules.engine.engine import Engine
from ipp_rules.errors import ArgumentError, InputError, IppRulesError
from ipp_rules.goodfaith import HistoryFile
from ipp_rules.models.intake import parse_complaint_document, read_json_document
from ipp_rules.problems import Problem
from ipp_rules.testing.cases import run_bundle_tests
from ipp_rules.testing.coverage import format_percent, rule_coverage
from ipp_rules.text.json import JsonDocument
from ipp_rules.text.yaml import YamlDocument, load_yaml

__all__ = [
    "bundle_file",
    "bundle_files",
    "bundle_tests",
    "calendar_month",
    "check_edit",
    "deadline_days",
    "decide",
    "good_faith_view",
    "preview_edit",
    "preview_good_faith",
    "problem_json",
    "rules_view",
]

DOCUMENT_LABEL = "complaint"
_PATH_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def bundle_files(folder: Path) -> list[str]:
    """The YAML files of the bundle folder, relative to it (tests included), sorted."""
    found = [
        path.relative_to(folder).as_posix()
        for path in folder.rglob("*")
        if path.suffix in (".yaml", ".yml") and path.is_file() and not _hidden(path, folder)
    ]
    return sorted(found)


def _hidden(path: Path, folder: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(folder).parts)


def bundle_file(folder: Path, name: str) -> Path:
    """The bundle file ``name`` names: one of :func:`bundle_files`, never another path."""
    if name not in bundle_files(folder):
        raise ArgumentError(f"{name!r} is not a file of the bundle")
    return folder / name


def problem_json(problem: Problem, folder: Path) -> dict[str, Any]:
    """A problem as the page shows it, its file relative to the bundle folder."""
    document = problem.as_json()
    if problem.file:
        document["file"] = _relative(problem.file, folder)
    return document


def _relative(file: str, folder: Path) -> str:
    path = Path(file)
    for base in (folder, folder.resolve()):
        try:
            return path.resolve().relative_to(base.resolve()).as_posix()
        except ValueError:
            continue
    return file


# ---------------------------------------------------------------------------------------------
# Decide


def decide(engine: Engine, text: str, trace: bool) -> dict[str, Any]:
    """The decision on the complaint ``text`` (JSON or YAML), each finding with its rule (file,
    line, YAML, source) and the line of the field it points at; or every problem at its line."""
    try:
        complaint = parse_complaint_document(text, DOCUMENT_LABEL)
    except InputError as error:
        return {"ok": False, "problems": [problem.as_json() for problem in error.problems]}
    decision = engine.evaluate(complaint, trace=trace)
    document = _positions(text)
    folder = Path(engine.bundle.root)
    infos = engine.bundle.compiled.info
    findings = []
    for finding in decision.findings:
        info = infos[finding.rule_id]
        file, line = _location(info.location, folder)
        findings.append(
            {
                **finding.model_dump(mode="json"),
                "field_line": _line_of(document, finding.path),
                "rule": {
                    "id": info.id,
                    "title": info.title,
                    "file": file,
                    "line": line,
                    "yaml": _rule_text(folder / file, line) if file else "",
                },
            }
        )
    return {
        "ok": True,
        "outcome": decision.outcome,
        "bundle": decision.bundle.model_dump(),
        "findings": findings,
        "trace": None
        if decision.trace is None
        else [entry.model_dump(mode="json") for entry in decision.trace],
    }


def _positions(text: str) -> YamlDocument | JsonDocument | None:
    """The document ``text`` with the places of its values, to point at a finding's field."""
    try:
        if text.lstrip().startswith("{"):
            return read_json_document(text, DOCUMENT_LABEL)
        return load_yaml(text, DOCUMENT_LABEL)
    except IppRulesError:
        return None


def _line_of(document: YamlDocument | JsonDocument | None, path: str) -> int | None:
    if document is None or not path:
        return None
    parts: list[str | int] = []
    for name, index in _PATH_PART.findall(path):
        parts.append(int(index) if index else name)
    try:
        return document.position(parts).line
    except (KeyError, IndexError, ValueError):
        return None


def _location(location: str, folder: Path) -> tuple[str, int | None]:
    """``account.yaml`` and 11 for a rule at ``rulesets/account.yaml:11:5``."""
    file, _, rest = location.partition(":")
    line = rest.split(":", 1)[0]
    return _relative(file, folder), int(line) if line.isdigit() else None


def _rule_text(path: Path, line: int | None) -> str:
    """The rule's YAML: the list item holding its line, to the next item."""
    if line is None or not path.is_file():
        return ""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = line - 1
    if not 0 <= start < len(lines):
        return ""
    while start > 0 and not lines[start].lstrip().startswith("- "):
        start -= 1
    dash = len(lines[start]) - len(lines[start].lstrip())
    end = start + 1
    while end < len(lines):
        current = lines[end]
        if current.strip() and len(current) - len(current.lstrip()) <= dash:
            break
        end += 1
    return "\n".join(lines[start:end]).rstrip()


# ---------------------------------------------------------------------------------------------
# Rules, and an edit


def rules_view(folder: Path) -> dict[str, Any]:
    """Every file of the bundle with its text, and every ``check`` problem at its line."""
    report = check_bundle(folder)
    problems: dict[str, list[dict[str, Any]]] = {}
    for problem in report.problems:
        shown = problem_json(problem, folder)
        problems.setdefault(shown.get("file") or "", []).append(shown)
    return {
        "files": [
            {
                "name": name,
                "text": (folder / name).read_text(encoding="utf-8", errors="replace"),
                "problems": problems.get(name, []),
            }
            for name in bundle_files(folder)
        ],
        "other_problems": problems.get("", []),
    }


def bundle_tests(engine: Engine) -> dict[str, Any]:
    """The bundle's YAML test cases run: pass or fail per case (with the bundle's own words
    for a failure), the test files that do not load, and how many cases each rule fired in."""
    run = run_bundle_tests(engine)
    coverage = rule_coverage(engine.bundle, run.results)
    folder = Path(engine.bundle.root)
    return {
        "cases": [
            {
                "name": result.name,
                "location": _relative(result.location.rsplit(":", 2)[0], folder)
                + ":"
                + ":".join(result.location.rsplit(":", 2)[1:]),
                "passed": result.passed,
                "report": "" if result.passed else result.report(),
            }
            for result in run.results
        ],
        "passed": sum(result.passed for result in run.results),
        "failed": len(run.failed),
        "problems": [problem_json(problem, folder) for problem in run.problems],
        "coverage": {
            "percent": format_percent(coverage.percent),
            "rules": [
                {"rule": rule, "file": coverage.files[rule], "cases": count}
                for rule, count in coverage.cases.items()
            ],
        },
    }


def good_faith_view(
    engine: Engine, text: str, kind: str, as_of: date, platform: str
) -> dict[str, Any]:
    """Eligibility of the history ``text`` (``csv`` or ``jsonl``), the requests of the
    window week by week (a chart), and each record with whether the window counted it."""
    data = text.encode("utf-8")
    history = HistoryFile(lambda: io.BytesIO(data), "history", kind)
    eligibility = engine.good_faith(history, as_of, platform)
    metrics = eligibility.metrics
    start, end = metrics.window_start, metrics.window_end
    weeks: dict[date, dict[str, Any]] = {}
    week = start.date()
    while week < end.date():
        weeks[week] = {"week": week.isoformat(), "requests": 0, "taken_down": 0}
        week = week + timedelta(days=7)
    records: list[dict[str, Any]] = []
    for position, row in enumerate(history):
        moment = datetime.fromtimestamp(row[0], UTC).astimezone(start.tzinfo)
        counted = start <= moment < end
        if counted:
            offset = (moment.date() - start.date()).days // 7
            bucket = weeks[start.date() + timedelta(days=7 * offset)]
            bucket["requests"] += 1
            bucket["taken_down"] += row[3] == "taken_down"
        if len(records) < _RECORDS_SHOWN:
            records.append(
                {
                    "line": history.location(position).rsplit(":", 1)[1],
                    "submitted_at": moment.isoformat(),
                    "platform": row[1],
                    "reason": row[2],
                    "outcome": row[3],
                    "counted": counted,
                }
            )
    return {
        "eligibility": eligibility.model_dump(mode="json"),
        "weeks": list(weeks.values()),
        "records": records,
    }


_RECORDS_SHOWN = 500
"""The records a page lists (the chart and the metrics count them all)."""


def preview_good_faith(
    folder: Path, name: str, text: str, history: str, kind: str, as_of: date, platform: str
) -> dict[str, Any]:
    """Eligibility of a history under the bundle as it is and with file ``name`` holding
    ``text``: what an edit of the Good Faith policy changes for that rights holder."""
    bundle_file(folder, name)
    with Engine.from_path(folder) as before:
        old = good_faith_view(before, history, kind, as_of, platform)["eligibility"]
    with _edited_copy(folder, name, text) as copy, Engine.from_path(copy) as after:
        new = good_faith_view(after, history, kind, as_of, platform)["eligibility"]
    return {"before": old, "after": new}


@contextlib.contextmanager
def _edited_copy(folder: Path, name: str, text: str) -> Iterator[Path]:
    """A scratch copy of the bundle with file ``name`` holding ``text``."""
    with tempfile.TemporaryDirectory(prefix="ipp-rules-edit-") as scratch:
        copy = Path(scratch) / folder.name
        shutil.copytree(folder, copy, ignore=shutil.ignore_patterns(".*", "__pycache__"))
        (copy / name).write_text(text, encoding="utf-8")
        yield copy


def check_edit(folder: Path, name: str, text: str) -> dict[str, Any]:
    """``check`` of the bundle with file ``name`` holding ``text`` (the folder untouched)."""
    bundle_file(folder, name)
    with _edited_copy(folder, name, text) as copy:
        report = check_bundle(copy)
        shown = [problem_json(problem, copy) for problem in report.problems]
    return {
        "errors": sum(p["severity"] == "error" for p in shown),
        "problems": shown,
    }


def preview_edit(folder: Path, name: str, text: str, corpus: Path) -> dict[str, Any]:
    """How the decisions of the corpus change with file ``name`` holding ``text``: the count,
    the transitions, the rules responsible, and each changed complaint."""
    bundle_file(folder, name)
    with _edited_copy(folder, name, text) as copy:
        report = diff_corpus(folder, copy, corpus)
        return {
            "complaints": report.complaints,
            "changed": len(report.changes),
            "transitions": dict(report.outcomes.most_common()),
            "rules": [
                {
                    "rule": group.rule,
                    "change": group.change,
                    "complaints": len(group.lines),
                    "lines": group.lines[:50],
                }
                for group in report.groups
            ],
            "changes": [
                {
                    "line": change.line,
                    "transition": change.transition,
                    "appeared": [list(key) for key in change.appeared],
                    "disappeared": [list(key) for key in change.disappeared],
                }
                for change in report.changes[:500]
            ],
            "problems": [problem.as_json() for problem in report.problems[:50]],
        }


# ---------------------------------------------------------------------------------------------
# Calendars


def calendar_month(engine: Engine, name: str, year: int, month: int) -> dict[str, Any]:
    """One month of the calendar ``name`` (``CN``, ``MY-14``, ...): each day's kind, name and
    whether it is estimated, and the calendar's horizon."""
    policy = engine.bundle.deadlines
    if policy is None:
        raise ArgumentError("this bundle has no deadline policy")
    today = today_from_environment()
    statuses = {status.key: status for status in calendar_statuses(policy, today)}
    status = statuses.get(name)
    if status is None:
        raise ArgumentError(f"no calendar {name!r}: {', '.join(statuses)}")
    first = status.marketplaces[0]
    calendar = policy.calendar_for(first.platform, first.country)
    days: list[dict[str, Any]] = []
    for day in range(1, monthrange(year, month)[1] + 1):
        on = date(year, month, day)
        if not status.first_day <= on <= status.last_day:
            days.append({"date": on.isoformat(), "kind": "outside", "business": None})
            continue
        info = calendar.describe(on)
        days.append(
            {
                "date": on.isoformat(),
                "kind": info.kind,
                "business": info.business,
                "name": info.name,
                "estimate": info.estimate,
            }
        )
    return {
        "calendar": name,
        "label": status.label,
        "year": year,
        "month": month,
        "horizon": status.horizon.isoformat(),
        "first_day": status.first_day.isoformat(),
        "last_day": status.last_day.isoformat(),
        "days": days,
    }


def deadline_days(
    engine: Engine, platform: str, kind: str, received: datetime, country: str | None
) -> dict[str, Any]:
    """The deadline, and the business days it counted."""
    deadline = engine.deadline(platform, kind, received, country)
    policy = engine.bundle.deadlines
    assert policy is not None
    calendar = policy.calendar_for(deadline.platform, deadline.country)
    start = deadline.local_received_at.date()
    counted = []
    day = start
    while day < deadline.last_day:
        day = date.fromordinal(day.toordinal() + 1)
        if calendar.is_business_day(day):
            counted.append(day.isoformat())
    return {"deadline": deadline.model_dump(mode="json"), "counted": counted}
