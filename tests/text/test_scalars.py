"""scalars.py: numbers written as plain YAML scalars keep the text they were written as, so a
text field gets exactly what was typed and a number field still gets a number."""

from __future__ import annotations

import copy
import pickle

import pytest

from ipp_rules.text.scalars import PlainFloat, PlainInt, source_text


def test_a_plain_int_is_its_number_and_keeps_its_text() -> None:
    group = PlainInt("0304")
    assert group == 304 and isinstance(group, int)
    assert group.text == "0304"
    assert str(group) == "304"
    assert type(group + 1) is int and group + 1 == 305
    negative = PlainInt("-12")
    assert (negative, negative.text) == (-12, "-12")


def test_a_plain_int_is_read_in_base_10_only() -> None:
    assert PlainInt("0010") == 10
    with pytest.raises(ValueError):
        PlainInt("0x10")


def test_a_plain_float_is_its_number_and_keeps_its_text() -> None:
    version = PlainFloat("3.10")
    assert version == 3.1 and isinstance(version, float)
    assert version.text == "3.10"
    assert str(version) == "3.1"
    assert (PlainFloat("1e3"), PlainFloat("1e3").text) == (1000.0, "1e3")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (PlainInt("1688"), "1688"),
        (PlainInt("0042"), "0042"),
        (PlainFloat("3.10"), "3.10"),
        (1688, 1688),  # a number that was not read from YAML stays a number
        (3.1, 3.1),
        (True, True),
        ("text", "text"),
        (None, None),
    ],
    ids=["int", "leading_zero", "float", "python_int", "python_float", "bool", "text", "none"],
)
def test_source_text_gives_a_plain_number_as_written(value: object, expected: object) -> None:
    result = source_text(value)
    assert result == expected and type(result) is type(expected)


def test_plain_numbers_survive_pickling_and_copying_with_their_text() -> None:
    # A bundle's tables hold them; an engine sent to another process carries them along.
    for number in (PlainInt("0304"), PlainFloat("1.50")):
        for copied in (pickle.loads(pickle.dumps(number)), copy.deepcopy(number)):
            assert type(copied) is type(number)
            assert copied == number
            assert copied.text == number.text
