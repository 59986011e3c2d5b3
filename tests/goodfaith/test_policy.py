"""policy: the bundled ``good_faith.yaml``, the policy model, and the loader, which locates
every problem at ``file:line:column``."""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import get_args

import pytest

from ipp_rules.errors import RulesetError
from ipp_rules.goodfaith import (
    GoodFaithError,
    GoodFaithPolicy,
    evaluate_good_faith,
    load_good_faith_policy,
)
from tests.conftest import BUNDLE
from tests.goodfaith.histories import AS_OF, POLICY

# ---------------------------------------------------------------------------------------------
# The bundled policy


def test_the_bundled_policy_has_the_three_periods_in_order():
    periods = POLICY.periods
    assert [(p.effective_from, p.effective_until) for p in periods] == [
        (date(2015, 4, 1), date(2018, 4, 15)),
        (date(2018, 4, 15), date(2022, 4, 15)),
        (date(2022, 4, 15), None),
    ]
    assert [p.window_months for p in periods] == [1, 3, 3]
    assert [p.min_requests for p in periods] == [0, 100, 100]
    assert [p.per_reason_code for p in periods] == [False, False, True]
    assert [p.rejoin_wait_months for p in periods] == [6, 3, 3]
    counter = [p.thresholds["counter_notification_success_rate"] for p in periods]
    assert [(t.bound, t.value) for t in counter] == [
        ("max", Fraction(3, 200)),
        ("max", Fraction(1, 20)),
        ("max", Fraction(1, 20)),
    ]
    success = [p.thresholds["takedown_success_rate"] for p in periods]
    assert {(t.bound, t.value) for t in success} == {("min", Fraction(9, 10))}
    assert all(p.marketplaces == ("taobao", "tmall", "tmall_global") for p in periods)
    assert all(p.source for p in periods)


def test_good_faith_names_do_not_reuse_the_rules_or_deadline_names():
    # A request's outcome is not a rule's OutcomeName; a program period is not a deadline Period.
    import ipp_rules.goodfaith as goodfaith

    assert isinstance(POLICY.period_on(AS_OF), goodfaith.ProgramPeriod)
    assert get_args(goodfaith.RequestOutcome) == goodfaith.OUTCOMES
    assert get_args(goodfaith.CounterNotificationState) == goodfaith.COUNTER_NOTIFICATIONS
    assert not {"Period", "OutcomeName", "CounterNotificationName"} & set(dir(goodfaith))
    schema = GoodFaithPolicy.model_json_schema()
    assert "ProgramPeriod" in schema["$defs"] and "Period" not in schema["$defs"]


def test_the_policy_serialises_thresholds_as_exact_percentages():
    dumped = POLICY.model_dump(mode="json")
    assert dumped["periods"][0]["thresholds"]["counter_notification_success_rate"] == {
        "min": None,
        "max": "1.5%",
    }
    assert GoodFaithPolicy.model_validate(POLICY.model_dump()) == POLICY
    schema = GoodFaithPolicy.model_json_schema()
    assert "periods" in schema["properties"]


def test_there_is_no_policy_before_the_2015_launch():
    with pytest.raises(GoodFaithError, match="2015-04-01"):
        evaluate_good_faith(POLICY, [], date(2015, 3, 31))


# ---------------------------------------------------------------------------------------------
# Program marketplaces


def test_a_plugin_marketplace_can_be_a_program_marketplace(examplemart: str, tmp_path: Path):
    text = (
        (BUNDLE / "good_faith.yaml")
        .read_text()
        .replace("[taobao, tmall, tmall_global]", "[examplemart]")
    )
    (tmp_path / "good_faith.yaml").write_text(text)
    policy = load_good_faith_policy(tmp_path)
    assert policy.timezone == "Asia/Singapore"
    assert policy.periods[-1].marketplaces == (examplemart,)


def test_a_program_marketplace_the_registry_does_not_know_is_located(tmp_path: Path):
    path = _policy_file(tmp_path, ("[taobao, tmall, tmall_global]", "[taobao, tmal]"))
    line = _line_of(path, "[taobao, tmal]")
    [(location, message)] = _load_problems(path)
    assert location.endswith(f"good_faith.yaml:{line}:28")
    assert message == (
        "expected one of taobao, tmall, tmall_global, 1688, aliexpress, alibaba_com, lazada; "
        "did you mean 'tmall'? (got 'tmal')"
    )


# ---------------------------------------------------------------------------------------------
# Loading the policy: every error located


