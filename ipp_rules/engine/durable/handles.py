"""durable_rules rulesets as handles: one ruleset of durable rules (a chunk), its C handle
with the sentinel rule, warm-up (crash mode 2), lock and sids of its evaluations, and the
process-wide pool closed groups hand their handles to (crash mode 10)."""

from __future__ import annotations

import itertools
import json
import logging
import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

import durable_rules_engine as _d

from ipp_rules.engine.durable.network import DurableRule
from ipp_rules.engine.durable.translate import SENTINEL, ruleset_name
from ipp_rules.errors import EngineError

__all__ = ["Chunk", "Handle", "release"]

log = logging.getLogger("ipp_rules.engine")


class Handle:
    """One durable ruleset: its C handle, a lock for whole evaluations, a sid counter."""

    def __init__(self, spec: str):
        self.spec = spec
        self.name = ruleset_name("group")
        self.lock = threading.Lock()
        self.sids = itertools.count(1)
        self.alive = False
        try:
            self.handle: int = _d.create_ruleset(self.name, spec)
        except Exception as error:
            raise EngineError(f"durable_rules refused a compiled ruleset: {error}") from error
        self.alive = True
        try:
            with self.lock:
                self.run('{"sid":"%s","id":"w"}')
        except Exception as error:
            self.discard()
            raise EngineError(f"durable_rules failed its warm-up evaluation: {error}") from error

    def run(self, payload: str) -> set[str]:
        """Evaluate one message in a new session; the caller holds ``lock``."""
        sid = str(next(self.sids))
        names: set[str] = set()
        try:
            result = _d.assert_fact(self.handle, payload % sid)
            state = result[1]
            started = _d.start_action_for_state(self.handle, state)
            message = started[1] if started else None
            while message:
                names.update(json.loads(message))
                message = _d.complete_and_start_action(self.handle, state)
        finally:
            _d.delete_state(self.handle, sid)
        names.discard(SENTINEL)
        return names

    def discard(self) -> None:
        """Delete the ruleset; never raises."""
        with self.lock:
            if not self.alive:
                return
            self.alive = False
            try:
                _d.delete_ruleset(self.handle)
            except Exception as error:
                log.warning("could not delete durable ruleset %s: %s", self.name, error)


_POOL: OrderedDict[int, Handle] = OrderedDict()
_POOL_LOCK = threading.Lock()
_POOL_SIZE = 32


def _acquire(spec: str) -> Handle:
    with _POOL_LOCK:
        for key, handle in _POOL.items():
            if handle.spec == spec:
                del _POOL[key]
                return handle
    return Handle(spec)


def release(handle: Handle) -> None:
    evicted: list[Handle] = []
    with _POOL_LOCK:
        if handle.alive:
            _POOL[id(handle)] = handle
            while len(_POOL) > _POOL_SIZE:
                evicted.append(_POOL.popitem(last=False)[1])
    for old in evicted:
        old.discard()


class Chunk:
    def __init__(self, rules: Sequence[DurableRule]):
        self.rules = tuple(rules)
        keys: set[str] = set()
        for r in rules:
            keys |= r.keys
        self.keys = tuple(sorted(keys))
        spec: dict[str, Any] = {SENTINEL: {"all": [{"m": {"$s": 1}}]}}
        for r in rules:
            spec[r.name] = {"all": [{"m": r.cond}]}
        self.spec = json.dumps(spec, ensure_ascii=True, allow_nan=False, separators=(",", ":"))
        self.swap = threading.Lock()
        self.handle: Handle | None = _acquire(self.spec)
