"""The complaint models: what a valid document becomes, and every way a document is refused."""

from __future__ import annotations

import copy
import json
from datetime import date, timedelta
from typing import Any

import pytest
from pydantic import ValidationError

from ipp_rules.errors import ComplaintError
from ipp_rules.models import (
    COMPLAINT_SCHEMA_ID,
    BasicDocument,
    ComparisonImageEvidence,
    Complaint,
    DescriptionEvidence,
    PatentEvaluationReport,
    PatentRight,
    Reason,
    TestBuyReportEvidence,
    TrademarkRight,
    Translation,
    complaint_json_schema,
)
from ipp_rules.models.intake import load_complaint
from ipp_rules.problems import Problem
from ipp_rules.text.scalars import PlainFloat, PlainInt


def refused(data: Any) -> list[Problem]:
    with pytest.raises(ComplaintError) as caught:
        load_complaint(data)
    return list(caught.value.problems)


def only(data: Any) -> Problem:
    problems = refused(data)
    assert len(problems) == 1, problems
    return problems[0]


# ---------------------------------------------------------------------------------------------
# Valid documents


def test_lazada_trademark_complaint_becomes_typed_model(
    lazada_th_trademark: dict[str, Any],
) -> None:
    complaint = load_complaint(lazada_th_trademark)

    assert complaint.platform == "lazada"
    assert complaint.country == "TH"
    assert complaint.submitted_at.utcoffset() == timedelta(hours=7)
    assert complaint.submitted_at.hour == 10
    assert complaint.complainant.identity_verified is True
    assert complaint.complainant.good_faith_member is False
    assert complaint.complainant.authorization is None
    right = complaint.right
    assert isinstance(right, TrademarkRight)
    assert right.nice_classes == (25,)
    assert right.valid_from == date(2018, 1, 10)
    assert right.valid_until == date(2028, 1, 9)
    assert right.documents == (
        BasicDocument(kind="registration_certificate"),
        Translation(kind="translation", language="en"),
    )
    assert [listing.nice_class for listing in complaint.listings] == [25, 25]
    assert complaint.listings[1].category == "Men's Clothing > Polo Shirts"
    assert isinstance(complaint.evidence[0], DescriptionEvidence)
    assert complaint.evidence[1] == ComparisonImageEvidence(
        kind="comparison_image", reference="comparison-polo-2026-03.pdf"
    )


def test_taobao_agent_complaint_becomes_typed_model(taobao_agent: dict[str, Any]) -> None:
    complaint = load_complaint(taobao_agent)

    assert complaint.platform == "taobao"
    assert complaint.country is None
    authorization = complaint.complainant.authorization
    assert authorization is not None
    assert authorization.rights == ("CN-UM-2019-01",)
    assert authorization.valid_until == date(2027, 5, 31)
    right = complaint.right
    assert isinstance(right, PatentRight)
    assert right.patent_kind == "utility_model"
    assert right.filed_on == date(2019, 3, 18)
    assert right.documents[1] == PatentEvaluationReport(
        kind="patent_evaluation_report", conclusion="positive"
    )
    report = complaint.evidence[1]
    assert isinstance(report, TestBuyReportEvidence)
    assert report.order_number == "3190045512345678"


def test_defaults_fill_what_the_document_leaves_out(lazada_th_trademark: dict[str, Any]) -> None:
    data = lazada_th_trademark
    for key in ("designations", "similar_groups", "documents", "language", "valid_from"):
        del data["right"][key]
    del data["evidence"]
    data["listings"] = []

    complaint = load_complaint(data)

    assert complaint.evidence == ()
    assert complaint.listings == ()
    assert isinstance(complaint.right, TrademarkRight)
    assert complaint.right.designations == ()
    assert complaint.right.similar_groups == ()
    assert complaint.right.documents == ()
    assert complaint.right.language is None


