"""The hand-written baseline decides as the engine does: byte-identical decisions
(``model_dump_json``) on every complaint the project has, on each backend measured.

The documents: every line of ``docs/examples/corpus.jsonl``, every case of the bundle's YAML
tests (``rulesets/tests/*.yaml``, patched onto their bases as ``ipp-rules test`` does), and
the example complaints in ``docs/examples``. ``benchmarks/evaluate.py`` runs the check before
it times anything, with its own documents added; ``tests/test_benchmarks.py`` runs it too, so
the baseline cannot drift from the rules unnoticed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from handwritten import BUNDLE, RULES, decide
from pydantic import ValidationError

from ipp_rules import ComplaintError, Decision, Engine
from ipp_rules.testing.cases import bundle_test_files, load_test_file, merge_patch
from ipp_rules.text.yaml import load_yaml_file

__all__ = ["Disagreement", "check_agreement", "check_document", "documents"]

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "docs" / "examples"
CORPUS = EXAMPLES / "corpus.jsonl"

Document = Mapping[str, Any]


class Disagreement(AssertionError):
    """The baseline and the engine decide a document differently."""


def documents() -> Iterator[tuple[str, Document]]:
    """Every complaint document to compare on, each with a name that finds it."""
    with CORPUS.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if line.strip():
                yield f"{CORPUS.relative_to(ROOT)}:{number}", json.loads(line)
    for path in bundle_test_files(BUNDLE):
        loaded = load_test_file(path)
        for index, case in loaded.cases():
            # The case's data as the YAML loader produced it, as `ipp-rules test` runs it.
            raw = loaded.document.data["cases"][index]
            document = (
                raw["complaint"]
                if "complaint" in raw
                else merge_patch(loaded.base or {}, raw["patch"])
            )
            where = loaded.location(index).removeprefix(f"{ROOT}/")
            yield f"{where} case '{case.name}'", document
    for path in sorted(EXAMPLES.glob("complaint*")):
        name = str(path.relative_to(ROOT))
        if path.suffix == ".json":
            yield name, json.loads(path.read_text(encoding="utf-8"))
        else:
            yield name, load_yaml_file(path).data


def check_agreement(
    engines: Mapping[str, Engine], extra: Iterable[tuple[str, Document]] = ()
) -> int:
    """Compare the baseline with each engine on every document (and ``extra``); return how
    many documents were compared. :class:`Disagreement` names the first document and backend
    where they differ, and the first finding that differs."""
    for backend, engine in engines.items():
        _check_rules(backend, engine)
    compared = 0
    for name, document in (*documents(), *extra):
        check_document(name, document, engines)
        compared += 1
    return compared


def check_document(name: str, document: Document, engines: Mapping[str, Engine]) -> None:
    """Compare the baseline with each engine on one document; :class:`Disagreement` if they
    differ (both refusing an invalid document is agreeing)."""
    expected = _baseline(document)
    for backend, engine in engines.items():
        try:
            actual: Decision | None = engine.evaluate(document)
        except ComplaintError:
            actual = None
        if expected is None and actual is None:
            continue
        if expected is None or actual is None:
            refused = "the baseline" if expected is None else f"the engine ({backend})"
            raise Disagreement(f"{name}: {refused} refuses the document, the other does not")
        if expected.model_dump_json() != actual.model_dump_json():
            raise Disagreement(f"{name}, backend {backend}: {_difference(expected, actual)}")


def _check_rules(backend: str, engine: Engine) -> None:
    """The baseline has every rule of the engine's bundle that makes findings, and no other: a
    rule no document makes fire would otherwise drift unnoticed."""
    bundle = {info.id for info in engine.bundle.compiled.info.values() if info.code is not None}
    ours = {rule.id for rule in RULES}
    if bundle != ours:
        missing = ", ".join(sorted(bundle - ours)) or "none"
        extra = ", ".join(sorted(ours - bundle)) or "none"
        raise Disagreement(
            f"backend {backend}: rules of the bundle missing from the baseline: {missing}; "
            f"rules of the baseline not in the bundle: {extra}"
        )


def _baseline(document: Document) -> Decision | None:
    try:
        return decide(document)
    except ValidationError:
        return None


def _difference(baseline: Decision, engine: Decision) -> str:
    """The first thing that differs, in words."""
    for index, (ours, theirs) in enumerate(zip(baseline.findings, engine.findings, strict=False)):
        if ours != theirs:
            fields = [
                f"{field}: baseline {getattr(ours, field)!r}, engine {getattr(theirs, field)!r}"
                for field in type(ours).model_fields
                if getattr(ours, field) != getattr(theirs, field)
            ]
            return f"finding {index} differs; " + "; ".join(fields)
    if len(baseline.findings) != len(engine.findings):
        shorter, longer, which = (
            (baseline, engine, "engine")
            if len(baseline.findings) < len(engine.findings)
            else (engine, baseline, "baseline")
        )
        extra = longer.findings[len(shorter.findings)]
        return (
            f"finding {len(shorter.findings)} is only in the {which}'s decision: "
            f"{extra.rule_id} {extra.code} at {extra.path!r}"
        )
    for field in ("outcome", "bundle", "trace"):
        if getattr(baseline, field) != getattr(engine, field):
            return (
                f"{field}: baseline {getattr(baseline, field)!r}, engine {getattr(engine, field)!r}"
            )
    return "the JSON differs"  # pragma: no cover - equal models serialise equally
