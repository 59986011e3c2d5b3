"""Facts: every name a rule can read, its type, and how it is computed from a complaint.

Python computes facts; YAML decides. ``types`` says what a fact value is, ``catalog`` lists
every fact (name, type, meaning, the complaint field a finding points to, how it is read),
and ``compute`` computes the facts one evaluation needs. To add a fact a rule can read, add
a :class:`FactSpec` to the catalog (``catalog._catalog``) and document it in
``docs/ruleset-format.md``'s table (a test compares them).
"""

from ipp_rules.facts.catalog import (
    CATALOG,
    FACTS,
    FactSpec,
    ListingView,
    choices,
    decode_literal,
    derived_fact,
    encode,
    json_ready,
    listing_views,
    marketplace_timezone,
)
from ipp_rules.facts.compute import FactSet, complaint_facts, listing_facts, set_fact
from ipp_rules.facts.types import (
    DERIVED_PREFIX,
    ENCODED_TYPES,
    Encoded,
    EncodedType,
    FactType,
    Scope,
)

__all__ = [
    "CATALOG",
    "DERIVED_PREFIX",
    "ENCODED_TYPES",
    "FACTS",
    "Encoded",
    "EncodedType",
    "FactSet",
    "FactSpec",
    "FactType",
    "ListingView",
    "Scope",
    "choices",
    "complaint_facts",
    "decode_literal",
    "derived_fact",
    "encode",
    "json_ready",
    "listing_facts",
    "listing_views",
    "marketplace_timezone",
    "set_fact",
]