def test_copyright_is_registered_unless_said_otherwise(lazada_th_trademark: dict[str, Any]) -> None:
    right = lazada_th_trademark["right"]
    for key in ("nice_classes", "similar_groups"):
        del right[key]
    right["type"] = "copyright"

    assert load_complaint(lazada_th_trademark).right.registered is True  # type: ignore[union-attr]
    right["registered"] = False
    assert load_complaint(lazada_th_trademark).right.registered is False  # type: ignore[union-attr]


def test_design_right_for_lazada(lazada_th_trademark: dict[str, Any]) -> None:
    right = lazada_th_trademark["right"]
    for key in ("nice_classes", "similar_groups"):
        del right[key]
    right.update(type="design", filed_on="2020-05-04")
    lazada_th_trademark["reason"] = "design_infringement"

    complaint = load_complaint(lazada_th_trademark)

    assert complaint.right.type == "design"
    assert complaint.right.filed_on == date(2020, 5, 4)


def test_wipo_registration_with_designations(lazada_th_trademark: dict[str, Any]) -> None:
    lazada_th_trademark["right"].update(jurisdiction="WO", designations=["TH", "CN"])
    lazada_th_trademark["right"]["documents"].append(
        {"kind": "territorial_extension_certificate", "country": "CN"}
    )

    right = load_complaint(lazada_th_trademark).right

    assert right.designations == ("TH", "CN")
    assert right.documents[-1].country == "CN"  # type: ignore[union-attr]


def test_an_agent_without_authorization_is_a_valid_document(
    taobao_agent: dict[str, Any],
) -> None:
    del taobao_agent["complainant"]["authorization"]

    complaint = load_complaint(taobao_agent)

    assert complaint.complainant.role == "authorized_agent"
    assert complaint.complainant.authorization is None


def test_more_listings_than_the_business_limit_are_still_a_valid_document(
    lazada_th_trademark: dict[str, Any],
) -> None:
    url = "https://www.lazada.co.th/products/x-i{n}-s1.html"
    lazada_th_trademark["listings"] = [{"url": url.format(n=n)} for n in range(301)]

    assert len(load_complaint(lazada_th_trademark).listings) == 301

    lazada_th_trademark["listings"] = [{"url": url.format(n=n)} for n in range(5001)]
    problem = only(lazada_th_trademark)
    assert (problem.location, problem.code) == ("listings", "too_long")
    assert problem.message == "expected at most 5000 items, got 5001 items"


def test_listing_url_is_not_judged_by_the_model(lazada_th_trademark: dict[str, Any]) -> None:
    spoofed = "https://www.lazada.co.th.evil.example/products/x-i1-s1.html"
    lazada_th_trademark["listings"] = [{"url": spoofed}, {"url": "not a url at all"}]

    complaint = load_complaint(lazada_th_trademark)

    assert [listing.url for listing in complaint.listings] == [spoofed, "not a url at all"]


def test_load_complaint_returns_a_model_unchanged(lazada_th_trademark: dict[str, Any]) -> None:
    complaint = load_complaint(lazada_th_trademark)
    assert load_complaint(complaint) is complaint


def test_model_is_immutable_and_hashable(lazada_th_trademark: dict[str, Any]) -> None:
    complaint = load_complaint(lazada_th_trademark)

    with pytest.raises(ValidationError):
        complaint.reason = Reason.TEST_BUY  # type: ignore[misc]
    assert hash(complaint) == hash(load_complaint(copy.deepcopy(lazada_th_trademark)))


def test_json_round_trip_gives_the_same_model(
    lazada_th_trademark: dict[str, Any], taobao_agent: dict[str, Any]
) -> None:
    for data in (lazada_th_trademark, taobao_agent):
        complaint = load_complaint(data)
        assert Complaint.model_validate_json(complaint.model_dump_json()) == complaint
        assert load_complaint(complaint.model_dump(mode="json")) == complaint


# ---------------------------------------------------------------------------------------------
# Several problems at once


