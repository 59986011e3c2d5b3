"""The registry: built-ins, entry-point plugins (good and broken), lookups, thread safety."""

from __future__ import annotations

import logging
import pickle
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib.metadata import EntryPoint

import pytest

from ipp_rules.errors import IppRulesError, UnknownMarketplaceError
from ipp_rules.policies import (
    CHINA_CALENDAR,
    ENTRY_POINT_GROUP,
    MarketplacePolicy,
    ParsedUrl,
    TaobaoPolicy,
    UrlForm,
    UrlProblem,
    get_policy,
    identify_url,
    policies,
    reset_registry,
)
from ipp_rules.policies import registry as registry_module

BUILTIN_IDS = ["taobao", "tmall", "tmall_global", "1688", "aliexpress", "alibaba_com", "lazada"]
LOGGER = "ipp_rules.policies.registry"


class DarazPolicy(MarketplacePolicy):
    """A plugin marketplace, as a third-party package would declare it."""

    id = "daraz"
    name = "Daraz"
    group = "daraz"
    category_table = "categories_daraz"
    home_timezone = "Asia/Karachi"
    home_calendar = CHINA_CALENDAR
    url_forms = (
        UrlForm(
            "listing",
            hosts=("www.daraz.pk",),
            path=r"/products/(?:[^/]{0,200}-)?i(?P<id>[0-9]{1,20})\.html",
            canonical="https://www.daraz.pk/products/i{id}.html",
        ),
    )


class HijackPolicy(DarazPolicy):
    """A plugin that claims a built-in marketplace's host under a new id."""

    id = "hijack"
    url_forms = (
        UrlForm(
            "listing",
            hosts=("item.taobao.com",),
            path=r"/item\.htm",
            query_key="id",
            canonical="https://item.taobao.com/item.htm?id={id}",
        ),
    )


class FakeTaobao(DarazPolicy):
    id = "taobao"


class NoForms(DarazPolicy):
    url_forms = ()


class ExplodingPolicy(DarazPolicy):
    id = "exploding"

    def __init__(self) -> None:
        raise RuntimeError("no licence key")


NOT_A_POLICY = {"id": "daraz"}


@dataclass
class FakeEntryPoint:
    """Stands in for importlib.metadata.EntryPoint: a name, a value and a load()."""

    name: str
    value: str
    load: Callable[[], object]
    group: str = ENTRY_POINT_GROUP


def loads(name: str, obj: object) -> FakeEntryPoint:
    return FakeEntryPoint(name, f"fake_plugin:{name}", lambda: obj)


def fails(name: str, error: Exception) -> FakeEntryPoint:
    def load() -> object:
        raise error

    return FakeEntryPoint(name, f"fake_plugin:{name}", load)


@pytest.fixture(autouse=True)
def fresh_registry() -> Iterator[None]:
    reset_registry()
    yield
    reset_registry()


@pytest.fixture
def install(monkeypatch: pytest.MonkeyPatch) -> Callable[..., list[str]]:
    """Make entry_points() in the registry module return these entry points."""
    groups: list[str] = []

    def install(*eps: object) -> list[str]:
        def entry_points(*, group: str) -> tuple[object, ...]:
            groups.append(group)
            return eps

        monkeypatch.setattr(registry_module, "entry_points", entry_points)
        return groups

    return install


def warnings_of(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == LOGGER and r.levelname == "WARNING"]


def test_builtins_are_registered_in_order() -> None:
    assert list(policies()) == BUILTIN_IDS
    assert all(policy.id == key for key, policy in policies().items())
    assert get_policy("taobao") is policies()["taobao"]
    assert isinstance(get_policy("taobao"), TaobaoPolicy)


def test_the_registry_is_read_only() -> None:
    with pytest.raises(TypeError):
        policies()["daraz"] = DarazPolicy()  # type: ignore[index]


def test_a_str_enum_value_finds_its_policy() -> None:
    # The library keeps no marketplace enum (the registry is the list); a caller's may.
    from enum import StrEnum

    marketplace = StrEnum("Marketplace", {m.upper(): m for m in BUILTIN_IDS})  # type: ignore[misc]
    assert [get_policy(m).id for m in marketplace] == BUILTIN_IDS


@pytest.mark.parametrize(
    ("asked", "suggestion"),
    [
        ("tmal", "tmall"),
        ("Taobao", "taobao"),
        ("alibaba.com", "alibaba_com"),
        ("ali express", "aliexpress"),
        ("tmall-global", "tmall_global"),
        ("lazda", "lazada"),
        ("alib", "alibaba_com"),  # a known id it begins
        ("shopee", None),
    ],
)
def test_unknown_marketplace_lists_known_ids_and_suggests(
    asked: str, suggestion: str | None
) -> None:
    with pytest.raises(UnknownMarketplaceError) as caught:
        get_policy(asked)
    error = caught.value
    assert isinstance(error, IppRulesError)
    assert error.marketplace == asked
    assert error.known == tuple(BUILTIN_IDS)
    assert error.suggestion == suggestion
    message = str(error)
    assert f"unknown marketplace {asked!r}" in message
    assert "taobao, tmall, tmall_global, 1688, aliexpress, alibaba_com, lazada" in message
    assert (f"did you mean {suggestion!r}?" in message) is (suggestion is not None)


