"""Complaint documents as plain data, the way another service sends them."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def lazada_th_trademark() -> dict[str, Any]:
    """A Thai brand owner reports counterfeit shirts on Lazada Thailand under its Thai mark."""
    return {
        "platform": "lazada",
        "country": "TH",
        "submitted_at": "2026-03-02T10:15:00+07:00",
        "channel": "ipp_account",
        "complaint_type": "product_listing",
        "reason": "counterfeit",
        "complainant": {
            "kind": "business",
            "role": "rights_holder",
            "location": "other",
            "identity_verified": True,
            "good_faith_member": False,
        },
        "right": {
            "id": "TM-1",
            "type": "trademark",
            "status": "authenticated",
            "jurisdiction": "TH",
            "designations": [],
            "registration_number": "181100123",
            "nice_classes": [25],
            "similar_groups": [],
            "valid_from": "2018-01-10",
            "valid_until": "2028-01-09",
            "language": "th",
            "documents": [
                {"kind": "registration_certificate"},
                {"kind": "translation", "language": "en"},
            ],
        },
        "listings": [
            {
                "url": "https://www.lazada.co.th/products/example-i123456789-s987654321.html",
                "nice_class": 25,
            },
            {
                "url": "https://www.lazada.co.th/products/polo-shirt-i223456789-s887654321.html",
                "nice_class": 25,
                "category": "Men's Clothing > Polo Shirts",
            },
        ],
        "evidence": [
            {
                "kind": "description",
                "text": "Logo stitching and label differ from the genuine product.",
            },
            {"kind": "comparison_image", "reference": "comparison-polo-2026-03.pdf"},
        ],
    }


@pytest.fixture
def taobao_agent() -> dict[str, Any]:
    """A Shenzhen IP agency reports copies of a patented kettle on Taobao for its client."""
    return {
        "platform": "taobao",
        "submitted_at": "2026-04-14T09:30:00+08:00",
        "channel": "online_form",
        "complaint_type": "product_listing",
        "reason": "patent_infringement",
        "complainant": {
            "kind": "business",
            "role": "authorized_agent",
            "location": "mainland_china",
            "identity_verified": True,
            "authorization": {
                "document": "letter_of_authorization",
                "valid_from": "2025-06-01",
                "valid_until": "2027-05-31",
                "rights": ["CN-UM-2019-01"],
            },
        },
        "right": {
            "id": "CN-UM-2019-01",
            "type": "patent",
            "patent_kind": "utility_model",
            "status": "authenticated",
            "jurisdiction": "CN",
            "registration_number": "ZL201920123456.7",
            "filed_on": "2019-03-18",
            "valid_from": "2019-03-18",
            "valid_until": "2029-03-17",
            "language": "zh",
            "documents": [
                {"kind": "registration_certificate"},
                {"kind": "patent_evaluation_report", "conclusion": "positive"},
            ],
        },
        "listings": [
            {
                "url": "https://item.taobao.com/item.htm?id=680012345678",
                "category": "Kitchen Appliances > Electric Kettles",
            },
            {
                "url": "https://item.taobao.com/item.htm?spm=a1z10&id=680087654321",
                "category": "Kitchen Appliances > Electric Kettles",
            },
        ],
        "evidence": [
            {"kind": "claim_chart", "reference": "claim-chart-CN-UM-2019-01.xlsx"},
            {"kind": "test_buy_report", "order_number": "3190045512345678", "signed": True},
        ],
    }