def test_every_problem_is_reported_at_once_with_its_path(
    lazada_th_trademark: dict[str, Any],
) -> None:
    data = lazada_th_trademark
    data["channel"] = "fax"
    data["complainant"]["identity_verified"] = "yes"
    del data["complainant"]["role"]
    data["right"]["nice_classes"] = [25, 46]
    data["listings"][1]["url"] = ""
    data["listings"][1]["nice_class"] = "25"
    data["evidence"][0]["txt"] = data["evidence"][0].pop("text")

    problems = refused(data)

    assert [(p.location, p.code) for p in problems] == [
        ("channel", "enum"),
        ("complainant.role", "missing"),
        ("complainant.identity_verified", "bool_type"),
        ("right.nice_classes[1]", "less_than_equal"),
        ("listings[1].url", "string_too_short"),
        ("listings[1].nice_class", "int_type"),
        ("evidence[0].text", "missing"),
        ("evidence[0].txt", "extra_forbidden"),
    ]
    assert problems[1].message == (
        "missing required field 'role': expected one of rights_holder, authorized_agent"
    )
    assert problems[3].message == "expected a number of at most 45, got 46"
    assert problems[4].message == "expected text, got an empty string"


def test_error_text_lists_every_problem(lazada_th_trademark: dict[str, Any]) -> None:
    lazada_th_trademark["reason"] = "counterfit"
    lazada_th_trademark["listings"][0]["nice_class"] = 0

    with pytest.raises(ComplaintError) as caught:
        load_complaint(lazada_th_trademark)

    text = str(caught.value)
    assert text.splitlines()[0] == "invalid complaint document (2 problems)"
    assert "  reason: expected one of counterfeit, " in text
    assert "; did you mean 'counterfeit'?" in text
    assert "  listings[0].nice_class: expected a number of at least 1, got 0" in text


# ---------------------------------------------------------------------------------------------
# Single rules


def test_naive_submission_time_needs_an_offset(lazada_th_trademark: dict[str, Any]) -> None:
    lazada_th_trademark["submitted_at"] = "2026-03-02T10:15:00"

    problem = only(lazada_th_trademark)

    assert (problem.location, problem.code) == ("submitted_at", "timezone_aware")
    assert problem.message == (
        "expected an ISO-8601 date and time with a UTC offset, like 2026-03-02T10:15:00+07:00, "
        "got '2026-03-02T10:15:00' without one: an offset is required"
    )


@pytest.mark.parametrize("given", [1772421300, "1772421300", "2026-03-02", True])
def test_submission_time_is_iso_text_not_a_timestamp(
    lazada_th_trademark: dict[str, Any], given: Any
) -> None:
    lazada_th_trademark["submitted_at"] = given

    problem = only(lazada_th_trademark)

    assert problem.location == "submitted_at"
    assert problem.code in ("datetime_type", "datetime_parsing")


@pytest.mark.parametrize(
    ("given", "code"),
    [
        (20180110, "date_type"),
        ("2018-01-10T00:00:00", "date_parsing"),
        ("10/01/2018", "date_parsing"),
        ("2018-02-30", "date_from_datetime_parsing"),
    ],
)
def test_dates_are_written_year_month_day(
    lazada_th_trademark: dict[str, Any], given: Any, code: str
) -> None:
    lazada_th_trademark["right"]["valid_from"] = given

    problem = only(lazada_th_trademark)

    assert (problem.location, problem.code) == ("right.valid_from", code)
    assert problem.message.startswith("expected a date written YYYY-MM-DD, like 2026-03-02, got ")


def test_unknown_enum_value_lists_the_allowed_values(lazada_th_trademark: dict[str, Any]) -> None:
    lazada_th_trademark["channel"] = "fax"

    problem = only(lazada_th_trademark)

    assert (problem.location, problem.code) == ("channel", "enum")
    assert problem.message == "expected one of ipp_account, online_form, email, got 'fax'"


