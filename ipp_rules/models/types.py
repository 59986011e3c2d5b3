"""The field types every file format shares: names, codes, text, dates, and the strict model.

Ruleset files, the Good Faith and deadline policies and test cases are all read into pydantic
models built from these, so a name or a date is written the same way in every file, and an
error about one is worded the same way (:data:`PATTERN_WORDS`).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

from ipp_rules.problems import worded_pattern
from ipp_rules.text.scalars import source_text

__all__ = [
    "BASE_FILE_PATTERN",
    "BUNDLE_NAME_PATTERN",
    "RULE_FILE_PATTERN",
    "Code",
    "FactPath",
    "IsoDate",
    "Name",
    "RuleId",
    "Strict",
    "Text",
]

NAME_PATTERN = worded_pattern(
    r"^[a-z][a-z0-9_]*$",
    "a name of lower-case letters, digits and _, starting with a letter (like good_faith)",
)
RULE_ID_PATTERN = worded_pattern(
    r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$",
    "an id of lower-case words joined by dots, at least two (like account.right_expired)",
)
CODE_PATTERN = worded_pattern(
    r"^[A-Z][A-Z0-9_]*$",
    "a code of capital letters, digits and _, starting with a letter (like RIGHT_EXPIRED)",
)
FACT_PATH_PATTERN = worded_pattern(
    r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$",
    "a fact name of lower-case words joined by dots (like right.valid_until)",
)
BUNDLE_NAME_PATTERN = worded_pattern(
    r"^[a-z][a-z0-9_-]*$",
    "a name of lower-case letters, digits, _ and -, starting with a letter",
)
RULE_FILE_PATTERN = worded_pattern(
    r"^[A-Za-z0-9_][A-Za-z0-9_.-]*\.yaml$",
    "a file name ending in .yaml, in the bundle folder itself (no folders, no '..')",
)
BASE_FILE_PATTERN = worded_pattern(
    r"^[A-Za-z0-9_./-]+\.ya?ml$",
    "a file name ending in .yaml, inside the tests folder",
)


Text = Annotated[str, BeforeValidator(source_text)]
Name = Annotated[Text, Field(pattern=NAME_PATTERN, max_length=64)]
RuleId = Annotated[Text, Field(pattern=RULE_ID_PATTERN, max_length=128)]
Code = Annotated[Text, Field(pattern=CODE_PATTERN, max_length=64)]
FactPath = Annotated[Text, Field(pattern=FACT_PATH_PATTERN, max_length=128)]


def _iso_date(value: Any) -> Any:
    """Only a date written ``YYYY-MM-DD``: no Unix timestamps, no dates with a time of day."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        return value
    raise PydanticCustomError("date_type", "expected a date written YYYY-MM-DD, like 2026-03-02")


IsoDate = Annotated[date, BeforeValidator(_iso_date)]


class Strict(BaseModel):
    """A model of a file format: unknown keys are errors, values are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=False)
