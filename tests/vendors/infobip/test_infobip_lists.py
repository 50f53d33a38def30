"""Infobip campaign and brand lists: every filter, 0-based paging, sort, and the 400s of bad query values."""

from __future__ import annotations

import pytest
from infobip_helpers import (
    BRANDS,
    CAMPAIGNS,
    DRAFT_BRAND,
    SAMPLE_NUMBER,
    SAMPLE_NUMBER_KEY,
    SEED_BRAND,
    advance,
    auth,
    brand_body,
    created,
    register,
    validation_errors,
)

from sandbox.vendors.infobip.schemas import CAMPAIGN_TYPES


def listed(client, query=""):
    response = client.get(f"{CAMPAIGNS}{query}", headers=auth())
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def names(client, query=""):
    return [campaign["name"] for campaign in listed(client, query)["results"]]


@pytest.fixture
def three(client):
    """Alpha (seed brand, seed number, registered), Beta (draft brand, sample number), gamma (no number)."""
    alpha = created(client, name="Alpha promo", referenceId="ref-a")
    advance(client, 10)
    beta = created(client, name="Beta", brandId=DRAFT_BRAND, numbers=None, numberKeys=[SAMPLE_NUMBER_KEY])
    advance(client, 10)
    gamma = created(client, name="gamma PROMO", numbers=None, referenceId="ref-c")
    advance(client, 10)
    register(client, alpha["id"])
    return alpha, beta, gamma


def test_an_empty_list_has_the_page_envelope(client):
    assert listed(client) == {
        "results": [],
        "paging": {"page": 0, "size": 20, "totalPages": 0, "totalResults": 0},
    }


def test_the_list_shows_campaigns_as_get_does_in_creation_order(client, three):
    body = listed(client)
    assert [c["id"] for c in body["results"]] == [c["id"] for c in three]
    assert body["paging"] == {"page": 0, "size": 20, "totalPages": 1, "totalResults": 3}
    shown = client.get(f"{CAMPAIGNS}/{three[1]['id']}", headers=auth()).get_json()
    assert body["results"][1] == shown


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?brandId=" + SEED_BRAND, ["Alpha promo", "gamma PROMO"]),
        ("?brandId=" + DRAFT_BRAND, ["Beta"]),
        ("?type=TEN_DIGIT_LONG_CODE", ["Alpha promo", "Beta", "gamma PROMO"]),
        ("?nameLike=promo", ["Alpha promo", "gamma PROMO"]),
        ("?nameLike=ETA", ["Beta"]),
        ("?referenceId=ref-c", ["gamma PROMO"]),
        ("?referenceId=ref-a&referenceId=ref-c", ["Alpha promo", "gamma PROMO"]),
        ("?stage=DRAFT", ["Beta", "gamma PROMO"]),
        ("?stage=SUBMITTED_FOR_REVIEW", ["Alpha promo"]),
        ("?stage=DRAFT&stage=SUBMITTED_FOR_REVIEW", ["Alpha promo", "Beta", "gamma PROMO"]),
        ("?number=" + SAMPLE_NUMBER, ["Beta"]),
        ("?number=41785473249&number=" + SAMPLE_NUMBER, ["Alpha promo", "Beta"]),
        ("?number=19999999999", []),
        ("?nameLike=promo&stage=DRAFT", ["gamma PROMO"]),
        ("?unknownFilter=1", ["Alpha promo", "Beta", "gamma PROMO"]),
    ],
)
def test_filters_match_and_combine(client, three, query, expected):
    assert names(client, query) == expected


def test_the_id_filter_is_repeatable(client, three):
    alpha, _, gamma = three
    assert names(client, f"?id={gamma['id']}&id={alpha['id']}&id=nope") == ["Alpha promo", "gamma PROMO"]


def test_pages_are_zero_based(client, three):
    first = listed(client, "?size=2")
    assert [c["name"] for c in first["results"]] == ["Alpha promo", "Beta"]
    assert first["paging"] == {"page": 0, "size": 2, "totalPages": 2, "totalResults": 3}
    second = listed(client, "?size=2&page=1")
    assert [c["name"] for c in second["results"]] == ["gamma PROMO"]
    assert listed(client, "?size=2&page=5")["results"] == []
    assert listed(client, "?page=2147483647")["results"] == []


@pytest.mark.parametrize(("query", "page"), [("?page=+1", 1), ("?page=" + "0" * 5000 + "1", 1), ("?page=-0", 0)])
def test_a_page_number_may_carry_a_sign_and_leading_zeros(client, three, query, page):
    assert listed(client, query)["paging"]["page"] == page


@pytest.mark.parametrize("size", ["1", "2000"])
def test_size_at_its_limits_is_accepted(client, three, size):
    assert listed(client, f"?size={size}")["paging"]["size"] == int(size)


