"""The ruleset file format, as pydantic models: the single source of its validation and schema.

A bundle is a folder: ``bundle.yaml`` (the manifest) names the rule files in order; each rule
file holds the rules of one area and may define named tables; ``tests/`` holds test cases.
Condition *structure* is checked here; whether a path names a fact and whether a value fits
the fact's type is checked by the compiler, which knows the fact catalog.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    StrictBool,
    Tag,
    WithJsonSchema,
    model_validator,
)

from ipp_rules.facts import FACTS
from ipp_rules.models.decision import Category
from ipp_rules.models.types import (
    BASE_FILE_PATTERN,
    BUNDLE_NAME_PATTERN,
    RULE_FILE_PATTERN,
    Code,
    FactPath,
    IsoDate,
    Name,
    RuleId,
    Strict,
    Text,
)
from ipp_rules.pydantic_errors import Holds

__all__ = [
    "SCALAR_SCHEMA",
    "SCHEMA_VERSION",
    "Condition",
    "ContainsValue",
    "Expectation",
    "FactRefSpec",
    "FactTests",
    "Literal1",
    "Manifest",
    "OutcomeName",
    "Rule",
    "RuleFile",
    "ScalarList",
    "Table",
    "TableRefSpec",
    "TestCase",
    "TestFile",
    "Value",
    "Values",
    "Waiver",
    "case_file_json_schema",
    "manifest_json_schema",
    "ruleset_json_schema",
]

SCHEMA_VERSION = 1

OutcomeName = Literal["reject", "needs_info", "warn", "info", "derive"]

SCALAR_SCHEMA: dict[str, Any] = {"type": ["string", "integer", "boolean"]}


class FactRefSpec(Strict):
    """``{fact: right.valid_until}``: compare with another fact instead of a literal."""

    expected: ClassVar[str] = "another fact, like {fact: submitted_on}"

    fact: FactPath


class TableRefSpec(Strict):
    """``{table: name}``, or ``{table: name, key: {fact: platform}}`` for a keyed table."""

    expected: ClassVar[str] = "a table, like {table: name}"

    table: Name
    key: FactRefSpec | None = None


def _scalar(value: Any) -> Any:
    """A literal value: text, a whole number, true/false (dates are written as text)."""
    if isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):  # PlainFloat too
        raise ValueError("fractional numbers are not supported here; use a whole number")
    raise ValueError("expected a single value (text, a whole number, true or false)")


def _value(value: Any) -> Any:
    if isinstance(value, dict):
        return FactRefSpec.model_validate(value)
    return _scalar(value)


def _values(value: Any) -> Any:
    if isinstance(value, dict):
        return TableRefSpec.model_validate(value)
    if isinstance(value, list):
        if len(value) > 10_000:
            raise ValueError("a list may hold at most 10,000 values; use a table")
        return [_scalar(v) for v in value]
    raise ValueError("expected a list of values or a table reference like {table: name}")


def _inline_schema(model: type[BaseModel]) -> dict[str, Any]:
    """A model's JSON Schema with its references resolved in place.

    ``Value`` and ``Values`` validate these models inside a function, so pydantic never adds
    them to a schema's ``$defs``; a ``$ref`` to them would point at nothing.
    """
    schema = model.model_json_schema(by_alias=True)
    defs = schema.pop("$defs", {})

    def resolve(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                return resolve(defs[ref.removeprefix("#/$defs/")])
            return {key: resolve(value) for key, value in node.items()}
        if isinstance(node, list):
            return [resolve(value) for value in node]
        return node

    resolved: dict[str, Any] = resolve(schema)
    return resolved


_FACT_REF_SCHEMA = _inline_schema(FactRefSpec)
_TABLE_REF_SCHEMA = _inline_schema(TableRefSpec)
Value = Annotated[
    Any,
    AfterValidator(_value),
    Holds(FactRefSpec),
    WithJsonSchema({"anyOf": [SCALAR_SCHEMA, _FACT_REF_SCHEMA]}),
]
Values = Annotated[
    Any,
    AfterValidator(_values),
    Holds(TableRefSpec),
    WithJsonSchema({"anyOf": [{"type": "array", "items": SCALAR_SCHEMA}, _TABLE_REF_SCHEMA]}),
]
Literal1 = Annotated[Any, AfterValidator(_scalar), WithJsonSchema(SCALAR_SCHEMA)]
ContainsValue = Value


class FactTests(Strict):
    """The tests on one fact, all of which must hold: ``{gte: 1, lte: 45}``."""

    expected: ClassVar[str] = "the tests on this fact, in braces, like {eq: value}"

    eq: Value = None
    ne: Value = None
    in_: Values = Field(None, alias="in")
    not_in: Values = None
    lt: Value = None
    lte: Value = None
    gt: Value = None
    gte: Value = None
    exists: StrictBool | None = None
    matches: Annotated[str, Field(max_length=200)] | None = None
    contains: ContainsValue = None
    intersects: Values = None
    subset_of: Values = None
    empty: StrictBool | None = None

    @model_validator(mode="after")
    def _one_test_at_least(self) -> FactTests:
        if not self.model_fields_set:
            raise ValueError("give at least one test, e.g. {eq: value}")
        return self


class Condition(BaseModel):
    """A condition: every entry must hold.

    An entry is a fact path with its tests (``right.status: {eq: authenticated}``), or one of
    the words ``all`` (every condition in the list holds), ``any`` (at least one holds) and
    ``not`` (the condition does not hold).
    """

    expected: ClassVar[str] = (
        "a condition: facts with their tests, like {right.status: {eq: authenticated}}"
    )
    extra_keys: ClassVar[Collection[str]] = FACTS.keys()

    model_config = ConfigDict(extra="allow", frozen=True, populate_by_name=False)
    __pydantic_extra__: dict[str, FactTests] = Field(init=False)

    all: Annotated[list[Condition], Field(min_length=1, max_length=500)] | None = None
    any: Annotated[list[Condition], Field(min_length=1, max_length=500)] | None = None
    not_: Condition | None = Field(None, alias="not")

    @model_validator(mode="after")
    def _not_empty(self) -> Condition:
        if not self.model_fields_set and not self.model_extra:
            raise ValueError("a condition names at least one fact, or all/any/not")
        return self

    @property
    def tests(self) -> dict[str, FactTests]:
        """The fact entries, in the order written."""
        return dict(self.model_extra or {})


class Rule(Strict):
    """One rule: when its condition holds, it gives its outcome."""

    id: RuleId
    title: Annotated[Text, Field(min_length=1, max_length=200)]
    source: Annotated[Text, Field(min_length=1, max_length=500)]
    when: Condition
    outcome: OutcomeName
    derive: Name | None = None
    code: Code | None = None
    category: Category | None = None
    message: Annotated[Text, Field(max_length=2000)] | None = None
    path: FactPath | None = None
    effective_from: IsoDate | None = None
    effective_until: IsoDate | None = None
    tags: list[Name] = []

    @model_validator(mode="after")
    def _outcome_fields(self) -> Rule:
        if self.outcome == "derive":
            if self.derive is None:
                raise ValueError("a rule with outcome 'derive' names the fact it derives: derive")
            if self.code is not None or self.message is not None:
                raise ValueError("a rule that derives a fact has no code or message")
        else:
            if self.derive is not None:
                raise ValueError("'derive' goes only with outcome: derive")
            if self.code is None or self.message is None:
                raise ValueError(f"a rule with outcome '{self.outcome}' needs a code and a message")
        if (
            self.effective_from is not None
            and self.effective_until is not None
            and self.effective_until <= self.effective_from
        ):
            raise ValueError("effective_until must come after effective_from")
        return self


ScalarList = list[Literal1]


def _table_shape(value: Any) -> str | None:
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "map"
    return None


# A list or a map, told apart by the data itself, so a bad table gets one error, not one per
# shape it might have had.
Table = Annotated[
    Annotated[ScalarList, Tag("list")] | Annotated[dict[Text, ScalarList], Tag("map")],
    Discriminator(
        _table_shape,
        custom_error_type="table_type",
        custom_error_message="expected a table: a list of values, or a map of keys to lists",
    ),
    Field(description="A list of values, or a map from a key to a list of values."),
]


class Waiver(Strict):
    """When its condition holds, the rules it names do not apply (they are waived).

    The Good Faith Program's lighter burden of evidence is written this way: which
    requirements a member is spared is the list ``waives``.
    """

    id: RuleId
    title: Annotated[Text, Field(min_length=1, max_length=200)]
    source: Annotated[Text, Field(min_length=1, max_length=500)]
    when: Condition
    waives: Annotated[list[RuleId], Field(min_length=1, max_length=500)]


class RuleFile(Strict):
    """One rule area: its rules and the tables they use."""

    area: Name
    category: Category
    description: Annotated[Text, Field(max_length=4000)] | None = None
    tables: dict[Name, Table] = {}
    rules: Annotated[list[Rule], Field(max_length=2000)] = []
    waivers: Annotated[list[Waiver], Field(max_length=200)] = []


class Manifest(Strict):
    """``bundle.yaml``: the bundle's identity and its rule files, in order."""

    name: Annotated[Text, Field(pattern=BUNDLE_NAME_PATTERN, max_length=64)]
    version: Annotated[Text, Field(min_length=1, max_length=64)]
    description: Annotated[Text, Field(max_length=4000)] | None = None
    format: Literal[1] = 1
    rulesets: Annotated[
        list[Annotated[Text, Field(pattern=RULE_FILE_PATTERN)]],
        Field(min_length=1, max_length=100),
    ]
    good_faith: Annotated[Text, Field(pattern=RULE_FILE_PATTERN)] | None = None
    """The Good Faith Program policy file (``good_faith.yaml``), if the bundle has one."""
    deadlines: Annotated[Text, Field(pattern=RULE_FILE_PATTERN)] | None = None
    """The deadline policy file (``deadlines.yaml``), if the bundle has one."""


