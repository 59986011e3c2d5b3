"""The marketplace registry: built-in policies plus the ``ipp_rules.policies`` entry points.

The registry is built once, on first use, under a lock. A plugin is an entry point in the
``ipp_rules.policies`` group that loads a :class:`MarketplacePolicy` subclass or instance::

    [project.entry-points."ipp_rules.policies"]
    daraz = "ipp_daraz.policy:DarazPolicy"

A plugin that cannot be used (it fails to import or to instantiate, is not a policy, has
inconsistent declarations, or reuses an id already registered) is skipped with a warning
naming its entry point; it never stops the host from starting. Built-in policies come
first, so a plugin can neither replace one nor claim a URL one of them recognises.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points
from types import MappingProxyType

from ipp_rules.errors import UnknownMarketplaceError, shown
from ipp_rules.policies.alibaba_1688 import Alibaba1688Policy
from ipp_rules.policies.alibaba_com import AlibabaComPolicy
from ipp_rules.policies.aliexpress import AliExpressPolicy
from ipp_rules.policies.base import MarketplacePolicy, ParsedUrl, PolicyDefinitionError
from ipp_rules.policies.lazada import LazadaPolicy
from ipp_rules.policies.tao import TaobaoPolicy, TmallGlobalPolicy, TmallPolicy
from ipp_rules.policies.urls import UrlProblem, inspect_url
from ipp_rules.problems import suggest

__all__ = [
    "BUILTIN_POLICIES",
    "ENTRY_POINT_GROUP",
    "get_policy",
    "identify_url",
    "policies",
    "reset_registry",
]

ENTRY_POINT_GROUP = "ipp_rules.policies"

BUILTIN_POLICIES: tuple[type[MarketplacePolicy], ...] = (
    TaobaoPolicy,
    TmallPolicy,
    TmallGlobalPolicy,
    Alibaba1688Policy,
    AliExpressPolicy,
    AlibabaComPolicy,
    LazadaPolicy,
)
"""The marketplaces of the Handbook, in the order URLs are matched against them."""

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Registry:
    by_id: Mapping[str, MarketplacePolicy]


_lock = threading.RLock()
_registry: _Registry | None = None
_loading_thread: int | None = None


def policies() -> Mapping[str, MarketplacePolicy]:
    """Every registered policy by id: built-ins first, then plugins by entry-point name."""
    return _current().by_id


def get_policy(marketplace: str) -> MarketplacePolicy:
    """The policy of ``marketplace`` (a complaint's ``platform`` value, e.g. ``tmall``).

    Raises :class:`UnknownMarketplaceError` listing the known ids, with the nearest as a
    suggestion.
    """
    by_id = _current().by_id
    if isinstance(marketplace, str):
        found = by_id.get(marketplace)
        if found is not None:
            return found
    name = marketplace if isinstance(marketplace, str) else shown(marketplace)
    known = tuple(by_id)
    raise UnknownMarketplaceError(name, known, suggestion=_suggest(name, known))


def identify_url(url: str) -> ParsedUrl | UrlProblem | None:
    """Which marketplace, country and kind of page ``url`` is, across every policy.

    A :class:`UrlProblem` if the URL fails the gate (or names its id twice); ``None`` if it
    is well formed but no marketplace's form. Policies are asked in registration order.
    """
    safe = inspect_url(url)
    if isinstance(safe, UrlProblem):
        return safe
    for policy in _current().by_id.values():
        found = policy.match_url(safe)
        if found is not None:
            return found
    return None


def reset_registry() -> None:
    """Forget the registry, so the next use loads built-ins and entry points again (tests)."""
    global _registry
    with _lock:
        _registry = None


def _current() -> _Registry:
    registry = _registry
    if registry is not None:
        return registry
    return _load_once()


def _load_once() -> _Registry:
    global _registry, _loading_thread
    with _lock:
        if _registry is not None:
            return _registry
        if _loading_thread == threading.get_ident():
            raise PolicyDefinitionError(
                "the marketplace registry was used while it was loading "
                "(a policy plugin calls it when imported)"
            )
        _loading_thread = threading.get_ident()
        try:
            _registry = _Registry(MappingProxyType(_build()))
        finally:
            _loading_thread = None
        return _registry


def _build() -> dict[str, MarketplacePolicy]:
    by_id: dict[str, MarketplacePolicy] = {}
    for policy_class in BUILTIN_POLICIES:
        policy = policy_class()
        problems = policy.definition_problems()
        if problems:
            raise PolicyDefinitionError(f"built-in {policy!r}: {'; '.join(problems)}")
        by_id[policy.id] = policy
    builtin_ids = frozenset(by_id)
    for entry_point in sorted(_entry_points(), key=lambda ep: (ep.name, ep.value)):
        plugin = _load_plugin(entry_point)
        if plugin is None:
            continue
        if plugin.id in by_id:
            owner = "built-in" if plugin.id in builtin_ids else "plugin"
            _skip(entry_point, f"its id {plugin.id!r} is taken by {owner} {by_id[plugin.id]!r}")
            continue
        by_id[plugin.id] = plugin
    return by_id


def _entry_points() -> Iterable[EntryPoint]:
    try:
        return tuple(entry_points(group=ENTRY_POINT_GROUP))
    except Exception as exc:  # broken installed metadata must not stop the built-ins
        logger.warning("cannot list %s entry points, loading none: %s", ENTRY_POINT_GROUP, exc)
        return ()


def _load_plugin(entry_point: EntryPoint) -> MarketplacePolicy | None:
    try:
        loaded = entry_point.load()
    except Exception as exc:
        _skip(entry_point, f"it failed to load: {type(exc).__name__}: {exc}")
        return None
    if isinstance(loaded, type) and issubclass(loaded, MarketplacePolicy):
        try:
            policy: MarketplacePolicy = loaded()
        except Exception as exc:
            _skip(entry_point, f"{loaded.__name__}() failed: {type(exc).__name__}: {exc}")
            return None
    elif isinstance(loaded, MarketplacePolicy):
        policy = loaded
    else:
        _skip(
            entry_point,
            f"it is a {type(loaded).__name__}, not a MarketplacePolicy subclass or instance",
        )
        return None
    try:
        problems = policy.definition_problems()
    except Exception as exc:
        problems = (f"checking it failed: {type(exc).__name__}: {exc}",)
    if problems:
        _skip(entry_point, f"{policy!r} is inconsistent: {'; '.join(problems)}")
        return None
    return policy


def _skip(entry_point: EntryPoint, reason: str) -> None:
    logger.warning(
        "skipping marketplace policy plugin %r (%s): %s",
        entry_point.name,
        entry_point.value,
        reason,
    )


def _suggest(name: str, known: tuple[str, ...]) -> str | None:
    normal = name.strip().lower().replace("-", "_").replace(".", "_").replace(" ", "_")
    if normal in known:
        return normal
    return suggest(normal, known)