@pytest.mark.parametrize(
    ("query", "errors"),
    [
        ("?size=-1", {"size": ["must be between 0 and 2000"]}),
        ("?size=2001", {"size": ["must be between 0 and 2000"]}),
        ("?size=ten", {"size": ["must be an integer"]}),
        ("?page=-1", {"page": ["must be between 0 and 2147483647"]}),
        ("?page=2147483648", {"page": ["must be between 0 and 2147483647"]}),
        ("?page=" + "9" * 5000, {"page": ["must be between 0 and 2147483647"]}),
        ("?page=1.5", {"page": ["must be an integer"]}),
        ("?page=", {"page": ["must be an integer"]}),
        ("?page=--5", {"page": ["must be an integer"]}),
        ("?page=%C2%B2", {"page": ["must be an integer"]}),  # "²": a digit to str.isdigit(), not to int()
        ("?size=%D9%A3", {"size": ["must be an integer"]}),  # Arabic-Indic three: ASCII digits only
        ("?page=0x10", {"page": ["must be an integer"]}),
        ("?sort=budget,asc", {"sort": ["property must be one of [id, name, type, createdDate, lastModifiedDate]"]}),
        ("?sort=name,sideways", {"sort": ["direction must be asc or desc"]}),
        ("?type=LONG_CODE", {"type": [f"must be one of [{', '.join(CAMPAIGN_TYPES)}]"]}),
    ],
)
def test_bad_paging_sort_and_filter_values_are_400(client, query, errors):
    assert validation_errors(client.get(f"{CAMPAIGNS}{query}", headers=auth())) == errors


def test_an_unknown_stage_filter_is_400(client):
    errors = validation_errors(client.get(f"{CAMPAIGNS}?stage=LIVE", headers=auth()))
    assert list(errors) == ["stage"] and errors["stage"][0].startswith("must be one of [DRAFT, SUBMITTED_FOR_REVIEW")


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["Alpha promo", "Beta", "gamma PROMO"]),
        ("name,desc", ["gamma PROMO", "Beta", "Alpha promo"]),
        ("createdDate,desc", ["gamma PROMO", "Beta", "Alpha promo"]),
        ("createdDate,ASC", ["Alpha promo", "Beta", "gamma PROMO"]),
        ("lastModifiedDate,desc", ["Alpha promo", "gamma PROMO", "Beta"]),  # register touched Alpha last
        ("type,asc&sort=name,desc", ["gamma PROMO", "Beta", "Alpha promo"]),
    ],
)
def test_sort_by_each_property_and_direction(client, three, sort, expected):
    assert names(client, f"?sort={sort}") == expected


def test_sort_by_id(client, three):
    ids = [c["id"] for c in listed(client, "?sort=id,desc")["results"]]
    assert ids == sorted((c["id"] for c in three), reverse=True)


def test_another_accounts_campaigns_are_not_listed(client, three):
    response = client.get(CAMPAIGNS, headers=auth("test-infobip-list-other-0001"))
    assert response.get_json()["paging"]["totalResults"] == 0


def test_brands_list_with_paging_filters_and_sort(client):
    response = client.get(f"{BRANDS}?sort=name,asc&size=2", headers=auth())
    body = response.get_json()
    assert [b["name"] for b in body["results"]] == ["Corner Bakery", "Examples Warehouse"]
    assert body["paging"] == {"page": 0, "size": 2, "totalPages": 2, "totalResults": 3}
    assert client.get(f"{BRANDS}?nameLike=BAKERY", headers=auth()).get_json()["paging"]["totalResults"] == 1
    by_reference = client.get(f"{BRANDS}?referenceId=corner-bakery&referenceId=examples-warehouse", headers=auth())
    assert {b["id"] for b in by_reference.get_json()["results"]} == {SEED_BRAND, DRAFT_BRAND}
    assert validation_errors(client.get(f"{BRANDS}?sort=budget", headers=auth())) == {
        "sort": ["property must be one of [id, name, type, createdDate, lastModifiedDate]"]
    }


def test_brands_filter_and_sort_by_type(client):
    """The client's getBrands sends ``type`` filters and sorts on ``type`` [client NumbersApi.getBrands]."""
    public = {"stockExchange": "NYSE", "stockSymbol": "AAA", "businessContactEmail": "cfo@a.example.com"}
    body = {**brand_body(name="Aardvark Public"), "type": "TENDLC_PUBLIC_COMPANY", **public}
    assert client.post(BRANDS, json=body, headers=auth()).status_code == 201
    found = client.get(f"{BRANDS}?type=TENDLC_PUBLIC_COMPANY", headers=auth()).get_json()["results"]
    assert [b["name"] for b in found] == ["Aardvark Public"]
    ordered = client.get(f"{BRANDS}?sort=type,desc&sort=name", headers=auth()).get_json()["results"]
    assert ordered[0]["type"] == "TENDLC_PUBLIC_COMPANY"
    assert validation_errors(client.get(f"{BRANDS}?type=PRIVATE_PROFIT", headers=auth())) == {
        "type": ["must be one of [TENDLC_NON_PROFIT, TENDLC_PRIVATE_COMPANY, TENDLC_PUBLIC_COMPANY, TENDLC_GOVERNMENT]"]
    }


def test_a_size_of_zero_counts_without_listing(client, three):
    """``size`` is 0..2000 [client NumbersApi.getCampaigns]: 0 answers the totals and no results."""
    body = client.get(f"{CAMPAIGNS}?size=0", headers=auth()).get_json()
    assert body == {"results": [], "paging": {"page": 0, "size": 0, "totalPages": 0, "totalResults": 3}}