@pytest.mark.parametrize(
    ("field", "item"),
    [
        ("text", {"kind": "description", "text": " \t\n "}),
        ("order_number", {"kind": "test_buy_report", "order_number": "   "}),
        ("reference", {"kind": "seller_admission", "reference": "  "}),
    ],
)
def test_blank_text_is_not_evidence(
    lazada_th_trademark: dict[str, Any], field: str, item: dict[str, Any]
) -> None:
    lazada_th_trademark["evidence"] = [{"kind": "description", "text": "Label differs."}, item]

    problem = only(lazada_th_trademark)

    assert (problem.location, problem.code) == (f"evidence[1].{field}", "string_pattern_mismatch")
    assert problem.message.startswith("expected text that is not blank, got ")


def test_text_with_surrounding_blanks_is_kept(lazada_th_trademark: dict[str, Any]) -> None:
    lazada_th_trademark["evidence"] = [{"kind": "description", "text": "  Label differs. "}]

    assert load_complaint(lazada_th_trademark).evidence[0].text == "  Label differs. "  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "moment",
    ["9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+14:00", "1899-12-31T23:59:59Z"],
)
def test_a_submission_time_far_from_today_is_refused(
    lazada_th_trademark: dict[str, Any], moment: str
) -> None:
    lazada_th_trademark["submitted_at"] = moment

    problem = only(lazada_th_trademark)

    assert (problem.location, problem.code) == ("submitted_at", "datetime_out_of_range")
    assert problem.message.startswith("expected a time from 1900-01-01 to 2999-12-31 in UTC, got ")


@pytest.mark.parametrize(
    ("field", "value", "location"),
    [
        ("jurisdiction", "ZZ", "right.jurisdiction"),
        ("designations", ["TH", "XX"], "right.designations[1]"),
    ],
)
def test_a_code_no_country_or_office_has_is_refused(
    lazada_th_trademark: dict[str, Any], field: str, value: Any, location: str
) -> None:
    if field == "designations":
        lazada_th_trademark["right"]["jurisdiction"] = "WO"
    lazada_th_trademark["right"][field] = value

    problem = only(lazada_th_trademark)

    assert (problem.location, problem.code) == (location, "country_unknown")
    assert problem.message.startswith("expected an ISO 3166-1 country code, or the WIPO code")


@pytest.mark.parametrize("code", ["WO", "EM", "EU", "EP", "GB", "HK", "TW", "MO", "XK"])
def test_offices_and_territories_are_known_codes(
    lazada_th_trademark: dict[str, Any], code: str
) -> None:
    lazada_th_trademark["right"]["jurisdiction"] = code
    lazada_th_trademark["right"]["designations"] = ["TH"] if code == "WO" else []

    assert load_complaint(lazada_th_trademark).right.jurisdiction == code


@pytest.mark.parametrize("group", ["9999", "4601", "0001", "25071"])
def test_a_group_names_a_class_from_01_to_45(
    lazada_th_trademark: dict[str, Any], group: str
) -> None:
    lazada_th_trademark["listings"][0]["similar_group"] = group
    lazada_th_trademark["listings"][0].pop("nice_class", None)

    problem = only(lazada_th_trademark)

    assert (problem.location, problem.code) == (
        "listings[0].similar_group",
        "string_pattern_mismatch",
    )


def test_a_listing_group_belongs_to_its_class(lazada_th_trademark: dict[str, Any]) -> None:
    lazada_th_trademark["listings"][0].update(nice_class=18, similar_group="2507")

    problem = only(lazada_th_trademark)

    assert (problem.location, problem.code) == (
        "listings[0].similar_group",
        "group_outside_classes",
    )
    assert problem.message == (
        "expected a group of the listing's class 18, got 2507 (class 25): a group's first two "
        "digits are its class"
    )


