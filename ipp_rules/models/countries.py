"""The country and office codes a right's jurisdiction may name.

ISO 3166-1 alpha-2 (the 249 officially assigned codes, as listed by the IANA time zone
database's ``iso3166.tab``), and the WIPO Standard ST.3 codes of the regional and international
offices that register rights: a trademark of the European Union (``EM``, also written ``EU``),
a European patent (``EP``), a WIPO international registration (``WO``) and so on.
"""

from __future__ import annotations

from typing import Final

__all__ = ["ISO_COUNTRIES", "JURISDICTION_CODES", "OFFICE_CODES", "USER_ASSIGNED_COUNTRIES"]

ISO_COUNTRIES: Final = frozenset(
    """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ
    BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM
    DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS
    GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN
    KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ
    MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM
    PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV
    SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI
    VN VU WF WS YE YT ZA ZM ZW
    """.split()  # noqa: SIM905 - a table of codes reads best as one
)

OFFICE_CODES: Final = frozenset(
    {
        "AP",  # ARIPO, the African Regional Intellectual Property Organization
        "BX",  # the Benelux Office for Intellectual Property
        "EA",  # the Eurasian Patent Organization
        "EM",  # the EUIPO (EU trade marks and designs)
        "EP",  # the European Patent Office
        "EU",  # the European Union, as ISO 3166 reserves it (often written for EUIPO rights)
        "GC",  # the GCC Patent Office
        "OA",  # OAPI, the African Intellectual Property Organization
        "WO",  # WIPO: international registrations (Madrid marks, Hague designs)
    }
)

USER_ASSIGNED_COUNTRIES: Final = frozenset({"XK"})
"""Codes outside ISO 3166-1 in common use for a country: ``XK``, Kosovo (as the European
Commission and the Berne tables use it)."""

JURISDICTION_CODES: Final = ISO_COUNTRIES | USER_ASSIGNED_COUNTRIES | OFFICE_CODES
