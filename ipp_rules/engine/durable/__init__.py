"""The durable_rules backend: compiled conditions run by durable_rules' C engine.

Only the C module ``durable_rules_engine`` is used (no ``Host``, no timer threads). What the
wrapper does about each measured quirk and crash mode of durable_rules 2.0.28 (the crash and
hang modes are listed, and numbered as cited here, in ``tests/engine/test_crash_modes.py``):

- Facts are serialised here: each fact gets a short key (``f0``, ``f1`` ...), lists get a
  length companion (``n0`` ...), ``Matches`` atoms get a companion holding the text
  translated for durable's regex engine (``m0`` ...) or, for patterns durable cannot run
  faithfully, the match result computed in Python (``p0`` ...). A message carries only the
  keys its ruleset reads, the marker ``mk`` that the hidden session fact lacks, ``sid`` and
  ``id``. Values durable would mangle (strings whose JSON text exceeds 65,535 characters,
  ints beyond 2**53, oversized lists, wrong types) send the evaluation to the reference
  evaluator instead.
- Positive tests are false on an absent key; ``Not(atom)`` is compiled as ``$or`` of
  ``$nex`` of each fact read and the complementary test. A ``$m`` reference to an absent key
  makes every comparison *true* in durable, so every fact reference is guarded by ``$ex``.
- The inner condition of ``$iany``/``$iall`` never ends in an ``$or``: durable type-checks
  the last node of that condition and reads, for an ``$or``, a forward node's uninitialised
  memory, refusing the ruleset when the heap held 0x09 there (see ``translate.each``).
- The rules of a group are split into chunks, one durable ruleset each. A model of the
  alpha network durable builds (node sharing, ``$or`` forward nodes) bounds, per chunk, the
  distinct tests, the children of a node, the depth of durable's 64-entry evaluation stack
  (error 303), and the number of paths; per rule, it bounds the expression sequence durable
  keeps for the rule's condition: two entries per ``$and``/``$or``, 31 entries at most, so 15
  operators (error 113, ``ERR_EXPRESSION_LIMIT_EXCEEDED``; a keyed table of 14 entries is 16).
- A rule too big for a chunk is split into several durable rules (``r7_0``, ``r7_1`` ...)
  along exact identities: groups of the branches of an ``Or`` (or of a bounded ``And``
  distributed over its ``Or``) fire the rule when any fires; groups of the children of an
  ``And`` when all fire; value lists are cut into groups of values; a negated keyed table is
  first rewritten as a disjunction (see ``split.exclusive``). The parts count against the chunk
  limits like rules. Only a rule no cut makes small enough runs on the reference evaluator.
- A chunk durable refuses all the same is halved and both halves tried again, down to one
  durable rule; only the rule of a durable rule refused alone runs on the reference
  evaluator. Running a rule on the reference evaluator is a correct answer, logged at INFO
  (WARNING reaches stderr through logging's last-resort handler).
- Per handle: an always-true sentinel rule and a warm-up evaluation (crash mode 2), a lock
  held for the whole assert → actions → ``delete_state`` sequence, ASCII counter sids,
  ``delete_state`` in ``finally``; names are deduplicated, the sentinel ignored.
- Any exception from the C module during an evaluation: the handle is discarded and
  rebuilt, that evaluation is answered by the reference evaluator, and a WARNING is logged
  (not when the group was closed during the evaluation: that is no failure).
- Closed groups hand their handles to a small process-wide pool keyed by the ruleset text,
  so rebuilding the same rules reuses them (durable never frees regex state, crash mode 10).

One module per job; each imports only modules listed before it, so there is no cycle
(``limits`` → ``translate`` → ``network`` → ``split`` → ``handles`` → ``group``;
``network`` needs only ``limits``, ``handles`` only ``translate`` and ``network``):

- ``limits``: what durable takes, as measured (message limits, error 113), and the bounds on
  one chunk (``Limits``).
- ``translate``: a condition as durable JSON (absent keys, negation, list tests that never
  end in a forward node), the message keys and companions it reads, and the probe of the
  patterns durable's regex engine accepts.
- ``network``: the model of durable's alpha network; whether durable rules fit one chunk.
- ``split``: a rule too big for one chunk as several durable rules, and the formula that
  gives its firing from theirs.
- ``handles``: a chunk's durable ruleset, its C handle with the sentinel rule, warm-up, lock
  and sids (crash mode 2), and the pool closed groups hand their handles to (crash mode 10).
- ``group``: ``DurableGroup``, which plans the rules, builds the chunks (halving a refused
  one), encodes messages, evaluates, and falls back to the reference evaluator.
"""

from ipp_rules.engine.durable.group import DurableGroup
from ipp_rules.engine.durable.limits import MAX_SEQUENCE_ENTRIES, Limits

__all__ = ["MAX_SEQUENCE_ENTRIES", "DurableGroup", "Limits"]