def test_a_marks_groups_belong_to_its_classes(lazada_th_trademark: dict[str, Any]) -> None:
    lazada_th_trademark["right"]["nice_classes"] = [25]
    lazada_th_trademark["right"]["similar_groups"] = ["2507", "1802"]

    problem = only(lazada_th_trademark)

    assert (problem.location, problem.code) == ("right.similar_groups", "group_outside_classes")
    assert "got 1802" in problem.message


def test_lazada_needs_a_country(lazada_th_trademark: dict[str, Any]) -> None:
    del lazada_th_trademark["country"]

    problem = only(lazada_th_trademark)

    assert (problem.location, problem.code) == ("country", "country_required")
    assert problem.message == (
        "expected a country for a lazada complaint (one of ID, MY, PH, SG, TH, VN), got none"
    )


def test_lazada_country_must_be_a_lazada_country(lazada_th_trademark: dict[str, Any]) -> None:
    lazada_th_trademark["country"] = "CN"

    problem = only(lazada_th_trademark)

    assert (problem.location, problem.code) == ("country", "enum")
    assert problem.message == "expected one of ID, MY, PH, SG, TH, VN, got 'CN'"


def test_taobao_has_no_country(taobao_agent: dict[str, Any]) -> None:
    taobao_agent["country"] = "TH"

    problem = only(taobao_agent)

    assert (problem.location, problem.code) == ("country", "country_not_allowed")
    assert problem.message == ("expected no country, since taobao has no country platforms, got TH")


def test_designations_need_a_wipo_registration(lazada_th_trademark: dict[str, Any]) -> None:
    lazada_th_trademark["right"]["designations"] = ["TH"]

    problem = only(lazada_th_trademark)

    assert (problem.location, problem.code) == ("right.designations", "designations_without_wo")
    assert "got 1 with jurisdiction TH" in problem.message


def test_jurisdiction_is_an_upper_case_country_code(lazada_th_trademark: dict[str, Any]) -> None:
    lazada_th_trademark["right"]["jurisdiction"] = "th"
    lazada_th_trademark["right"]["language"] = "TH"

    problems = refused(lazada_th_trademark)

    assert [(p.location, p.code) for p in problems] == [
        ("right.jurisdiction", "string_pattern_mismatch"),
        ("right.language", "string_pattern_mismatch"),
    ]
    assert problems[0].message == (
        "expected a two-letter upper-case country code (ISO 3166-1 alpha-2, or WO), got 'th'"
    )


def test_validity_cannot_end_before_it_starts(taobao_agent: dict[str, Any]) -> None:
    taobao_agent["right"]["valid_until"] = "2019-03-17"
    taobao_agent["complainant"]["authorization"]["valid_until"] = "2025-05-31"

    problems = refused(taobao_agent)

    assert [(p.location, p.code) for p in problems] == [
        ("complainant.authorization.valid_until", "date_order"),
        ("right.valid_until", "date_order"),
    ]
    assert problems[1].message == (
        "expected a date on or after valid_from (2019-03-18), got 2019-03-17"
    )


def test_repeated_values_are_refused_where_the_repeat_is(
    lazada_th_trademark: dict[str, Any],
) -> None:
    lazada_th_trademark["right"]["nice_classes"] = [25, 18, 25]
    lazada_th_trademark["right"]["similar_groups"] = ["2501", "2501"]

    problems = refused(lazada_th_trademark)

    assert [(p.location, p.code) for p in problems] == [
        ("right.nice_classes[2]", "duplicate_item"),
        ("right.similar_groups[1]", "duplicate_item"),
    ]
    assert problems[0].message == "expected each value once, got 25 again (first at position 0)"


def test_a_refused_item_does_not_also_make_its_list_too_short(
    lazada_th_trademark: dict[str, Any],
) -> None:
    lazada_th_trademark["right"]["nice_classes"] = [0]

    problem = only(lazada_th_trademark)

    assert (problem.location, problem.code) == ("right.nice_classes[0]", "greater_than_equal")


