"""instants: submission times read from their cached halves, accepting exactly the texts the
history model's AwareTimestamp accepts, as the same instants."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from ipp_rules.goodfaith import instants
from ipp_rules.goodfaith.instants import (
    FAST_FORM,
    HEAD_LENGTH,
    PosixTimes,
    UtcTimes,
    utc_datetime,
)
from ipp_rules.models.complaint import AwareTimestamp
from tests.conftest import examples

MODEL: TypeAdapter[datetime] = TypeAdapter(AwareTimestamp)


def model_utc(value: Any) -> datetime | None:
    """The instant the history model reads, in UTC (as a record keeps it), or None."""
    try:
        return MODEL.validate_python(value).astimezone(UTC)
    except ValidationError:
        return None


def digits(count: int, high: int) -> st.SearchStrategy[str]:
    return st.integers(0, high).map(lambda n: str(n).zfill(count))


# Texts in and around the fast form: every field also out of its range, each separator and
# offset the model or fromisoformat treats differently.
YEARS = st.one_of(
    st.sampled_from(["2026", "1900", "1901", "2998", "2999", "0001", "9999"]), digits(4, 9999)
)
OFFSETS = st.one_of(
    st.sampled_from(["Z", "z", "+08", "+0800", "+08:00:30", " +08:00", "", "+08:00Z", "UTC"]),
    st.builds(lambda s, h, m: f"{s}{h}:{m}", st.sampled_from("+-"), digits(2, 25), digits(2, 61)),
)
TEXTS = st.builds(
    lambda year, month, day, sep, hour, minute, seconds, fraction, offset: (
        f"{year}-{month}-{day}{sep}{hour}:{minute}{seconds}{fraction}{offset}"
    ),
    YEARS,
    digits(2, 13),
    digits(2, 32),
    st.sampled_from(["T", " ", "t", "X"]),
    digits(2, 25),
    digits(2, 61),
    st.one_of(st.just(""), digits(2, 61).map(lambda s: ":" + s)),
    st.one_of(
        st.just(""), st.just("."), st.text("0123456789", min_size=1, max_size=8).map(".{}".format)
    ),
    OFFSETS,
)


@settings(max_examples=examples(1500), deadline=None)
@given(texts=st.lists(TEXTS, min_size=1, max_size=8))
def test_a_time_is_read_as_the_model_reads_it_or_left_to_the_model(texts: list[str]) -> None:
    utc, posix = UtcTimes(), PosixTimes()
    for text in texts * 2:  # the second time round, from the halves learnt
        expected = model_utc(text)
        read = utc.read(text)
        assert read is None or read == expected, text
        seconds = posix.read(text)
        assert seconds is None or (expected is not None and seconds == expected.timestamp())
        if expected is not None and FAST_FORM.fullmatch(text) and "1901" <= text < "2999":
            assert read is not None and seconds is not None, text  # the form is read fast
        head, tail = text[:HEAD_LENGTH], text[HEAD_LENGTH:]
        if head in utc.heads and tail in utc.tails:
            assert utc.heads[head] + utc.tails[tail] == expected, text
        if head in posix.heads and tail in posix.tails:
            assert expected is not None
            assert posix.heads[head] + posix.tails[tail] == expected.timestamp(), text


@pytest.mark.parametrize(
    "text",
    [
        "2026-04-01T10:00:00+08",  # fromisoformat reads these; the model does not
        "2026-04-01T10:00:00+08:00:30",
        "2026-04-01T10:00:00+08:60",
        "2026-04-01T10:00:00 +08:00",
        "2026-04-01T10:00:00.+08:00",
        "2026-04-01X10:00:00+08:00",
        "2026-04-01T10:00:00z",  # the model reads this; fromisoformat does not
        "2026-04-01T10:00:00",  # no offset
        "2026-02-29T10:00:00+08:00",  # no such day
        "1899-12-31T23:00:00Z",  # outside the model's range
        "3000-01-01T00:00:00Z",
        " 2026-04-01T10:00:00+08:00",
    ],
)
def test_a_time_outside_the_fast_form_is_left_to_the_model(text: str) -> None:
    assert UtcTimes().read(text) is None
    assert PosixTimes().read(text) is None


def test_halves_are_learnt_once_and_joined() -> None:
    times = UtcTimes()
    assert times.read("2026-04-01T10:15:00+08:00") == datetime(2026, 4, 1, 2, 15, tzinfo=UTC)
    assert times.read("2026-04-02T09:00:30.25Z") == datetime(
        2026, 4, 2, 9, 0, 30, 250000, tzinfo=UTC
    )
    assert times.heads == {
        "2026-04-01T10": datetime(2026, 4, 1, 10, tzinfo=UTC),
        "2026-04-02T09": datetime(2026, 4, 2, 9, tzinfo=UTC),
    }
    assert times.tails == {
        ":15:00+08:00": timedelta(minutes=15, hours=-8),
        ":00:30.25Z": timedelta(seconds=30.25),
    }
    # A time never seen whole is the sum of halves seen in other times.
    assert times.heads["2026-04-02T09"] + times.tails[":15:00+08:00"] == datetime(
        2026, 4, 2, 1, 15, tzinfo=UTC
    )


def test_posix_seconds_keep_no_tail_with_decimals() -> None:
    times = PosixTimes()
    assert (
        times.read("2026-04-02T09:00:30.25Z")
        == datetime(2026, 4, 2, 9, 0, 30, 250000, tzinfo=UTC).timestamp()
    )
    assert times.tails == {}
    assert (
        times.read("2026-04-02T09:00:30Z") == datetime(2026, 4, 2, 9, 0, 30, tzinfo=UTC).timestamp()
    )
    assert times.tails == {":00:30Z": 30.0}


def test_only_heads_inside_the_range_are_kept() -> None:
    times = UtcTimes()
    assert times.read("1900-01-01T10:00:00+08:00") == datetime(1900, 1, 1, 2, tzinfo=UTC)
    assert times.read("2999-12-31T10:00:00Z") == datetime(2999, 12, 31, 10, tzinfo=UTC)
    assert times.heads == {}  # 1900-01-01T00 with +01:00 would be out of range


def test_the_halves_kept_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(instants, "MAX_HALVES", 3)
    times = UtcTimes()
    for hour in range(10):
        text = f"2026-04-01T{hour:02d}:{hour:02d}:00Z"
        assert times.read(text) == datetime(2026, 4, 1, hour, hour, tzinfo=UTC)
    assert (len(times.heads), len(times.tails)) == (3, 3)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (
            datetime(2026, 4, 1, 10, tzinfo=ZoneInfo("Asia/Shanghai")),
            datetime(2026, 4, 1, 2, tzinfo=UTC),
        ),
        (
            datetime(2026, 4, 1, 10, tzinfo=timezone(timedelta(hours=-3))),
            datetime(2026, 4, 1, 13, tzinfo=UTC),
        ),
        (datetime(2026, 4, 1, 10, tzinfo=UTC), datetime(2026, 4, 1, 10, tzinfo=UTC)),
        (datetime(2026, 4, 1, 10), None),  # naive: the model words it
        (datetime(1899, 12, 31, 23, tzinfo=UTC), None),  # out of range
        ("2026-04-01T10:00:00Z", None),  # text is read by the halves
    ],
)
def test_a_datetime_is_taken_as_the_model_takes_it(value: Any, expected: datetime | None) -> None:
    assert utc_datetime(value) == expected
    if expected is not None:
        assert model_utc(value) == expected
