"""Good Faith for every account, a part of the history at a time.

A history of every account (CSV, JSON Lines or Parquet files, local or fsspec URLs) is cut into
parts as the complaint inputs are (:mod:`~ipp_rules.scale.sources`: Parquet by runs of row
groups, a CSV or JSON Lines file whole); each part is counted on its own
(:func:`count_part`: a picklable, mergeable
:class:`~ipp_rules.goodfaith.AccountsCount`), the counts are merged in any order
(:func:`~ipp_rules.goodfaith.merge_counts`), and the accounts are decided once from the whole
count. A record a finding names is named in its file whatever part counted it: a Parquet
row as ``history.parquet[17]`` (from 0), a CSV or JSON Lines record by its line
(``history.csv:18``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import BinaryIO, cast

from ipp_rules.goodfaith import AccountsCount, AccountsQuestion, HistoryFile, count_accounts
from ipp_rules.goodfaith.partials import Where
from ipp_rules.scale.sources import (
    DEFAULT_BLOCKSIZE,
    Part,
    filesystem,
    find_inputs,
    plan_parts,
    read_parquet_part,
)

__all__ = ["count_part", "history_parts"]


def history_parts(
    patterns: str | Sequence[str], *, blocksize: int = DEFAULT_BLOCKSIZE
) -> list[Part]:
    """The parts of the history files ``patterns`` name, in order."""
    return plan_parts(find_inputs(patterns, csv=True), blocksize=blocksize, csv=True)


def count_part(question: AccountsQuestion, part: Part) -> AccountsCount:
    """The count of one part of a history of every account."""
    if part.kind == "parquet":
        return count_accounts(question, read_parquet_part(part), Where(part.source, part.before))
    fs, path = filesystem(part.source)

    def opened() -> BinaryIO:
        return cast(BinaryIO, fs.open(path, "rb", compression=part.compression))

    history = HistoryFile(opened, part.source, part.kind)
    return count_accounts(question, history)
