"""Requests take exactly the official client's enum values, and its body-less POSTs as it sends them.

The answers are checked against the client's models by ``conftest.client_contract``; these tests hold the
request side to the same models: every value the client can send is accepted, and the values a refusal lists
are the client's, no more and no fewer (a value dropped from or added to the sandbox's lists fails here).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from infobip_contract import _models
from infobip_helpers import (
    BASE,
    BRANDS,
    CAMPAIGNS,
    DAY,
    DRAFT_BRAND,
    advance,
    auth,
    brand_body,
    campaign_body,
    created,
    public_brand_body,
    stage,
    validation_errors,
)

# [client NumbersCampaignType]: the list filter takes all seven, though only three have a model.
CAMPAIGN_TYPES = (
    "TEN_DIGIT_LONG_CODE", "EXTERNAL_TEN_DIGIT_LONG_CODE", "SHORT_CODE", "DCA2_TEN_DIGIT_LONG_CODE",
    "TOLL_FREE_NUMBER", "TOLL_FREE_UNIFIED_NUMBER", "TOLL_FREE_EXTERNALLY_VERIFIED",
)  # fmt: skip
EMPTY_JSON = {"Content-Type": "application/json"}  # the client's body-less POSTs: no body, a JSON type [client]


def _brand_model(brand_type: str) -> dict[str, Any]:
    return next(sub for sub in _models()["$defs"]["Brand"]["oneOf"] if sub["properties"]["type"]["const"] == brand_type)


def _values(enum: list[Any]) -> list[str]:
    return [value for value in enum if value is not None]


def _ten_dlc() -> dict[str, Any]:
    return dict(_models()["$defs"]["Campaign"]["oneOf"][0]["properties"])


VERTICALS = _values(_brand_model("TENDLC_PRIVATE_COMPANY")["properties"]["vertical"]["enum"])
STOCK_EXCHANGES = _values(_brand_model("TENDLC_PUBLIC_COMPANY")["properties"]["stockExchange"]["enum"])
BRAND_TYPES = [sub["properties"]["type"]["const"] for sub in _models()["$defs"]["Brand"]["oneOf"]]
USE_CASES = _values(_ten_dlc()["useCases"]["items"]["enum"])
STAGES = _values(_ten_dlc()["stage"]["enum"])
BUSINESS_ID_TYPES = _values(_models()["$defs"]["BusinessIdentifier"]["properties"]["type"]["enum"])


def listed_values(errors: dict[str, list[str]], field: str) -> set[str]:
    """The values a refusal's "must be one of [A, B, ...]" names."""
    found = re.fullmatch(r"must be one of \[(.*)\]", errors[field][0])
    assert found, errors
    return set(found.group(1).split(", "))


def test_the_models_hold_the_clients_enums() -> None:
    """The sizes the client document gives, and the values issue 11 names, are in the models read here."""
    assert (len(VERTICALS), len(STOCK_EXCHANGES), len(USE_CASES), len(STAGES)) == (23, 26, 11, 19)
    assert "M2M" in USE_CASES and "PAUSED" in STAGES and "POLITICAL" in VERTICALS and "OTHER" in STOCK_EXCHANGES


@pytest.mark.parametrize(
    ("method", "path", "body", "field", "expected"),
    [
        ("POST", BRANDS, brand_body(vertical="RETAIL"), "vertical", VERTICALS),
        ("POST", BRANDS, public_brand_body(stockExchange="NYSE_ARCA"), "stockExchange", STOCK_EXCHANGES),
        # The body's discriminator also names TOLL_FREE_NUMBER (NumbersTollFreeBrand), answered 501.
        ("POST", BRANDS, brand_body(type="SOLE_PROPRIETOR"), "type", [*BRAND_TYPES, "TOLL_FREE_NUMBER"]),
        ("POST", BRANDS, brand_body(alternateBusinessId={"type": "EIN", "id": "1"}), "alternateBusinessId.type",
         BUSINESS_ID_TYPES),
        ("POST", CAMPAIGNS, campaign_body(useCases=["MARKETING"]), "useCases[0]", USE_CASES),
        ("GET", f"{CAMPAIGNS}?stage=LIVE", None, "stage", STAGES),
        ("GET", f"{CAMPAIGNS}?type=TEN_DLC", None, "type", list(CAMPAIGN_TYPES)),
        ("GET", f"{BRANDS}?type=PRIVATE_COMPANY", None, "type", BRAND_TYPES),
    ],
)  # fmt: skip
def test_a_refusal_lists_exactly_the_clients_values(client, method, path, body, field, expected) -> None:
    response = client.open(path, method=method, json=body, headers=auth())
    assert listed_values(validation_errors(response), field) == set(expected)


def test_every_vertical_of_the_client_is_accepted(client) -> None:
    for vertical in VERTICALS:
        response = client.post(BRANDS, json=brand_body(vertical=vertical), headers=auth())
        assert response.status_code == 201 and response.get_json()["vertical"] == vertical, response.get_json()


def test_every_stock_exchange_of_the_client_is_accepted(client) -> None:
    for exchange in STOCK_EXCHANGES:
        response = client.post(BRANDS, json=public_brand_body(stockExchange=exchange), headers=auth())
        assert response.status_code == 201 and response.get_json()["stockExchange"] == exchange, response.get_json()


def test_every_use_case_of_the_client_is_accepted_m2m_included(client) -> None:
    assert created(client, useCases=["M2M"])["useCases"] == ["M2M"]
    for start in range(0, len(USE_CASES), 5):
        assert created(client, useCases=USE_CASES[start : start + 5])["useCases"] == USE_CASES[start : start + 5]


def test_every_stage_and_type_of_the_client_filters_the_campaign_list(client) -> None:
    for query in [f"stage={value}" for value in STAGES] + [f"type={value}" for value in CAMPAIGN_TYPES]:
        response = client.get(f"{CAMPAIGNS}?{query}", headers=auth())
        assert response.status_code == 200, (query, response.get_json())
    assert client.get(f"{CAMPAIGNS}?stage=PAUSED", headers=auth()).get_json()["results"] == []  # nothing leads there


def test_body_less_posts_take_an_empty_body_with_a_json_type(client) -> None:
    """register, deregister and number-pool/detach, as the client sends them [client]."""
    empty = {**auth(), **EMPTY_JSON}
    assert client.post(f"{BRANDS}/{DRAFT_BRAND}/register", data=b"", headers=empty).status_code == 202
    campaign_id = created(client)["id"]
    assert client.post(f"{CAMPAIGNS}/{campaign_id}/number-pool/attach", json={}, headers=auth()).status_code == 204
    assert client.post(f"{CAMPAIGNS}/{campaign_id}/number-pool/detach", data=b"", headers=empty).status_code == 204
    assert client.post(f"{CAMPAIGNS}/{campaign_id}/register", data=b"", headers=empty).status_code == 202
    advance(client, 5 * DAY)
    assert stage(client, campaign_id) == "REGISTERED"
    assert client.post(f"{CAMPAIGNS}/{campaign_id}/deregister", data=b"", headers=empty).status_code == 202
    assert stage(client, campaign_id) == "REGISTERED_PENDING_DEREGISTRATION"
    assert client.get(f"{BASE}/number-pools?availability=IN_USE", headers=auth()).get_json()["results"] == []