def _policy_file(tmp_path: Path, edit: tuple[str, str], count: int = 1) -> Path:
    text = (BUNDLE / "good_faith.yaml").read_text()
    assert edit[0] in text
    target = tmp_path / "good_faith.yaml"
    target.write_text(text.replace(edit[0], edit[1], count))
    return target


def _line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


def _load_problems(path: Path) -> list[tuple[str, str]]:
    with pytest.raises(RulesetError) as caught:
        load_good_faith_policy(path.parent)
    return [(p.location, p.message) for p in caught.value.problems]


def test_a_misspelt_key_is_located_with_a_suggestion(tmp_path: Path):
    path = _policy_file(tmp_path, ("    window_months: 3\n", "    windw_months: 3\n"))
    line = _line_of(path, "windw_months")
    problems = _load_problems(path)
    assert (
        f"good_faith.yaml:{line}:5",
        "unknown key 'windw_months'; did you mean 'window_months'? (allowed here: name, "
        "effective_from, effective_until, source, marketplaces, window_months, min_requests, "
        "thresholds, per_reason_code, false_information, rejoin_wait_months)",
    ) in [(loc.rsplit("/", 1)[-1], msg) for loc, msg in problems]


def test_a_threshold_written_as_a_whole_percentage_without_percent_sign(tmp_path: Path):
    path = _policy_file(tmp_path, ("{max: 5%}", "{max: 5}"))
    line = _line_of(path, "{max: 5}")
    column = path.read_text().splitlines()[line - 1].index("5}") + 1
    [(location, message)] = _load_problems(path)
    assert location.endswith(f"good_faith.yaml:{line}:{column}")
    assert message == "5 is more than 1: write a percentage with % (like 5%) or a share like 0.90"


def test_a_decimal_threshold_is_read_exactly(tmp_path: Path):
    path = _policy_file(tmp_path, ("{min: 90%}", "{min: 0.90}"), count=3)
    policy = load_good_faith_policy(path)
    assert policy.periods[2].thresholds["takedown_success_rate"].value == Fraction(9, 10)


def test_yes_is_not_a_boolean(tmp_path: Path):
    path = _policy_file(tmp_path, ("per_reason_code: true", "per_reason_code: yes"))
    [(_, message)] = _load_problems(path)
    assert message == (
        "expected true or false, got 'yes'; "
        "write true or false (yes, no, on and off are not booleans here)"
    )


def test_cross_field_problems_are_located(tmp_path: Path):
    path = _policy_file(tmp_path, ("    denominator: ruled_on\n", "    denominator: ruled\n"))
    path.write_text(
        path.read_text()
        .replace("effective_from: 2018-04-15", "effective_from: 2018-04-16")
        .replace("counter_notification_success_rate: {max: 1.5%}", "counter_rate: {max: 1.5%}")
    )
    problems = _load_problems(path)
    lines = {
        "ruled": _line_of(path, "denominator: ruled"),
        "gap": _line_of(path, "effective_from: 2018-04-16"),
        "name": _line_of(path, "counter_rate:"),
    }
    assert [(loc.rsplit(":", 2)[-2], msg) for loc, msg in problems] == [
        (str(lines["ruled"]), "no record set named 'ruled'; did you mean 'ruled_on'?"),
        (
            str(lines["name"]),
            "no rate named 'counter_rate' (the rates: takedown_success_rate, "
            "counter_notification_success_rate)",
        ),
        (
            str(lines["gap"]),
            "periods must follow each other without gap or overlap, in date order: this one "
            "must start on 2018-04-15 (where the previous one ends), not 2018-04-16",
        ),
    ]


def test_a_numerator_must_be_inside_its_denominator(tmp_path: Path):
    path = _policy_file(
        tmp_path,
        (
            "    numerator: taken_down\n    denominator: ruled_on\n",
            "    numerator: taken_down\n    denominator: reinstated_on_counter_notification\n",
        ),
    )
    [(_, message)] = _load_problems(path)
    assert message.startswith(
        "every request counted in the numerator must be counted in the denominator too; "
        "'taken_down' also counts: taken_down with counter_notification failed"
    )


def test_a_policy_built_in_python_raises_on_cross_field_problems():
    data = POLICY.model_dump()
    data["periods"][1]["effective_from"] = date(2018, 4, 16)
    with pytest.raises(ValueError, match=r"periods\.1\.effective_from: periods must follow"):
        GoodFaithPolicy.model_validate(data)


def test_a_missing_file_is_a_ruleset_error(tmp_path: Path):
    with pytest.raises(RulesetError, match="cannot read file"):
        load_good_faith_policy(tmp_path)