def test_a_trademark_covers_at_least_one_class(lazada_th_trademark: dict[str, Any]) -> None:
    lazada_th_trademark["right"]["nice_classes"] = []

    problem = only(lazada_th_trademark)

    assert (problem.location, problem.code) == ("right.nice_classes", "too_short")
    assert problem.message == "expected at least 1 item, got none"


def test_extra_key_gets_a_suggestion(lazada_th_trademark: dict[str, Any]) -> None:
    lazada_th_trademark["listings"][0]["urll"] = "https://example.com"
    lazada_th_trademark["right"]["nice_class"] = [25]

    problems = refused(lazada_th_trademark)

    assert [(p.location, p.code) for p in problems] == [
        ("right.nice_class", "extra_forbidden"),
        ("listings[0].urll", "extra_forbidden"),
    ]
    assert "; did you mean 'nice_classes'? (allowed here: " in problems[0].message
    assert problems[1].message == (
        "unknown field 'urll'; did you mean 'url'? "
        "(allowed here: url, nice_class, similar_group, category)"
    )


def test_extra_key_far_from_any_field_gets_no_suggestion(
    lazada_th_trademark: dict[str, Any],
) -> None:
    lazada_th_trademark["priority"] = "high"

    problem = only(lazada_th_trademark)

    assert problem.location == "priority"
    assert "did you mean" not in problem.message


@pytest.mark.parametrize("word", ["yes", "No", "ON", "off", "y", "N"])
def test_yaml_11_boolean_words_are_not_booleans(
    lazada_th_trademark: dict[str, Any], word: str
) -> None:
    lazada_th_trademark["complainant"]["identity_verified"] = word

    problem = only(lazada_th_trademark)

    assert (problem.location, problem.code) == ("complainant.identity_verified", "bool_type")
    assert problem.message.startswith(f"expected true or false, got {word!r}; write true or false")


@pytest.mark.parametrize("given", ["true", 1, 0, None])
def test_booleans_are_strict(lazada_th_trademark: dict[str, Any], given: Any) -> None:
    lazada_th_trademark["complainant"]["identity_verified"] = given

    problem = only(lazada_th_trademark)

    assert problem.location == "complainant.identity_verified"
    assert problem.code == "bool_type"


@pytest.mark.parametrize("given", ["25", True, 25.0])
def test_integers_are_strict(lazada_th_trademark: dict[str, Any], given: Any) -> None:
    lazada_th_trademark["listings"][0]["nice_class"] = given

    problem = only(lazada_th_trademark)

    assert (problem.location, problem.code) == ("listings[0].nice_class", "int_type")


def test_quoted_number_gets_a_hint(lazada_th_trademark: dict[str, Any]) -> None:
    lazada_th_trademark["listings"][0]["nice_class"] = "25"

    assert only(lazada_th_trademark).message == (
        "expected a whole number, got '25'; write the number without quotes"
    )


def test_plain_yaml_numbers_are_text_where_text_is_expected(
    lazada_th_trademark: dict[str, Any],
) -> None:
    data = lazada_th_trademark
    data["platform"] = PlainInt("1688")
    del data["country"]
    data["right"]["id"] = PlainInt("0042")
    data["right"]["registration_number"] = PlainInt("00181100123")
    data["right"]["nice_classes"] = [3, 25]
    data["right"]["similar_groups"] = [PlainInt("0304"), PlainInt("2507")]
    data["listings"][0]["nice_class"] = 3
    data["listings"][0]["similar_group"] = PlainInt("0304")
    data["listings"][1]["category"] = PlainFloat("3.10")

    complaint = load_complaint(data)

    assert complaint.platform == "1688"
    right = complaint.right
    assert isinstance(right, TrademarkRight)
    assert right.id == "0042"
    assert right.registration_number == "00181100123"
    assert right.similar_groups == ("0304", "2507")
    assert complaint.listings[0].similar_group == "0304"
    assert complaint.listings[1].category == "3.10"


