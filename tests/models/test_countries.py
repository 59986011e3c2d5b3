"""countries.py: the codes a right's jurisdiction may name: ISO 3166-1 as the time zone
database lists it, the offices that register rights, and Kosovo."""

from __future__ import annotations

from pathlib import Path

from ipp_rules.models.countries import (
    ISO_COUNTRIES,
    JURISDICTION_CODES,
    OFFICE_CODES,
    USER_ASSIGNED_COUNTRIES,
)


def test_the_codes_are_iso_3166_as_the_time_zone_database_lists_them() -> None:
    listed = Path("/usr/share/zoneinfo/iso3166.tab")
    assert len(ISO_COUNTRIES) == 249
    assert {"CN", "TH", "MY", "ID", "PH", "SG", "VN", "US", "HK", "TW", "MO"} <= ISO_COUNTRIES
    if listed.exists():  # the system copy, where there is one, says the same
        codes = {
            line.split("\t")[0]
            for line in listed.read_text().splitlines()
            if line and not line.startswith("#")
        }
        assert codes == ISO_COUNTRIES


def test_the_offices_that_register_rights() -> None:
    assert {"AP", "BX", "EA", "EM", "EP", "EU", "GC", "OA", "WO"} == OFFICE_CODES
    assert not OFFICE_CODES & ISO_COUNTRIES  # none is a country's code


def test_a_jurisdiction_is_a_country_kosovo_or_an_office() -> None:
    assert {"XK"} == USER_ASSIGNED_COUNTRIES and "XK" not in ISO_COUNTRIES
    assert ISO_COUNTRIES | {"XK"} | OFFICE_CODES == JURISDICTION_CODES
    assert len(JURISDICTION_CODES) == 249 + 1 + 9
    assert not {"UK", "EL", "XX", "cn", ""} & JURISDICTION_CODES  # common mistakes are not codes
