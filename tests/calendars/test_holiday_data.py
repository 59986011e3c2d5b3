"""holiday_data.py: calendar names, which categories close a day, and the one place the
``holidays`` package is read (populated for the years asked only, in English, errors named
after the calendar)."""

from __future__ import annotations

from datetime import date

import pytest

from ipp_rules.calendars.holiday_data import (
    CalendarConfigError,
    calendar_name,
    closing_categories,
    estimated_marker,
    load_holidays,
    marker_categories,
)
from ipp_rules.policies.base import CalendarSpec


@pytest.mark.parametrize(
    ("spec", "name"),
    [
        (CalendarSpec("CN"), "CN"),
        (CalendarSpec("MY", "14"), "MY-14"),
        (CalendarSpec("ID", categories=("public", "government")), "ID+government"),
        (CalendarSpec("PH", categories=("public", "workday")), "PH+workday"),
        (CalendarSpec("AE", weekend=(5, 4, 4)), "AE/weekend=4,5"),
    ],
)
def test_calendar_names(spec: CalendarSpec, name: str) -> None:
    assert calendar_name(spec) == name


def test_only_closing_categories_close_a_day_and_the_others_only_name_it() -> None:
    philippines = CalendarSpec("PH", categories=("public", "workday", "workday"))
    assert closing_categories(philippines) == ("public",)
    assert marker_categories(philippines) == ("workday",)
    china = CalendarSpec("CN", categories=("public", "half_day", "public"))
    assert closing_categories(china) == ("public",)
    assert marker_categories(china) == ("half_day",)
    leave = CalendarSpec("ID", categories=("public", "government"))
    assert closing_categories(leave) == ("public", "government")
    assert marker_categories(leave) == ()


def test_a_calendar_starts_from_the_public_holidays() -> None:
    with pytest.raises(CalendarConfigError) as raised:
        closing_categories(CalendarSpec("ID", categories=("government",)))
    assert str(raised.value) == (
        "calendar ID+government: categories ['government'] lack 'public'; "
        "a business-day calendar starts from the public holidays"
    )


def test_holidays_are_read_for_the_years_asked_in_english() -> None:
    data = load_holidays(CalendarSpec("CN"), [2026], ("public",))
    assert data.years == {2026}
    assert data.expand is False
    assert data.get(date(2026, 1, 1)) == "New Year's Day"
    assert date(2025, 1, 1) not in data  # never expanded to a year not asked for
    assert data.years == {2026}


@pytest.mark.parametrize(
    ("spec", "years", "categories", "message"),
    [
        (CalendarSpec("XX"), [2026], ("public",), "calendar XX: Country XX not available"),
        (
            CalendarSpec("MY", "ZZ"),
            [2026],
            ("public",),
            "calendar MY-ZZ: Entity `MY` does not have subdivision ZZ",
        ),
        (
            CalendarSpec("CN"),
            [2026],
            ("public", "bank"),
            "calendar CN: CN has no holiday categories ['bank']; it has ['public', 'half_day']",
        ),
        (
            CalendarSpec("CN"),
            [1900, 1901],
            ("public",),
            "calendar CN: years 1900..1901 are outside the holidays data for CN (1950..2100)",
        ),
    ],
    ids=["country", "subdivision", "category", "years"],
)
def test_what_the_data_cannot_give_is_a_config_error(
    spec: CalendarSpec, years: list[int], categories: tuple[str, ...], message: str
) -> None:
    with pytest.raises(CalendarConfigError) as raised:
        load_holidays(spec, years, categories)
    assert str(raised.value) == message


class _Source:
    """The two attributes of a ``holidays`` object that name an estimated date."""

    def __init__(self, label: object) -> None:
        self.estimated_label = label

    def tr(self, text: str) -> str:
        return text


def test_the_estimated_marker_is_the_label_without_its_placeholder() -> None:
    china = load_holidays(CalendarSpec("CN"), [2026], ("public",))
    assert estimated_marker(china) == "estimated"
    assert estimated_marker(_Source("%s (estimated)")) == "estimated"  # type: ignore[arg-type]
    assert estimated_marker(_Source("%s\uff08估计\uff09")) == "估计"  # type: ignore[arg-type]
    assert estimated_marker(_Source("")) is None  # type: ignore[arg-type]
    assert estimated_marker(_Source(None)) is None  # type: ignore[arg-type]
    assert estimated_marker(_Source("%s ()")) is None  # type: ignore[arg-type]