def test_plain_yaml_number_passes_an_integer_field(lazada_th_trademark: dict[str, Any]) -> None:
    lazada_th_trademark["right"]["nice_classes"] = [PlainInt("25"), PlainInt("018")]
    lazada_th_trademark["listings"][0]["nice_class"] = PlainInt("25")

    complaint = load_complaint(lazada_th_trademark)

    assert complaint.right.nice_classes == (25, 18)  # type: ignore[union-attr]
    assert type(complaint.listings[0].nice_class) is int


def test_a_json_number_is_not_text(lazada_th_trademark: dict[str, Any]) -> None:
    lazada_th_trademark["right"]["registration_number"] = 181100123
    lazada_th_trademark["platform"] = 1688
    del lazada_th_trademark["country"]

    problems = refused(lazada_th_trademark)

    assert [(p.location, p.code) for p in problems] == [
        ("platform", "enum"),
        ("right.registration_number", "string_type"),
    ]
    assert problems[0].message.endswith("got 1688; write it in quotes: '1688'")


def test_unknown_right_type_is_reported_at_right_type(
    lazada_th_trademark: dict[str, Any],
) -> None:
    lazada_th_trademark["right"]["type"] = "trade_secret"

    problem = only(lazada_th_trademark)

    assert (problem.location, problem.code) == ("right.type", "union_tag_invalid")
    assert problem.message == (
        "expected one of trademark, copyright, patent, design, got 'trade_secret'"
    )


def test_missing_right_type_is_reported_at_right_type(
    lazada_th_trademark: dict[str, Any],
) -> None:
    del lazada_th_trademark["right"]["type"]

    problem = only(lazada_th_trademark)

    assert (problem.location, problem.code) == ("right.type", "union_tag_not_found")
    assert problem.message == (
        "missing required field 'type': expected one of trademark, copyright, patent, design"
    )


def test_a_missing_right_says_what_a_right_looks_like(
    lazada_th_trademark: dict[str, Any],
) -> None:
    del lazada_th_trademark["right"]

    problem = only(lazada_th_trademark)

    assert (problem.location, problem.code) == ("right", "missing")
    assert problem.message == (
        "missing required field 'right': expected an object of fields whose type is one of "
        "trademark, copyright, patent, design"
    )


def test_unknown_kinds_in_lists_are_reported_at_their_kind(
    lazada_th_trademark: dict[str, Any],
) -> None:
    lazada_th_trademark["right"]["documents"][1] = {"kind": "notarisation"}
    lazada_th_trademark["evidence"][1] = {"kind": "video"}

    problems = refused(lazada_th_trademark)

    assert [(p.location, p.code) for p in problems] == [
        ("right.documents[1].kind", "union_tag_invalid"),
        ("evidence[1].kind", "union_tag_invalid"),
    ]


def test_fields_of_a_union_member_have_paths_without_the_tag(
    taobao_agent: dict[str, Any],
) -> None:
    del taobao_agent["right"]["patent_kind"]
    taobao_agent["right"]["documents"][1]["conclusion"] = "favourable"
    del taobao_agent["evidence"][1]["order_number"]

    problems = refused(taobao_agent)

    assert [(p.location, p.code) for p in problems] == [
        ("right.documents[1].conclusion", "enum"),
        ("right.patent_kind", "missing"),
        ("evidence[1].order_number", "missing"),
    ]


def test_text_is_bounded(lazada_th_trademark: dict[str, Any]) -> None:
    lazada_th_trademark["listings"][0]["url"] = "https://www.lazada.co.th/" + "a" * 2048
    lazada_th_trademark["evidence"][0]["text"] = "x" * 10_001
    lazada_th_trademark["right"]["id"] = "T" * 65

    problems = refused(lazada_th_trademark)

    assert [(p.location, p.code, p.message) for p in problems] == [
        ("right.id", "string_too_long", "expected at most 64 characters, got 65"),
        ("listings[0].url", "string_too_long", "expected at most 2048 characters, got 2073"),
        ("evidence[0].text", "string_too_long", "expected at most 10000 characters, got 10001"),
    ]


