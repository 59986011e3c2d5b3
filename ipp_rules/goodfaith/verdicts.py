"""What an assessment of every account returns: each account's eligibility, as models made
on demand, as plain rows, or as one Arrow table.

An :class:`~ipp_rules.goodfaith.Eligibility` per account is a few pydantic models; for a
hundred thousand accounts, making them all would cost more than counting the history. So
:class:`AccountsEligibility` keeps each account's measures and verdict (its findings and
rates, shared between accounts with the same counts) and makes an account's
:class:`~ipp_rules.goodfaith.Eligibility` when it is asked for; :meth:`~AccountsEligibility.rows`
and :meth:`~AccountsEligibility.to_arrow` read the verdicts directly.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

from ipp_rules.goodfaith.judging import Judge, Measures, Verdict
from ipp_rules.goodfaith.results import Eligibility
from ipp_rules.models.decision import Finding

__all__ = ["ARROW_HINT", "AccountsEligibility", "import_pyarrow"]

ARROW_HINT = "pip install 'ipp-rules[arrow]'"


def import_pyarrow() -> Any:
    """The ``pyarrow`` module; ``ImportError`` naming the extra that installs it."""
    try:
        import pyarrow
    except ImportError:
        raise ImportError(f"this needs pyarrow, which is not installed: {ARROW_HINT}") from None
    return pyarrow


class AccountsEligibility:
    """The eligibility of every account, in account order.

    Iterating gives ``(account, Eligibility)`` pairs; ``result[account]`` one account's;
    :attr:`eligible` and :attr:`not_eligible` count them; :meth:`rows` and :meth:`to_arrow`
    give one flat row per account.
    """

    def __init__(
        self,
        judge: Judge,
        accounts: Sequence[str],
        measures: Sequence[Measures],
        verdicts: Sequence[Verdict],
    ) -> None:
        self._judge = judge
        self.accounts: tuple[str, ...] = tuple(accounts)
        self._index = {account: index for index, account in enumerate(self.accounts)}
        self._measures = list(measures)
        self._verdicts = list(verdicts)
        self.eligible = sum(not verdict.findings for verdict in self._verdicts)
        """How many accounts are eligible."""
        self.not_eligible = len(self.accounts) - self.eligible
        self._finding_json: dict[int, tuple[Finding, dict[str, Any], str]] = {}

    def __len__(self) -> int:
        return len(self.accounts)

    def __iter__(self) -> Iterator[tuple[str, Eligibility]]:
        for index, account in enumerate(self.accounts):
            yield account, self._eligibility(index)

    def __getitem__(self, account: str) -> Eligibility:
        return self._eligibility(self._index[account])

    def __contains__(self, account: object) -> bool:
        return account in self._index

    @property
    def all_eligible(self) -> bool:
        return self.not_eligible == 0

    def _eligibility(self, index: int) -> Eligibility:
        return self._judge.eligibility(self._measures[index], self._verdicts[index])

    def _finding(self, finding: Finding) -> tuple[dict[str, Any], str]:
        """A finding as a JSON object without its source (the row's ``source``), and as
        JSON text: made once per finding, which accounts with the same counts share."""
        known = self._finding_json.get(id(finding))
        if known is None or known[0] is not finding:
            document = finding.model_dump(mode="json")
            del document["source"]
            known = (finding, document, json.dumps(document, ensure_ascii=False))
            self._finding_json[id(finding)] = known
        return known[1], known[2]

    def columns(self) -> list[str]:
        """The names of a row's values, in order."""
        names = ["account", "eligible", "platform", "as_of", "period", "source", "window_start"]
        names += ["window_end", "requests", "min_requests"]
        for rate in self._judge.setup.rate_names:
            names += [f"{rate}_{part}" for part in ("numerator", "denominator", "value", "met")]
        names += ["false_information", "other_marketplace_requests", "rejoin_from"]
        return [*names, "finding_codes", "findings"]

    def rows(self, *, findings_text: bool = False) -> Iterator[dict[str, Any]]:
        """One JSON-ready dict per account (see :meth:`columns`): rates as numerator,
        denominator, value (a float, or None when nothing was measured) and met; the findings'
        codes, and the findings as JSON objects (or, with ``findings_text``, one JSON text).
        A finding is given without its ``source``, which is the row's ``source``: the period's,
        the same for every finding."""
        setup = self._judge.setup
        fixed = {
            "platform": setup.platform,
            "as_of": setup.as_of.isoformat(),
            "period": setup.period.name,
            "source": setup.period.source,
            "window_start": setup.window_start.isoformat(),
            "window_end": setup.as_of.isoformat(),
        }
        minimum = setup.period.min_requests
        for account, measures, verdict in zip(
            self.accounts, self._measures, self._verdicts, strict=True
        ):
            row: dict[str, Any] = {"account": account, "eligible": not verdict.findings}
            row.update(fixed)
            row["requests"] = measures.requests
            row["min_requests"] = minimum
            for name, rate in verdict.rates.items():
                row[f"{name}_numerator"] = rate.numerator
                row[f"{name}_denominator"] = rate.denominator
                row[f"{name}_value"] = None if rate.value is None else float(rate.value)
                row[f"{name}_met"] = rate.met
            row["false_information"] = measures.false_information
            row["other_marketplace_requests"] = measures.other_marketplaces
            rejoin = verdict.rejoin_from
            row["rejoin_from"] = None if rejoin is None else rejoin.isoformat()
            row["finding_codes"] = [finding.code for finding in verdict.findings]
            found = [self._finding(finding) for finding in verdict.findings]
            if findings_text:
                row["findings"] = "[" + ", ".join(text for _, text in found) + "]"
            else:
                row["findings"] = [document for document, _ in found]
            yield row

    def to_arrow(self) -> Any:
        """A ``pyarrow.Table`` with one row per account (the columns of :meth:`rows`;
        ``finding_codes`` a list of text, ``findings`` their JSON text). Needs pyarrow."""
        pa = import_pyarrow()
        names = self.columns()
        data: dict[str, list[Any]] = {name: [] for name in names}
        appends = [(name, data[name].append) for name in names]
        for row in self.rows(findings_text=True):
            for name, append in appends:
                append(row[name])
        types = {
            "finding_codes": pa.list_(pa.string()),
            "findings": pa.string(),
            "rejoin_from": pa.string(),
        }
        for rate in self._judge.setup.rate_names:
            types[f"{rate}_value"] = pa.float64()
            types[f"{rate}_met"] = pa.bool_()
        arrays = [pa.array(data[name], type=types.get(name)) for name in names]
        for index, name in enumerate(names):
            if name in ("platform", "as_of", "period", "source", "window_start", "window_end"):
                arrays[index] = arrays[index].dictionary_encode()
        return pa.Table.from_arrays(arrays, names=names)