@pytest.mark.parametrize(("asked", "suggestion"), [("th", "TH"), ("T", "TH"), ("XX", None)])
def test_an_unknown_country_platform_suggests_the_one_meant(
    asked: str, suggestion: str | None
) -> None:
    with pytest.raises(UnknownMarketplaceError) as caught:
        get_policy("lazada").check_country(asked)
    assert caught.value.suggestion == suggestion
    assert (f"(did you mean {suggestion!r}?)" in str(caught.value)) is (suggestion is not None)


def test_a_non_string_marketplace_is_unknown() -> None:
    with pytest.raises(UnknownMarketplaceError, match="unknown marketplace 'None'"):
        get_policy(None)  # type: ignore[arg-type]


def test_unknown_marketplace_error_survives_pickling() -> None:
    with pytest.raises(UnknownMarketplaceError) as caught:
        get_policy("tmal")
    copy = pickle.loads(pickle.dumps(caught.value))
    assert (copy.marketplace, copy.known, copy.suggestion, str(copy)) == (
        "tmal",
        tuple(BUILTIN_IDS),
        "tmall",
        str(caught.value),
    )


def test_identify_url_across_marketplaces() -> None:
    assert identify_url("https://detail.1688.com/offer/1.html") == ParsedUrl(
        "listing", "1688", None, "1", "https://detail.1688.com/offer/1.html"
    )
    assert identify_url("https://www.lazada.vn/shop/abc/") == ParsedUrl(
        "store", "lazada", "VN", "abc", "https://www.lazada.vn/shop/abc/"
    )
    assert identify_url("https://example.com/") is None
    assert identify_url("https://item.taobao.com/item.htm?id=1&id=2") == (
        UrlProblem.ambiguous_query
    )
    assert identify_url("https://item.taobao.com\\@evil.example/") == UrlProblem.backslash


def test_a_good_plugin_class_is_registered(
    install: Callable[..., list[str]], caplog: pytest.LogCaptureFixture
) -> None:
    groups = install(loads("daraz", DarazPolicy))
    assert list(policies()) == [*BUILTIN_IDS, "daraz"]
    assert groups == ["ipp_rules.policies"]
    assert isinstance(get_policy("daraz"), DarazPolicy)
    assert identify_url("https://www.daraz.pk/products/shoes-i42.html") == ParsedUrl(
        "listing", "daraz", None, "42", "https://www.daraz.pk/products/i42.html"
    )
    assert get_policy("daraz").timezone() == "Asia/Karachi"
    assert warnings_of(caplog) == []


def test_a_good_plugin_instance_is_registered(install: Callable[..., list[str]]) -> None:
    instance = DarazPolicy()
    install(loads("daraz", instance))
    assert get_policy("daraz") is instance


def test_a_real_entry_point_object_is_loaded(install: Callable[..., list[str]]) -> None:
    install(EntryPoint("daraz", f"{__name__}:DarazPolicy", ENTRY_POINT_GROUP))
    assert type(get_policy("daraz")).__name__ == "DarazPolicy"


def test_a_plugin_that_fails_to_import_is_skipped_with_a_warning(
    install: Callable[..., list[str]], caplog: pytest.LogCaptureFixture
) -> None:
    install(
        EntryPoint("ghost", "ipp_rules_no_such_plugin_module:Policy", ENTRY_POINT_GROUP),
        fails("crashing", ImportError("cannot import name 'X' from 'daraz_policy'")),
        loads("daraz", DarazPolicy),
    )
    assert list(policies()) == [*BUILTIN_IDS, "daraz"]
    warnings = warnings_of(caplog)
    assert len(warnings) == 2
    assert warnings[0].startswith(
        "skipping marketplace policy plugin 'crashing' (fake_plugin:crashing): "
        "it failed to load: ImportError: cannot import name 'X'"
    )
    assert warnings[1].startswith(
        "skipping marketplace policy plugin 'ghost' (ipp_rules_no_such_plugin_module:Policy): "
        "it failed to load: ModuleNotFoundError"
    )


def test_a_plugin_of_the_wrong_type_is_skipped_with_a_warning(
    install: Callable[..., list[str]], caplog: pytest.LogCaptureFixture
) -> None:
    install(loads("a_dict", NOT_A_POLICY), loads("a_class", UrlForm), loads("a_none", None))
    assert list(policies()) == BUILTIN_IDS
    assert warnings_of(caplog) == [
        "skipping marketplace policy plugin 'a_class' (fake_plugin:a_class): "
        "it is a type, not a MarketplacePolicy subclass or instance",
        "skipping marketplace policy plugin 'a_dict' (fake_plugin:a_dict): "
        "it is a dict, not a MarketplacePolicy subclass or instance",
        "skipping marketplace policy plugin 'a_none' (fake_plugin:a_none): "
        "it is a NoneType, not a MarketplacePolicy subclass or instance",
    ]