def test_field_names_must_be_text(lazada_th_trademark: dict[str, Any]) -> None:
    lazada_th_trademark["complainant"][7] = "seven"

    problem = only(lazada_th_trademark)

    assert (problem.location, problem.code) == ("complainant", "invalid_key")
    assert problem.message == "expected field names to be text, got 7"


def test_bytes_are_not_text(lazada_th_trademark: dict[str, Any]) -> None:
    lazada_th_trademark["right"]["id"] = b"TM-1"

    problem = only(lazada_th_trademark)

    assert (problem.location, problem.code) == ("right.id", "string_type")


def test_not_an_object_at_all() -> None:
    problem = only(["platform", "taobao"])

    assert (problem.location, problem.code) == ("", "model_type")
    assert problem.message == "expected an object of fields, got a list"


def test_model_validate_reports_raw_pydantic_errors(lazada_th_trademark: dict[str, Any]) -> None:
    lazada_th_trademark["right"]["type"] = "trade_secret"

    with pytest.raises(ValidationError) as caught:
        Complaint.model_validate(lazada_th_trademark)

    assert caught.value.errors()[0]["type"] == "union_tag_invalid"


# ---------------------------------------------------------------------------------------------
# JSON Schema


def test_json_schema_describes_the_document() -> None:
    schema = complaint_json_schema()

    assert schema["$id"] == COMPLAINT_SCHEMA_ID
    assert schema["title"] == "IPP complaint document (v1)"
    assert schema["additionalProperties"] is False
    assert set(schema["required"]) == {
        "platform",
        "submitted_at",
        "channel",
        "complaint_type",
        "reason",
        "complainant",
        "right",
        "listings",
    }
    right = schema["properties"]["right"]
    assert right["discriminator"]["propertyName"] == "type"
    assert set(right["discriminator"]["mapping"]) == {"trademark", "copyright", "patent", "design"}
    assert schema["properties"]["platform"]["enum"] == [
        "taobao",
        "tmall",
        "tmall_global",
        "1688",
        "aliexpress",
        "alibaba_com",
        "lazada",
    ]
    trademark = schema["$defs"]["TrademarkRight"]["properties"]
    assert trademark["nice_classes"]["items"] == {"maximum": 45, "minimum": 1, "type": "integer"}
    assert schema["properties"]["submitted_at"]["format"] == "date-time"


def test_json_schema_references_all_resolve() -> None:
    schema = complaint_json_schema()
    text = json.dumps(schema)

    refs = {part.split('"')[0] for part in text.split('"$ref": "#/$defs/')[1:]}

    assert refs
    assert refs <= set(schema["$defs"])


def test_a_key_named_like_a_union_member_is_still_a_key(taobao_document: dict[str, Any]) -> None:
    # pydantic names the union member in its locations (evidence.0.description...); a key of
    # the same name in the document must neither take its place nor hide the real problem.
    taobao_document["evidence"][0]["description"] = 1
    taobao_document["evidence"][0]["text"] = 5
    problems = refused(taobao_document)
    assert [(p.location, p.code) for p in problems] == [
        ("evidence[0].text", "string_type"),
        ("evidence[0].description", "extra_forbidden"),
    ]
    assert problems[1].message == "unknown field 'description' (allowed here: kind, text)"


def test_a_key_written_like_pydantic_s_key_marker_is_a_key(taobao_document: dict[str, Any]):
    taobao_document["right"]["[key]"] = "x"
    taobao_document[7] = "x"
    problems = refused(taobao_document)
    assert [(p.location, p.message.split(" (")[0]) for p in problems] == [
        ("right.[key]", "unknown field '[key]'"),
        ("", "expected field names to be text, got 7"),
    ]