class Expectation(Strict):
    """What a test case expects of the decision."""

    outcome: Literal["accept", "needs_info", "reject"]
    codes: list[Code] | None = None
    """The codes of all findings, in any order; omitted: not checked."""
    fires: list[RuleId] = []
    does_not_fire: list[RuleId] = []


class TestCase(Strict):
    """One case: a complaint (or a patch of the file's base) and what its decision must be."""

    __test__ = False  # not a pytest class

    name: Annotated[Text, Field(min_length=1, max_length=200)]
    complaint: dict[str, Any] | None = None
    patch: dict[str, Any] | None = None
    expect: Expectation

    @model_validator(mode="after")
    def _one_input(self) -> TestCase:
        if (self.complaint is None) == (self.patch is None):
            raise ValueError("give either a whole 'complaint' or a 'patch' of the file's base")
        return self


class TestFile(Strict):
    """``tests/test_*.yaml``: cases, each a complaint or a patch of the file's base complaint."""

    __test__ = False  # not a pytest class

    description: Annotated[Text, Field(max_length=4000)] | None = None
    base: dict[str, Any] | Annotated[Text, Field(pattern=BASE_FILE_PATTERN)] | None = None
    cases: Annotated[list[TestCase], Field(min_length=1, max_length=5000)]


def ruleset_json_schema() -> dict[str, Any]:
    """JSON Schema of a rule file, for editors."""
    schema = RuleFile.model_json_schema(by_alias=True)
    schema["$id"] = "https://ipp-rules.invalid/schema/ruleset.json"
    schema["title"] = "ipp-rules rule file"
    return schema


def manifest_json_schema() -> dict[str, Any]:
    schema = Manifest.model_json_schema(by_alias=True)
    schema["title"] = "ipp-rules bundle manifest"
    return schema


def case_file_json_schema() -> dict[str, Any]:
    schema = TestFile.model_json_schema(by_alias=True)
    schema["title"] = "ipp-rules test file"
    return schema