def test_a_plugin_reusing_a_builtin_id_is_skipped_with_a_warning(
    install: Callable[..., list[str]], caplog: pytest.LogCaptureFixture
) -> None:
    install(loads("evil_taobao", FakeTaobao))
    assert isinstance(get_policy("taobao"), TaobaoPolicy)
    assert identify_url("https://www.daraz.pk/products/i1.html") is None
    assert warnings_of(caplog) == [
        "skipping marketplace policy plugin 'evil_taobao' (fake_plugin:evil_taobao): "
        "its id 'taobao' is taken by built-in <TaobaoPolicy 'taobao'>"
    ]


def test_two_plugins_with_one_id_keep_the_first_by_entry_point_name(
    install: Callable[..., list[str]], caplog: pytest.LogCaptureFixture
) -> None:
    second, first = DarazPolicy(), DarazPolicy()
    install(loads("z_daraz", second), loads("a_daraz", first))
    assert get_policy("daraz") is first
    assert warnings_of(caplog) == [
        "skipping marketplace policy plugin 'z_daraz' (fake_plugin:z_daraz): "
        "its id 'daraz' is taken by plugin <DarazPolicy 'daraz'>"
    ]


def test_an_inconsistent_or_failing_plugin_is_skipped_with_a_warning(
    install: Callable[..., list[str]], caplog: pytest.LogCaptureFixture
) -> None:
    install(loads("no_forms", NoForms), loads("exploding", ExplodingPolicy))
    assert list(policies()) == BUILTIN_IDS
    assert warnings_of(caplog) == [
        "skipping marketplace policy plugin 'exploding' (fake_plugin:exploding): "
        "ExplodingPolicy() failed: RuntimeError: no licence key",
        "skipping marketplace policy plugin 'no_forms' (fake_plugin:no_forms): "
        "<NoForms 'daraz'> is inconsistent: no listing URL form",
    ]


def test_a_plugin_cannot_claim_a_builtin_url(install: Callable[..., list[str]]) -> None:
    install(loads("hijack", HijackPolicy))
    assert "hijack" in policies()
    found = identify_url("https://item.taobao.com/item.htm?id=7")
    assert isinstance(found, ParsedUrl)
    assert found.marketplace == "taobao"


def test_a_plugin_that_uses_the_registry_while_loading_is_skipped(
    install: Callable[..., list[str]], caplog: pytest.LogCaptureFixture
) -> None:
    def load() -> object:
        get_policy("taobao")
        return DarazPolicy

    install(FakeEntryPoint("eager", "fake_plugin:eager", load))
    assert list(policies()) == BUILTIN_IDS
    [warning] = warnings_of(caplog)
    assert "'eager'" in warning
    assert "used while it was loading" in warning


def test_failing_to_list_entry_points_still_registers_builtins(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def entry_points(*, group: str) -> tuple[object, ...]:
        raise OSError("unreadable METADATA")

    monkeypatch.setattr(registry_module, "entry_points", entry_points)
    assert list(policies()) == BUILTIN_IDS
    assert warnings_of(caplog) == [
        "cannot list ipp_rules.policies entry points, loading none: unreadable METADATA"
    ]


def test_the_registry_loads_once_and_reset_loads_again(
    install: Callable[..., list[str]],
) -> None:
    groups = install(loads("daraz", DarazPolicy))
    first = policies()
    assert policies() is first
    get_policy("daraz")
    identify_url("https://www.daraz.pk/products/i1.html")
    assert len(groups) == 1
    reset_registry()
    assert policies() is not first
    assert len(groups) == 2


def test_concurrent_first_use_loads_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []

    def slow_entry_points(*, group: str) -> tuple[object, ...]:
        calls.append(threading.get_ident())
        time.sleep(0.05)
        return (loads("daraz", DarazPolicy),)

    monkeypatch.setattr(registry_module, "entry_points", slow_entry_points)
    threads_count = 16
    barrier = threading.Barrier(threads_count)
    seen: list[object] = []
    errors: list[BaseException] = []

    def use() -> None:
        try:
            barrier.wait()
            seen.append(policies())
            get_policy("daraz")
        except BaseException as exc:  # collected and re-checked below
            errors.append(exc)

    threads = [threading.Thread(target=use) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(calls) == 1
    assert len(seen) == threads_count
    assert all(mapping is seen[0] for mapping in seen)


def test_warnings_go_to_the_registry_logger(
    install: Callable[..., list[str]], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger=LOGGER)
    install(loads("a_dict", NOT_A_POLICY))
    policies()
    [record] = [r for r in caplog.records if r.name == LOGGER]
    assert record.levelno == logging.WARNING
